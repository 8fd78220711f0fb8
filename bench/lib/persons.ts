/**
 * A seeded generator of synthetic person records for benchmarks: several locales and scripts, typos in given
 * names, 2 % of persons on one of 20 shared generic phones (a shelter, a hotline). Deterministic for a seed.
 */
// mulberry32: small, seeded, good enough for test data.
let seed = 0x5eed1234;

/** Restart the sequence (each benchmark process starts from the same seed). */
export function reseed(value = 0x5eed1234): void {
  seed = value;
}
export function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

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
export const GENERIC_PHONES = Array.from({ length: 20 }, (_, i) => `+40 21 555 ${String(1000 + i)}`);

export interface Person {
  id: string;
  given: string;
  family: string;
  dob: string;
  phone: string;
}

export function person(i: number): Person {
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

export function typo(s: string): string {
  if (s.length < 4) return s;
  const i = 1 + Math.floor(rnd() * (s.length - 2));
  const r = rnd();
  if (r < 0.4) return s.slice(0, i) + s.slice(i + 1); // deletion
  if (r < 0.7) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2); // transposition
  return s.slice(0, i) + s[i] + s.slice(i); // doubling
}
