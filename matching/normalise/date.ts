/** One reading of a possibly partial date; month and day are absent when the source did not give them. */
export interface PartialDate {
  y: number;
  m?: number;
  d?: number;
}

/** All readings of a date string plus its digits (for typo-tolerant comparison of garbled dates). */
export interface NormalisedDate {
  readings: PartialDate[];
  digits: string;
}

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function valid(y: number, m?: number, d?: number): boolean {
  if (!(y >= 1800 && y <= 2200)) return false;
  if (m === undefined) return d === undefined;
  if (!(m >= 1 && m <= 12)) return false;
  if (d === undefined) return true;
  return d >= 1 && d <= (DAYS[m - 1] ?? 0);
}

function push(out: PartialDate[], y: number, m?: number, d?: number): void {
  if (!valid(y, m, d)) return;
  if (out.some((r) => r.y === y && r.m === m && r.d === d)) return;
  const r: PartialDate = { y };
  if (m !== undefined) r.m = m;
  if (d !== undefined) r.d = d;
  out.push(r);
}

function year2(n: number, yy: string): number {
  // Two-digit years: a birth date in the future is impossible, but we have no clock here; pivot at 30.
  return yy.length === 4 ? n : n <= 30 ? 2000 + n : 1900 + n;
}

/**
 * Parse a date that may be partial (YYYY, YYYY-MM, MM/YYYY) or ambiguous. When day and month are both ≤ 12
 * and no order hint is given, both readings are kept (day-first and month-first); with a hint, only the
 * hinted one. Unparseable input yields no readings but keeps its digits.
 */
export function normaliseDate(raw: string, order?: DateOrder): NormalisedDate {
  const s = raw.normalize('NFKC').trim().slice(0, 64);
  const digits = s.replace(/[^0-9]/g, '');
  const readings: PartialDate[] = [];
  const dayMonth = (m: RegExpMatchArray) => {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = year2(Number(m[3]), m[3] ?? '');
    if (order === 'dmy') push(readings, y, b, a);
    else if (order === 'mdy') push(readings, y, a, b);
    else {
      push(readings, y, b, a);
      push(readings, y, a, b);
    }
  };
  // First pattern that matches wins; YYYYMMDD is tried before DDMMYYYY unless the source says day-first.
  const patterns: [RegExp, (m: RegExpMatchArray) => void][] = [
    [/^(\d{4})$/, (m) => push(readings, Number(m[1]))],
    [/^(\d{4})[-/.](\d{1,2})$/, (m) => push(readings, Number(m[1]), Number(m[2]))],
    [/^(\d{1,2})[-/.](\d{4})$/, (m) => push(readings, Number(m[2]), Number(m[1]))],
    [
      /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/,
      (m) => push(readings, Number(m[1]), Number(m[2]), Number(m[3])),
    ],
    ...(order === 'dmy' || order === 'mdy'
      ? []
      : ([[/^(\d{4})(\d{2})(\d{2})$/, (m) => push(readings, Number(m[1]), Number(m[2]), Number(m[3]))]] as [
          RegExp,
          (m: RegExpMatchArray) => void,
        ][])),
    [/^(\d{2})(\d{2})(\d{4})$/, dayMonth],
    [/^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})$/, dayMonth],
  ];
  for (const [re, handle] of patterns) {
    const m = s.match(re);
    if (m !== null) {
      handle(m);
      break;
    }
  }
  return { readings, digits };
}

/** ISO form of a reading: YYYY, YYYY-MM or YYYY-MM-DD. */
export function formatDate(r: PartialDate): string {
  const p = (n: number) => String(n).padStart(2, '0');
  if (r.m === undefined) return String(r.y);
  if (r.d === undefined) return `${r.y}-${p(r.m)}`;
  return `${r.y}-${p(r.m)}-${p(r.d)}`;
}
