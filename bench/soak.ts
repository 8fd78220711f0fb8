/**
 * bench/soak (`npm run soak`): a small federation — one in-process analyst node and two responder nodes in
 * their own processes, each holding 20,000 person records — under a bounded mixed load at a fixed rate for a
 * fixed time (MOSAIC_SOAK_SECONDS, default 60): federated searches through SearchService, disclosure
 * requests and audit reads through the analyst's API. RSS of every process is sampled every 5 s.
 *
 * Pass criteria (exit 1 otherwise): no operation fails, and no process grows by more than
 * MOSAIC_SOAK_MAX_GROWTH_MB (default 50 MB) between the end of the warm-up (the first 10 s, or a sixth of a
 * shorter run) and the end of the run. Prints throughput, p95 per kind, errors, RSS per process, then one
 * JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeConfig } from '../gateway/config/load.js';
import { silentLogger } from '../gateway/log.js';
import { MosaicNode } from '../gateway/node/node.js';
import { startChild, stopChild } from './lib/child.js';
import { createBenchFederation } from './lib/federation.js';
import { fuzzyQueries, provisionResponder } from './lib/responder.js';
import { percentile, round } from './lib/stats.js';

const SECONDS = Number(process.env['MOSAIC_SOAK_SECONDS'] ?? 60);
const RECORDS = Number(process.env['MOSAIC_SOAK_RECORDS'] ?? 20_000);
/** Operations started per second (fixed rate, open loop), split 60 % searches, 20 % disclosures, 20 % audit reads. */
const RATE = Number(process.env['MOSAIC_SOAK_RATE'] ?? 20);
/** At most this many operations in flight; a tick that finds the cap reached is counted as an error (overload). */
const MAX_IN_FLIGHT = 64;
const MAX_GROWTH_MB = Number(process.env['MOSAIC_SOAK_MAX_GROWTH_MB'] ?? 50);
const SAMPLE_MS = 5_000;
const WARMUP_S = Math.min(10, SECONDS / 6);
const LEGAL_BASIS = 'soak disclosure';
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** The bench policy plus a record rule without approval, so disclosures are answered at once. */
const RECORD_RULE = `  - id: soak-record
    effect: permit
    when: { purposes: [trafficking-investigation], datasets: [persons], legalBases: [${LEGAL_BASIS}] }
    grant:
      maxGranularity: record
      fields: { givenName: keep, familyName: keep, birthDate: keep, phone: keep }
`;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return round(kb / 1024, 1);
}

