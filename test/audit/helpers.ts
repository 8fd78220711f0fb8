import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../contracts/index.js';
import { sha256Digest } from '../../contracts/index.js';
import {
  type AuditLedger,
  createNoteSigner,
  type LedgerOptions,
  type NoteSigner,
  openLedger,
  SIG_TYPE_COSIGNATURE_V1,
} from '../../audit/index.js';

/** A temp directory removed by the returned cleanup. */
export function tempDir(prefix = 'mosaic-audit-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function logSigner(origin: string): NoteSigner {
  return createNoteSigner(origin, generateKeyPairSync('ed25519').privateKey);
}

export function witnessSigner(name: string): NoteSigner {
  return createNoteSigner(name, generateKeyPairSync('ed25519').privateKey, SIG_TYPE_COSIGNATURE_V1);
}

/** A controllable clock: tests move time explicitly, never sleep. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export function open(
  dir: string,
  signer: NoteSigner,
  extra: Partial<LedgerOptions> = {},
  name = 'audit.db',
): AuditLedger {
  return openLedger({
    path: join(dir, name),
    origin: signer.name,
    logSigner: signer,
    agency: 'agency-a',
    clock: manualClock(),
    checkpointIntervalMs: 0,
    checkpointEvery: 1_000_000,
    ...extra,
  });
}

let counter = 0;
export function jti(): string {
  counter++;
  return `jti${String(counter).padStart(20, '0')}`;
}

export function time(i: number): string {
  return new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString();
}

export function querySent(i: number, overrides: Partial<Record<string, unknown>> = {}): AuditEvent {
  return {
    kind: 'query-sent',
    direction: 'outbound',
    time: time(i),
    officer: 'officer-7f3a',
    jti: jti(),
    peer: 'agency-b',
    purpose: 'trafficking-investigation',
    caseRef: `CASE-${i % 3}`,
    queryDigest: sha256Digest(`query ${i}`),
    subjectKind: 'phone',
    granularity: 'summary',
    ...overrides,
  } as AuditEvent;
}

export function decision(i: number, effect: 'permit' | 'deny'): AuditEvent {
  return {
    kind: 'decision',
    direction: 'inbound',
    time: time(i),
    officer: 'officer-remote',
    jti: jti(),
    peer: 'agency-c',
    purpose: 'trafficking-investigation',
    caseRef: 'CASE-X',
    effect,
    reasonCode: effect === 'permit' ? 'PERMITTED' : 'NO_MATCHING_RULE',
    ruleIds: effect === 'permit' ? ['share-phones'] : [],
    policyDigest: sha256Digest('policy bundle v3'),
    granted: effect === 'permit' ? 'summary' : null,
  };
}
