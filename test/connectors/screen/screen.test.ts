import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryConnector,
  matchQuery,
  parseCsv,
  parseMapping,
  screenFile,
} from '../../../connectors/index.js';
import { CASES } from '../contract.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-screen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const conn = new MemoryConnector();
conn.load(CASES.dataset, CASES.records, CASES.settings ?? {});

const MAPPING = parseMapping(`
kind: person
id: seat
defaultRegion: RO
fields:
  fullName: passenger
  birthDate: dob
`);

describe('screenFile', () => {
  it('checks every row of a manifest and writes MATCHES.csv with score, band and evidence', async () => {
    const input = join(dir, 'manifest.csv');
    const output = join(dir, 'MATCHES.csv');
    writeFileSync(
      input,
      'seat,passenger,dob\n12A,Йонуц Попеску,04/03/1981\n12B,Nobody Atall,1999-09-09\n,No Seat,1990\n14C,"Ionescu, Maria",1990-11-23\n',
    );
    const report = await screenFile({ connector: conn, input, mapping: MAPPING, output });
    expect(report).toMatchObject({ rows: 4, rowsWithHits: 2 });
    expect(report.errors).toEqual([{ line: 4, message: 'the id column "seat" is empty' }]);
    const rows = parseCsv(readFileSync(output, 'utf8')).map((r) => r.cells);
    expect(rows[0]).toEqual([
      'input_line',
      'input_id',
      'dataset',
      'record_id',
      'score',
      'weight',
      'band',
      'match_key',
      'evidence',
    ]);
    const first = rows.find((r) => r[1] === '12A')!;
    expect(first.slice(0, 4)).toEqual(['2', '12A', 'cases', 'p1']);
    expect(first[6]).toBe('match');
    expect(first[8]).toMatch(/^given:\w+:[-\d.]+;family:\w+:[-\d.]+;dob:[\w-]+:[-\d.]+$/);
    // Same matching as the peer query path.
    const q = await matchQuery(conn, {
      kind: 'person',
      selectors: { fullName: 'Йонуц Попеску', birthDate: '1981-03-04' },
    });
    expect(Number(first[5])).toBeCloseTo(q.hits[0]!.weight, 5);
    expect(rows.find((r) => r[1] === '14C')?.[3]).toBe('p2');
  });

  it('reports an unreadable input', async () => {
    await expect(
      screenFile({
        connector: conn,
        input: join(dir, 'nope.csv'),
        mapping: MAPPING,
        output: join(dir, 'o.csv'),
      }),
    ).rejects.toMatchObject({ code: 'MOSAIC_ERR_IMPORT_FILE_UNREADABLE' });
  });
});
