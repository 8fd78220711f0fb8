import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subject } from '../../../contracts/index.js';
import {
  importFile,
  matchQuery,
  openSqliteConnector,
  parseMapping,
  type SqliteConnector,
} from '../../../connectors/index.js';
import { type DatasetSearch, MatchPool } from '../../../gateway/responder/match-pool.js';
import { type RecordFilterPlan, recordPasses } from '../../../policies/index.js';

// Real SQLite file, real worker thread (the build's compiled match-worker.js, as `npm test` builds first).
const dir = mkdtempSync(join(tmpdir(), 'mosaic-match-pool-'));
const path = join(dir, 'records.db');
const MAPPING = parseMapping(`kind: person
id: id
defaultRegion: RO
fields: { givenName: given, familyName: family, birthDate: dob, phone: phone }
meta:
  flags: { victim: victim }
`);
const csv = (rows: string[]) => {
  const f = join(dir, `p${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(f, `id,given,family,dob,phone,victim\n${rows.join('\n')}\n`);
  return f;
};
const ROWS = [
  'p1,Ionuț,Popescu,1981-03-04,0721 234 567,no',
  'p2,Ionut,Popesku,1981-03-04,,yes',
  'p3,Maria,Ionescu,1990-11-23,0721 000 111,no',
  'p4,Йонуц,Попеску,1981-04-03,,no',
  'p5,Ana,Dumitru,1975-01-01,0721 234 567,no',
];
const NONE: RecordFilterPlan = { releaseNothing: false, withhold: [] };
const NO_VICTIMS: RecordFilterPlan = { releaseNothing: false, withhold: [{ withFlags: ['victim'] }] };
const SUBJECTS: Subject[] = [
  { kind: 'person', selectors: { fullName: 'Ionut Popescu', birthDate: '1981-03-04' } },
  { kind: 'person', selectors: { fullName: 'Maria Ionescu' } },
  { kind: 'phone', selectors: { number: '+40721234567' } },
  { kind: 'person', selectors: { givenName: 'Nobody', familyName: 'Atall', birthDate: '2001-01-01' } },
];

let db: SqliteConnector;
let pool: MatchPool;
beforeAll(() => {
  db = openSqliteConnector(path);
  importFile({ db, file: csv(ROWS), dataset: 'persons', mapping: MAPPING });
  pool = MatchPool.open({ path }, 1)!;
});
afterAll(async () => {
  await pool?.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const here = async (subject: Subject, filter: RecordFilterPlan, now: number) =>
  (
    await matchQuery(db, subject, {
      datasets: ['persons'],
      maxHits: 10,
      minScore: 0.3,
      recordFilter: (r) => recordPasses(filter, r, now),
    })
  ).hits;
/** A plain search of the first subject (or `over` it) through pool `p`. */
const ask = (p: MatchPool, over: Partial<DatasetSearch> = {}) =>
  p.match({
    subject: SUBJECTS[0]!,
    dataset: 'persons',
    maxHits: 1,
    minScore: 0,
    recordFilter: NONE,
    now: 0,
    ...over,
  });
const there = (subject: Subject, filter: RecordFilterPlan, now: number) =>
  pool.match({ subject, dataset: 'persons', maxHits: 10, minScore: 0.3, recordFilter: filter, now });

describe('MatchPool', () => {
  it('runs on a worker thread and answers exactly what the event-loop thread would', async () => {
    expect(pool.size).toBe(1);
    const now = Date.parse('2026-11-29T00:00:00Z');
    let hits = 0;
    for (const subject of SUBJECTS) {
      for (const filter of [NONE, NO_VICTIMS]) {
        const expected = await here(subject, filter, now);
        expect(await there(subject, filter, now)).toEqual(expected);
        hits += expected.length;
      }
    }
    expect(hits).toBeGreaterThan(4);
  });

  it('applies the policy record filter on the worker', async () => {
    const now = Date.now();
    const all = await there(SUBJECTS[0]!, NONE, now);
    const safe = await there(SUBJECTS[0]!, NO_VICTIMS, now);
    expect(all.map((h) => h.ref.id)).toContain('p2');
    expect(safe.map((h) => h.ref.id)).not.toContain('p2');
    expect(safe.length).toBe(all.length - 1);
  });

  it('keeps the coded errors of the search', async () => {
    await expect(ask(pool, { dataset: 'nope', maxHits: 5 })).rejects.toMatchObject({
      code: 'MOSAIC_ERR_CONNECTOR_UNKNOWN_DATASET',
      detail: 'nope',
    });
    await expect(
      ask(pool, { subject: { kind: 'person', selectors: { fullName: '' } } as Subject, maxHits: 5 }),
    ).rejects.toMatchObject({ code: 'MOSAIC_ERR_MATCH_SUBJECT_INVALID' });
  });

  it('sees records committed after it started (its cache follows the file)', async () => {
    const subject: Subject = {
      kind: 'person',
      selectors: { fullName: 'Zenovia Vasilescu', birthDate: '1966-06-06' },
    };
    expect(await there(subject, NONE, 0)).toEqual([]);
    importFile({
      db,
      file: csv(['p9,Zenovia,Vasilescu,1966-06-06,,no']),
      dataset: 'persons',
      mapping: MAPPING,
    });
    expect((await there(subject, NONE, 0)).map((h) => h.ref.id)).toEqual(['p9']);
  });

  it('refuses work once closed, and 0 workers means no pool', async () => {
    expect(MatchPool.open({ path }, 0)).toBeUndefined();
    const p = MatchPool.open({ path }, 1)!;
    await p.close();
    await expect(ask(p)).rejects.toMatchObject({ code: 'MOSAIC_ERR_CONNECTOR_UNAVAILABLE' });
  });

  it('rejects a request in flight when closed, instead of leaving it pending', async () => {
    const p = MatchPool.open({ path }, 1)!;
    const inFlight = ask(p);
    const refused = expect(inFlight).rejects.toMatchObject({
      code: 'MOSAIC_ERR_CONNECTOR_UNAVAILABLE',
      detail: 'closed',
    });
    await p.close();
    await refused;
  });

  it('gives up on workers that keep failing, and says so, rather than respawning them for ever', async () => {
    const failures: string[] = [];
    const p = MatchPool.open({ path: join(dir, 'no-such-dir', 'records.db') }, 1, (d) => failures.push(d))!;
    const first = ask(p);
    await expect(first).rejects.toMatchObject({ code: 'MOSAIC_ERR_CONNECTOR_UNAVAILABLE' });
    const deadline = Date.now() + 10_000;
    while (p.usable && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(p.usable).toBe(false);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.at(-1)).toMatch(/giving up/);
    await p.close();
  });
});
