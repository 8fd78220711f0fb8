import type { Features } from '../features.js';
import {
  type Compared,
  compareCodes,
  compareDates,
  compareEmails,
  compareExact,
  compareNameTokens,
  comparePhones,
  comparePostcodes,
  compareShortText,
  compareTokenSets,
  nameRank,
} from './compare.js';
import { type Band, DEFAULT_SCORING, type FieldName, type ScoringConfig } from './config.js';

/** Dataset term frequencies: how many of `total` records hold a value in a field (see termValues). */
export interface TermFrequencies {
  readonly total: number;
  count(field: string, value: string): number;
}

/** One field's contribution to a score: its comparison level and log2 weight (Splink's waterfall row). */
export interface FieldEvidence {
  field: FieldName;
  level: string;
  weight: number;
  /** Part of `weight` that came from the value's frequency in the dataset (rare value → positive). */
  tfAdjustment?: number;
  /** The agreeing value is shared by many records (genericMinCount) and counts as weak evidence. */
  generic?: boolean;
  similarity?: number;
}

export interface ScoreResult {
  /** log2 odds: prior + Σ field weights. */
  weight: number;
  /** Match probability from the weight, in [0, 1]. */
  score: number;
  band: Band;
  evidence: FieldEvidence[];
  /** Senzing-style summary: agreeing fields with +, disagreeing with − (e.g. `+NAME+DOB-PHONE`). */
  matchKey: string;
}

const TF_FIELDS: Partial<Record<FieldName, string>> = {
  given: 'given',
  family: 'family',
  dob: 'dob',
  postcode: 'postcode',
  city: 'city',
  address: 'address',
};
const GENERIC_FIELDS: Partial<Record<FieldName, string>> = {
  phone: 'phone',
  email: 'email',
  address: 'address',
  document: 'document',
  nationalId: 'nationalId',
  iban: 'iban',
  account: 'account',
};

const KEY_LABEL: Record<FieldName, string> = {
  given: 'NAME',
  family: 'NAME',
  dob: 'DOB',
  gender: 'GENDER',
  nationality: 'NATIONALITY',
  phone: 'PHONE',
  email: 'EMAIL',
  address: 'ADDRESS',
  postcode: 'ADDRESS',
  city: 'ADDRESS',
  region: 'ADDRESS',
  document: 'DOCUMENT',
  nationalId: 'NATIONAL_ID',
  iban: 'ACCOUNT',
  bic: 'ACCOUNT',
  account: 'ACCOUNT',
  plate: 'PLATE',
  vin: 'VIN',
  org: 'ORG',
};

