/**
 * bench/policy-decision: policy decisions per second for a 200-rule bundle against random facts, next to one
 * jose ES256 `compactVerify` (the signature check every peer query already pays) measured in the same run.
 * Rounds alternate the two so drift on a shared machine hits both alike; medians are reported.
 * Target (issue 3): ratio = decision time / verify time ≤ 0.05.
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { GRANULARITIES, SUBJECT_KINDS } from '../contracts/index.js';
import { buildBundle, evaluate, type Facts, type PolicyContext } from '../policies/index.js';
import { median, round } from './lib/stats.js';

const ROUNDS = Number(process.env['MOSAIC_BENCH_ROUNDS'] ?? 5);
const DECISIONS_PER_ROUND = 200_000;
const VERIFIES_PER_ROUND = 2_000;

// A deterministic PRNG (mulberry32) so every run decides the same facts against the same bundle.
let seed = 0x5eed;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const some = <T>(xs: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(xs)))];

// A federation of 40 agencies in 10 countries and 6 groups; 8 purposes; 12 datasets of 10 fields.
const countries = ['RO', 'HU', 'AT', 'NL', 'DE', 'FR', 'IT', 'ES', 'PL', 'BG'];
const groups = ['jit-danube', 'jit-rhine', 'jit-balkan', 'emp-thb', 'fiu-net', 'border-net'];
const agencies = Array.from({ length: 40 }, (_, i) => `agency-${i}`);
const purposes = Array.from({ length: 8 }, (_, i) => `purpose-${i}`);
const fields = Array.from({ length: 10 }, (_, i) => `field${i}`);
const datasets = Array.from({ length: 12 }, (_, i) => `dataset-${i}`);
const ctx: PolicyContext = {
  agencies: Object.fromEntries(
    agencies.map((a, i) => [a, { country: countries[i % 10]!, groups: some(groups, 2) }]),
  ),
  purposes,
  datasets: Object.fromEntries(datasets.map((d) => [d, { kinds: some(SUBJECT_KINDS, 3), fields }])),
};

const transforms = ['keep', 'mask', 'year-only', 'truncate:4', 'drop'];
const rules = Array.from({ length: 200 }, (_, i) => {
  const when: Record<string, unknown> = { datasets: some(datasets, 2), purposes: some(purposes, 3) };
  if (rand() < 0.4) when['agencies'] = some(agencies, 6);
  if (rand() < 0.3) when['countries'] = some(countries, 3);
  if (rand() < 0.3) when['groups'] = some(groups, 2);
  if (rand() < 0.3) when['subjectKinds'] = some(SUBJECT_KINDS, 3);
  if (i % 10 === 0) return { id: `rule-${i}`, effect: 'prohibit', when };
  if (i % 10 === 5) return { id: `rule-${i}`, effect: 'prohibit', when, records: { withFlags: ['victim'] } };
  return {
    id: `rule-${i}`,
    effect: 'permit',
    when,
    records: { ageDays: { max: 3650 } },
    grant: {
      maxGranularity: pick(GRANULARITIES),
      fields: Object.fromEntries(some(fields, 5).map((f) => [f, pick(transforms)])),
      ...(rand() < 0.3 ? { quota: { limit: 100, period: 'day' } } : {}),
    },
  };
});
const bundle = buildBundle(
  [
    { file: 'bundle.yaml', text: 'version: bench.1\n' },
    { file: 'rules.json', text: JSON.stringify({ rules }) },
  ],
  ctx,
);
const facts: Facts[] = Array.from({ length: 4096 }, () => ({
  peer: pick(agencies),
  purpose: pick(purposes),
  legalBasis: 'bench',
  subjectKind: pick(SUBJECT_KINDS),
  selectors: [],
  granularity: pick(GRANULARITIES),
  dataset: pick(datasets),
}));
const counters = new Map<string, number>();
const NOW = Date.parse('2026-11-29T10:00:00Z');

// The baseline: one ES256 compact JWS of a query-sized payload, verified with jose.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicKey.export({ format: 'jwk' }) as JWK;
const verifyKey = await importJWK(jwk, 'ES256');
const payload = new TextEncoder().encode(
  JSON.stringify({
    iss: 'agency-1',
    aud: 'agency-2',
    purpose: 'purpose-1',
    subject: { kind: 'person', selectors: { fullName: 'Ionut Popescu' } },
  }),
);
const jws = await new CompactSign(payload)
  .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
  .sign(privateKey);

let sink = 0;
function decisionRound(): number {
  const start = performance.now();
  for (let i = 0; i < DECISIONS_PER_ROUND; i++) {
    const d = evaluate(bundle.engine, facts[i & 4095]!, NOW, counters);
    sink += d.ruleIds.length;
  }
  return ((performance.now() - start) * 1000) / DECISIONS_PER_ROUND;
}
async function verifyRound(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < VERIFIES_PER_ROUND; i++) {
    const { payload: p } = await compactVerify(jws, verifyKey);
    sink += p.length;
  }
  return ((performance.now() - start) * 1000) / VERIFIES_PER_ROUND;
}

// Warm up both paths before measuring.
decisionRound();
await verifyRound();
const decisionUs: number[] = [];
const verifyUs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  decisionUs.push(decisionRound());
  verifyUs.push(await verifyRound());
  console.log(
    `round ${r + 1}: decision ${round(decisionUs.at(-1)!)} µs, ES256 verify ${round(verifyUs.at(-1)!)} µs`,
  );
}
const permits = facts.filter((f) => evaluate(bundle.engine, f, NOW, counters).effect === 'permit').length;
const decision = median(decisionUs);
const verify = median(verifyUs);
console.log(
  `200 rules (${bundle.engine.rules.length} compiled), ${round((permits / facts.length) * 100, 1)}% of facts permitted; ` +
    `${Math.round(1e6 / decision).toLocaleString('en')} decisions/s; checksum ${sink % 997}`,
);
console.log(
  JSON.stringify({
    bench: 'policy-decision',
    decision_us: round(decision),
    verify_us: round(verify),
    ratio: round(decision / verify, 4),
  }),
);
