/** The witness role (C2SP tlog-witness) a node plays for its peers' logs. */
export {
  type AddCheckpointRequest,
  addCheckpoint,
  detectSplitView,
  formatAddCheckpoint,
  parseAddCheckpoint,
  SplitViewError,
  splitViewDigest,
  type WitnessConfig,
  WitnessConflictError,
} from './add-checkpoint.js';