function log2(x: number): number {
  return Math.log2(x);
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Compare every field the query holds against the candidate and sum Fellegi–Sunter weights. Fields the
 * query holds but the candidate lacks are listed as `missing` with weight 0; fields the query does not
 * hold are not compared (a query is a partial description).
 */
export function scorePair(
  q: Features,
  c: Features,
  tf?: TermFrequencies,
  config: ScoringConfig = DEFAULT_SCORING,
): ScoreResult {
  const evidence: FieldEvidence[] = [];
  const weight = compareFields(q, c, tf, config, evidence);
  const plus = new Set<string>();
  const minus = new Set<string>();
  for (const e of evidence) {
    const label = KEY_LABEL[e.field];
    if (e.weight > 0) plus.add(label);
    else if (e.weight < 0) minus.add(label);
  }
  for (const l of plus) minus.delete(l);
  const matchKey = [...[...plus].map((l) => `+${l}`), ...[...minus].map((l) => `-${l}`)].join('');
  return { weight, score: scoreOf(weight), band: bandOf(weight, config), evidence, matchKey };
}

/**
 * The weight scorePair would give, without building its evidence: candidate retrieval scores a hundred
 * candidates per query and keeps a handful, so the evidence is built only for those (scorePair again).
 */
export function scoreWeight(
  q: Features,
  c: Features,
  tf?: TermFrequencies,
  config: ScoringConfig = DEFAULT_SCORING,
): number {
  return compareFields(q, c, tf, config, null);
}

/** Match probability of a log2-odds weight, as scorePair reports it. */
export function scoreOf(weight: number): number {
  return Math.round((1 / (1 + 2 ** -weight)) * 1e4) / 1e4;
}

export function bandOf(weight: number, config: ScoringConfig = DEFAULT_SCORING): Band {
  return weight >= config.thresholds.match
    ? 'match'
    : weight >= config.thresholds.possible
      ? 'possible'
      : 'non-match';
}

/** Sum of the prior and every compared field's weight (rounded as the evidence shows it); fills `evidence`. */
function compareFields(
  q: Features,
  c: Features,
  tf: TermFrequencies | undefined,
  config: ScoringConfig,
  evidence: FieldEvidence[] | null,
): number {
  let total = config.priorWeight;
  const add = (field: FieldName, cmp: Compared | undefined) => {
    if (cmp === undefined) {
      evidence?.push({ field, level: 'missing', weight: 0 });
      return;
    }
    let level = cmp.level;
    const params = config.levels[field][level];
    if (params === undefined) {
      if (evidence !== null) {
        const ev: FieldEvidence = { field, level, weight: 0 };
        if (cmp.similarity !== undefined && level !== 'exact') ev.similarity = cmp.similarity;
        evidence.push(ev);
      }
      return;
    }
    let w = log2(params.m / params.u);
    let generic = false;
    let tfAdjustment: number | undefined;
    if (tf !== undefined && cmp.value !== undefined && tf.total > 0) {
      const gField = GENERIC_FIELDS[field];
      const n = gField === undefined ? 0 : tf.count(gField, cmp.value);
      const g = config.levels[field]['generic'];
      if (gField !== undefined && g !== undefined && n >= config.genericMinCount) {
        level = 'generic';
        generic = true;
        w = log2(g.m / g.u);
      } else {
        const tField = TF_FIELDS[field];
        if (tField !== undefined) {
          // Frequency of the value among *other* records, shrunk towards u with a prior worth one expected
          // holder (K = 1/u): the candidate's own copy says nothing about how common the value is, and in a
          // small dataset a single holder must not look common (1 in 50) or rare (1 in a million).
          const others = Math.max(0, tf.count(tField, cmp.value) - 1);
          const k = 1 / params.u;
          const freq = (others + params.u * k) / (tf.total + k);
          const adj = Math.min(config.tfClamp.max, Math.max(config.tfClamp.min, log2(params.u / freq)));
          tfAdjustment = r2(adj);
          w += adj;
        }
      }
    }
    const weight = r2(w);
    total += weight;
    if (evidence !== null) {
      const ev: FieldEvidence = { field, level, weight };
      if (cmp.similarity !== undefined && cmp.level !== 'exact') ev.similarity = cmp.similarity;
      if (generic) ev.generic = true;
      if (tfAdjustment !== undefined) ev.tfAdjustment = tfAdjustment;
      evidence.push(ev);
    }
  };

  // Names, with a swapped given/family order detected explicitly (ForenameSurnameComparison in Splink).
  if (q.given !== undefined || q.family !== undefined) {
    const cg = c.given;
    const cf = c.family;
    let gCmp = q.given && cg ? compareNameTokens(q.given, cg, true) : undefined;
    let fCmp = q.family && cf ? compareNameTokens(q.family, cf, false) : undefined;
    const weak = (x: Compared | undefined) => x === undefined || nameRank(x.level) >= nameRank('similar');
    if (weak(gCmp) && weak(fCmp)) {
      const x1 = q.given && cf ? compareNameTokens(q.given, cf, false) : undefined;
      const x2 = q.family && cg ? compareNameTokens(q.family, cg, true) : undefined;
      const strong = (x: Compared | undefined) =>
        x !== undefined && nameRank(x.level) <= nameRank('phonetic');
      if ((strong(x1) && (strong(x2) || x2 === undefined)) || (strong(x2) && x1 === undefined)) {
        if (q.given) gCmp = { level: 'swapped' };
        if (q.family) fCmp = { level: 'swapped' };
      }
    }
    if (q.given) add('given', gCmp);
    if (q.family) add('family', fCmp);
  }
  if (q.org) add('org', c.org ? compareTokenSets(q.org, c.org) : undefined);
  if (q.dob) add('dob', c.dob ? compareDates(q.dob, c.dob) : undefined);
  if (q.gender)
    add('gender', c.gender ? { level: q.gender === c.gender ? 'exact' : 'different' } : undefined);
  if (q.nationality)
    add(
      'nationality',
      c.nationality ? { level: q.nationality === c.nationality ? 'exact' : 'different' } : undefined,
    );
  if (q.phones) add('phone', c.phones ? comparePhones(q.phones, c.phones) : undefined);
  if (q.emails)
    add(
      'email',
      c.emails
        ? compareEmails(
            { canon: q.emails, raw: q.emailsRaw ?? [] },
            { canon: c.emails, raw: c.emailsRaw ?? [] },
          )
        : undefined,
    );
  if (q.address) add('address', c.address ? compareTokenSets(q.address, c.address) : undefined);
  if (q.postcode) add('postcode', c.postcode ? comparePostcodes(q.postcode, c.postcode) : undefined);
  if (q.city) add('city', c.city ? compareShortText(q.city, c.city, 0.9) : undefined);
  if (q.region)
    add('region', c.region ? { level: q.region === c.region ? 'exact' : 'different' } : undefined);
  if (q.documents) add('document', c.documents ? compareCodes(q.documents, c.documents) : undefined);
  if (q.nationalIds)
    add('nationalId', c.nationalIds ? compareCodes(q.nationalIds, c.nationalIds) : undefined);
  if (q.ibans) add('iban', c.ibans ? compareExact(q.ibans, c.ibans) : undefined);
  if (q.bics) add('bic', c.bics ? compareExact(q.bics, c.bics) : undefined);
  if (q.accounts) add('account', c.accounts ? compareExact(q.accounts, c.accounts) : undefined);
  if (q.plates) add('plate', c.plates ? compareCodes(q.plates, c.plates) : undefined);
  if (q.vins) add('vin', c.vins ? compareCodes(q.vins, c.vins) : undefined);

  return r2(total);
}
