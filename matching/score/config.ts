/** m = P(level | same entity), u = P(level | different entities); the level's weight is log2(m/u). */
export interface LevelParams {
  m: number;
  u: number;
}

export type FieldName =
  | 'given'
  | 'family'
  | 'dob'
  | 'gender'
  | 'nationality'
  | 'phone'
  | 'email'
  | 'address'
  | 'postcode'
  | 'city'
  | 'region'
  | 'document'
  | 'nationalId'
  | 'iban'
  | 'bic'
  | 'account'
  | 'plate'
  | 'vin'
  | 'org';

export type Band = 'match' | 'possible' | 'non-match';

export interface ScoringConfig {
  /** Per field, per comparison level. Levels a field does not list contribute 0. */
  levels: Record<FieldName, Record<string, LevelParams>>;
  /** log2 prior odds that a query and a random record are the same entity (Splink's λ). */
  priorWeight: number;
  /** Bands by total weight (prior + fields): ≥ match → match, ≥ possible → possible. */
  thresholds: { match: number; possible: number };
  /** A value held by at least this many records is generic (a shelter's phone): weak evidence only. */
  genericMinCount: number;
  /** Term-frequency adjustment of exact levels is clamped to this range (log2). */
  tfClamp: { min: number; max: number };
}

const L = (m: number, u: number): LevelParams => ({ m, u });

/**
 * Defaults: m from typical clerical error rates (Splink and FEBRL documentation), u from the chance of
 * agreement between random people; tuned once on FEBRL 1–3 and Splink fake_1000 (docs/matching.md) and
 * kept round so they transfer to other data.
 */
export const DEFAULT_SCORING: ScoringConfig = {
  levels: {
    given: {
      exact: L(0.8, 0.008),
      nickname: L(0.04, 0.001),
      close: L(0.08, 0.004),
      phonetic: L(0.03, 0.006),
      similar: L(0.02, 0.03),
      initial: L(0.02, 0.03),
      swapped: L(0.02, 0.0008),
      different: L(0.03, 0.95),
    },
    family: {
      exact: L(0.8, 0.003),
      close: L(0.1, 0.002),
      phonetic: L(0.03, 0.004),
      similar: L(0.03, 0.03),
      swapped: L(0.02, 0.0005),
      different: L(0.04, 0.96),
    },
    dob: {
      exact: L(0.85, 0.0003),
      transposed: L(0.02, 0.0003),
      'partial-month': L(0.9, 0.0015),
      'partial-year': L(0.9, 0.015),
      close: L(0.08, 0.003),
      month: L(0.03, 0.004),
      year: L(0.03, 0.03),
      different: L(0.05, 0.96),
    },
    gender: { exact: L(0.96, 0.5), different: L(0.04, 0.5) },
    nationality: { exact: L(0.9, 0.1), different: L(0.1, 0.9) },
    phone: {
      exact: L(0.7, 0.00005),
      digits: L(0.1, 0.0005),
      generic: L(0.05, 0.025),
      different: L(0.25, 0.99),
    },
    email: {
      exact: L(0.7, 0.00005),
      canonical: L(0.1, 0.00002),
      close: L(0.1, 0.001),
      generic: L(0.05, 0.025),
      different: L(0.1, 0.999),
    },
    address: {
      exact: L(0.75, 0.002),
      close: L(0.12, 0.005),
      partial: L(0.05, 0.05),
      generic: L(0.05, 0.025),
      different: L(0.08, 0.94),
    },
    postcode: { exact: L(0.85, 0.02), close: L(0.08, 0.04), different: L(0.07, 0.94) },
    city: { exact: L(0.85, 0.03), close: L(0.08, 0.02), different: L(0.07, 0.95) },
    region: { exact: L(0.9, 0.25), different: L(0.1, 0.75) },
    document: {
      exact: L(0.9, 0.00001),
      close: L(0.05, 0.0001),
      generic: L(0.05, 0.025),
      different: L(0.05, 0.99989),
    },
    nationalId: {
      exact: L(0.9, 0.00001),
      close: L(0.05, 0.0001),
      generic: L(0.05, 0.025),
      different: L(0.05, 0.99989),
    },
    iban: { exact: L(0.9, 0.00001), generic: L(0.05, 0.025), different: L(0.1, 0.99999) },
    bic: { exact: L(0.9, 0.01), different: L(0.1, 0.99) },
    account: { exact: L(0.9, 0.0001), generic: L(0.05, 0.025), different: L(0.1, 0.9999) },
    plate: { exact: L(0.9, 0.00005), close: L(0.05, 0.001), different: L(0.05, 0.99895) },
    vin: { exact: L(0.9, 0.00001), close: L(0.05, 0.0001), different: L(0.05, 0.99989) },
    org: {
      exact: L(0.8, 0.001),
      close: L(0.12, 0.005),
      partial: L(0.04, 0.05),
      different: L(0.04, 0.944),
    },
  },
  priorWeight: -7,
  thresholds: { match: 0, possible: -3 },
  genericMinCount: 15,
  tfClamp: { min: -4, max: 6 },
};

/** Merge a partial configuration over the defaults (levels per field merge; other keys replace). */
export function scoringConfig(overrides: {
  levels?: Partial<Record<FieldName, Record<string, LevelParams>>>;
  priorWeight?: number;
  thresholds?: { match: number; possible: number };
  genericMinCount?: number;
  tfClamp?: { min: number; max: number };
}): ScoringConfig {
  const levels = { ...DEFAULT_SCORING.levels };
  for (const [k, v] of Object.entries(overrides.levels ?? {}) as [FieldName, Record<string, LevelParams>][]) {
    for (const p of Object.values(v))
      if (!(p.m > 0 && p.m <= 1 && p.u > 0 && p.u <= 1))
        throw new TypeError(`m and u of ${k} must be in (0, 1]`);
    levels[k] = { ...levels[k], ...v };
  }
  const t = overrides.thresholds ?? DEFAULT_SCORING.thresholds;
  if (!(t.match >= t.possible)) throw new TypeError('thresholds.match must be ≥ thresholds.possible');
  return {
    levels,
    priorWeight: overrides.priorWeight ?? DEFAULT_SCORING.priorWeight,
    thresholds: t,
    genericMinCount: overrides.genericMinCount ?? DEFAULT_SCORING.genericMinCount,
    tfClamp: overrides.tfClamp ?? DEFAULT_SCORING.tfClamp,
  };
}
