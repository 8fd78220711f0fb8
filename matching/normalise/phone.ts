import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export interface NormalisedPhone {
  /** E.164 (+40721234567) when the number parses for its region; absent when it does not. */
  e164?: string;
  /** The digits as written, for a weak fallback comparison when no region applies. */
  digits: string;
}

/**
 * Phones to E.164. A number without a country prefix is read in `defaultRegion` (per dataset, from the
 * mapping file). "00" international prefixes are accepted. Invalid numbers keep only their digits.
 */
export function normalisePhone(raw: string, defaultRegion?: string): NormalisedPhone {
  const s = raw.normalize('NFKC').slice(0, 64);
  const digits = s.replace(/[^0-9]/g, '');
  if (digits.length < 5 || digits.length > 17) return { digits };
  const text = s.trim().replace(/^00(?=[1-9])/, '+');
  const region =
    defaultRegion !== undefined && /^[A-Z]{2}$/.test(defaultRegion)
      ? (defaultRegion as CountryCode)
      : undefined;
  try {
    const p =
      region === undefined ? parsePhoneNumberFromString(text) : parsePhoneNumberFromString(text, region);
    if (p?.isValid()) return { e164: p.number, digits };
  } catch {
    // libphonenumber throws on some garbage; treat like an unparseable number.
  }
  return { digits };
}
