import { MosaicError } from '../../contracts/index.js';
import { formatVerifierKey, type NoteVerifierKey } from '../note/keys.js';
import type { AuditLedger, ListFilter } from '../store/ledger.js';
import { type AuditBundle, BUNDLE_FORMAT, type BundleEntry } from './format.js';

/** Filters an export may apply (the auditor listing filters, without pagination). */
export type ExportFilter = Omit<ListFilter, 'from' | 'to' | 'limit' | 'after'>;

export interface ExportOptions {
  /** Inclusive lower bound on event time (ISO, UTC). */
  readonly from?: string;
  /** Exclusive upper bound on event time. */
  readonly to?: string;
  readonly filter?: ExportFilter;
  /** Witness keys to name in the bundle (informational for the auditor). */
  readonly witnessKeys?: readonly NoteVerifierKey[];
}

/**
 * Export the entries of a time range (optionally filtered) with inclusion proofs against the latest signed
 * checkpoint, every checkpoint with its cosignatures, consistency proofs between them, and the public keys.
 * Only entries covered by the latest checkpoint are exported: call `checkpointNow()` first for an up-to-date
 * export. MOSAIC_ERR_AUDIT_NOT_COVERED when the log has no checkpoint yet.
 */
export function exportBundle(store: AuditLedger, options: ExportOptions = {}): AuditBundle {
  const checkpoints = store.checkpoints();
  const latest = checkpoints[checkpoints.length - 1];
  if (latest === undefined) throw new MosaicError('MOSAIC_ERR_AUDIT_NOT_COVERED');
  const filter = Object.fromEntries(
    Object.entries(options.filter ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const filtered = Object.keys(filter).length > 0;
  const bounded = options.from !== undefined || options.to !== undefined;
  const inRange = (time: string) =>
    (options.from === undefined || time >= options.from) && (options.to === undefined || time < options.to);

  const entries: BundleEntry[] = [];
  const proofOf = (index: number) => store.inclusionProof(index, latest.size).hashes as readonly string[];
  if (filtered) {
    let after = -1;
    for (;;) {
      const page = store.list({
        ...(options.filter ?? {}),
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.to === undefined ? {} : { to: options.to }),
        after,
        limit: 1000,
      });
      for (const e of page.entries) {
        if (e.index >= latest.size) break;
        const raw = store.rawLeaves(e.index, e.index + 1).next().value;
        if (raw !== undefined)
          entries.push({ index: e.index, leaf: raw.leafData, body: raw.bodyText, proof: proofOf(e.index) });
      }
      if (page.next === null) break;
      after = page.next;
    }
  } else {
    // Unfiltered: the range is contiguous in index, from the first to the last entry in the time range, so the
    // verifier can tell a deleted leaf from one that was never asked for.
    let first: number | null = null;
    let last: number | null = null;
    for (const raw of store.rawLeaves(0, latest.size)) {
      const time = timeOf(raw.leafData);
      if (inRange(time)) {
        if (first === null) first = raw.index;
        last = raw.index;
      }
    }
    if (first !== null && last !== null) {
      for (const raw of store.rawLeaves(first, last + 1)) {
        entries.push({ index: raw.index, leaf: raw.leafData, body: raw.bodyText, proof: proofOf(raw.index) });
      }
    }
  }

  const consistency = [];
  for (let i = 1; i < checkpoints.length; i++) {
    const a = checkpoints[i - 1]!;
    const b = checkpoints[i]!;
    consistency.push({ from: a.size, to: b.size, proof: store.consistencyProof(a.size, b.size) });
  }
  return {
    format: BUNDLE_FORMAT,
    origin: store.origin,
    agency: store.agency ?? null,
    logKey: formatVerifierKey(store.logKey),
    witnessKeys: (options.witnessKeys ?? []).map(formatVerifierKey),
    range: {
      from: options.from ?? null,
      to: options.to ?? null,
      complete: !filtered,
      wholeLog: !filtered && !bounded,
      firstIndex: entries[0]?.index ?? null,
      lastIndex: entries[entries.length - 1]?.index ?? null,
      filter: filtered ? filter : null,
    },
    checkpoints: checkpoints.map((c) => ({ size: c.size, note: c.note })),
    consistency,
    entries,
  };
}

function timeOf(leafData: string): string {
  const time = (JSON.parse(leafData) as { time?: unknown }).time;
  return typeof time === 'string' ? time : '';
}
