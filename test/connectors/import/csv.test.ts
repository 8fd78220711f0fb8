import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRow, csvCell, parseCsv } from '../../../connectors/index.js';

const cells = (t: string) => parseCsv(t).map((r) => r.cells);

describe('RFC 4180 CSV parser', () => {
  it('parses quotes, escaped quotes, embedded newlines, CRLF and a BOM, with start lines', () => {
    const rows = parseCsv('\uFEFFid,name\r\n1,"Pop, ""Ionut"""\r\n2,"two\r\nlines"\n3,last');
    expect(rows).toEqual([
      { line: 1, cells: ['id', 'name'] },
      { line: 2, cells: ['1', 'Pop, "Ionut"'] },
      { line: 3, cells: ['2', 'two\r\nlines'] },
      { line: 5, cells: ['3', 'last'] },
    ]);
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(cells('a,,c\n\n,,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
    expect(cells('"",x')).toEqual([['', 'x']]);
  });

  it.each([
    ['a stray quote', 'a,b"c\n', 1],
    ['an unterminated quote', 'a,b\n1,"open\n2,3\n', 2],
    ['text after a closing quote', '"a"b,c\n', 1],
  ])('rejects %s with the line', (_n, text, line) => {
    try {
      parseCsv(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'MOSAIC_ERR_IMPORT_FILE_MALFORMED', issues: [{ line }] });
    }
  });

  it('gives the same rows whatever the chunking', () => {
    const text = 'id,v\n1,"a\nb"\n2,"x""y"\r\n3,z\n';
    const whole = parseCsv(text);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length }), (size) => {
        const p = new CsvParser();
        const out: CsvRow[] = [];
        for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size), out);
        p.end(out);
        expect(out).toEqual(whole);
      }),
    );
  });

  it('round-trips any cell through csvCell', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ maxLength: 20 }).filter((s) => !/^[=+\-@\t\r]/.test(s)),
          { minLength: 2, maxLength: 5 },
        ),
        (row) => {
          fc.pre(row.some((c) => c !== ''));
          expect(cells(`${row.map(csvCell).join(',')}\n`)).toEqual([row]);
        },
      ),
    );
  });

  it('defuses spreadsheet formulas in output cells', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });
});
