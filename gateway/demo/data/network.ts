import { iban } from './random.js';

/**
 * The planted cross-border trafficking case, the same whatever the seed, so the walkthrough
 * (docs/walkthrough.md) and test/e2e/demo.test.ts can name it. No agency holds all of it:
 *
 * - ro-police (RO) holds the recruiter, his associate the driver (from a witness statement) and three
 *   missing-person reports filed by the victims' families in Dolj county;
 * - hu-border (HU) saw the driver's minibus and phone cross at Csanádpalota six times, with the victims as
 *   passengers, and the recruiter twice;
 * - at-labour (AT) inspected the cleaning company in Schwechat: it recorded the recruiter as foreman and
 *   eight workers, six of them flagged as victims, whose wages go to one Dutch account;
 * - nl-fiu (NL) holds a suspicious-transaction report on that account: many workers' wages in, forwarded to
 *   the recruiter's Romanian account within two days.
 *
 * Every name, number and address here is invented.
 */
export const NETWORK = {
  caseRef: 'RO-2026-0117',
  recruiter: {
    fullName: 'Marius-Cătălin Dobre',
    birthDate: '1979-04-17',
    nationality: 'RO',
    phone: '+40 745 318 962',
    address: 'Strada Brestei 112, 200585 Craiova',
    city: 'Craiova',
    documentNumber: 'DX 482913',
    iban: iban('RO', 'BTRL0130120284591701'),
  },
  driver: {
    fullName: 'Florin Tudose',
    birthDate: '1985-11-02',
    nationality: 'RO',
    phone: '+40 751 204 117',
    plate: 'DJ 07 DRV',
    overnightStop: 'Szegedi utca 14, 6900 Makó',
    documentNumber: 'DX 519077',
    city: 'Craiova',
  },
  site: {
    name: 'Danubia Facility Services GmbH',
    registration: 'FN 512734k',
    address: 'Industriestraße 41, 2320 Schwechat',
    city: 'Schwechat',
    phone: '+43 660 7741209',
  },
  /** The account at nl-fiu where the workers' wages land. */
  account: {
    iban: iban('NL', 'TRIO0391827465'),
    bic: 'TRIONL2U',
    holder: 'DFS Personalservice B.V.',
  },
  victims: [
    {
      given: 'Andreea',
      family: 'Lungu',
      birthDate: '2001-06-12',
      nationality: 'RO',
      flagged: true,
      reportedMissing: true,
    },
    {
      given: 'Ionela',
      family: 'Vîlcu',
      birthDate: '1998-02-27',
      nationality: 'RO',
      flagged: true,
      reportedMissing: true,
    },
    {
      given: 'Roxana',
      family: 'Dincă',
      birthDate: '2002-03-30',
      nationality: 'RO',
      flagged: true,
      reportedMissing: true,
    },
    {
      given: 'Cristian',
      family: 'Bălan',
      birthDate: '1995-09-03',
      nationality: 'RO',
      flagged: true,
      reportedMissing: false,
    },
    {
      given: 'Georgiana',
      family: 'Pîrvu',
      birthDate: '2000-12-19',
      nationality: 'RO',
      flagged: true,
      reportedMissing: false,
    },
    {
      given: 'Oksana',
      family: 'Melnyk',
      birthDate: '1999-08-14',
      nationality: 'UA',
      flagged: true,
      reportedMissing: false,
    },
    {
      given: 'Daniel',
      family: 'Oprea',
      birthDate: '1997-05-08',
      nationality: 'RO',
      flagged: false,
      reportedMissing: false,
    },
    {
      given: 'Yurii',
      family: 'Bondar',
      birthDate: '1994-01-22',
      nationality: 'UA',
      flagged: false,
      reportedMissing: false,
    },
  ],
} as const;

/**
 * Values many unrelated people share for innocent reasons. A matcher that treated them as strong links would
 * draw a "network" of strangers; the demo holds them so that this can be seen not to happen.
 */
export const BENIGN_HUBS = {
  /** An NGO shelter's hotline in Bucharest, given as contact by victims and witnesses in ro-police files. */
  shelterPhone: '+40 21 310 1177',
  shelterHolders: 40,
  /** A hotel in Timișoara that guests, witnesses and foreign visitors give as their address in ro-police files. */
  hotelAddress: 'Hotel Central, Piața Victoriei 7, 300006 Timișoara',
  hotelGuests: 60,
  /** A shelter in Vienna: the contact of workers at-labour referred to victim support. */
  viennaShelterPhone: '+43 1 408 3352',
  viennaShelterHolders: 30,
} as const;
