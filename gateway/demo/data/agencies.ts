import { type LocaleCode, LOCALES } from './locales.js';
import { BENIGN_HUBS, NETWORK } from './network.js';
import { daysBefore, fullName, makePerson, type Person, writeDate } from './people.js';
import { Rng } from './random.js';

/** One source file an agency imports: its dataset, its mapping file (YAML) and its rows. */
export interface DatasetSpec {
  readonly dataset: string;
  /** A mapping file in the format of docs/matching.md, as the agency's operator would write it. */
  readonly mapping: string;
  readonly rows: Record<string, string>[];
}

export interface GenerateOptions {
  /** Persons per agency (the planted network and benign hubs come on top of or among them). */
  readonly persons: number;
  readonly seed: number;
  /** Epoch ms that "recorded N days ago" counts from, so record-age rules see recent records as recent. */
  readonly anchor: number;
}

type Row = Record<string, string>;

/** Drop empty cells so a row carries only what the clerk filled in. */
function row(cells: Record<string, string | undefined | false>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(cells)) if (typeof v === 'string' && v !== '') out[k] = v;
  return out;
}

/** Exactly `n` row indexes out of `total`, spread evenly: benign hubs have a known number of holders. */
function spread(total: number, n: number, offset: number): Set<number> {
  const step = Math.max(1, Math.floor(total / n));
  const out = new Set<number>();
  for (let k = 0; k < n; k++) out.add((k * step + offset) % total);
  return out;
}

const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(6, '0')}`;
const plate = (rng: Rng) =>
  `${rng.pick(['B', 'DJ', 'TM', 'CJ', 'IS', 'OT', 'MH'])} ${rng.digits(2)} ${rng.letters(3)}`;
const maybe = (rng: Rng, p: number, v: string) => (rng.chance(p) ? v : undefined);

const seedFor = (o: GenerateOptions, agency: string) =>
  [...agency].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, o.seed);

const RO_PERSONS_MAPPING = `# ro-police: persons in case files (suspects, witnesses, injured parties, missing-person reports)
kind: person
id: id
defaultRegion: RO
dateOrder: dmy
fields:
  fullName: full_name
  birthDate: birth_date
  gender: gender
  nationality: nationality
  phone: phone
  address: address
  city: city
  documentNumber: doc_no
  nationalId: cnp
  role: role
meta:
  recordedAt: recorded_at
  sensitivity: sensitivity
  flags: { minor: minor, suspect: suspect, missing: missing }
links:
  - { kind: phone, type: uses-phone, fields: { number: phone } }
  - { kind: address, type: lives-at, fields: { text: address } }
  - { kind: document, type: holds-document, fields: { number: doc_no, type: doc_type } }
  - { kind: vehicle, type: drives-vehicle, fields: { plate: plate } }
  - { kind: account, type: holds-account, fields: { iban: iban } }
