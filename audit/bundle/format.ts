import { compileSchema } from '../../contracts/index.js';

export const BUNDLE_FORMAT = 'mosaic-audit-bundle/v1';

/** One exported entry: the exact leaf data, its body (null if none or purged) and its inclusion proof. */
export interface BundleEntry {
  readonly index: number;
  /** RFC 8785 text of the committed event: exactly what the leaf hashes. */
  readonly leaf: string;
  /** RFC 8785 text of `{salt, data}` as stored, or null. */
  readonly body: string | null;
  /** base64 inclusion proof against `checkpoint` (RFC 9162 §2.1.3), leaf sibling first. */
  readonly proof: readonly string[];
}

export interface BundleCheckpoint {
  readonly size: number;
  /** Signed note: log signature plus witness cosignatures. */
  readonly note: string;
}

/** What was asked for, so the verifier knows which completeness checks apply. */
export interface BundleRange {
  readonly from: string | null;
  readonly to: string | null;
  /** True when no filter was applied: the entries are every leaf from `firstIndex` to `lastIndex`. */
  readonly complete: boolean;
  /** True when the bundle claims the whole log up to the checkpoint (no bounds, no filter). */
  readonly wholeLog: boolean;
  readonly firstIndex: number | null;
  readonly lastIndex: number | null;
  readonly filter: Readonly<Record<string, string>> | null;
}

/** A self-contained, offline-verifiable export of part of a node's ledger. */
export interface AuditBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly origin: string;
  readonly agency: string | null;
  /** The log's verifier key (informational: a verifier uses the key it trusts, never this one). */
  readonly logKey: string;
  readonly witnessKeys: readonly string[];
  readonly range: BundleRange;
  /** Every checkpoint the log signed up to the export, oldest first; the last one is what proofs target. */
  readonly checkpoints: readonly BundleCheckpoint[];
  /** RFC 9162 consistency proofs linking each checkpoint to the next. */
  readonly consistency: readonly {
    readonly from: number;
    readonly to: number;
    readonly proof: readonly string[];
  }[];
  readonly entries: readonly BundleEntry[];
}

const b64hash = { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' } as const;
const size = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const nullableIndex = { anyOf: [size, { type: 'null' }] } as const;

const bundleSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'format',
    'origin',
    'agency',
    'logKey',
    'witnessKeys',
    'range',
    'checkpoints',
    'consistency',
    'entries',
  ],
  properties: {
    format: { const: BUNDLE_FORMAT },
    origin: { type: 'string', minLength: 1, maxLength: 255 },
    agency: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
    logKey: { type: 'string', maxLength: 512 },
    witnessKeys: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 512 } },
    range: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', 'complete', 'wholeLog', 'firstIndex', 'lastIndex', 'filter'],
      properties: {
        from: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
        to: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
        complete: { type: 'boolean' },
        wholeLog: { type: 'boolean' },
        firstIndex: nullableIndex,
        lastIndex: nullableIndex,
        filter: {
          anyOf: [
            { type: 'object', maxProperties: 16, additionalProperties: { type: 'string', maxLength: 256 } },
            { type: 'null' },
          ],
        },
      },
    },
    checkpoints: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['size', 'note'],
        properties: { size, note: { type: 'string', maxLength: 65536 } },
      },
    },
    consistency: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to', 'proof'],
        properties: { from: size, to: size, proof: { type: 'array', maxItems: 64, items: b64hash } },
      },
    },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'leaf', 'body', 'proof'],
        properties: {
          index: size,
          leaf: { type: 'string', maxLength: 65536 },
          body: { anyOf: [{ type: 'string', maxLength: 16_777_216 }, { type: 'null' }] },
          proof: { type: 'array', maxItems: 64, items: b64hash },
        },
      },
    },
  },
} as const;

export const validateBundle = compileSchema<AuditBundle>(bundleSchema);
