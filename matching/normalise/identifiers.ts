import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { toAscii } from './text.js';

/** An identifier key plus whether it passed its format's check (IBAN mod-97, BIC shape). */
export interface NormalisedId {
  value: string;
  valid: boolean;
}

function alnum(raw: string): string {
  return toAscii(raw)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/** IBAN in electronic format, validated by ibantools (country length and mod-97 check digits). */
export function normaliseIban(raw: string): NormalisedId | undefined {
  const v = electronicFormatIBAN(alnum(raw)) ?? '';
  if (v.length < 5 || v.length > 34) return undefined;
  return { value: v, valid: isValidIBAN(v) };
}

/** BIC upper-cased; the 8-character form and the branch-less 11-character form `XXX` are the same bank. */
export function normaliseBic(raw: string): NormalisedId | undefined {
  let v = alnum(raw);
  if (v.length === 11 && v.endsWith('XXX')) v = v.slice(0, 8);
  if (v.length !== 8 && v.length !== 11) return undefined;
  return { value: v, valid: isValidBIC(v) };
}

/**
 * Characters a clerk or an OCR pass confuses on plates and document numbers, folded to one digit so that
 * "AB-0I2" and "AB 012" meet. Applied to both sides, so it only merges, never splits.
 */
const CONFUSABLE: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  Z: '2',
  S: '5',
  B: '8',
  G: '6',
};

/** Separators removed, upper-cased, confusable letters folded: the key for plates and document numbers. */
export function normaliseCode(raw: string): string {
  return alnum(raw).replace(/[OQDILZSBG]/g, (c) => CONFUSABLE[c] ?? c);
}

/** A plain account number (no IBAN): digits and letters only. */
export function normaliseAccountNumber(raw: string): string {
  return alnum(raw);
}
