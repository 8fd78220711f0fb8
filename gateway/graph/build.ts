import { createHash } from 'node:crypto';
import type { Hit } from '../../contracts/index.js';
import {
  blockingKeys,
  type Features,
  prepareFeatures,
  type ScoreResult,
  type ScoringConfig,
  scorePair,
  scoringConfig,
  type TermFrequencies,
} from '../../matching/index.js';
import type { SearchState } from '../search/service.js';
import { DisjointSets } from './analysis.js';
import { deriveIdentifiers, isMasked, subjectIdentifier } from './identifiers.js';
import type {
  DisclosedRecord,
  CaseGraph,
  EdgeDecision,
  GraphEdge,
  HitNode,
  IdentifierNode,
  LinkEdge,
  SameAsEdge,
  SearchSummary,
} from './model.js';

export interface GraphRules {
  /** An identifier held by more distinct records than this is generic (a shelter's phone). Default 8. */
  readonly genericThreshold: number;
  /** A hub links at least this many otherwise unrelated persons, across at least two agencies. Default 2. */
  readonly hubMinPersons: number;
}

export const DEFAULT_RULES: GraphRules = Object.freeze({ genericThreshold: 8, hubMinPersons: 2 });

/** Short, URL-safe, stable ids: the same searches always give the same graph, so decisions stay attached. */
function shortId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 20)}`;
}

/** Released fields as strings; anything else a peer sent is not a field (the schema allows only strings). */
function stringFields(fields: Hit['fields']): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(fields ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function hitLabel(kind: string, f: Readonly<Record<string, string>>, agency: string): string {
  const name = f['fullName'] ?? [f['givenName'], f['familyName']].filter((x) => x !== undefined).join(' ');
  if (kind === 'person' && name !== '') return name;
  if (kind === 'organisation' && f['name'] !== undefined) return f['name'];
  const own = f['number'] ?? f['address'] ?? f['text'] ?? f['iban'] ?? f['plate'];
  if (own !== undefined) return own;
  return `${kind} at ${agency}`;
}

interface Built {
  hits: HitNode[];
  /** Which search each hit came from, for the generic evidence. */
  subjects: Map<string, SearchState['request']['subject']>;
  identifiers: Map<
    string,
    { node: Omit<IdentifierNode, 'agencies' | 'genericEvidence'>; agencies: Set<string> }
  >;
  links: LinkEdge[];
}

/**
 * One hit node per hit of every search; identifier nodes and links from the released, unmasked fields. A hit
 * whose record the owner has since released through step 2 shows that record's fields (granted `record`).
 */
function collectHits(searches: readonly SearchState[], disclosed: readonly DisclosedRecord[]): Built {
  const b: Built = { hits: [], subjects: new Map(), identifiers: new Map(), links: [] };
  const released = new Map(disclosed.map((d) => [`${d.peer}\n${d.ref}`, d]));
  const linkIds = new Set<string>();
  const hitIds = new Set<string>();
  for (const s of searches) {
    for (const peer of s.peers) {
      for (const result of peer.results ?? []) {
        for (const hit of result.hits ?? []) {
          const record = released.get(`${peer.agency}\n${hit.ref}`);
          const kind = hit.kind ?? record?.kind ?? 'unknown';
          const fields = record === undefined ? stringFields(hit.fields) : stringFields(record.fields);
          const node: HitNode = {
            id: shortId('h', s.id, peer.agency, result.dataset, hit.ref),
            type: 'hit',
            kind,
            label: hitLabel(kind, fields, peer.agency),
            provenance: {
              agency: peer.agency,
              dataset: result.dataset,
              searchId: s.id,
              searchedAt: s.createdAt,
              granted: record === undefined ? result.decision.granted : 'record',
              ref: hit.ref,
              score: hit.score,
              band: hit.band,
            },
            fields,
            evidence: hit.evidence ?? [],
          };
          // A peer repeating a reference within one answer gets one node for it, not two with one id.
          if (hitIds.has(node.id)) continue;
          hitIds.add(node.id);
          b.hits.push(node);
          b.subjects.set(node.id, s.request.subject);
          for (const d of deriveIdentifiers(kind, fields)) {
            const id = shortId('i', d.kind, d.key);
            const entry = b.identifiers.get(id) ?? {
              node: { id, type: 'identifier' as const, kind: d.kind, value: d.key, label: d.display },
              agencies: new Set<string>(),
            };
            entry.agencies.add(peer.agency);
            b.identifiers.set(id, entry);
            const edgeId = shortId('e', d.link, node.id, id);
            if (linkIds.has(edgeId)) continue;
            linkIds.add(edgeId);
            b.links.push({
              id: edgeId,
              type: d.link,
              from: node.id,
              to: id,
              field: d.field,
              agency: peer.agency,
            });
          }
        }
      }
    }
  }
  return b;
}

/**
 * Hits that are the same record seen by two searches: same agency, dataset and kind, and the same released
 * fields. References are random per answer (gateway/responder/hit-refs.ts), so this is the only sign; it
 * is used for counting, never to merge nodes.
 */
export function sameRecordKey(h: HitNode): string | undefined {
  const keys = Object.keys(h.fields).sort();
  if (keys.length === 0) return undefined;
  return JSON.stringify([
    h.provenance.agency,
    h.provenance.dataset,
    h.kind,
    keys.map((k) => [k, h.fields[k]]),
  ]);
}

/** Distinct records among hits: repeats of one record (sameRecordKey) count once. */
export function distinctRecords(hits: readonly HitNode[]): number {
  return new Set(hits.map((h) => sameRecordKey(h) ?? h.id)).size;
}

/** A hit's evidence marked field F `generic`: the value the search asked about is generic at that owner. */
function genericFromEvidence(b: Built): Set<string> {
  const out = new Set<string>();
  for (const h of b.hits) {
    for (const e of h.evidence) {
      if (e['generic'] !== true || typeof e['field'] !== 'string') continue;
      const subject = b.subjects.get(h.id);
      const fromSubject = subject ? subjectIdentifier(subject, e['field']) : undefined;
      if (fromSubject) out.add(shortId('i', fromSubject.kind, fromSubject.key));
    }
  }
  return out;
}

/** Features for scoring from what was released; masked values say nothing and are left out. */
function featuresOf(h: HitNode): Features | undefined {
  if (h.kind !== 'person' && h.kind !== 'organisation') return undefined;
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(h.fields)) if (!isMasked(v)) attrs[k] = v;
  const f = prepareFeatures(h.kind, attrs);
  const comparable = Object.keys(f).some((k) => k !== 'kind' && k !== 'invalid' && k !== 'emailsRaw');
  return comparable ? f : undefined;
}

/** Matching's agreeing value (compare.ts `value`) → the identifier node it corresponds to. */
function identifierIdForField(field: string, value: string): string | undefined {
  switch (field) {
    case 'phone':
    case 'email':
    case 'address':
      return shortId('i', field, value);
    case 'document':
    case 'nationalId':
      return shortId('i', 'document', value);
    case 'iban':
      return shortId('i', 'account', `iban:${value}`);
    case 'account':
      return shortId('i', 'account', `number:${value}`);
    default:
      return undefined;
  }
}

/**
 * Scoring as the owners score, with two case-level changes: no term-frequency adjustment (a case is not a
 * population, its frequencies mean nothing), and a value that is generic in this case (held by more than
 * `genericThreshold` records, or flagged by an owner) agrees only at matching's weak `generic` level, so a
 * shelter's phone does not make its residents "possibly the same".
 */
function caseScoring(generic: ReadonlySet<string>, total: number) {
  const config: ScoringConfig = scoringConfig({ genericMinCount: 1, tfClamp: { min: 0, max: 0 } });
  const tf: TermFrequencies = {
    total: Math.max(1, total),
    count: (field, value) => {
      const id = identifierIdForField(field, value);
      return id !== undefined && generic.has(id) ? 1 : 0;
    },
  };
  return { config, tf };
}

/** Both directions, keep the weaker: scorePair compares the fields its first argument holds. */
function symmetricScore(a: Features, b: Features, tf: TermFrequencies, config: ScoringConfig): ScoreResult {
  const ab = scorePair(a, b, tf, config);
  const ba = scorePair(b, a, tf, config);
  return ba.weight < ab.weight ? ba : ab;
}

/**
 * Pairs worth scoring: those sharing one of matching's blocking keys (the keys the owners retrieve candidates
 * by, so a pair the owners would never have compared is not compared here either), in index order. A hit
 * without any key (a given name alone) is paired with every other, as there is nothing to block on.
 */
function candidatePairs(features: readonly Features[]): [number, number][] {
  const byKey = new Map<string, number[]>();
  const keyless: number[] = [];
  features.forEach((f, i) => {
    const keys = blockingKeys(f);
    if (keys.length === 0) keyless.push(i);
    for (const k of keys) {
      const list = byKey.get(k);
      if (list === undefined) byKey.set(k, [i]);
      else list.push(i);
    }
  });
  const pairs = new Set<number>();
  const n = features.length;
  const add = (i: number, j: number) => pairs.add(i < j ? i * n + j : j * n + i);
  for (const list of byKey.values())
    for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) add(list[x]!, list[y]!);
  for (const i of keyless) for (let j = 0; j < n; j++) if (j !== i) add(i, j);
  return [...pairs].sort((a, b) => a - b).map((p) => [Math.floor(p / n), p % n]);
}

function sameAsEdges(
  hits: readonly HitNode[],
  generic: ReadonlySet<string>,
  decisions: ReadonlyMap<string, EdgeDecision>,
): SameAsEdge[] {
  const { config, tf } = caseScoring(generic, hits.length);
  const candidates = hits
    .map((h) => ({ h, f: featuresOf(h) }))
    .filter((x): x is { h: HitNode; f: Features } => x.f !== undefined)
    .sort((x, y) => (x.h.id < y.h.id ? -1 : 1));
  const out: SameAsEdge[] = [];
  for (const [i, j] of candidatePairs(candidates.map((c) => c.f))) {
    const a = candidates[i]!;
    const b = candidates[j]!;
    if (a.h.kind !== b.h.kind || a.h.provenance.agency === b.h.provenance.agency) continue;
    const s = symmetricScore(a.f, b.f, tf, config);
    if (s.band === 'non-match') continue;
    const id = shortId('s', a.h.id, b.h.id);
    const d = decisions.get(id);
    out.push({
      id,
      type: 'possibly-same',
      from: a.h.id,
      to: b.h.id,
      score: s.score,
      weight: s.weight,
      band: s.band,
      matchKey: s.matchKey,
      evidence: s.evidence,
      decision: d?.decision ?? 'pending',
      ...(d === undefined
        ? {}
        : {
            decidedBy: d.decidedBy,
            decidedAt: d.decidedAt,
            ...(d.note === undefined ? {} : { note: d.note }),
          }),
    });
  }
  return out;
}

function summarise(s: SearchState): SearchSummary {
  return {
    id: s.id,
    createdAt: s.createdAt,
    status: s.status,
    subjectKind: s.request.subject.kind,
    peers: s.peers.map((p) => ({
      agency: p.agency,
      status: p.status,
      ...(p.reasonCode === undefined ? {} : { reasonCode: p.reasonCode }),
    })),
  };
}

/**
 * The case graph from the case's stored searches and the analyst's decisions. Pure: built afresh on every
 * request, so it never shows a stale view; node and edge ids depend only on the searches.
 */
export function buildCaseGraph(
  caseRef: string,
  searches: readonly SearchState[],
  decisions: ReadonlyMap<string, EdgeDecision> = new Map(),
  rules: GraphRules = DEFAULT_RULES,
  disclosed: readonly DisclosedRecord[] = [],
): CaseGraph {
  const ordered = [...searches].sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
  );
  const b = collectHits(ordered, disclosed);
  const flagged = genericFromEvidence(b);
  const hitById = new Map(b.hits.map((h) => [h.id, h]));
  const holders = new Map<string, HitNode[]>();
  for (const l of b.links) {
    const h = hitById.get(l.from)!;
    if (h.kind !== 'person') continue;
    const list = holders.get(l.to);
    if (list === undefined) holders.set(l.to, [h]);
    else if (!list.includes(h)) list.push(h);
  }
  const generic = new Set<string>(flagged);
  for (const [id, hs] of holders) if (distinctRecords(hs) > rules.genericThreshold) generic.add(id);
  const identifiers: IdentifierNode[] = [...b.identifiers.values()].map((e) => ({
    ...e.node,
    agencies: [...e.agencies].sort(),
    genericEvidence: flagged.has(e.node.id),
  }));
  const edges: GraphEdge[] = [...b.links, ...sameAsEdges(b.hits, generic, decisions)];
  return {
    caseRef,
    searches: ordered.map(summarise),
    nodes: [...b.hits, ...identifiers.sort((x, y) => (x.id < y.id ? -1 : 1))],
    edges,
  };
}

/** Person hits grouped as one person when they are repeats of one record or joined by a not-rejected edge. */
export function personGroups(graph: CaseGraph): DisjointSets {
  const sets = new DisjointSets();
  const byRecord = new Map<string, string>();
  for (const n of graph.nodes) {
    if (n.type !== 'hit' || n.kind !== 'person') continue;
    sets.find(n.id);
    const key = sameRecordKey(n);
    if (key === undefined) continue;
    const first = byRecord.get(key);
    if (first === undefined) byRecord.set(key, n.id);
    else sets.union(first, n.id);
  }
  for (const e of graph.edges) {
    if (e.type === 'possibly-same' && e.decision !== 'rejected') sets.union(e.from, e.to);
  }
  return sets;
}
