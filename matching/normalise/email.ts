export interface NormalisedEmail {
  /** Lower-cased, trimmed address. */
  address: string;
  /** Provider-canonical form: Gmail ignores dots and everything after "+"; several providers honour "+tags". */
  canonical: string;
  local: string;
  domain: string;
}

const DOT_BLIND = new Set(['gmail.com', 'googlemail.com']);
const PLUS_TAGS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'fastmail.com',
  'protonmail.com',
  'proton.me',
  'yahoo.com',
]);

/** Lower-case an address and derive its provider-canonical key; undefined when it is not an address. */
export function normaliseEmail(raw: string): NormalisedEmail | undefined {
  const s = raw.normalize('NFKC').trim().toLowerCase().slice(0, 320);
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1 || /\s/.test(s)) return undefined;
  const local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  let canon = local;
  if (PLUS_TAGS.has(domain)) canon = canon.replace(/\+.*$/, '');
  if (DOT_BLIND.has(domain)) canon = canon.replace(/\./g, '');
  return { address: s, canonical: `${canon}@${domain}`, local, domain };
}
