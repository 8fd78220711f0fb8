import { MosaicError } from '../../contracts/errors/mosaic-error.js';

export interface CsvRow {
  /** 1-based line on which the row starts (rows may span lines inside quotes). */
  line: number;
  cells: string[];
}

/**
 * Incremental RFC 4180 parser: quoted fields with "" escapes and embedded CR/LF, CRLF or LF row ends, a
 * leading UTF-8 BOM dropped. Feed chunks with `push`, then `end`. A quote inside an unquoted field or an
 * unterminated quote is MOSAIC_ERR_IMPORT_FILE_MALFORMED with the line.
 */
export class CsvParser {
  #field = '';
  #row: string[] = [];
  #inQuotes = false;
  #afterQuote = false;
  #line = 1;
  #rowLine = 1;
  #started = false;
  #pendingCR = false;
  #fieldStarted = false;
  readonly #maxField: number;

  constructor(maxFieldChars = 1 << 20) {
    this.#maxField = maxFieldChars;
  }

  push(chunk: string, out: CsvRow[]): void {
    let s = chunk;
    if (!this.#started) {
      this.#started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (this.#pendingCR) {
        this.#pendingCR = false;
        if (ch === '\n') continue;
      }
      if (this.#inQuotes) {
        if (ch === '"') {
          this.#inQuotes = false;
          this.#afterQuote = true;
        } else {
          if (ch === '\n' || ch === '\r') this.#line++;
          if (ch === '\r' && s[i + 1] === '\n') {
            this.#field += '\r\n';
            i++;
            continue;
          }
          this.#field += ch;
          if (this.#field.length > this.#maxField) this.#fail('field too long');
        }
        continue;
      }
      if (ch === '"') {
        if (this.#afterQuote) {
          // "" inside a quoted field: a literal quote.
          this.#field += '"';
          this.#inQuotes = true;
          this.#afterQuote = false;
        } else if (this.#field === '' && !this.#fieldStarted) {
          this.#inQuotes = true;
          this.#fieldStarted = true;
        } else this.#fail('quote inside an unquoted field');
        continue;
      }
      if (ch === ',') {
        this.#endField();
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        this.#endField();
        this.#endRow(out);
        this.#line++;
        this.#rowLine = this.#line;
        if (ch === '\r') this.#pendingCR = true;
        continue;
      }
      if (this.#afterQuote) this.#fail('text after a closing quote');
      this.#field += ch;
      this.#fieldStarted = true;
      if (this.#field.length > this.#maxField) this.#fail('field too long');
    }
  }

  end(out: CsvRow[]): void {
    if (this.#inQuotes) this.#fail('unterminated quoted field', this.#rowLine);
    if (this.#fieldStarted || this.#field !== '' || this.#row.length > 0) {
      this.#endField();
      this.#endRow(out);
    }
  }

  #endField(): void {
    this.#row.push(this.#field);
    this.#field = '';
    this.#afterQuote = false;
    this.#fieldStarted = false;
  }

  #endRow(out: CsvRow[]): void {
    const row = this.#row;
    this.#row = [];
    // A blank line is not a row (RFC 4180 does not allow them; spreadsheets write them at the end).
    if (row.length === 1 && row[0] === '') return;
    out.push({ line: this.#rowLine, cells: row });
  }

  #fail(why: string, line = this.#line): never {
    throw new MosaicError('MOSAIC_ERR_IMPORT_FILE_MALFORMED', {
      detail: why,
      issues: [{ path: '', message: why, line }],
    });
  }
}

/** Parse a whole CSV text (tests, small lists). */
export function parseCsv(text: string): CsvRow[] {
  const p = new CsvParser();
  const out: CsvRow[] = [];
  p.push(text, out);
  p.end(out);
  return out;
}

/** Quote a cell for CSV output when it needs it; formula-leading cells are prefixed (CSV injection). */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
