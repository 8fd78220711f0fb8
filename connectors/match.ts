import { MosaicError } from '../contracts/errors/mosaic-error.js';
import type { EntityKind, EntityRecord } from '../contracts/schemas/entity.js';
import { SUBJECT_KINDS } from '../contracts/schemas/common.js';
import type { Subject } from '../contracts/types.js';
import {
  type Band,
  type CandidateLimits,
  DEFAULT_LIMITS,
  DEFAULT_SCORING,
  type FieldEvidence,
  type Features,
  prepareFeatures,
  type ScoringConfig,
  bandOf,
  scoreOf,
  scorePair,
  scoreWeight,
} from '../matching/index.js';
import type { Connector, RecordRef } from './port.js';

export interface MatchOptions {
  /** Datasets to search; all the connector holds when absent. */
  datasets?: readonly string[];
  /** At most this many hits, best first (default 20). */
  maxHits?: number;
  /** Drop hits whose probability score is below this (default 0). */
  minScore?: number;
  /** Also return `non-match` candidates (default false: only `match` and `possible`). */
  includeNonMatches?: boolean;
  scoring?: ScoringConfig;
  limits?: CandidateLimits;
  /**
   * The policy's record filter (age, sensitivity, victim flag …), applied before maxHits so that filtered
   * records do not use up the hit budget.
   */
  recordFilter?: (record: EntityRecord, ref: RecordRef) => boolean;
}

/** One scored record, with everything the gateway needs to filter and release it. */
export interface MatchHit {
  ref: RecordRef;
  kind: EntityKind;
  /** Match probability in [0, 1]. */
  score: number;
  /** log2 odds behind `score` (prior + Σ evidence weights). */
  weight: number;
  band: Band;
  matchKey: string;
  evidence: FieldEvidence[];
  /** The full record (attributes, metadata, links): the gateway applies record filters and release plans. */
  record: EntityRecord;
}

export interface MatchResult {
  hits: MatchHit[];
  /** Candidates scored, keys used and keys skipped as generic, summed over datasets. */
  stats: { candidates: number; keysUsed: number; keysSkipped: number };
}

const MAX_SELECTOR = 256;

/** Which record kinds a subject kind may hit: a person search returns persons; an identifier search returns
 * the identifier's own records and any record (a person, an organisation) that carries it. */
function kindAllowed(subject: EntityKind, record: EntityKind): boolean {
  if (subject === 'person' || subject === 'organisation') return subject === record;
  return true;
}

function hasComparable(f: Features): boolean {
  return Object.keys(f).some((k) => k !== 'kind' && k !== 'invalid' && k !== 'emailsRaw');
}

/**
 * Narrow an untrusted subject (already schema-checked by the gateway, re-checked here) into features. A
 * phone without a country prefix or `country` selector is read in `defaultRegion` (the dataset's).
 */
export function subjectFeatures(subject: Subject, defaultRegion?: string): Features {
  const kind = (subject as { kind?: unknown }).kind;
  const selectors = (subject as { selectors?: unknown }).selectors;
  if (
    typeof kind !== 'string' ||
    !(SUBJECT_KINDS as readonly string[]).includes(kind) ||
    typeof selectors !== 'object' ||
    selectors === null
  )
    throw new MosaicError('MOSAIC_ERR_MATCH_SUBJECT_INVALID');
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(selectors)) {
    if (typeof v !== 'string') throw new MosaicError('MOSAIC_ERR_MATCH_SUBJECT_INVALID', { detail: k });
    if (v.length > MAX_SELECTOR) throw new MosaicError('MOSAIC_ERR_MATCH_SELECTOR_TOO_LARGE', { detail: k });
    attrs[k] = v;
  }
  const f = prepareFeatures(kind as EntityKind, attrs, defaultRegion === undefined ? {} : { defaultRegion });
  if (!hasComparable(f)) throw new MosaicError('MOSAIC_ERR_MATCH_SUBJECT_INVALID');
  return f;
}

/**
 * Match prepared features (a screening row, a query subject) against the connector's datasets. `features`
 * may be a function of the dataset's default phone region, so an unprefixed phone is read as that dataset
 * reads its own.
 */
export async function matchFeatures(
  connector: Connector,
  features: Features | ((defaultRegion: string | undefined) => Features),
  options: MatchOptions = {},
): Promise<MatchResult> {
  const maxHits = options.maxHits ?? 20;
  const minScore = options.minScore ?? 0;
  const scoring = options.scoring ?? DEFAULT_SCORING;
  const described = await connector.describe();
  const region = new Map(described.datasets.map((d) => [d.name, d.defaultRegion]));
  const datasets = options.datasets ?? described.datasets.map((d) => d.name);
  const scored: Omit<MatchHit, 'record'>[] = [];
  const stats = { candidates: 0, keysUsed: 0, keysSkipped: 0 };
  for (const dataset of datasets) {
    const f = typeof features === 'function' ? features(region.get(dataset)) : features;
    const set = await connector.candidates({ dataset, features: f }, options.limits ?? DEFAULT_LIMITS);
    stats.candidates += set.candidates.length;
    stats.keysUsed += set.keysUsed;
    stats.keysSkipped += set.keysSkipped;
    for (const c of set.candidates) {
      if (!kindAllowed(f.kind, c.kind)) continue;
      // The weight alone decides whether a candidate is kept; its evidence is built only if it is.
      const w = scoreWeight(f, c.features, set.tf, scoring);
      if (bandOf(w, scoring) === 'non-match' && options.includeNonMatches !== true) continue;
      if (scoreOf(w) < minScore) continue;
      const s = scorePair(f, c.features, set.tf, scoring);
      scored.push({
        ref: c.ref,
        kind: c.kind,
        score: s.score,
        weight: s.weight,
        band: s.band,
        matchKey: s.matchKey,
        evidence: s.evidence,
      });
    }
  }
  scored.sort(
    (a, b) =>
      b.weight - a.weight ||
      (a.ref.dataset < b.ref.dataset ? -1 : a.ref.dataset > b.ref.dataset ? 1 : a.ref.id < b.ref.id ? -1 : 1),
  );
  // Only the hits that will be returned are loaded in full, best first, until maxHits pass the filter.
  const hits: MatchHit[] = [];
  for (const h of scored) {
    if (hits.length >= maxHits) break;
    const { record } = await connector.get(h.ref);
    if (options.recordFilter !== undefined && !options.recordFilter(record, h.ref)) continue;
    hits.push({ ...h, record });
  }
  return { hits, stats };
}

/**
 * The gateway's match step: normalise a peer query's subject, fetch candidates through blocking keys,
 * score them with evidence, and return hits best first, bounded by maxHits and minScore.
 */
export async function matchQuery(
  connector: Connector,
  subject: Subject,
  options: MatchOptions = {},
): Promise<MatchResult> {
  // Validate once up front so a bad subject fails the same way whatever the datasets.
  subjectFeatures(subject);
  return matchFeatures(connector, (region) => subjectFeatures(subject, region), options);
}
