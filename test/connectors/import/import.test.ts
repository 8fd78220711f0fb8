import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ImportProgress,
  importFile,
  matchQuery,
  openSqliteConnector,
  parseMapping,
} from '../../../connectors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const db = () => openSqliteConnector(join(dir, `i${n++}.db`));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const MAPPING = parseMapping(`
kind: person
id: case_id
defaultRegion: RO
dateOrder: dmy
fields:
  givenName: first
  familyName: last
  birthDate: dob
  phone: tel
  address: [street, town]
meta:
  recordedAt: recorded
  sensitivity: { const: high }
  flags:
    victim: is_victim
links:
  - kind: phone
    type: uses-phone
    fields: { number: tel }
`);

const GOOD = `case_id,first,last,dob,tel,street,town,recorded,is_victim
c1,Ionuț,Popescu,04/03/1981,0721 234 567,Str. Lipscani 5,București,01/05/2024,no
c2,Maria,"Ionescu",23/11/1990,0721 000 111,,Iași,,yes
c3,Олександр,Шевченко,1975,+380 67 123 4567,,,,
`;

describe('importFile', () => {
  it('imports CSV rows into records with metadata, derived linked entities and progress', async () => {
    const c = db();
    const seen: ImportProgress[] = [];
    const report = importFile(
      { db: c, file: file('good.csv', GOOD), dataset: 'cases', mapping: MAPPING },
      (p) => seen.push(p),
    );
    expect(report).toMatchObject({
      rows: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      derived: 3,
      errors: [],
    });
    const p1 = await c.get({ dataset: 'cases', id: 'c1' });
    expect(p1.record).toEqual({
      id: 'c1',
      kind: 'person',
      attributes: {
        givenName: 'Ionuț',
        familyName: 'Popescu',
        birthDate: '04/03/1981',
        phone: '0721 234 567',
        address: 'Str. Lipscani 5 București',
      },
      meta: { recordedAt: '2024-05-01', sensitivity: 'high' },
      links: [{ type: 'uses-phone', target: 'phone:+40721234567', targetKind: 'phone' }],
    });
    expect(p1.features.dob?.readings).toEqual(['1981-03-04']);
    expect((await c.get({ dataset: 'cases', id: 'c2' })).record.meta.flags).toEqual(['victim']);
    expect((await c.get({ dataset: 'cases', id: 'phone:+40721234567' })).record.kind).toBe('phone');
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ rows: 3, done: true });
    expect(last.bytesRead).toBe(last.totalBytes);
    const hit = await matchQuery(c, {
      kind: 'person',
      selectors: { fullName: 'Ionut Popesku', birthDate: '1981-03-04' },
    });
    expect(hit.hits[0]?.ref.id).toBe('c1');
    c.close();
  });

  it('is idempotent: re-importing the same file changes nothing', async () => {
    const c = db();
    const f = file('again.csv', GOOD);
    importFile({ db: c, file: f, dataset: 'cases', mapping: MAPPING });
    const before = await c.stats();
    const again = importFile({ db: c, file: f, dataset: 'cases', mapping: MAPPING });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await c.stats()).toEqual(before);
    c.close();
  });

  const BAD = `case_id,first,last,dob,tel,street,town,recorded,is_victim
