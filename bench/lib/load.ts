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
