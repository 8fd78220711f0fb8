import { parseDocument } from 'yaml';
import { MosaicError } from '../../contracts/errors/mosaic-error.js';
import {
  ENTITY_KINDS,
  type EntityKind,
  type EntityLink,
  type EntityRecord,
  LINK_TYPES,
  type LinkType,
  SENSITIVITY_LEVELS,
  type Sensitivity,
} from '../../contracts/schemas/entity.js';
import { compileSchema } from '../../contracts/validate.js';
import { normaliseDate, prepareFeatures, blockingKeys } from '../../matching/index.js';

/** A column name, or several joined with a space (address lines). */
type Source = string | string[];

/** The mapping file (YAML): how source columns become entities of the model. See docs/matching.md. */
export interface Mapping {
  kind: EntityKind;
  id: string;
  defaultRegion?: string;
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
  fields: Record<string, Source>;
  meta?: {
    recordedAt?: string;
    sensitivity?: string | { const: Sensitivity };
    /** flag name → column; a truthy cell (1, true, yes, y, x) sets the flag. */
    flags?: Record<string, string>;
  };
  /** Entities derived from columns of the same row and linked to the row's record. */
  links?: { kind: EntityKind; type: LinkType; fields: Record<string, Source> }[];
}

const source = {
  oneOf: [
    { type: 'string', minLength: 1, maxLength: 128 },
    { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', minLength: 1, maxLength: 128 } },
  ],
} as const;
const fieldMap = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
  additionalProperties: source,
} as const;

export const mappingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'id', 'fields'],
  properties: {
    kind: { enum: ENTITY_KINDS },
    id: { type: 'string', minLength: 1, maxLength: 128 },
    defaultRegion: { type: 'string', pattern: '^[A-Z]{2}$' },
    dateOrder: { enum: ['dmy', 'mdy', 'ymd'] },
    fields: fieldMap,
    meta: {
      type: 'object',
      additionalProperties: false,
      properties: {
        recordedAt: { type: 'string', minLength: 1 },
        sensitivity: {
          oneOf: [
            { type: 'string', minLength: 1 },
            {
              type: 'object',
              additionalProperties: false,
              required: ['const'],
              properties: { const: { enum: SENSITIVITY_LEVELS } },
            },
          ],
        },
        flags: {
          type: 'object',
          propertyNames: { pattern: '^[a-z][a-z0-9-]{0,31}$' },
          additionalProperties: { type: 'string', minLength: 1 },
        },
      },
    },
    links: {
      type: 'array',
      maxItems: 16,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'type', 'fields'],
        properties: { kind: { enum: ENTITY_KINDS }, type: { enum: LINK_TYPES }, fields: fieldMap },
      },
    },
  },
} as const;

const validateMapping = compileSchema<Mapping>(mappingSchema);

/** Parse and validate a mapping file's text; every problem is listed with its path (and line for YAML). */
export function parseMapping(text: string, file?: string): Mapping {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new MosaicError('MOSAIC_ERR_IMPORT_MAPPING_INVALID', {
      issues: doc.errors.map((e) => ({
        path: '',
        message: e.message.split('\n')[0] ?? e.code,
        ...(file === undefined ? {} : { file }),
        ...(e.linePos?.[0] ? { line: e.linePos[0].line } : {}),
      })),
    });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    // Aliases are refused: a mapping has no use for them, and alias expansion can blow up (billion laughs).
    throw new MosaicError('MOSAIC_ERR_IMPORT_MAPPING_INVALID', {
      issues: [
        {
          path: '',
          message: `YAML aliases are not allowed (${String((err as Error).message).split('\n')[0]})`,
          ...(file === undefined ? {} : { file }),
        },
      ],
    });
  }
  if (!validateMapping(data))
    throw new MosaicError('MOSAIC_ERR_IMPORT_MAPPING_INVALID', {
      issues: validateMapping.issues().map((i) => (file === undefined ? i : { ...i, file })),
    });
  return data;
}

