/** One registry entry: the HTTP status and the one-line public message a caller may see. */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

/** Codes are `MOSAIC_ERR_<AREA>_<CONDITION>`; a test checks the shape and that each is documented. */
export const ERROR_CODE_PATTERN = /^MOSAIC_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