const responders = ['resp-a', 'resp-b'];
const fed = createBenchFederation(['analyst', ...responders]);
const children: Awaited<ReturnType<typeof startChild>>[] = [];
let exitCode = 0;
try {
  for (const r of responders) {
    provisionResponder(fed.nodeDir(r), RECORDS);
    const rules = join(fed.nodeDir(r), 'policies', 'sharing.yaml');
    writeFileSync(rules, `${readFileSync(rules, 'utf8').trimEnd()}\n${RECORD_RULE}`);
  }
  console.log(`provisioned ${responders.length} responders with ${RECORDS} persons each`);
  children.push(
    ...(await Promise.all(responders.map((r) => startChild(here('./_node-server.js'), [fed.nodeDir(r)])))),
  );
  for (const c of children) fed.setEndpoint(c.info['agency']!, c.info['url']!);
  fed.publish();
  const analystConfig = loadNodeConfig(join(fed.nodeDir('analyst'), 'mosaic.yaml'));
  const analyst = await MosaicNode.start(
    {
      ...analystConfig,
      listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } },
      protocol: { ...analystConfig.protocol, rateLimit: { perSecond: 1e6, burst: 1e6 } },
      // One analyst account drives the whole load: far past the default per-analyst search limits.
      api: { searchLimits: { perMinute: 100_000, perDay: 10_000_000 } },
    },
    { logger: silentLogger },
  );
  const analystUser = analyst.users.add('soak-analyst', 'analyst', new Date());
  const auditorToken = analyst.users.add('soak-auditor', 'auditor', new Date()).token;
  const selectors = fuzzyQueries(RECORDS, 500);
  const refs: { peer: string; ref: string }[] = [];

  async function api(token: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${analyst.apiUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${String(json['code'])}`);
    return json;
  }

  let q = 0;
  async function search(): Promise<void> {
    const s = analyst.searches.start(
      {
        subject: { kind: 'person', selectors: selectors[q++ % selectors.length]! },
        purpose: 'trafficking-investigation',
        legalBasis: 'soak',
        caseRef: 'SOAK-1',
        granularity: 'summary',
        targets: { agencies: responders },
        deadlineMs: 30_000,
      },
      analystUser.user,
    );
    const done = await analyst.searches.settle(s.id);
    const failed = done.peers.filter((p) => p.status !== 'hit' && p.status !== 'no-hit');
    if (failed.length > 0) {
      throw new Error(
        `search: ${failed.map((f) => `${f.agency}:${f.status}:${f.reasonCode ?? f.code}`).join()}`,
      );
    }
    for (const p of done.peers) {
      const hit = p.results?.[0]?.hits?.[0];
      if (hit && refs.length < 1000) refs.push({ peer: p.agency, ref: hit.ref });
    }
  }
  let d = 0;
  async function disclosure(): Promise<void> {
    const target = refs[d++ % Math.max(1, refs.length)];
    if (target === undefined) return search(); // no hit yet to ask about
    const r = (await api(analystUser.token, 'POST', '/disclosures', {
      peer: target.peer,
      ref: target.ref,
      caseRef: 'SOAK-1',
      purpose: 'trafficking-investigation',
      legalBasis: LEGAL_BASIS,
      justification: 'Soak test of the disclosure path.',
      urgency: 'standard',
    })) as { status?: string; reasonCode?: string };
    if (r.status !== 'approved') throw new Error(`disclosure: ${r.status} ${r.reasonCode ?? ''}`);
  }
  let a = 0;
  async function auditRead(): Promise<void> {
    if (a++ % 2 === 0) await api(auditorToken, 'GET', '/audit/events?limit=50');
    else await api(auditorToken, 'GET', '/audit/checkpoints');
  }
  const kinds = { search, disclosure, audit: auditRead } as const;
  type Kind = keyof typeof kinds;
  const mix: Kind[] = ['search', 'search', 'search', 'disclosure', 'audit'];

  // Warm the connections and page caches, and collect a few refs for disclosures.
  for (let i = 0; i < 10; i++) await search();

  const pids: Record<string, number> = { analyst: process.pid };
  for (const c of children) pids[c.info['agency']!] = c.child.pid!;
  const rss: Record<string, number[]> = Object.fromEntries(Object.keys(pids).map((k) => [k, []]));
  const heap: number[] = [];
  const sample = () => {
    for (const [k, pid] of Object.entries(pids)) rss[k]!.push(rssMb(pid));
    heap.push(round(process.memoryUsage().heapUsed / 2 ** 20, 1));
  };
  const latencies: Record<Kind, number[]> = { search: [], disclosure: [], audit: [] };
  const errors: string[] = [];
  let inFlight = 0;
  let started = 0;
  let completed = 0;
  const pending = new Set<Promise<void>>();

  sample();
  const t0 = performance.now();
  const sampler = setInterval(() => {
    sample();
    const el = Math.round((performance.now() - t0) / 1000);
    console.log(
      `t=${el}s done ${completed} in-flight ${inFlight} errors ${errors.length} rss ${Object.entries(rss)
        .map(([k, v]) => `${k}=${v.at(-1)}MB`)
        .join(' ')} analyst-heap=${heap.at(-1)}MB`,
    );
  }, SAMPLE_MS);
  const warmupSamples = Math.round(WARMUP_S / (SAMPLE_MS / 1000));
  // Open loop at a fixed rate: every 10 ms, start the operations due by now (no drift from timer lateness).
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now() - t0;
      if (now >= SECONDS * 1000) {
        clearInterval(tick);
        resolve();
        return;
      }
      while (started < Math.floor((now / 1000) * RATE) + 1) {
        const kind = mix[started++ % mix.length]!;
        if (inFlight >= MAX_IN_FLIGHT) {
          errors.push(`overload: ${inFlight} in flight`);
          continue;
        }
        inFlight++;
        const t = performance.now();
        const p = kinds[kind]()
          .then(
            () => {
              latencies[kind].push(performance.now() - t);
              completed++;
            },
            (err: unknown) => {
              if (errors.length < 3) console.error(err);
              errors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`);
            },
          )
          .finally(() => {
            inFlight--;
            pending.delete(p);
          });
        pending.add(p);
      }
    }, 10);
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  sample();
  await analyst.stop();

  const all = Object.values(latencies).flat();
  const p95 = (xs: number[]) => (xs.length === 0 ? null : round(percentile(xs, 95), 1));
  const memory = Object.fromEntries(
    Object.entries(rss).map(([k, v]) => {
      const afterWarmup = v[Math.min(warmupSamples, v.length - 1)]!;
      return [
        k,
        {
          start: v[0]!,
          afterWarmup,
          end: v.at(-1)!,
          max: Math.max(...v),
          growth: round(v.at(-1)! - afterWarmup, 1),
        },
      ];
    }),
  );
  const overBound = Object.entries(memory).filter(([, m]) => m.growth > MAX_GROWTH_MB);
  console.log(`\n${SECONDS} s at ${RATE} ops/s (mix 60 % search, 20 % disclosure, 20 % audit read)`);
  console.log(
    `completed ${completed} operations, ${round(completed / elapsed, 1)} ops/s, errors ${errors.length}`,
  );
  for (const k of Object.keys(latencies) as Kind[]) {
    const xs = latencies[k];
    console.log(
      `  ${k.padEnd(10)} n=${xs.length} p50 ${xs.length === 0 ? null : round(percentile(xs, 50), 1)} ms p95 ${p95(xs)} ms`,
    );
  }
  for (const [k, m] of Object.entries(memory)) {
    console.log(
      `  rss ${k.padEnd(8)} start ${m.start} MB, after warm-up ${m.afterWarmup} MB, end ${m.end} MB, max ${m.max} MB (growth ${m.growth} MB, bound ${MAX_GROWTH_MB} MB)`,
    );
  }
  for (const e of [...new Set(errors)].slice(0, 10)) console.log(`  error: ${e}`);
  if (errors.length > 0 || overBound.length > 0) exitCode = 1;
  console.log(
    JSON.stringify({
      bench: 'soak',
      seconds: round(elapsed, 1),
      rate: RATE,
      records: RECORDS,
      requests: completed,
      throughput: round(completed / elapsed, 1),
      p95_ms: p95(all),
      p95_search_ms: p95(latencies.search),
      p95_disclosure_ms: p95(latencies.disclosure),
      p95_audit_ms: p95(latencies.audit),
      errors: errors.length,
      rss_mb: memory,
      analyst_heap_mb: { start: heap[0], end: heap.at(-1) },
      started,
      max_growth_mb: MAX_GROWTH_MB,
      ok: exitCode === 0,
    }),
  );
} finally {
  await Promise.all(children.map((c) => stopChild(c.child)));
  fed.cleanup();
}
process.exit(exitCode);
