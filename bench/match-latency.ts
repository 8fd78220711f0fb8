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

const N = Number(process.env['MOSAIC_BENCH_RECORDS'] ?? 1_000_000);
const QUERIES = Number(process.env['MOSAIC_BENCH_QUERIES'] ?? 300);
const SCANS = 5;

// mulberry32: small, seeded, good enough for test data.
let seed = 0x5eed1234;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

interface Locale {
  given: string[];
  syll: string[];
  suffix: string[];
  region: string;
  cc: string;
}
const LOCALES: Locale[] = [
  {
    given: [
      'Ionuț',
      'Andrei',
      'Maria',
      'Elena',
      'Mihai',
      'Ștefan',
      'Ioana',
      'Alexandru',
      'Vasile',
      'Ana',
      'Cristina',
      'Florin',
    ],
    syll: [
      'pop',
      'ion',
      'dum',
      'stan',
      'stoi',
      'mun',
      'tea',
      'rus',
      'ghe',
      'con',
      'mar',
      'vla',
      'bo',
      'tur',
      'ca',
    ],
    suffix: ['escu', 'eanu', 'ache', 'u', 'ea', 'ici'],
    region: 'RO',
    cc: '+4072',
  },
  {
    given: ['Олександр', 'Іван', 'Олена', 'Наталія', 'Сергій', 'Юлія', 'Дмитро', 'Андрій', 'Ірина', 'Тарас'],
    syll: ['ко', 'ва', 'лен', 'шев', 'бон', 'дар', 'ткач', 'крав', 'мель', 'ник', 'ру', 'са', 'гор', 'зу'],
    suffix: ['енко', 'ук', 'чук', 'ський', 'ова', 'ин'],
    region: 'UA',
    cc: '+38067',
  },
  {
    given: ['Γιώργος', 'Μαρία', 'Νίκος', 'Ελένη', 'Δημήτρης', 'Κατερίνα', 'Γιάννης', 'Σοφία'],
    syll: ['πα', 'πα', 'δο', 'νι', 'κο', 'λα', 'γε', 'ωρ', 'βα', 'σι', 'λει', 'μα', 'κρη'],
    suffix: ['πουλος', 'πουλου', 'ου', 'ακης', 'ιδης', 'ας'],
    region: 'GR',
    cc: '+3069',
  },
  {
    given: ['محمد', 'أحمد', 'فاطمة', 'علي', 'حسن', 'خالد', 'مريم', 'يوسف', 'عمر', 'ليلى'],
    syll: ['عب', 'د', 'ال', 'حس', 'خل', 'يل', 'حد', 'اد', 'نص', 'ر', 'سل', 'يم', 'قا', 'سم'],
    suffix: ['ي', 'ان', 'ون', ''],
    region: 'MA',
    cc: '+2126',
  },
  {
    given: ['John', 'Robert', 'Mary', 'James', 'Elizabeth', 'William', 'Sarah', 'Michael', 'Emma', 'David'],
    syll: ['smi', 'jo', 'bro', 'tay', 'wil', 'dav', 'ev', 'tho', 'rob', 'wal', 'whi', 'har', 'ma', 'ken'],
    suffix: ['th', 'nes', 'wn', 'lor', 'son', 'ers', 'ley', 'ton', 'ford'],
    region: 'GB',
    cc: '+447',
  },
  {
    given: ['José', 'María', 'Carmen', 'Javier', 'Lucía', 'Pablo', 'Marta', 'Diego'],
    syll: ['gar', 'ci', 'rod', 'ri', 'mar', 'tin', 'lo', 'pe', 'san', 'go', 'fer', 'nan', 'her'],
    suffix: ['ez', 'a', 'es', 'o', 'ado'],
    region: 'ES',
    cc: '+346',
  },
  {
    given: ['Piotr', 'Anna', 'Krzysztof', 'Agnieszka', 'Tomasz', 'Katarzyna', 'Paweł', 'Małgorzata'],
    syll: ['ko', 'wal', 'now', 'wiś', 'wój', 'kam', 'lew', 'zie', 'szym', 'woź', 'dąb', 'ma'],
    suffix: ['ski', 'ska', 'czyk', 'ak', 'ek', 'owicz'],
    region: 'PL',
    cc: '+4860',
  },
];
const GENERIC_PHONES = Array.from({ length: 20 }, (_, i) => `+40 21 555 ${String(1000 + i)}`);

interface Person {
  id: string;
  given: string;
  family: string;
  dob: string;
  phone: string;
}

function person(i: number): Person {
  const loc = pick(LOCALES);
  const n = 1 + Math.floor(rnd() * 3);
  let family = '';
  for (let k = 0; k < n; k++) family += pick(loc.syll);
  family += pick(loc.suffix);
  family = family.charAt(0).toUpperCase() + family.slice(1);
  const y = 1950 + Math.floor(rnd() * 55);
  const m = 1 + Math.floor(rnd() * 12);
  const d = 1 + Math.floor(rnd() * 28);
  const p2 = (x: number) => String(x).padStart(2, '0');
  const phone =
    rnd() < 0.02 ? pick(GENERIC_PHONES) : `${loc.cc}${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`;
  let given = pick(loc.given);
  if (rnd() < 0.1) given = typo(given);
  return { id: `p${i}`, given, family, dob: `${y}-${p2(m)}-${p2(d)}`, phone };
}

function typo(s: string): string {
  if (s.length < 4) return s;
  const i = 1 + Math.floor(rnd() * (s.length - 2));
  const r = rnd();
  if (r < 0.4) return s.slice(0, i) + s.slice(i + 1); // deletion
  if (r < 0.7) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2); // transposition
  return s.slice(0, i) + s[i] + s.slice(i); // doubling
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

async function main(): Promise<void> {
  seed = 0x5eed1234;
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
    seed = 0x5eed1234;
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
