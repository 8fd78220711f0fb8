/**
 * The search request as the API's schema defines it (contracts/schemas/search-request.ts and common.ts),
 * mirrored for client-side validation. The node validates again; this only saves a round trip and lets
 * the console point at the field at fault.
 */

/**
 * @typedef {'text' | 'date' | 'country' | 'gender'} FieldType
 * @typedef {{ name: string, label: string, type: FieldType, required?: boolean, hint?: string, placeholder?: string, inputmode?: string, autocomplete?: string }} SelectorField
 * @typedef {{ kind: string, label: string, fields: SelectorField[], atLeastOne: boolean }} SubjectKind
 */

/** @type {SubjectKind[]} */
export const SUBJECT_KINDS = [
  {
    kind: 'person',
    label: 'Person',
    atLeastOne: true,
    fields: [
      { name: 'fullName', label: 'Full name', type: 'text', hint: 'Any script; names are transliterated.' },
      { name: 'givenName', label: 'Given name', type: 'text' },
      { name: 'familyName', label: 'Family name', type: 'text' },
      { name: 'birthDate', label: 'Date of birth', type: 'date', hint: 'YYYY, YYYY-MM or YYYY-MM-DD' },
      { name: 'nationality', label: 'Nationality', type: 'country', hint: 'ISO 3166-1 alpha-2, e.g. RO' },
      { name: 'gender', label: 'Gender', type: 'gender' },
    ],
  },
  {
    kind: 'phone',
    label: 'Phone',
    atLeastOne: false,
    fields: [
      {
        name: 'number',
        label: 'Phone number',
        type: 'text',
        required: true,
        inputmode: 'tel',
        hint: 'International format preferred, e.g. +40 721 555 019',
      },
      { name: 'country', label: 'Country', type: 'country', hint: 'For numbers without a country code' },
    ],
  },
  {
    kind: 'email',
    label: 'Email',
    atLeastOne: false,
    fields: [{ name: 'address', label: 'Email address', type: 'text', required: true, inputmode: 'email' }],
  },
  {
    kind: 'document',
    label: 'Document',
    atLeastOne: false,
    fields: [
      { name: 'number', label: 'Document number', type: 'text', required: true },
      { name: 'type', label: 'Document type', type: 'text', hint: 'e.g. passport, id-card' },
      { name: 'country', label: 'Issuing country', type: 'country' },
    ],
  },
  {
    kind: 'account',
    label: 'Account',
    atLeastOne: true,
    fields: [
      { name: 'iban', label: 'IBAN', type: 'text' },
      { name: 'bic', label: 'BIC', type: 'text' },
      { name: 'number', label: 'Account number', type: 'text', hint: 'Where there is no IBAN' },
    ],
  },
  {
    kind: 'vehicle',
    label: 'Vehicle',
    atLeastOne: true,
    fields: [
      { name: 'plate', label: 'Registration plate', type: 'text' },
      { name: 'country', label: 'Registration country', type: 'country' },
      { name: 'vin', label: 'VIN', type: 'text' },
    ],
  },
  {
    kind: 'address',
    label: 'Address',
    atLeastOne: false,
    fields: [
      { name: 'text', label: 'Address', type: 'text', required: true },
      { name: 'postcode', label: 'Postcode', type: 'text' },
      { name: 'country', label: 'Country', type: 'country' },
    ],
  },
  {
    kind: 'organisation',
    label: 'Organisation',
    atLeastOne: false,
    fields: [
      { name: 'name', label: 'Organisation name', type: 'text', required: true },
      { name: 'country', label: 'Country', type: 'country' },
      { name: 'registration', label: 'Registration number', type: 'text' },
    ],
  },
];

export const GENDERS = ['female', 'male', 'other', 'unknown'];
export const GRANULARITIES = [
  { value: 'exists', label: 'Exists: hit or no hit' },
  { value: 'count', label: 'Count of matching records' },
  { value: 'summary', label: 'Summary: selected fields, masked' },
  { value: 'record', label: 'Record: full record (usually needs approval)' },
];
/** Suggestions only: the federation's vocabulary is enforced by the node. */
export const PURPOSE_SUGGESTIONS = [
  'trafficking-investigation',
  'victim-protection',
  'financial-intelligence',
];

const PATTERNS = {
  partialDate: /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/,
  country: /^[A-Z]{2}$/,
  identifier: /^[a-z][a-z0-9._-]{0,63}$/,
  agencyId: /^[a-z][a-z0-9-]{1,62}$/,
  caseRef: /^[A-Za-z0-9][A-Za-z0-9/._-]{0,127}$/,
};

/** @param {string} kind */
export function subjectKind(kind) {
  return SUBJECT_KINDS.find((k) => k.kind === kind);
}

/**
 * @typedef {{ kind: string, selectors: Record<string, string>, purpose: string, legalBasis: string, caseRef: string, granularity: string, agencies: string, groups: string, required: string, deadlineSeconds: string, peerDeadlineSeconds: string }} SearchForm
 * @typedef {{ field: string, message: string }} FieldError
 */

