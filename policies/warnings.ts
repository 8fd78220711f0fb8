import type { Issue } from '../contracts/index.js';
import type { PolicyBundle } from './load.js';

/**
 * What a valid bundle allows that its authors may not have meant: warnings, not errors, so an agency can
 * still run a bundle it has decided on (`mosaic policy check` prints them, the node logs them at load).
 *
 * A permission that releases `summary` or `record` without a `counts: records` quota is an export: a peer
 * may take every record it can name, one query after another. A records quota counted only per requester
 * bounds one honest officer; the requesting node chooses the pseudonyms, so only a per-peer one bounds the
 * agency.
 */
export function policyWarnings(bundle: PolicyBundle): Issue[] {
  const out: Issue[] = [];
  for (const r of bundle.normalised.rules) {
    const g = r.grant;
    if (!g || (g.maxGranularity !== 'summary' && g.maxGranularity !== 'record')) continue;
    const src = bundle.sources.get(r.id);
    const at = (message: string) =>
      out.push({
        ...(src ? { file: src.file, ...(src.line === undefined ? {} : { line: src.line }) } : {}),
        path: '',
        message,
      });
    const records = (g.quotas ?? []).filter((q) => q.counts === 'records');
    if (records.length === 0)
      at(
        `rule "${r.id}" grants ${g.maxGranularity} without a records quota: it is an export, nothing bounds ` +
          'how many records a peer can take (add quotas with counts: records, per: peer and per: requester)',
      );
    else if (!records.some((q) => q.per === 'peer'))
      at(
        `rule "${r.id}" counts records per requester only: requester ids are chosen by the requesting node, ` +
          'so add a records quota per: peer to bound the agency',
      );
  }
  return out;
}
