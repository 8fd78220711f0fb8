import { iban, type Rng } from './random.js';

/**
 * Name and address material per locale. A name is a list of spellings: the first is how a passport of that
 * country writes it, the others are how other agencies write it (a transliteration, a form without
 * diacritics, another script), so the same person looks different from one agency to the next, as in life.
 */
export interface Locale {
  readonly nationality: string;
  readonly female: readonly (readonly string[])[];
  readonly male: readonly (readonly string[])[];
  readonly family: readonly (readonly string[])[];
  /** Family name first in full names (Hungarian, Vietnamese). */
  readonly familyFirst?: boolean;
  readonly cities: readonly { city: string; postcode: string }[];
  readonly streets: readonly string[];
  /** Street, number, postcode, city, in the country's own order. */
  readonly address: (street: string, no: number, postcode: string, city: string) => string;
  readonly phone: (rng: Rng) => string;
  readonly iban: (rng: Rng) => string;
  readonly document: (rng: Rng) => string;
}

const one = (xs: readonly string[]): string[][] => xs.map((x) => [x]);

export const LOCALES = {
  RO: {
    nationality: 'RO',
    female: [
      ['Andreea'],
      ['Ioana'],
      ['Elena'],
      ['Maria'],
      ['Mihaela'],
      ['Cristina'],
      ['Alexandra'],
      ['Georgiana'],
      ['Roxana'],
      ['Ana-Maria'],
      ['Ionela'],
      ['Florentina'],
      ['Larisa'],
      ['Bianca'],
    ],
    male: [
      ['Ionuț', 'Ionut'],
      ['Andrei'],
      ['Mihai'],
      ['Ștefan', 'Stefan'],
      ['Alexandru'],
      ['Vasile'],
      ['Florin'],
      ['Cătălin', 'Catalin'],
      ['Gheorghe'],
      ['Marius'],
      ['Cosmin'],
      ['Daniel'],
      ['Bogdan'],
      ['Răzvan', 'Razvan'],
    ],
    family: [
      ['Popescu'],
      ['Ionescu'],
      ['Popa'],
      ['Dumitru'],
      ['Stan'],
      ['Stoica'],
      ['Gheorghe'],
      ['Munteanu'],
      ['Constantin'],
      ['Marin'],
      ['Țurcanu', 'Turcanu'],
      ['Bălan', 'Balan'],
      ['Lungu'],
      ['Dincă', 'Dinca'],
      ['Pîrvu', 'Pirvu', 'Pârvu'],
      ['Oprea'],
      ['Zbârcea', 'Zbarcea'],
      ['Vîlcu', 'Vilcu', 'Vâlcu'],
      ['Neagu'],
      ['Mocanu'],
      ['Crăciun', 'Craciun'],
      ['Sârbu', 'Sarbu'],
    ],
    cities: [
      { city: 'București', postcode: '030167' },
      { city: 'Craiova', postcode: '200585' },
      { city: 'Timișoara', postcode: '300011' },
      { city: 'Iași', postcode: '700028' },
      { city: 'Cluj-Napoca', postcode: '400001' },
      { city: 'Constanța', postcode: '900178' },
      { city: 'Slatina', postcode: '230038' },
      { city: 'Drobeta-Turnu Severin', postcode: '220119' },
    ],
    streets: [
      'Strada Lipscani',
      'Bulevardul Unirii',
      'Strada Brestei',
      'Calea Victoriei',
      'Strada Mihai Viteazu',
    ],
    address: (s, n, p, c) => `${s} ${n}, ${p} ${c}`,
    phone: (rng) =>
      `+40 7${rng.pick(['2', '4', '5', '6', '8'])}${rng.digits(1)} ${rng.digits(3)} ${rng.digits(3)}`,
    iban: (rng) => iban('RO', `${rng.pick(['BTRL', 'RNCB', 'BRDE', 'INGB'])}${rng.digits(16)}`),
    document: (rng) => `${rng.pick(['DX', 'RT', 'TZ', 'KV', 'XB'])} ${rng.digits(6)}`,
  },
  HU: {
    nationality: 'HU',
    familyFirst: true,
    female: one(['Anna', 'Katalin', 'Eszter', 'Zsófia', 'Réka', 'Erzsébet', 'Judit', 'Noémi']),
    male: [
      ['Gábor', 'Gabor'],
      ['László', 'Laszlo'],
      ['István', 'Istvan'],
      ['Zoltán', 'Zoltan'],
      ['Péter', 'Peter'],
      ['Attila'],
      ['Balázs', 'Balazs'],
    ],
    family: [
      ['Kovács', 'Kovacs'],
      ['Nagy'],
      ['Tóth', 'Toth'],
      ['Szabó', 'Szabo'],
      ['Horváth', 'Horvath'],
      ['Varga'],
      ['Kiss'],
      ['Molnár', 'Molnar'],
      ['Németh', 'Nemeth'],
      ['Farkas'],
    ],
    cities: [
      { city: 'Szeged', postcode: '6720' },
      { city: 'Budapest', postcode: '1051' },
      { city: 'Makó', postcode: '6900' },
      { city: 'Debrecen', postcode: '4024' },
      { city: 'Győr', postcode: '9021' },
    ],
    streets: ['Kossuth Lajos utca', 'Petőfi Sándor utca', 'Rákóczi út', 'Dózsa György utca'],
    address: (s, n, p, c) => `${p} ${c}, ${s} ${n}.`,
    phone: (rng) => `+36 ${rng.pick(['20', '30', '70'])} ${rng.digits(3)} ${rng.digits(4)}`,
    iban: (rng) => iban('HU', rng.digits(24)),
    document: (rng) => `${rng.digits(6)}${rng.letters(2)}`,
  },
  AT: {
    nationality: 'AT',
    female: one(['Maria', 'Anna', 'Katharina', 'Sophie', 'Lena', 'Julia', 'Theresa', 'Elisabeth']),
    male: one(['Lukas', 'Florian', 'Johann', 'Stefan', 'Markus', 'Thomas', 'Josef', 'Tobias']),
    family: [
      ['Gruber'],
      ['Huber'],
      ['Bauer'],
      ['Wagner'],
      ['Müller', 'Mueller', 'Muller'],
      ['Pichler'],
      ['Steiner'],
      ['Moser'],
      ['Mayer', 'Meyer', 'Maier'],
      ['Hofer'],
      ['Leitner'],
    ],
    cities: [
      { city: 'Wien', postcode: '1100' },
      { city: 'Schwechat', postcode: '2320' },
      { city: 'Linz', postcode: '4020' },
      { city: 'Graz', postcode: '8020' },
      { city: 'Salzburg', postcode: '5020' },
      { city: 'Wiener Neustadt', postcode: '2700' },
    ],
    streets: [
      'Hauptstraße',
      'Bahnhofstraße',
      'Favoritenstraße',
      'Gewerbestraße',
      'Kirchengasse',
      'Laxenburger Straße',
    ],
    address: (s, n, p, c) => `${s} ${n}, ${p} ${c}`,
    phone: (rng) => `+43 ${rng.pick(['664', '660', '676', '699'])} ${rng.digits(7)}`,
    iban: (rng) => iban('AT', rng.digits(16)),
    document: (rng) => `P${rng.digits(7)}`,
  },
  NL: {
    nationality: 'NL',
    female: one(['Sanne', 'Femke', 'Lotte', 'Anouk', 'Eva', 'Iris', 'Fleur']),
    male: one(['Jeroen', 'Bram', 'Daan', 'Thijs', 'Pieter', 'Sven', 'Ruben']),
    family: [
      ['de Jong'],
      ['Jansen'],
      ['de Vries'],
      ['van den Berg'],
      ['Bakker'],
      ['Visser'],
      ['Smit'],
      ['Meijer', 'Meyer'],
      ['de Boer'],
      ['van Dijk', 'van Dyk'],
    ],
    cities: [
      { city: 'Rotterdam', postcode: '3011 AA' },
      { city: 'Amsterdam', postcode: '1012 AB' },
      { city: 'Den Haag', postcode: '2511 CV' },
      { city: 'Utrecht', postcode: '3511 AX' },
      { city: 'Eindhoven', postcode: '5611 AZ' },
    ],
    streets: ['Coolsingel', 'Damrak', 'Stationsweg', 'Kerkstraat', 'Havenstraat'],
    address: (s, n, p, c) => `${s} ${n}, ${p} ${c}`,
    phone: (rng) => `+31 6 ${rng.digits(8)}`,
    iban: (rng) => iban('NL', `${rng.pick(['ABNA', 'INGB', 'RABO', 'TRIO'])}${rng.digits(10)}`),
    document: (rng) => `N${rng.letters(2)}${rng.digits(6)}`,
  },
  UA: {
    nationality: 'UA',
    female: [
      ['Oksana', 'Оксана'],
      ['Olena', 'Олена', 'Elena'],
      ['Nataliia', 'Наталія', 'Natalia'],
      ['Iryna', 'Ірина', 'Irina'],
      ['Yuliia', 'Юлія', 'Julia'],
    ],
    male: [
      ['Oleksandr', 'Олександр', 'Alexander'],
      ['Yurii', 'Юрій', 'Yuriy', 'Jurij'],
      ['Serhii', 'Сергій', 'Sergiy'],
      ['Dmytro', 'Дмитро', 'Dmitri'],
      ['Andrii', 'Андрій', 'Andriy'],
      ['Taras', 'Тарас'],
    ],
    family: [
      ['Kovalenko', 'Коваленко'],
      ['Melnyk', 'Мельник', 'Melnik'],
      ['Bondar', 'Бондар'],
      ['Shevchenko', 'Шевченко', 'Schewtschenko'],
      ['Tkachuk', 'Ткачук', 'Tkatschuk'],
      ['Kravchenko', 'Кравченко'],
      ['Boiko', 'Бойко', 'Boyko'],
    ],
    cities: [
      { city: 'Chernivtsi', postcode: '58000' },
      { city: 'Uzhhorod', postcode: '88000' },
      { city: 'Lviv', postcode: '79000' },
      { city: 'Odesa', postcode: '65000' },
    ],
    streets: ['vul. Holovna', 'vul. Shevchenka', 'prosp. Svobody'],
    address: (s, n, p, c) => `${s} ${n}, ${c} ${p}`,
    phone: (rng) => `+380 ${rng.pick(['67', '50', '63', '97'])} ${rng.digits(3)} ${rng.digits(4)}`,
    iban: (rng) => iban('UA', rng.digits(25)),
    document: (rng) => `${rng.letters(2)}${rng.digits(6)}`,
  },
  MA: {
    nationality: 'MA',
    female: [
      ['Fatima', 'Fatma', 'فاطمة'],
      ['Khadija', 'Khadidja', 'خديجة'],
      ['Meryem', 'Maryam', 'مريم'],
    ],
    male: [
      ['Mohammed', 'Muhammad', 'Mohamed', 'محمد'],
      ['Youssef', 'Yusuf', 'Jussef', 'يوسف'],
      ['Ahmed', 'Ahmad', 'أحمد'],
      ['Karim', 'Kareem', 'كريم'],
    ],
    family: [
      ['El Amrani', 'Elamrani', 'العمراني'],
      ['Benali', 'Ben Ali', 'بن علي'],
      ['Haddad', 'Hadad', 'حداد'],
      ['Bouzid', 'Bou Zid', 'بوزيد'],
      ['El Idrissi', 'Idrissi', 'الإدريسي'],
    ],
    cities: [
      { city: 'Casablanca', postcode: '20000' },
      { city: 'Tanger', postcode: '90000' },
    ],
    streets: ['Rue Ibn Batouta', 'Boulevard Hassan II'],
    address: (s, n, p, c) => `${n} ${s}, ${p} ${c}`,
    phone: (rng) => `+212 6${rng.digits(2)} ${rng.digits(6)}`,
    iban: (rng) => iban('MA', rng.digits(24)),
    document: (rng) => `${rng.letters(2)}${rng.digits(7)}`,
  },
  VN: {
    nationality: 'VN',
    familyFirst: true,
    female: [
      ['Thị Lan', 'Thi Lan'],
      ['Thị Hương', 'Thi Huong'],
      ['Ngọc Anh', 'Ngoc Anh'],
    ],
    male: [
      ['Văn An', 'Van An'],
      ['Minh Tuấn', 'Minh Tuan'],
      ['Đức Huy', 'Duc Huy'],
    ],
    family: [
      ['Nguyễn', 'Nguyen'],
      ['Trần', 'Tran'],
      ['Lê', 'Le'],
      ['Phạm', 'Pham'],
      ['Hoàng', 'Hoang'],
    ],
    cities: [
      { city: 'Hà Nội', postcode: '100000' },
      { city: 'Hải Phòng', postcode: '180000' },
    ],
    streets: ['Phố Huế', 'Đường Láng'],
    address: (s, n, p, c) => `${n} ${s}, ${c} ${p}`,
    phone: (rng) => `+84 9${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}`,
    iban: (rng) => iban('RO', `BTRL${rng.digits(16)}`),
    document: (rng) => `C${rng.digits(7)}`,
  },
} as const satisfies Record<string, Locale>;

export type LocaleCode = keyof typeof LOCALES;