`;

/** Romanian police case files: mostly Romanians, some foreigners written in their passport's script. */
export function roPolice(o: GenerateOptions): DatasetSpec[] {
  const rng = new Rng(seedFor(o, 'ro-police'));
  const n = o.persons;
  const shelter = spread(n, BENIGN_HUBS.shelterHolders, 3);
  const hotel = spread(n, BENIGN_HUBS.hotelGuests, 8);
  const adultYear = new Date(o.anchor).getUTCFullYear() - 18;
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const code = rng.weighted<LocaleCode>({ RO: 78, UA: 7, HU: 4, MA: 4, VN: 4, AT: 2, NL: 1 });
    const p = makePerson(rng, code);
    const role = rng.weighted({ witness: 45, complainant: 25, suspect: 15, 'injured party': 10, missing: 5 });
    rows.push(
      row({
        id: id('RO-P-', i),
        full_name: fullName(rng, p, code === 'RO' || code === 'UA'),
        birth_date: writeDate(rng, p.birth, 'dmy-dot'),
        gender: p.gender,
        nationality: p.locale === 'VN' || p.locale === 'MA' ? LOCALES[p.locale].nationality : code,
        phone: shelter.has(i) ? BENIGN_HUBS.shelterPhone : maybe(rng, 0.85, p.phone),
        address: hotel.has(i) ? BENIGN_HUBS.hotelAddress : maybe(rng, 0.8, p.address),
        city: p.city,
        doc_no: maybe(rng, 0.6, p.document),
        doc_type: 'identity card',
        cnp: code === 'RO' && rng.chance(0.5) ? `${p.gender === 'male' ? 1 : 2}${rng.digits(12)}` : undefined,
        plate: maybe(rng, 0.08, plate(rng)),
        iban: maybe(rng, 0.15, p.iban),
        role,
        recorded_at: daysBefore(o.anchor, rng.int(5, 4000)),
        sensitivity: rng.weighted({ low: 3, medium: 5, high: 2 }),
        minor: p.birth.y > adultYear && '1',
        suspect: role === 'suspect' && '1',
        missing: role === 'missing' && '1',
      }),
    );
  }
  const r = NETWORK.recruiter;
  const d = NETWORK.driver;
  rows.push(
    row({
      id: 'RO-P-DOBRE',
      full_name: r.fullName,
      birth_date: '17.04.1979',
      gender: 'male',
      nationality: 'RO',
      phone: r.phone,
      address: r.address,
      city: r.city,
      doc_no: r.documentNumber,
      doc_type: 'identity card',
      iban: r.iban,
      role: 'suspect',
      recorded_at: daysBefore(o.anchor, 120),
      sensitivity: 'high',
      suspect: '1',
    }),
    row({
      id: 'RO-P-TUDOSE',
      full_name: d.fullName,
      birth_date: '02.11.1985',
      gender: 'male',
      nationality: 'RO',
      phone: d.phone,
      city: d.city,
      doc_no: d.documentNumber,
      doc_type: 'identity card',
      plate: d.plate,
      role: 'associate',
      recorded_at: daysBefore(o.anchor, 110),
      sensitivity: 'high',
    }),
  );
  NETWORK.victims
    .filter((v) => v.reportedMissing)
    .forEach((v, k) => {
      rows.push(
        row({
          id: `RO-P-MISSING-${k + 1}`,
          full_name: `${v.given} ${v.family}`,
          birth_date: v.birthDate.split('-').reverse().join('.'),
          gender: 'female',
          nationality: v.nationality,
          phone: LOCALES.RO.phone(rng),
          city: 'Craiova',
          role: 'missing',
          recorded_at: daysBefore(o.anchor, 300 + 40 * k),
          sensitivity: 'medium',
          missing: '1',
        }),
      );
    });
  return [{ dataset: 'persons', mapping: RO_PERSONS_MAPPING, rows }];
}

const HU_CROSSINGS_MAPPING = `# hu-border: one row per person per border crossing (entry/exit checks)
kind: person
id: id
defaultRegion: HU
dateOrder: ymd
fields:
  fullName: full_name
  birthDate: birth_date
  nationality: nationality
  documentNumber: doc_no
  phone: phone
  address: stated_address
  crossingPoint: crossing_point
  direction: direction
  vehiclePlate: plate
meta:
  recordedAt: crossed_at
  sensitivity: sensitivity
links:
  - { kind: phone, type: uses-phone, fields: { number: phone } }
  - { kind: vehicle, type: drives-vehicle, fields: { plate: plate } }
  - { kind: address, type: lives-at, fields: { text: stated_address } }
  - { kind: document, type: holds-document, fields: { number: doc_no } }
`;

const HU_PHONES_MAPPING = `# hu-border: phone numbers noted at roadside checks and from seized handsets
kind: phone
id: id
defaultRegion: HU
fields:
  number: number
  context: context
meta:
  recordedAt: seen_at
  sensitivity: sensitivity
`;

const HU_VEHICLES_MAPPING = `# hu-border: vehicles checked at crossing points (plate readers and manual checks)
kind: vehicle
id: id
fields:
  plate: plate
  country: country
  crossingPoint: crossing_point
  occupants: occupants
meta:
  recordedAt: seen_at
  sensitivity: sensitivity
