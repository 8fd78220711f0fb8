import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The compiled script `name` (a sibling .js of the calling module, whose `import.meta.url` is `from`) for a
 * worker thread. Under a TypeScript test runner the caller is the .ts source, which a worker cannot load:
 * the build's copy under dist/ is used then, and undefined is returned if there is no build (callers then
 * do the work in their own thread), as it is when the compiled script is missing from an install. `npm test`
 * builds first; a test run without a fresh build runs the workers' code from the previous build.
 */
export function workerScript(name: string, from: string): URL | undefined {
  const here = new URL(name, from);
  if (!from.endsWith('.ts')) return existsSync(fileURLToPath(here)) ? here : undefined;
  let dir = dirname(fileURLToPath(from));
  const rel: string[] = [];
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    rel.unshift(basename(dir));
    dir = up;
  }
  const built = join(dir, 'dist', ...rel, name);
  return existsSync(built) ? pathToFileURL(built) : undefined;
}

/** Worker threads to start by default: one per core beyond the calling thread's, at most `max`. */
export function spareCores(max = 4): number {
  return Math.max(0, Math.min(max, availableParallelism() - 1));
}
