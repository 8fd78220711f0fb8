import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { buildBundle, type Facts, type PolicyBundle, type PolicyContext } from '../../policies/index.js';

/** The context the example bundles are written against (examples/policies/demo-context.json). */
export const EXAMPLES = join(import.meta.dirname, '../../examples/policies');
export const exampleContext: PolicyContext = JSON.parse(
  readFileSync(join(EXAMPLES, 'demo-context.json'), 'utf8'),
);

/**
 * The fixed context of the unit tests (test/policies/fixtures/context.json): the demo's agencies and a small
 * catalogue of its own, so that the demo's data can change without moving these tests.
 */
export const demoContext: PolicyContext = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'context.json'), 'utf8'),
);

/** Fixed instant for every test (no clock reads): 2026-11-29T10:00:00Z. */
export const NOW = Date.parse('2026-11-29T10:00:00Z');

export const MANIFEST = 'version: test.1\n';

const created: string[] = [];
// Registered in each test file that imports these helpers (vitest collects module-level hooks per file).
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Write a bundle directory from file name → text; a manifest is added unless given. */
export function writeBundle(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-policy-'));
  created.push(dir);
  const all = { 'bundle.yaml': MANIFEST, ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A bundle from rule objects (written as JSON, which the loader reads like YAML). */
export function bundleOf(rules: unknown[], ctx: PolicyContext = demoContext): PolicyBundle {
  return buildBundle(
    [
      { file: 'bundle.yaml', text: MANIFEST },
      { file: 'rules.json', text: JSON.stringify({ rules }) },
    ],
    ctx,
  );
}

/** Facts with defaults: a JIT partner investigating trafficking, asking a summary of persons by name. */
export function factsOf(over: Partial<Facts> = {}): Facts {
  return {
    peer: 'hu-border',
    purpose: 'trafficking-investigation',
    legalBasis: 'JIT Danube agreement 2025',
    subjectKind: 'person',
    selectors: ['fullName'],
    granularity: 'summary',
    dataset: 'persons',
    ...over,
  };
}