`;

const CROSSING_POINTS = ['Csanádpalota', 'Nagylak', 'Ártánd', 'Hegyeshalom', 'Záhony', 'Röszke'];

/** Hungarian border checks: one row per crossing, so frequent travellers appear many times. */
export function huBorder(o: GenerateOptions): DatasetSpec[] {
  const rng = new Rng(seedFor(o, 'hu-border'));
  const n = o.persons;
  const pool: Person[] = [];
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const again = pool.length > 0 && rng.chance(0.3);
    const code = rng.weighted<LocaleCode>({ HU: 35, RO: 30, UA: 15, AT: 5, MA: 5, VN: 5, NL: 5 });
    const p = again ? rng.pick(pool) : makePerson(rng, code);
    if (!again) pool.push(p);
    rows.push(
      row({
        id: id('HU-X-', i),
        full_name: fullName(rng, p, p.locale === 'HU'),
        birth_date: writeDate(rng, p.birth, 'iso'),
        nationality: LOCALES[p.locale].nationality,
        doc_no: p.document,
        phone: maybe(rng, 0.5, p.phone),
        stated_address: maybe(rng, 0.3, p.address),
        crossing_point: rng.pick(CROSSING_POINTS),
        direction: rng.pick(['entry', 'exit']),
        plate: maybe(rng, 0.3, plate(rng)),
        crossed_at: daysBefore(o.anchor, rng.int(1, 1500)),
        sensitivity: rng.chance(0.02) ? 'restricted' : 'medium',
      }),
    );
  }
  const d = NETWORK.driver;
  const r = NETWORK.recruiter;
  // The minibus goes out with workers and comes back empty: six crossings of the driver in a year.
  for (let k = 0; k < 6; k++) {
    rows.push(
      row({
        id: `HU-X-TUDOSE-${k + 1}`,
        full_name: k % 2 === 0 ? 'TUDOSE Florin' : 'Florin Tudose',
        birth_date: d.birthDate,
        nationality: 'RO',
        doc_no: d.documentNumber,
        phone: d.phone,
        crossing_point: 'Csanádpalota',
        direction: k % 2 === 0 ? 'entry' : 'exit',
        // Where the minibus stops overnight on the way: an address nobody else in the data gives.
        stated_address: d.overnightStop,
        plate: d.plate,
        crossed_at: daysBefore(o.anchor, 330 - 50 * k),
        sensitivity: 'medium',
      }),
    );
  }
  for (let k = 0; k < 2; k++) {
    rows.push(
      row({
        id: `HU-X-DOBRE-${k + 1}`,
        full_name: 'Marius Catalin Dobre',
        birth_date: r.birthDate,
        nationality: 'RO',
        doc_no: r.documentNumber,
        crossing_point: 'Csanádpalota',
        direction: 'entry',
        plate: d.plate,
        crossed_at: daysBefore(o.anchor, 330 - 100 * k),
        sensitivity: 'medium',
      }),
    );
  }
  NETWORK.victims.slice(0, 6).forEach((v, k) => {
    rows.push(
      row({
        id: `HU-X-PAX-${k + 1}`,
        full_name: `${v.given} ${v.family}`.normalize('NFD').replace(/\p{M}/gu, ''),
        birth_date: v.birthDate,
        nationality: v.nationality,
        doc_no: `${v.nationality === 'UA' ? 'FE' : 'DX'} ${String(600100 + k * 37)}`,
        crossing_point: 'Csanádpalota',
        direction: 'entry',
        plate: d.plate,
        crossed_at: daysBefore(o.anchor, 330 - 100 * (k % 3)),
        sensitivity: 'medium',
      }),
    );
  });
  const phones: Row[] = [];
  for (let i = 0; i < Math.ceil(n / 4); i++) {
    const code = rng.weighted<'HU' | 'RO' | 'UA'>({ HU: 50, RO: 30, UA: 20 });
    phones.push(
      row({
        id: id('HU-T-', i),
        number: LOCALES[code].phone(rng),
        context: rng.pick(['roadside check', 'seized handset', 'traveller declaration']),
        seen_at: daysBefore(o.anchor, rng.int(1, 1500)),
        sensitivity: 'medium',
      }),
    );
  }
  phones.push(
    row({
      id: 'HU-T-DRV',
      number: d.phone,
      context: `roadside check at Csanádpalota, driver of ${d.plate}`,
      seen_at: daysBefore(o.anchor, 180),
      sensitivity: 'medium',
    }),
  );
  const vehicles: Row[] = [];
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    vehicles.push(
      row({
        id: id('HU-V-', i),
        plate: rng.chance(0.5) ? plate(rng) : `${rng.letters(3)}-${rng.digits(3)}`,
        country: rng.pick(['RO', 'HU', 'HU', 'AT', 'UA']),
        crossing_point: rng.pick(CROSSING_POINTS),
        occupants: String(rng.int(1, 5)),
        seen_at: daysBefore(o.anchor, rng.int(1, 1500)),
        sensitivity: rng.chance(0.02) ? 'restricted' : 'medium',
      }),
    );
  }
  for (let k = 0; k < 6; k++) {
    vehicles.push(
      row({
        id: `HU-V-DRV-${k + 1}`,
        plate: d.plate,
        country: 'RO',
        crossing_point: 'Csanádpalota',
        occupants: k % 2 === 0 ? String(rng.int(6, 8)) : '1',
        seen_at: daysBefore(o.anchor, 330 - 50 * k),
        sensitivity: 'medium',
      }),
    );
  }
  return [
    { dataset: 'persons', mapping: HU_CROSSINGS_MAPPING, rows },
    { dataset: 'phones', mapping: HU_PHONES_MAPPING, rows: phones },
    { dataset: 'vehicles', mapping: HU_VEHICLES_MAPPING, rows: vehicles },
  ];
}

const AT_WORKERS_MAPPING = `# at-labour: workers met during labour inspections
kind: person
id: id
defaultRegion: AT
dateOrder: dmy
fields:
  fullName: full_name
  birthDate: birth_date
  gender: gender
  nationality: nationality
  phone: phone
  address: address
  city: city
  documentNumber: doc_no
  nationalId: sv_number
  employer: employer
  role: role
  wageAccount: wage_account
