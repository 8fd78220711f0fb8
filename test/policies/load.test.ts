import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMosaicError, type Issue, type MosaicError } from '../../contracts/index.js';
import { buildBundle, loadBundle, PolicyHolder, type PolicyContext } from '../../policies/index.js';
import { demoContext, MANIFEST, writeBundle } from './helpers.js';

function loadError(files: Record<string, string>, ctx: PolicyContext = demoContext): MosaicError {
  try {
    loadBundle(writeBundle(files), ctx);
  } catch (err) {
    if (isMosaicError(err)) return err;
    throw err;
  }
  throw new Error('expected the bundle to be refused');
}

const GOOD = `rules:
  - id: ok
    effect: permit
    grant: { maxGranularity: exists }
`;

/** A one-rule file whose rule body (indented 4) is `body`; the rule starts on line 2. */
const rule = (body: string) => `rules:\n  - id: r1\n${body.replace(/^/gm, '    ')}\n`;

describe('loading a bundle: every kind of mistake is an error with file, line and path', () => {
  it.each<[string, string, Partial<Issue>]>([
    [
      'unknown key in a rule',
      rule(
        'effect: permit\nwhen: { purposes: [victim-protection] }\ngrant: { maxGranularity: exists }\nexpires: 2027',
      ),
      { line: 6, path: '/rules/0/expires', message: 'is not allowed (unknown key)' },
    ],
    [
      'unknown operand (condition) in when',
      rule('effect: permit\nwhen:\n  purpose: [victim-protection]\ngrant: { maxGranularity: exists }'),
      { line: 5, path: '/rules/0/when/purpose', message: 'is not allowed (unknown key)' },
    ],
    [
      'an operator the language does not have',
      rule(
        'effect: permit\nwhen:\n  purposes: { isAnyOf: [victim-protection] }\ngrant: { maxGranularity: exists }',
      ),
      { line: 5, path: '/rules/0/when/purposes', message: 'must be array' },
    ],
    [
      'unknown effect',
      rule('effect: allow\ngrant: { maxGranularity: exists }'),
      { line: 3, path: '/rules/0/effect' },
    ],
    [
      'unknown granularity',
      rule('effect: permit\ngrant: { maxGranularity: everything }'),
      { line: 4, path: '/rules/0/grant/maxGranularity' },
    ],
    [
      'unknown transform',
      rule('effect: permit\ngrant:\n  maxGranularity: summary\n  fields: { fullName: blur }'),
      { line: 6, path: '/rules/0/grant/fields/fullName' },
    ],
    [
      'unknown agency',
      rule('effect: permit\nwhen: { agencies: [hu-border, de-bka] }\ngrant: { maxGranularity: exists }'),
      {
        line: 4,
        path: '/rules/0/when/agencies/1',
        message: 'names unknown agency "de-bka" (not in the trust list)',
      },
    ],
    [
      'unknown group',
      rule('effect: permit\nwhen:\n  groups:\n    - jit-rhine\ngrant: { maxGranularity: exists }'),
      { line: 6, path: '/rules/0/when/groups/0' },
    ],
    [
      'unknown purpose',
      rule('effect: prohibit\nwhen: { purposes: [curiosity] }'),
      { line: 4, path: '/rules/0/when/purposes/0' },
    ],
    [
      'unknown purpose in unless',
      rule('effect: prohibit\nunless: { purposes: [curiosity] }'),
      { line: 4, path: '/rules/0/unless/purposes/0' },
    ],
    [
      'unknown country',
      rule('effect: permit\nwhen: { countries: [FR] }\ngrant: { maxGranularity: exists }'),
      { line: 4, path: '/rules/0/when/countries/0' },
    ],
    [
      'unknown dataset',
      rule('effect: permit\nwhen: { datasets: [vehicles] }\ngrant: { maxGranularity: exists }'),
      { line: 4, path: '/rules/0/when/datasets/0' },
    ],
    [
      'unknown field for the rule’s dataset',
      rule(
        'effect: permit\nwhen: { datasets: [phones] }\ngrant:\n  maxGranularity: summary\n  fields:\n    fullName: keep',
      ),
      { line: 8, path: '/rules/0/grant/fields/fullName' },
    ],
    [
      'unknown selector',
      rule(
        'effect: permit\nwhen: { subjectKinds: [phone], selectors: [fullName] }\ngrant: { maxGranularity: exists }',
      ),
      { line: 4, path: '/rules/0/when/selectors/0' },
    ],
    [
      'unknown subject kind',
      rule('effect: permit\nwhen: { subjectKinds: [ship] }\ngrant: { maxGranularity: exists }'),
      { line: 4, path: '/rules/0/when/subjectKinds/0' },
    ],
    [
      'minScore above 1',
      rule('effect: permit\ngrant:\n  maxGranularity: exists\n  minScore: 1.5'),
      { line: 6, path: '/rules/0/grant/minScore', message: 'must be <= 1' },
    ],
    [
      'negative maximum age',
      rule('effect: permit\nrecords:\n  ageDays: { max: -1 }\ngrant: { maxGranularity: exists }'),
      { line: 5, path: '/rules/0/records/ageDays/max' },
    ],
    [
      'age range with min > max',
      rule('effect: permit\nrecords:\n  ageDays: { min: 30, max: 10 }\ngrant: { maxGranularity: exists }'),
      { line: 5, path: '/rules/0/records/ageDays', message: 'is a contradictory range: min 30 > max 10' },
    ],
    [
      'sensitivity range with min > max',
      rule(
        'effect: permit\nrecords:\n  sensitivity: { min: high, max: low }\ngrant: { maxGranularity: exists }',
      ),
      { line: 5, path: '/rules/0/records/sensitivity' },
    ],
    [
      'a flag both required and excluded',
      rule('effect: prohibit\nrecords:\n  withFlags: [victim]\n  withoutFlags: [victim]'),
      { line: 6, path: '/rules/0/records/withoutFlags' },
    ],
    [
      'a permission without a grant',
      rule('effect: permit\nwhen: { purposes: [victim-protection] }'),
      { line: 2, path: '/rules/0/grant' },
    ],
    [
      'a prohibition with a grant',
      rule('effect: prohibit\ngrant: { maxGranularity: exists }'),
      { line: 4, path: '/rules/0/grant' },
    ],
    ['malformed YAML', 'rules:\n  - id: r1\n    effect: [permit\n', { line: 4 }],
    ['a repeated key', rule('effect: permit\neffect: prohibit'), { line: 4 }],
    [
      'an unresolved YAML tag',
      rule('effect: permit\ngrant: { maxGranularity: !!timestamp exists }'),
      { line: 4 },
    ],
    ['two YAML documents in one file', `${GOOD}---\n${GOOD}`, { line: 5 }],
    ['an empty file', '', { line: 1, path: '', message: 'must be object' }],
    [
      'a hostile __proto__ key',
      rule('effect: permit\ngrant:\n  maxGranularity: exists\n  __proto__: { x: 1 }'),
      { line: 6, path: '/rules/0/grant/__proto__' },
    ],
    [
      'a hostile constructor field name',
      rule('effect: permit\ngrant:\n  maxGranularity: summary\n  fields: { constructor: keep }'),
      { line: 6, path: '/rules/0/grant/fields/constructor' },
    ],
  ])('%s', (_name, text, expected) => {
    const err = loadError({ 'sharing.yaml': text });
    expect(err.code).toBe('MOSAIC_ERR_POLICY_INVALID');
    expect(err.status).toBe(500);
    expect(err.issues).toContainEqual(expect.objectContaining({ file: 'sharing.yaml', ...expected }));
  });

  it('reports duplicate rule ids across files with both places', () => {
    const err = loadError({ 'a.yaml': GOOD, 'b.yaml': `# second\n${GOOD}` });
    expect(err.issues).toEqual([
      {
        file: 'b.yaml',
        line: 3,
        path: '/rules/0/id',
        message: 'duplicates rule id "ok" first declared in a.yaml:2',
      },
    ]);
  });

  it('rejects a hostile key in a JSON file and in the manifest', () => {
    const json =
      '{"rules": [{"id": "j", "effect": "permit", "grant": {"maxGranularity": "exists"}, "__proto__": {"polluted": 1}}]}';
    const err = loadError({ 'p.json': json, 'bundle.yaml': 'version: v1\nconstructor: x\n' });
    expect(err.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'p.json', path: '/rules/0/__proto__' }),
        expect.objectContaining({ file: 'bundle.yaml', line: 2, path: '/constructor' }),
      ]),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads JSON policy files with lines too', () => {
    const json =
      '{\n  "rules": [\n    {\n      "id": "j1",\n      "effect": "permit",\n      "grant": { "maxGranularity": "sometimes" }\n    }\n  ]\n}\n';
    const err = loadError({ 'p.json': json });
    expect(err.issues).toContainEqual(
      expect.objectContaining({ file: 'p.json', line: 6, path: '/rules/0/grant/maxGranularity' }),
    );
    const ok = writeBundle({
      'p.json': JSON.stringify({
        rules: [{ id: 'j1', effect: 'permit', grant: { maxGranularity: 'count' } }],
      }),
    });
    expect(loadBundle(ok, demoContext).normalised.rules[0]!.id).toBe('j1');
  });

  it('reports all problems of all files at once', () => {
    const err = loadError({
      'a.yaml': rule(
        'effect: permit\nwhen: { agencies: [de-bka] }\ngrant: { maxGranularity: exists, minScore: 2 }',
      ),
      'b.yaml': 'rules: [\n',
      'c.yaml': rule('effect: permit\nwhen: { purposes: [curiosity] }\ngrant: { maxGranularity: exists }'),
    });
    const where = err.issues.map((i) => `${i.file}:${i.line}:${i.path}`);
    expect(where).toEqual(
      expect.arrayContaining(['a.yaml:5:/rules/0/grant/minScore', 'c.yaml:4:/rules/0/when/purposes/0']),
    );
    expect(err.issues.some((i) => i.file === 'b.yaml')).toBe(true);
  });

  it('reports schema and context problems of sibling rules in one file together', () => {
    const text = `rules:
  - id: a
    effect: permit
    grant: { maxGranularity: exists, maxHits: 0 }
  - id: b
    effect: permit
    when: { agencies: [de-bka] }
    grant: { maxGranularity: exists }
  - id: c
    effect: permit
    records: { ageDays: { min: 5, max: 1 } }
    grant: { maxGranularity: exists }
`;
    const err = loadError({ 'a.yaml': text });
    expect(err.issues.map((i) => `${i.line}:${i.path}`)).toEqual([
      '4:/rules/0/grant/maxHits',
      '11:/rules/2/records/ageDays',
      '7:/rules/1/when/agencies/0',
    ]);
  });

  it('needs a manifest with a version and at least one policy file', () => {
    const noManifest = writeBundle({ 'a.yaml': GOOD });
    writeFileSync(join(noManifest, 'bundle.yaml'), 'owner: ro-police\n');
    expect(() => loadBundle(noManifest, demoContext)).toThrow(
      expect.objectContaining({
        code: 'MOSAIC_ERR_POLICY_INVALID',
        issues: [expect.objectContaining({ file: 'bundle.yaml', path: '/version', message: 'is required' })],
      }),
    );
    expect(() =>
      loadBundle(writeBundle({ 'a.yaml': GOOD, 'bundle.yaml': 'version: v1\nowner: de-bka\n' }), demoContext),
    ).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ file: 'bundle.yaml', line: 2, path: '/owner' })],
      }),
    );
    expect(() => loadBundle(writeBundle({}), demoContext)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_INVALID' }),
    );
    expect(() => loadBundle('/nonexistent/policy/dir', demoContext)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_NOT_FOUND' }),
    );
  });

  it('is all or nothing: a bundle with one bad rule is refused and the last good one stays active', () => {
    const holder = new PolicyHolder(demoContext);
    const good = holder.tryReplace(writeBundle({ 'a.yaml': GOOD }));
    expect(good.ok).toBe(true);
    const before = holder.current();
    const bad = holder.tryReplace(
      writeBundle({
        'a.yaml': GOOD,
        'b.yaml': rule('effect: permit\ngrant: { maxGranularity: exists, maxHits: 0 }'),
      }),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('MOSAIC_ERR_POLICY_INVALID');
      expect(bad.active).toBe(before);
    }
    expect(holder.current()).toBe(before);
    expect(holder.lastError()?.code).toBe('MOSAIC_ERR_POLICY_INVALID');
  });

  it('refuses a bundle when the trust list no longer has an agency it names', () => {
    const dir = writeBundle({
      'a.yaml': rule('effect: permit\nwhen: { agencies: [hu-border] }\ngrant: { maxGranularity: exists }'),
    });
    const holder = new PolicyHolder(demoContext);
    expect(holder.tryReplace(dir).ok).toBe(true);
    const { 'hu-border': _gone, ...rest } = demoContext.agencies;
    const result = holder.tryReplace(dir, { ...demoContext, agencies: rest });
    expect(result.ok).toBe(false);
    expect(holder.current()?.context).toBe(demoContext);
  });

  it('has no bundle until one loads, and says so with a coded error', () => {
    const holder = new PolicyHolder(demoContext);
    expect(holder.tryReplace(writeBundle({ 'a.yaml': 'rules: 3\n' })).ok).toBe(false);
    expect(() => holder.require()).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_NOT_LOADED' }));
  });

  it('builds from in-memory sources the same way as from a directory', () => {
    const bundle = buildBundle(
      [
        { file: 'bundle.yaml', text: MANIFEST },
        { file: 'a.yaml', text: GOOD },
      ],
      demoContext,
    );
    expect(bundle.digest).toBe(loadBundle(writeBundle({ 'a.yaml': GOOD }), demoContext).digest);
  });
});
