import { type FieldTransform, POLICY_SENSITIVITIES, type PolicySensitivity } from '../contracts/index.js';
import type { FieldPlan } from './compile.js';
import type { RecordFilterPlan } from './evaluate.js';
import type { RecordFilter } from './model.js';

/**
 * Applying a decision to records. The gateway runs `recordPasses` on every candidate before matching,
 * counting or answering `exists` (a withheld record must not even show up as a hit), and `releaseFields` on
 * what it returns at `summary` or `record`.
 */

/** The parts of an entity record a policy looks at (structurally the contracts EntityRecord). */
export interface PolicyRecord {
  readonly attributes: Readonly<Record<string, string>>;
  readonly meta?: {
    /** YYYY, YYYY-MM or YYYY-MM-DD. A partial date is read as the first day of its year or month. */
    readonly recordedAt?: string;
    readonly sensitivity?: PolicySensitivity;
    readonly flags?: readonly string[];
  };
}

const DAY_MS = 86_400_000;

/** Whether a record may be used under a decision's filter plan at time `now` (epoch ms). */
export function recordPasses(plan: RecordFilterPlan, record: PolicyRecord, now: number): boolean {
  if (plan.releaseNothing) return false;
  // Unknown metadata fails a release filter and triggers a withhold filter: both fail closed.
  if (plan.release && !matchesFilter(plan.release, record, now, false)) return false;
  for (const w of plan.withhold) if (matchesFilter(w, record, now, true)) return false;
  return true;
}

/**
 * Whether a record matches a filter. `unknownMatches` is what a condition on missing metadata (no date, no
 * sensitivity) yields: false for release filters, true for withhold filters, so a gap never releases more.
 */
export function matchesFilter(
  f: RecordFilter,
  record: PolicyRecord,
  now: number,
  unknownMatches: boolean,
): boolean {
  const meta = record.meta ?? {};
  if (f.ageDays) {
    const at = parsePartialDate(meta.recordedAt);
    if (at === undefined) {
      if (!unknownMatches) return false;
    } else {
      const age = Math.floor((now - at) / DAY_MS);
      if (f.ageDays.min !== undefined && age < f.ageDays.min) return false;
      if (f.ageDays.max !== undefined && age > f.ageDays.max) return false;
    }
  }
  if (f.sensitivity) {
    const s = meta.sensitivity;
    if (s === undefined) {
      if (!unknownMatches) return false;
    } else {
      const rank = POLICY_SENSITIVITIES.indexOf(s);
      if (f.sensitivity.min !== undefined && rank < POLICY_SENSITIVITIES.indexOf(f.sensitivity.min))
        return false;
      if (f.sensitivity.max !== undefined && rank > POLICY_SENSITIVITIES.indexOf(f.sensitivity.max))
        return false;
    }
  }
  const flags = meta.flags ?? [];
  if (f.withFlags) for (const x of f.withFlags) if (!flags.includes(x)) return false;
  if (f.withoutFlags) for (const x of f.withoutFlags) if (flags.includes(x)) return false;
  return true;
}

function parsePartialDate(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2] ?? '1') - 1, Number(m[3] ?? '1'));
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The attributes a plan releases from a record, transformed. Only fields in the plan are ever copied; the
 * result has a null prototype so attribute names cannot reach Object.prototype.
 */
export function releaseFields(plan: FieldPlan, record: PolicyRecord): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const field of Object.keys(plan)) {
    if (!Object.hasOwn(record.attributes, field)) continue;
    const value = applyTransform(plan[field]!, record.attributes[field]!);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/**
 * One transform. `mask` keeps the last two characters behind a fixed `***` (so the length does not leak) and
 * hides values shorter than six entirely; `year-only` keeps the year of an ISO date or of a dd/mm/yyyy-style
 * date and drops anything else
 * (fail closed); `truncate:N` keeps the first N characters (code points, so a surrogate pair is never split).
 */
export function applyTransform(t: FieldTransform, value: string): string | undefined {
  switch (t) {
    case 'keep':
      return value;
    case 'drop':
      return undefined;
    case 'mask': {
      const chars = Array.from(value);
      return chars.length >= 6 ? `***${chars.slice(-2).join('')}` : '***';
    }
    case 'year-only': {
      // ISO (YYYY, YYYY-MM, YYYY-MM-DD) or a day-first/month-first date whose year comes last (14/03/1988,
      // 03.14.1988): the year is unambiguous either way. Anything else is dropped (fail closed).
      const m = /^\s*(\d{4})(?:\b|-|$)/.exec(value) ?? /^\s*\d{1,2}[./-]\d{1,2}[./-](\d{4})\s*$/.exec(value);
      return m ? m[1] : undefined;
    }
    default: {
      const n = Number(t.slice('truncate:'.length));
      if (!Number.isInteger(n) || n < 1) return undefined;
      return Array.from(value).slice(0, n).join('');
    }
  }
}
