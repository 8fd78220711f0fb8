/** C2SP signed-note, tlog-checkpoint and tlog-cosignature formats with node:crypto Ed25519. */
export {
  type Checkpoint,
  formatCheckpoint,
  parseCheckpoint,
} from './checkpoint.js';
export { cosignCheckpoint, cosignedMessage, verifyCosignature } from './cosignature.js';
export {
  computeKeyId,
  createNoteSigner,
  ed25519PrivateKeyFromSeed,
  formatVerifierKey,
  type NoteSigner,
  type NoteSigType,
  type NoteVerifierKey,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  verifierOf,
} from './keys.js';
export {
  addSignatureLines,
  MAX_NOTE_BYTES,
  type NoteSignature,
  type OpenNoteResult,
  openNote,
  type ParsedNote,
  parseNote,
  signNote,
  signNoteText,
  verifyNoteSignature,
} from './note.js';
