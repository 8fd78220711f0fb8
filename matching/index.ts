/** matching/: entity normalisation, blocking keys, comparators and Fellegi–Sunter scoring. Pure. */
export {
  normaliseName,
  normaliseOrganisation,
  loose,
  phoneticKeys,
  type NormalisedName,
} from './normalise/name.js';
export { foldText, stripInvisible, tokens, toAscii, MAX_INPUT_CHARS } from './normalise/text.js';
export { metaphone, skeleton } from './normalise/phonetic.js';
export { areNicknames, nicknameGroups } from './normalise/nicknames.js';
export {
  normaliseDate,
  formatDate,
  type DateOrder,
  type NormalisedDate,
  type PartialDate,
} from './normalise/date.js';
export { normalisePhone, type NormalisedPhone } from './normalise/phone.js';
export { normaliseEmail, type NormalisedEmail } from './normalise/email.js';
export {
  normaliseAccountNumber,
  normaliseBic,
  normaliseCode,
  normaliseIban,
  type NormalisedId,
} from './normalise/identifiers.js';
export { jaro, jaroWinkler } from './compare/jaro-winkler.js';
export { editDistance, withinOneEdit } from './compare/edit-distance.js';
export { prepareFeatures, type Features, type PrepareOptions } from './features.js';
export { blockingKeys, IDENTIFIER_KEYS, termValues } from './blocking/keys.js';
export { retrieve, DEFAULT_LIMITS, type CandidateLimits, type Retrieved } from './blocking/retrieve.js';
export { MemoryIndex } from './blocking/memory-index.js';
export {
  DEFAULT_SCORING,
  scoringConfig,
  type Band,
  type FieldName,
  type LevelParams,
  type ScoringConfig,
} from './score/config.js';
export {
  bandOf,
  type FieldEvidence,
  type ScoreResult,
  scoreOf,
  scorePair,
  scoreWeight,
  type TermFrequencies,
} from './score/score.js';