c1,Ionuț,Popescu,04/03/1981,0721 234 567,,,,
,Nobody,Noid,01/01/1990,,,,,
c3,Ana,Pop,31/02/1990,,,,,
c4,"Multi
Line",Pop,01/01/1990,,,,,
c5,Too,Few
c1,Ionuț,Other,04/03/1981,,,,,
`;

  it('rejects the whole import on bad rows, listing each line, and leaves the database untouched', async () => {
    const c = db();
    importFile({ db: c, file: file('base.csv', GOOD), dataset: 'cases', mapping: MAPPING });
    const before = await c.stats();
    let err: unknown;
    try {
      importFile({ db: c, file: file('bad.csv', BAD), dataset: 'cases', mapping: MAPPING });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'MOSAIC_ERR_IMPORT_ROWS_INVALID', status: 422 });
    const lines = (err as { issues: { line: number }[] }).issues.map((i) => i.line);
    expect(lines).toEqual([3, 4, 7, 8]);
    expect(await c.stats()).toEqual(before);
    expect((await c.get({ dataset: 'cases', id: 'c1' })).record.attributes['familyName']).toBe('Popescu');
    c.close();
  });

  it('skips bad rows with skipInvalid and reports them with line numbers', async () => {
    const c = db();
    const r = importFile({
      db: c,
      file: file('skip.csv', BAD),
      dataset: 'cases',
      mapping: MAPPING,
      skipInvalid: true,
    });
    expect(r.inserted).toBe(2);
    expect(r.skipped).toBe(4);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 7, 8]);
    expect(r.errors[0]!.message).toContain('id column');
    expect(r.errors[1]!.message).toContain('not a date');
    await expect(c.get({ dataset: 'cases', id: 'c4' })).resolves.toBeTruthy();
    c.close();
  });

  it('rolls back everything when the file is malformed half-way', async () => {
    const c = db();
    const text = `${GOOD}c9,"unterminated,x,01/01/1990,,,,,\n`;
    expect(() =>
      importFile({ db: c, file: file('mal.csv', text), dataset: 'cases', mapping: MAPPING }),
    ).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_IMPORT_FILE_MALFORMED' }));
    expect((await c.stats()).datasets).toEqual([]);
    c.close();
  });

  it('imports JSON Lines and reports bad lines', async () => {
    const c = db();
    const jsonl = [
      JSON.stringify({ case_id: 'j1', first: 'Ana', last: 'Pop', dob: '01/02/1990', tel: 721234567 }),
      '{not json',
      '[1,2]',
      JSON.stringify({ case_id: 'j2', first: 'Ion', last: 'Rusu', __proto__: { polluted: 'yes' } }),
      '',
    ].join('\n');
    const r = importFile({
      db: c,
      file: file('x.jsonl', jsonl),
      dataset: 'j',
      mapping: MAPPING,
      skipInvalid: true,
    });
    expect(r).toMatchObject({ inserted: 2, skipped: 2 });
    expect(r.errors).toEqual([
      { line: 2, message: 'not valid JSON' },
      { line: 3, message: 'not a JSON object' },
    ]);
    expect((await c.get({ dataset: 'j', id: 'j1' })).record.attributes['phone']).toBe('721234567');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    c.close();
  });

  it('reports an unreadable file', () => {
    expect(() =>
      importFile({ db: db(), file: join(dir, 'nope.csv'), dataset: 'x', mapping: MAPPING }),
    ).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_IMPORT_FILE_UNREADABLE' }));
  });
});

