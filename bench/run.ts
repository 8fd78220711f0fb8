/**
 * Benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- NAME` runs one. Each benchmark is a
 * standalone script `bench/NAME.ts` that measures Mosaic next to a baseline in the same run and prints, as its
 * last line, one JSON object with its figures. Each runs in its own process so one cannot warm up another.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n# bench ${name}`);
  const res = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.js`)], { stdio: 'inherit' });
  if (res.status !== 0) {
    failed++;
    console.error(`bench ${name} exited with ${res.status ?? res.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
