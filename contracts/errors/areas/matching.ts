import type { ErrorSpec } from '../spec.js';

/** Matching, connectors, file import and screening: untrusted selectors, records and input files. */
export const matchingErrors = {
  MOSAIC_ERR_MATCH_SUBJECT_INVALID: {
    status: 400,
    message: 'The subject has no selector that can be matched.',
  },
  MOSAIC_ERR_MATCH_SELECTOR_TOO_LARGE: { status: 413, message: 'A selector value is too long to match.' },
  MOSAIC_ERR_CONNECTOR_UNKNOWN_DATASET: { status: 404, message: 'The connector holds no such dataset.' },
  MOSAIC_ERR_CONNECTOR_NOT_FOUND: { status: 404, message: 'No record has this reference.' },
  MOSAIC_ERR_CONNECTOR_UNAVAILABLE: { status: 503, message: 'The data source cannot be read.' },
  MOSAIC_ERR_CONNECTOR_RECORD_INVALID: { status: 422, message: 'A record does not match the entity model.' },
  MOSAIC_ERR_IMPORT_MAPPING_INVALID: { status: 400, message: 'The mapping file is not valid.' },
  MOSAIC_ERR_IMPORT_FILE_MALFORMED: { status: 400, message: 'The input file cannot be parsed.' },
  MOSAIC_ERR_IMPORT_ROWS_INVALID: {
    status: 422,
    message: 'Some rows are invalid; nothing was imported.',
  },
  MOSAIC_ERR_IMPORT_FILE_UNREADABLE: { status: 400, message: 'The input file cannot be read.' },
} as const satisfies Record<string, ErrorSpec>;