const TRUTHY = new Set(['1', 'true', 'yes', 'y', 'x', 't']);

function pick(row: Readonly<Record<string, string>>, src: Source): string {
  if (typeof src === 'string') return (Object.hasOwn(row, src) ? row[src] : undefined)?.trim() ?? '';
  return src
    .map((c) => (Object.hasOwn(row, c) ? row[c] : undefined)?.trim() ?? '')
    .filter((v) => v !== '')
    .join(' ');
}

function attributes(
  row: Readonly<Record<string, string>>,
  fields: Record<string, Source>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [attr, src] of Object.entries(fields)) {
    const v = pick(row, src);
    if (v !== '') out[attr] = v;
  }
  return out;
}

export interface BuiltRow {
  record: EntityRecord;
  derived: EntityRecord[];
}

/**
 * Turn one source row into the row's record and the linked entities it implies. Derived entities get the
 * id `<kind>:<first blocking key>` so every row naming the same phone links to one phone record.
 * Throws a plain Error with a message for a bad row; the importer adds the line number.
 */
export function buildRecord(row: Readonly<Record<string, string>>, mapping: Mapping): BuiltRow {
  const id = pick(row, mapping.id);
  if (id === '') throw new Error(`the id column "${mapping.id}" is empty`);
  if (id.length > 256) throw new Error('the id is longer than 256 characters');
  const attrs = attributes(row, mapping.fields);
  for (const [k, v] of Object.entries(attrs))
    if (v.length > 1024) throw new Error(`${k} is longer than 1024 characters`);
  const date = attrs['birthDate'];
  if (date !== undefined && normaliseDate(date, mapping.dateOrder).readings.length === 0)
    throw new Error(`birthDate "${date.slice(0, 32)}" is not a date`);
  const meta: EntityRecord['meta'] = {};
  const m = mapping.meta;
  if (m?.recordedAt !== undefined) {
    const v = pick(row, m.recordedAt);
    if (v !== '') {
      const r = normaliseDate(v, mapping.dateOrder).readings[0];
      if (r === undefined) throw new Error(`recordedAt "${v.slice(0, 32)}" is not a date`);
      const p = (n: number) => String(n).padStart(2, '0');
      meta.recordedAt =
        r.m === undefined
          ? String(r.y)
          : r.d === undefined
            ? `${r.y}-${p(r.m)}`
            : `${r.y}-${p(r.m)}-${p(r.d)}`;
    }
  }
  if (m?.sensitivity !== undefined) {
    const v =
      typeof m.sensitivity === 'string' ? pick(row, m.sensitivity).toLowerCase() : m.sensitivity.const;
    if (v !== '') {
      if (!(SENSITIVITY_LEVELS as readonly string[]).includes(v))
        throw new Error(`sensitivity "${v.slice(0, 32)}" is not one of ${SENSITIVITY_LEVELS.join(', ')}`);
      meta.sensitivity = v as Sensitivity;
    }
  }
  if (m?.flags !== undefined) {
    const flags = Object.entries(m.flags)
      .filter(([, col]) => TRUTHY.has(pick(row, col).toLowerCase()))
      .map(([flag]) => flag);
    if (flags.length > 0) meta.flags = flags;
  }
  const links: EntityLink[] = [];
  const derived: EntityRecord[] = [];
  const opts = mapping.defaultRegion === undefined ? {} : { defaultRegion: mapping.defaultRegion };
  for (const l of mapping.links ?? []) {
    const a = attributes(row, l.fields);
    if (Object.keys(a).length === 0) continue;
    const key = blockingKeys(prepareFeatures(l.kind, a, opts))[0];
    if (key === undefined) continue;
    const target = `${l.kind}:${key.slice(key.indexOf(':') + 1)}`.slice(0, 256);
    links.push({ type: l.type, target, targetKind: l.kind });
    derived.push({ id: target, kind: l.kind, attributes: a, meta: {}, links: [] });
  }
  return { record: { id, kind: mapping.kind, attributes: attrs, meta, links }, derived };
}
