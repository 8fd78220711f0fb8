import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rps: number;
  readonly latenciesMs: number[];
}

/**
 * A closed-loop keep-alive load generator: `connections` requests in flight at all times for `seconds`.
 * `body(i)` supplies the i-th request body (so each signed query can carry its own jti).
 */
export async function runLoad(o: {
  url: string;
  agent: Agent;
  contentType: string;
  body: (i: number) => string;
  connections: number;
  seconds: number;
  expectStatus?: number;
}): Promise<LoadResult> {
  const url = new URL(o.url);
  const deadline = performance.now() + o.seconds * 1000;
  let issued = 0;
  let done = 0;
  let errors = 0;
  const latenciesMs: number[] = [];
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const body = o.body(issued++);
      const t0 = performance.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent: o.agent,
          headers: { 'content-type': o.contentType, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== (o.expectStatus ?? 200)) errors++;
            done++;
            latenciesMs.push(performance.now() - t0);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { requests: done, errors, seconds, rps: done / seconds, latenciesMs };
}

/** A keep-alive mTLS agent presenting a bench node's certificate (the host name is not checked: pins are). */
export function mtlsAgent(nodeDir: string, connections: number): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets: connections,
    key: readFileSync(join(nodeDir, 'tls/key.pem')),
    cert: readFileSync(join(nodeDir, 'tls/cert.pem')),
    ca: readFileSync(join(nodeDir, 'federation/ca.pem')),
    checkServerIdentity: () => undefined,
    minVersion: 'TLSv1.3',
  });
}

/**
 * Mosaic's peer endpoint against a bare express-over-mTLS echo, in alternating rounds so both see the same
 * machine: each round drives the echo with `echoBody`, then signs `perRound` queries (before the clock starts:
 * signing is the requester's cost, not the responder's) and drives `POST /fed/v1/queries` with them.
 */
export async function versusEcho(o: {
  rounds: number;
  seconds: number;
  connections: number;
  agent: () => Agent;
  baselineUrl: string;
  echoBody: string;
  mosaicUrl: string;
  perRound: number;
  sign: (i: number) => string;
  /** CPU ms used so far by the Mosaic and the baseline server processes (e.g. childCpuMs), if known. */
  mosaicCpuMs?: () => number;
  baselineCpuMs?: () => number;
}): Promise<{
  mosaicRps: number[];
  baselineRps: number[];
  latenciesMs: number[];
  errors: number;
  /** CPU ms per request over all rounds: each server, and this (load-generating) process in each phase. */
  cpuPerRequest: { mosaic: number; baseline: number; loadMosaic: number; loadBaseline: number };
}> {
  const out = {
    mosaicRps: [] as number[],
    baselineRps: [] as number[],
    latenciesMs: [] as number[],
    errors: 0,
  };
  const cpu = { mosaic: 0, baseline: 0, loadMosaic: 0, loadBaseline: 0 };
  let mosaicRequests = 0;
  let baselineRequests = 0;
  const own = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let r = 0; r < o.rounds; r++) {
    let b0 = o.baselineCpuMs?.() ?? 0;
    let l0 = own();
    const base = await runLoad({
      url: `${o.baselineUrl}/echo`,
      agent: o.agent(),
      contentType: 'application/json',
      body: () => o.echoBody,
      connections: o.connections,
      seconds: o.seconds,
    });
    cpu.baseline += (o.baselineCpuMs?.() ?? 0) - b0;
    cpu.loadBaseline += own() - l0;
    baselineRequests += base.requests;
    out.baselineRps.push(base.rps);
    out.errors += base.errors;
    const tokens = Array.from({ length: o.perRound }, (_, i) => o.sign(i));
    b0 = o.mosaicCpuMs?.() ?? 0;
    l0 = own();
    const m = await runLoad({
      url: `${o.mosaicUrl}/fed/v1/queries`,
      agent: o.agent(),
      contentType: 'application/jose',
      body: (i) => tokens[i % tokens.length]!,
      connections: o.connections,
      seconds: o.seconds,
    });
    cpu.mosaic += (o.mosaicCpuMs?.() ?? 0) - b0;
    cpu.loadMosaic += own() - l0;
    mosaicRequests += m.requests;
    if (m.requests > tokens.length) throw new Error('pre-signed tokens ran out; raise perRound');
    out.mosaicRps.push(m.rps);
    out.latenciesMs.push(...m.latenciesMs);
    out.errors += m.errors;
    console.log(`round ${r + 1}: baseline ${Math.round(base.rps)} rps, mosaic ${Math.round(m.rps)} rps`);
  }
  return {
    ...out,
    cpuPerRequest: {
      mosaic: cpu.mosaic / Math.max(1, mosaicRequests),
      baseline: cpu.baseline / Math.max(1, baselineRequests),
      loadMosaic: cpu.loadMosaic / Math.max(1, mosaicRequests),
      loadBaseline: cpu.loadBaseline / Math.max(1, baselineRequests),
    },
  };
}