meta:
  recordedAt: inspected_at
  sensitivity: sensitivity
  flags: { victim: victim }
links:
  - { kind: phone, type: uses-phone, fields: { number: phone } }
  - { kind: address, type: lives-at, fields: { text: address } }
  - { kind: organisation, type: works-for, fields: { name: employer } }
`;

const AT_EMPLOYERS_MAPPING = `# at-labour: inspected employers
kind: organisation
id: id
defaultRegion: AT
fields:
  name: name
  registration: fn
  address: address
  city: city
  phone: phone
  country: country
  wageAccount: wage_account
meta:
  recordedAt: inspected_at
  sensitivity: sensitivity
links:
  - { kind: address, type: registered-at, fields: { text: address } }
`;

const COMPANY_WORDS = [
  'Alpen',
  'Donau',
  'Wiener',
  'Euro',
  'Blitz',
  'Prima',
  'Sauber',
  'Bau',
  'Logistik',
  'Service',
  'Team',
  'Haus',
];
const AT_SECTORS = ['Reinigung', 'Bau', 'Gastronomie', 'Landwirtschaft', 'Transport', 'Pflege'];

/** Austrian labour inspections: workers found at sites and their employers; victims flagged. */
export function atLabour(o: GenerateOptions): DatasetSpec[] {
  const rng = new Rng(seedFor(o, 'at-labour'));
  const n = o.persons;
  const orgs: Row[] = [];
  for (let i = 0; i < Math.max(10, Math.ceil(n / 10)); i++) {
    const place = rng.pick(LOCALES.AT.cities);
    orgs.push(
      row({
        id: id('AT-O-', i),
        name: `${rng.pick(COMPANY_WORDS)} ${rng.pick(AT_SECTORS)} ${rng.pick(['GmbH', 'KG', 'e.U.', 'OG'])}`,
        fn: `FN ${rng.int(100000, 599999)}${rng.letters(1).toLowerCase()}`,
        address: LOCALES.AT.address(
          rng.pick(LOCALES.AT.streets),
          rng.int(1, 120),
          place.postcode,
          place.city,
        ),
        city: place.city,
        phone: LOCALES.AT.phone(rng),
        country: 'AT',
        inspected_at: daysBefore(o.anchor, rng.int(10, 2500)),
        sensitivity: 'medium',
      }),
    );
  }
  const shelter = spread(n, BENIGN_HUBS.viennaShelterHolders, 11);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const code = rng.weighted<LocaleCode>({ AT: 30, RO: 20, HU: 10, UA: 15, MA: 8, VN: 10, NL: 2 });
    const p = makePerson(rng, code);
    const employer = rng.pick(orgs);
    rows.push(
      row({
        id: id('AT-W-', i),
        full_name: fullName(rng, p, code === 'AT'),
        birth_date: writeDate(rng, p.birth, 'dmy-dot'),
        gender: p.gender,
        nationality: LOCALES[p.locale].nationality,
        phone: shelter.has(i) ? BENIGN_HUBS.viennaShelterPhone : maybe(rng, 0.7, p.phone),
        address: rng.chance(0.5) ? employer['address'] : maybe(rng, 0.6, p.address),
        city: employer['city'],
        doc_no: maybe(rng, 0.5, p.document),
        sv_number: maybe(rng, 0.5, rng.digits(10)),
        employer: employer['name'],
        role: 'worker',
        inspected_at: daysBefore(o.anchor, rng.int(10, 2500)),
        sensitivity: rng.weighted({ medium: 8, high: 2 }),
        victim: rng.chance(0.008) && '1',
      }),
    );
  }
  const s = NETWORK.site;
  const inspected = daysBefore(o.anchor, 240);
  orgs.push(
    row({
      id: 'AT-O-DANUBIA',
      name: s.name,
      fn: s.registration,
      address: s.address,
      city: s.city,
      phone: s.phone,
      country: 'AT',
      wage_account: NETWORK.account.iban,
      inspected_at: inspected,
      sensitivity: 'high',
    }),
  );
  rows.push(
    row({
      id: 'AT-W-FOREMAN',
      full_name: 'Marius Dobre',
      birth_date: '17.04.1979',
      gender: 'male',
      nationality: 'RO',
      phone: NETWORK.recruiter.phone,
      address: s.address,
      city: s.city,
      employer: s.name,
      role: 'foreman (Vorarbeiter), says he recruits the crews in Romania',
      // The payroll lists his crew's wages, and his own, as paid into one Dutch account.
      wage_account: NETWORK.account.iban,
      inspected_at: inspected,
      sensitivity: 'high',
    }),
  );
  NETWORK.victims.forEach((v, k) => {
    rows.push(
      row({
        id: `AT-W-DANUBIA-${k + 1}`,
        full_name: `${v.given} ${v.family}`,
        birth_date: v.birthDate.split('-').reverse().join('.'),
        gender: ['Cristian', 'Daniel', 'Yurii'].includes(v.given) ? 'male' : 'female',
        nationality: v.nationality,
        phone: v.flagged ? BENIGN_HUBS.viennaShelterPhone : LOCALES.RO.phone(rng),
        address: s.address,
        city: s.city,
        employer: s.name,
        role: 'cleaner; lives at the site; passport kept by the foreman',
        wage_account: NETWORK.account.iban,
        inspected_at: inspected,
        sensitivity: 'high',
        victim: v.flagged && '1',
      }),
    );
  });
  return [
    { dataset: 'persons', mapping: AT_WORKERS_MAPPING, rows },
    { dataset: 'organisations', mapping: AT_EMPLOYERS_MAPPING, rows: orgs },
  ];
}

const NL_PERSONS_MAPPING = `# nl-fiu: natural persons named in suspicious-transaction reports
kind: person
id: id
defaultRegion: NL
dateOrder: ymd
fields:
  fullName: full_name
  birthDate: birth_date
  nationality: nationality
  address: address
  city: city
  phone: phone
  role: role
  accountIban: account_iban
