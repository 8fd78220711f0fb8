import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * CONVENTIONS §1: the folder tree is the architecture. Imports flow one way (DESIGN.md):
 * contracts → {policies, matching, audit} → connectors → gateway → console (over HTTP only).
 */
const ROOT = join(import.meta.dirname, '../..');
const ALLOWED: Record<string, readonly string[]> = {
  contracts: [],
  policies: ['contracts'],
  matching: ['contracts'],
  audit: ['contracts'],
  connectors: ['contracts', 'matching'],
  gateway: ['contracts', 'policies', 'matching', 'audit', 'connectors'],
};
/** Pure folders: no web framework, no sockets, no clock reads (time is passed in). */
const PURE = ['policies', 'matching', 'audit/merkle'];
const IMPURE_MODULES = /^(express|node:(net|http|https|tls|dgram|child_process)|better-sqlite3)$/;
const CLOCK = /\bDate\.now\(|\bnew Date\(\)|\bperformance\.now\(/;

function sources(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('architecture', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only from ${allowed.join(', ') || 'no other folder of ours'}`, () => {
      const offending: string[] = [];
      for (const file of sources(join(ROOT, folder))) {
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          const target = relative(ROOT, join(file, '..', spec)).split(sep)[0]!;
          if (target !== folder && !allowed.includes(target))
            offending.push(`${relative(ROOT, file)} → ${spec}`);
        }
      }
      expect(offending).toEqual([]);
    });
  }

  it.each(PURE)('%s/ is pure: no sockets, web framework, database or clock reads', (folder) => {
    const offending: string[] = [];
    for (const file of sources(join(ROOT, folder))) {
      for (const spec of importsOf(file))
        if (IMPURE_MODULES.test(spec)) offending.push(`${relative(ROOT, file)}: ${spec}`);
      const code = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      if (CLOCK.test(code)) offending.push(`${relative(ROOT, file)}: reads the clock`);
    }
    expect(offending).toEqual([]);
  });

  it('only gateway/telemetry.ts may import the OpenTelemetry SDK', () => {
    const offending = Object.keys(ALLOWED)
      .flatMap((f) => sources(join(ROOT, f)))
      .filter((file) => importsOf(file).some((s) => s.startsWith('@opentelemetry/sdk')))
      .map((file) => relative(ROOT, file))
      .filter((f) => f !== join('gateway', 'telemetry.ts'));
    expect(offending).toEqual([]);
  });

  it('node-forge is confined to gateway/pki/x509.ts', () => {
    const offending = Object.keys(ALLOWED)
      .flatMap((f) => sources(join(ROOT, f)))
      .filter((file) => importsOf(file).includes('node-forge'))
      .map((file) => relative(ROOT, file));
    expect(offending).toEqual([join('gateway', 'pki', 'x509.ts')]);
  });
});