describe('importFile on worker threads', () => {
  // A file with every outcome: new rows, an identical repeat (unchanged), a repeat with other values
  // (conflict), a bad date (invalid), phones shared by several rows (one linked phone record, written the
  // same way or another way), Cyrillic names; imported over a database holding older versions of some rows.
  const rows = (from: number, to: number, variant: string) => {
    const out = ['case_id,first,last,dob,tel,street,town,recorded,is_victim'];
    const given = ['Ionuț', 'Maria', 'Олександр', 'Ana', 'Mihai'];
    const family = ['Popescu', 'Ionescu', 'Шевченко', 'Dumitru', 'Popesku'];
    for (let i = from; i < to; i++) {
      const tel = i % 7 === 0 ? '0721 234 567' : i % 11 === 0 ? '+40721234567' : `0721 ${String(100000 + i)}`;
      const dob =
        i % 97 === 0
          ? '31/02/19x'
          : `${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/19${50 + (i % 50)}`;
      out.push(
        `c${i},${given[i % 5]},${family[(i * 3) % 5]}${variant},${dob},${tel},Str. ${i},Iași,,${i % 2 ? 'yes' : 'no'}`,
      );
      if (i % 50 === 0)
        out.push(
          `c${i},${given[i % 5]},${family[(i * 3) % 5]}${variant},${dob},${tel},Str. ${i},Iași,,${i % 2 ? 'yes' : 'no'}`,
        );
      if (i % 333 === 0) out.push(`c${i},Other,Person,01/01/1970,,,,,`);
    }
    return `${out.join('\n')}\n`;
  };
  const older = file('older.csv', rows(0, 1500, 'x'));
  const big = file('big.csv', rows(500, 4000, ''));
  const dump = (c: ReturnType<typeof db>) => ({
    records: c.db.prepare('SELECT dataset, id, kind, body, features FROM records ORDER BY dataset, id').all(),
    keys: c.db
      .prepare('SELECT b.k, r.id FROM bkeys b JOIN records r ON r.rid = b.rid ORDER BY b.k, r.id')
      .all(),
    tf: c.db.prepare('SELECT dataset, field, value, n FROM tf ORDER BY dataset, field, value').all(),
    datasets: c.db.prepare('SELECT * FROM datasets').all(),
  });

  it('stores exactly what the importing thread alone stores, with the same report', () => {
    const results = [0, 1, 2].map((workers) => {
      const c = db();
      importFile({ db: c, file: older, dataset: 'cases', mapping: MAPPING, skipInvalid: true, workers: 0 });
      const report = importFile({
        db: c,
        file: big,
        dataset: 'cases',
        mapping: MAPPING,
        skipInvalid: true,
        workers,
      });
      const out = { report, tables: dump(c) };
      c.close();
      return out;
    });
    const [alone, one, two] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    expect(alone.report.workers).toBe(0);
    // The worker threads really ran (the test runner loads the build's worker script).
    expect(one.report.workers).toBe(1);
    expect(two.report.workers).toBe(2);
    // Rows 500–1499 were imported before with other values; a bad date or a conflicting repeat skips a few.
    expect(alone.report).toMatchObject({ inserted: 2474, updated: 990, unchanged: 70 });
    expect(alone.report.errors.some((e) => e.message.includes('appears earlier in the file'))).toBe(true);
    expect(alone.report.errors.some((e) => e.message.includes('is not a date'))).toBe(true);
    for (const other of [one, two]) {
      expect({ ...other.report, workers: 0 }).toEqual(alone.report);
      expect(other.tables).toEqual(alone.tables);
    }
    expect(alone.tables.records.length).toBeGreaterThan(3000);
  });

  it('rejects the whole import on a bad row and leaves the database as it was', () => {
    const c = db();
    importFile({ db: c, file: older, dataset: 'cases', mapping: MAPPING, skipInvalid: true, workers: 0 });
    const before = dump(c);
    expect(() => importFile({ db: c, file: big, dataset: 'cases', mapping: MAPPING, workers: 1 })).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_IMPORT_ROWS_INVALID' }),
    );
    expect(dump(c)).toEqual(before);
    c.close();
  });
});

describe('parseMapping', () => {
  it.each([
    ['unknown key', 'kind: person\nid: a\nfields: { givenName: g }\nextra: 1\n', '/extra'],
    ['unknown kind', 'kind: ghost\nid: a\nfields: { x: y }\n', '/kind'],
    ['missing id', 'kind: person\nfields: { x: y }\n', '/id'],
    ['bad region', 'kind: person\nid: a\ndefaultRegion: romania\nfields: { x: y }\n', '/defaultRegion'],
    [
      'bad link type',
      'kind: person\nid: a\nfields: { x: y }\nlinks: [{ kind: phone, type: owns, fields: { number: t } }]\n',
      '/links/0/type',
    ],
  ])('rejects %s with the path', (_n, text, path) => {
    try {
      parseMapping(text, 'map.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'MOSAIC_ERR_IMPORT_MAPPING_INVALID' });
      expect((e as { issues: { path: string; file: string }[] }).issues).toContainEqual(
        expect.objectContaining({ path, file: 'map.yaml' }),
      );
    }
  });

  it('reports YAML syntax errors with the line', () => {
    try {
      parseMapping('kind: person\nid: [unclosed\nfields: {}\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'MOSAIC_ERR_IMPORT_MAPPING_INVALID' });
      expect((e as { issues: { line?: number }[] }).issues[0]?.line).toBeGreaterThan(0);
    }
  });
});
