/**
 * bench/match-latency: fuzzy person search through blocking keys (matchQuery on the SQLite connector) next
 * to a brute-force Jaro-Winkler scan over the same names, in one run on one machine.
 *
 * - Generates N synthetic persons (MOSAIC_BENCH_RECORDS, default 1,000,000) with a seeded generator:
 *   Romanian, English, Spanish, Polish names in Latin script, Ukrainian in Cyrillic, Greek, Arabic;
 *   ~10 % carry a typo; ~2 % share one of 20 generic phones (a shelter, a hotline).
 * - Imports them through the real path (CSV file → importFile → SQLite) and reports records/s.
 * - Runs Q fuzzy queries (a record's name with a typo, its birth date sometimes typed day/month swapped)
 *   and reports p50/p95 latency; then scans all N folded names with Jaro-Winkler for a few of the same
 *   queries (median ms).
 * The last line is one JSON object with the figures.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile, matchQuery, openSqliteConnector, parseMapping } from '../connectors/index.js';
import { foldText, jaroWinkler } from '../matching/index.js';
import { type Person, person, reseed, typo } from './lib/persons.js';

const N = Number(process.env['MOSAIC_BENCH_RECORDS'] ?? 1_000_000);
const QUERIES = Number(process.env['MOSAIC_BENCH_QUERIES'] ?? 300);
const SCANS = 5;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

async function main(): Promise<void> {
  reseed();
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-'));
  try {
    const csv = join(dir, 'persons.csv');
    const fd = openSync(csv, 'w');
    writeSync(fd, 'id,given,family,dob,phone\n');
    const sample: Person[] = [];
    const every = Math.max(1, Math.floor(N / QUERIES));
    let buf = '';
    for (let i = 0; i < N; i++) {
      const p = person(i);
      if (i % every === 0 && sample.length < QUERIES) sample.push(p);
      buf += `${p.id},${p.given},${p.family},${p.dob},${p.phone}\n`;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
    closeSync(fd);

    const mem = (phase: string) =>
      console.error(
        `${phase}: rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB heap ${Math.round(process.memoryUsage().heapTotal / 2 ** 20)} MB`,
      );
    mem('generated');
    const db = openSqliteConnector(join(dir, 'bench.db'));
    const mapping = parseMapping(
      'kind: person\nid: id\ndefaultRegion: RO\nfields:\n  givenName: given\n  familyName: family\n  birthDate: dob\n  phone: phone\n',
    );
    const t0 = performance.now();
    let lastPct = -1;
    const report = importFile({ db, file: csv, dataset: 'bench', mapping }, (p) => {
      const pct = Math.floor((100 * p.bytesRead) / p.totalBytes);
      if (pct >= lastPct + 10) {
        lastPct = pct;
        console.error(`import ${pct}% ${p.rows} rows ${Math.round(p.rowsPerSecond)}/s`);
        mem('importing');
      }
    });
    const importSecs = (performance.now() - t0) / 1000;
    mem('imported');
    const importRps = report.inserted / importSecs;
    console.log(
      `imported ${report.inserted} records in ${importSecs.toFixed(1)} s (${Math.round(importRps)}/s)`,
    );

    // Fuzzy queries: typo in the family name; a third with day and month swapped (ambiguous order).
    const queries = sample.map((p, i) => {
      const [y, m, d] = p.dob.split('-');
      const dob = i % 3 === 0 && Number(d) <= 12 ? `${d}/${m}/${y}` : p.dob;
      return {
        kind: 'person' as const,
        selectors: { givenName: p.given, familyName: typo(p.family), birthDate: dob },
      };
    });
    for (const q of queries.slice(0, 20)) await matchQuery(db, q, { maxHits: 10 });
    const lat: number[] = [];
    let found = 0;
    for (let i = 0; i < queries.length; i++) {
      const t = performance.now();
      const r = await matchQuery(db, queries[i]!, { maxHits: 10 });
      lat.push(performance.now() - t);
      if (r.hits.some((h) => h.ref.id === sample[i]!.id)) found++;
    }
    const p50 = quantile(lat, 0.5);
    const p95 = quantile(lat, 0.95);
    console.log(
      `queries ${queries.length}: p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, found ${found}`,
    );

    // The same names again, from the same seed, for the baseline: built after the import so that the
    // import's peak memory and the scan's array do not add up.
    reseed();
    const names: string[] = new Array(N);
    for (let i = 0; i < N; i++) {
      const p = person(i);
      names[i] = foldText(`${p.given} ${p.family}`);
    }
    mem('names');
    const scans: number[] = [];
    for (let s = 0; s < SCANS; s++) {
      const q = queries[s]!.selectors;
      const qn = foldText(`${q.givenName} ${q.familyName}`);
      const t = performance.now();
      let best = 0;
      for (let i = 0; i < names.length; i++) {
        const v = jaroWinkler(qn, names[i]!);
        if (v > best) best = v;
      }
      scans.push(performance.now() - t);
    }
    const scanMs = quantile(scans, 0.5);
    console.log(`brute-force Jaro-Winkler scan of ${N} names: ${scanMs.toFixed(0)} ms (median of ${SCANS})`);
    db.close();
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      JSON.stringify({
        bench: 'match-latency',
        p95_ms: Math.round(p95 * 100) / 100,
        scan_ms: Math.round(scanMs),
        ratio: Math.round((p95 / scanMs) * 10000) / 10000,
        import_rps: Math.round(importRps),
        rss_mb: Math.round(rssMb),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