/** Split a comma- or space-separated list, dropping empties. @param {string} text */
export function splitList(text) {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * @param {string} field
 * @param {string} text
 * @param {RegExp} pattern
 * @param {string} what
 * @param {FieldError[]} errors
 */
function checkList(field, text, pattern, what, errors) {
  const items = splitList(text);
  const bad = items.filter((i) => !pattern.test(i));
  if (bad.length > 0) errors.push({ field, message: `${bad.join(', ')}: not ${what}` });
  else if (new Set(items).size !== items.length)
    errors.push({ field, message: 'Each entry may appear only once' });
  return items;
}

/**
 * @param {string} field
 * @param {string} text
 * @param {FieldError[]} errors
 * @returns {number | undefined} milliseconds
 */
function checkSeconds(field, text, errors) {
  if (text.trim() === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 60) {
    errors.push({ field, message: 'Enter a number of seconds between 0.1 and 60' });
    return undefined;
  }
  return Math.round(seconds * 1000);
}

/**
 * Validate the form and build the `POST /api/v1/searches` body. Returns every problem at once, each tied to
 * the form field it concerns (selector fields are named `selector.<name>`).
 * @param {SearchForm} form
 * @returns {{ ok: true, body: Record<string, unknown> } | { ok: false, errors: FieldError[] }}
 */
export function buildSearchRequest(form) {
  /** @type {FieldError[]} */
  const errors = [];
  const spec = subjectKind(form.kind);
  if (!spec) return { ok: false, errors: [{ field: 'kind', message: 'Choose a subject kind' }] };

  /** @type {Record<string, string>} */
  const selectors = {};
  for (const f of spec.fields) {
    const raw = (form.selectors[f.name] ?? '').trim();
    const value = f.type === 'country' ? raw.toUpperCase() : raw;
    const field = `selector.${f.name}`;
    if (value === '') {
      if (f.required) errors.push({ field, message: `Enter the ${f.label.toLowerCase()}` });
      continue;
    }
    if (value.length > 256) errors.push({ field, message: 'At most 256 characters' });
    else if (f.type === 'date' && !PATTERNS.partialDate.test(value))
      errors.push({ field, message: 'Use YYYY, YYYY-MM or YYYY-MM-DD' });
    else if (f.type === 'country' && !PATTERNS.country.test(value))
      errors.push({ field, message: 'Use a two-letter ISO 3166-1 country code, e.g. HU' });
    else if (f.type === 'gender' && !GENDERS.includes(value))
      errors.push({ field, message: 'Choose a gender' });
    selectors[f.name] = value;
  }
  if (
    spec.atLeastOne &&
    Object.keys(selectors).length === 0 &&
    !errors.some((e) => e.field.startsWith('selector.'))
  ) {
    errors.push({
      field: `selector.${spec.fields[0]?.name}`,
      message: `Enter at least one ${spec.label.toLowerCase()} selector`,
    });
  }

  const purpose = form.purpose.trim();
  if (purpose === '') errors.push({ field: 'purpose', message: 'Enter the purpose of this search' });
  else if (!PATTERNS.identifier.test(purpose))
    errors.push({
      field: 'purpose',
      message: 'A purpose is a lower-case identifier, e.g. trafficking-investigation',
    });

  const legalBasis = form.legalBasis.trim();
  if (legalBasis === '')
    errors.push({ field: 'legalBasis', message: 'Enter the legal basis for this search' });
  else if (legalBasis.length > 256) errors.push({ field: 'legalBasis', message: 'At most 256 characters' });

  const caseRef = form.caseRef.trim();
  if (caseRef === '') errors.push({ field: 'caseRef', message: 'Enter the case reference' });
  else if (!PATTERNS.caseRef.test(caseRef))
    errors.push({
      field: 'caseRef',
      message: 'Letters, digits and / . _ - only, starting with a letter or digit, at most 128 characters',
    });

  const agencies = checkList('agencies', form.agencies, PATTERNS.agencyId, 'an agency id', errors);
  const groups = checkList('groups', form.groups, PATTERNS.identifier, 'a group id', errors);
  const required = checkList('required', form.required, PATTERNS.agencyId, 'an agency id', errors);
  const deadlineMs = checkSeconds('deadlineSeconds', form.deadlineSeconds, errors);
  const peerDeadlineMs = checkSeconds('peerDeadlineSeconds', form.peerDeadlineSeconds, errors);

  if (errors.length > 0) return { ok: false, errors };
  /** @type {Record<string, unknown>} */
  const body = {
    subject: { kind: spec.kind, selectors },
    purpose,
    legalBasis,
    caseRef,
    granularity: form.granularity,
  };
  if (agencies.length > 0 || groups.length > 0) {
    body['targets'] = {
      ...(agencies.length > 0 ? { agencies } : {}),
      ...(groups.length > 0 ? { groups } : {}),
    };
  }
  if (required.length > 0) body['required'] = required;
  if (deadlineMs !== undefined) body['deadlineMs'] = deadlineMs;
  if (peerDeadlineMs !== undefined) body['peerDeadlineMs'] = peerDeadlineMs;
  return { ok: true, body };
}

/**
 * Map a server issue path (JSON Pointer into the request body) to the form field it concerns.
 * @param {string} path
 */
export function fieldForIssuePath(path) {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'subject' && parts[1] === 'selectors' && parts[2]) return `selector.${parts[2]}`;
  if (parts[0] === 'subject') return 'kind';
  if (parts[0] === 'targets') return parts[1] === 'groups' ? 'groups' : 'agencies';
  if (parts[0] === 'deadlineMs') return 'deadlineSeconds';
  if (parts[0] === 'peerDeadlineMs') return 'peerDeadlineSeconds';
  if (parts[0] && ['purpose', 'legalBasis', 'caseRef', 'granularity', 'required'].includes(parts[0]))
    return parts[0];
  return undefined;
}