meta:
  recordedAt: reported_at
  sensitivity: sensitivity
`;

const NL_ACCOUNTS_MAPPING = `# nl-fiu: accounts in suspicious-transaction reports
kind: account
id: id
fields:
  iban: iban
  bic: bic
  holder: holder
  typology: typology
meta:
  recordedAt: reported_at
  sensitivity: sensitivity
`;

const NL_ORGS_MAPPING = `# nl-fiu: legal entities in suspicious-transaction reports
kind: organisation
id: id
defaultRegion: NL
fields:
  name: name
  registration: kvk
  country: country
  address: address
meta:
  recordedAt: reported_at
  sensitivity: sensitivity
`;

const TYPOLOGIES = [
  'cash deposits just below the reporting threshold',
  'rapid pass-through to foreign accounts',
  'unexplained third-party deposits',
  'prepaid card top-ups in many small amounts',
  'payments to online advertising platforms at night',
];

/** The Dutch FIU: persons, accounts and companies in suspicious-transaction reports. */
export function nlFiu(o: GenerateOptions): DatasetSpec[] {
  const rng = new Rng(seedFor(o, 'nl-fiu'));
  const n = o.persons;
  const persons: Row[] = [];
  const accounts: Row[] = [];
  for (let i = 0; i < n; i++) {
    const code = rng.weighted<LocaleCode>({ NL: 50, RO: 12, MA: 14, VN: 8, UA: 8, HU: 4, AT: 4 });
    const p = makePerson(rng, code);
    const account = rng.chance(0.7) ? LOCALES.NL.iban(rng) : p.iban;
    persons.push(
      row({
        id: id('NL-P-', i),
        full_name: fullName(rng, p, code === 'NL'),
        birth_date: writeDate(rng, p.birth, 'iso'),
        nationality: LOCALES[p.locale].nationality,
        address: maybe(rng, 0.7, p.address),
        city: p.city,
        phone: maybe(rng, 0.4, p.phone),
        role: rng.pick(['account holder', 'counterparty', 'authorised signatory']),
        account_iban: account,
        reported_at: daysBefore(o.anchor, rng.int(5, 2500)),
        sensitivity: rng.weighted({ medium: 6, high: 3, restricted: 1 }),
      }),
    );
    accounts.push(
      row({
        id: id('NL-A-', i),
        iban: account,
        bic: account.startsWith('NL') ? `${account.slice(4, 8)}NL2A` : undefined,
        holder: persons.at(-1)?.['full_name'],
        typology: rng.pick(TYPOLOGIES),
        reported_at: daysBefore(o.anchor, rng.int(5, 2500)),
        sensitivity: rng.weighted({ low: 2, medium: 5, high: 2, restricted: 1 }),
      }),
    );
  }
  const orgs: Row[] = [];
  for (let i = 0; i < Math.max(10, Math.ceil(n / 10)); i++) {
    const place = rng.pick(LOCALES.NL.cities);
    orgs.push(
      row({
        id: id('NL-O-', i),
        name: `${rng.pick(['Holland', 'Noord', 'Delta', 'Maas', 'Polder', 'Tulp'])} ${rng.pick(['Uitzend', 'Trading', 'Logistiek', 'Schoonmaak', 'Horeca'])} B.V.`,
        kvk: `KvK ${rng.digits(8)}`,
        country: 'NL',
        address: LOCALES.NL.address(
          rng.pick(LOCALES.NL.streets),
          rng.int(1, 200),
          place.postcode,
          place.city,
        ),
        reported_at: daysBefore(o.anchor, rng.int(5, 2500)),
        sensitivity: 'medium',
      }),
    );
  }
  const a = NETWORK.account;
  const reported = daysBefore(o.anchor, 200);
  accounts.push(
    row({
      id: 'NL-A-HUB',
      iban: a.iban,
      bic: a.bic,
      holder: a.holder,
      typology: `many earners, one account: 23 SEPA wage payments from ${NETWORK.site.name} (AT) naming 8 different workers, forwarded to one RO account within 48 h`,
      reported_at: reported,
      sensitivity: 'high',
    }),
    row({
      id: 'NL-A-ONWARD',
      iban: NETWORK.recruiter.iban,
      bic: 'BTRLRO22',
      holder: 'Dobre Marius Catalin',
      typology: `receives forwarded wages from ${a.holder} (NL)`,
      reported_at: reported,
      sensitivity: 'high',
    }),
  );
  orgs.push(
    row({
      id: 'NL-O-DFS',
      name: a.holder,
      kvk: 'KvK 80417362',
      country: 'NL',
      address: 'Waalhaven Zuidzijde 19, 3089 JH Rotterdam',
      reported_at: reported,
      sensitivity: 'high',
    }),
  );
  NETWORK.victims.forEach((v, k) => {
    persons.push(
      row({
        id: `NL-P-PAYREF-${k + 1}`,
        full_name: `${v.family.toUpperCase()} ${v.given}`.normalize('NFD').replace(/\p{M}/gu, ''),
        nationality: v.nationality,
        role: `named in the reference of a wage payment to ${a.iban}`,
        account_iban: a.iban,
        reported_at: reported,
        sensitivity: 'high',
      }),
    );
  });
  return [
    { dataset: 'persons', mapping: NL_PERSONS_MAPPING, rows: persons },
    { dataset: 'accounts', mapping: NL_ACCOUNTS_MAPPING, rows: accounts },
    { dataset: 'organisations', mapping: NL_ORGS_MAPPING, rows: orgs },
  ];
}

/** The generator of each demo agency's data, by agency id. */
export const AGENCY_DATA: Readonly<Record<string, (o: GenerateOptions) => DatasetSpec[]>> = {
  'ro-police': roPolice,
  'hu-border': huBorder,
  'at-labour': atLabour,
  'nl-fiu': nlFiu,
};
