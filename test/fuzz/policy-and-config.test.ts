import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseNodeConfig } from '../../gateway/config/load.js';
import { buildBundle, type PolicyContext } from '../../policies/index.js';
import {
  codedOrValid,
  deepJsonText,
  expectNoPollution,
  hostileJson,
  hostileKey,
  hostileString,
  NASTY_STRINGS,
  PROTO_KEYS,
  runs,
} from './hostile.js';

/** Hostile input in the files an operator (or an attacker with write access to them) hands the node. */

const EXAMPLES = join(import.meta.dirname, '../../examples/policies');
const ctx: PolicyContext = JSON.parse(readFileSync(join(EXAMPLES, 'demo-context.json'), 'utf8'));
const SHARING = readFileSync(join(EXAMPLES, 'ro-police/sharing.yaml'), 'utf8');
const MANIFEST = 'version: 2026.11.1\nowner: ro-police\n';
const sharingDoc = parseYaml(SHARING) as { rules: Record<string, unknown>[] };

/** YAML constructs that attack the parser rather than the schema. */
const YAML_ATTACKS: readonly string[] = [
  'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
  'a: &x 1\nb: *x\n',
  'rules: !!binary aGVsbG8=\n',
  'rules: !custom 1\n',
  'rules:\n  - id: a\n    id: b\n',
  '%YAML 9.9\n---\nrules: []\n',
  '---\nrules: []\n---\nrules: []\n',
  '__proto__: {polluted: true}\nrules: []\n',
  'rules: [{ id: x, effect: permit, __proto__: { isAdmin: true } }]\n',
  'rules:\n  - <<: {id: x}\n    effect: permit\n',
  '\uFEFFrules: []\n',
  'rules: [\u202Eid: x]\n',
  '\t\trules:\n',
  `rules: "${'x'.repeat(100_000)}"\n`,
];

let blockDeep = 'a:\n';
for (let i = 1; i < 400; i++) blockDeep += `${' '.repeat(i)}a:\n`;

const policyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...YAML_ATTACKS, blockDeep),
  hostileString,
  deepJsonText,
  hostileJson.map((v) => JSON.stringify({ rules: [v] }) ?? 'null'),
  hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
  // A real rule with one value replaced by something hostile (names the context does not know, bad types …).
  fc
    .tuple(fc.nat(), fc.nat(), hostileKey, fc.oneof(hostileJson, fc.constantFrom(...NASTY_STRINGS)))
    .map(([r, k, key, value]) => {
      const rules = structuredClone(sharingDoc.rules);
      const rule = rules[r % rules.length]!;
      const keys = Object.keys(rule);
      const target = k % 3 === 0 ? key : keys[k % keys.length]!;
      Object.defineProperty(rule, target, { value, enumerable: true, configurable: true, writable: true });
      return JSON.stringify({ rules });
    }),
);

describe('policy bundles (buildBundle with a fixed context)', () => {
  it('the example bundle builds (the fixture the mutations start from is valid)', () => {
    const b = buildBundle(
      [
        { file: 'bundle.yaml', text: MANIFEST },
        { file: 'sharing.yaml', text: SHARING },
      ],
      ctx,
    );
    expect(b.digest).toMatch(/^sha256:/);
  });

  it('ends every hostile policy file in MOSAIC_ERR_POLICY_INVALID or a compiled bundle', () => {
    fc.assert(
      fc.property(
        policyText,
        fc.constantFrom('rules.yaml', 'rules.json'),
        fc.boolean(),
        (text, file, manifest) => {
          const r = codedOrValid(() =>
            buildBundle(
              [
                { file: 'bundle.yaml', text: manifest ? MANIFEST : text },
                { file, text },
              ],
              ctx,
            ),
          );
          if (r.ok) expect(r.value.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
          else {
            expect(r.error.code).toBe('MOSAIC_ERR_POLICY_INVALID');
            for (const issue of r.error.issues) expect(typeof issue.message).toBe('string');
          }
          expectNoPollution();
        },
      ),
      runs(150),
    );
  });

  it.each(PROTO_KEYS.slice(0, 3))(
    'refuses the hostile key %s anywhere in a policy file, with its line',
    (key) => {
      const text = SHARING.replace(
        '    effect: permit\n',
        `    effect: permit\n    ${key}: { isAdmin: true }\n`,
      );
      const r = codedOrValid(() =>
        buildBundle(
          [
            { file: 'bundle.yaml', text: MANIFEST },
            { file: 'sharing.yaml', text },
          ],
          ctx,
        ),
      );
      expect(r.ok ? 'accepted' : r.error.code).toBe('MOSAIC_ERR_POLICY_INVALID');
      if (!r.ok)
        expect(r.error.issues.some((i) => i.line !== undefined && i.message.includes(key))).toBe(true);
      expectNoPollution();
    },
  );
});

const GOOD_CONFIG = `agency:
  id: ro-police
  name: Poliția Română
  country: RO
endpoint: https://ro.example:8443
listen:
  peer: { host: 127.0.0.1, port: 8443 }
  api: { port: 8080 }
tls: { key: tls/key.pem, cert: tls/cert.pem, ca: federation/ca.pem }
signing: { key: keys/signing.key.pem }
trustList: { source: https://authority.example/trust-list.jws, anchors: federation/anchors.json }
audit: { logKey: keys/log.key.pem, witnessKey: keys/witness.key.pem }
`;

/** Every `key: value` line of the good configuration, so a mutation can replace one value. */
const CONFIG_LINES = GOOD_CONFIG.split('\n');

const configText: fc.Arbitrary<string> = fc.oneof(
  // Aliases are left out here: any alias crashes parseNodeConfig (the alias case below); with them in, the
  // property would only ever report that one bug.
  fc.constantFrom(...YAML_ATTACKS.filter((t) => !t.includes('*')), blockDeep),
  hostileString,
  deepJsonText,
  hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .tuple(
      fc.nat(),
      fc.oneof(
        hostileString,
        hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
      ),
    )
    .map(([i, value]) => {
      const lines = [...CONFIG_LINES];
      const at = i % (lines.length - 1);
      const line = lines[at]!;
      const colon = line.indexOf(':');
      lines[at] = colon < 0 ? line : `${line.slice(0, colon + 1)} ${JSON.stringify(value)}`;
      return lines.join('\n');
    }),
  fc
    .tuple(fc.constantFrom(...PROTO_KEYS), hostileJson)
    .map(([k, v]) => `${GOOD_CONFIG}${k}: ${JSON.stringify(v) ?? 'null'}\n`),
  fc
    .constantFrom(...PROTO_KEYS)
    .map((k) => GOOD_CONFIG.replace('  api: { port: 8080 }', `  ${k}: { port: 1 }`)),
);

describe('node configuration (parseNodeConfig)', () => {
  it('parses the good configuration (the base of the mutations)', () => {
    expect(parseNodeConfig(GOOD_CONFIG, '/etc/mosaic/mosaic.yaml').agency.id).toBe('ro-police');
  });

  it('ends every hostile configuration in MOSAIC_ERR_CONFIG_INVALID or a frozen configuration', () => {
    fc.assert(
      fc.property(
        // `*` (a YAML alias) always hits the bug of the alias case below; leave it to that case.
        configText.filter((t) => !t.includes('*')),
        (text) => {
          const r = codedOrValid(() => parseNodeConfig(text, '/etc/mosaic/mosaic.yaml'));
          if (r.ok) expect(Object.isFrozen(r.value)).toBe(true);
          else expect(r.error.code).toBe('MOSAIC_ERR_CONFIG_INVALID');
          expectNoPollution();
        },
      ),
      runs(150),
    );
  });

  it('refuses hostile keys from environment overrides without polluting anything', () => {
    const r = codedOrValid(() =>
      parseNodeConfig(GOOD_CONFIG, '/etc/mosaic/mosaic.yaml', {
        MOSAIC____proto____polluted: 'true',
        MOSAIC__constructor__prototype__polluted: 'true',
        MOSAIC__agency__name: "'; DROP TABLE x; --",
      }),
    );
    expect(r.ok).toBe(true);
    expectNoPollution();
  });

  // Regression guard (fixed): parseNodeConfig calls doc.toJS({ maxAliasCount: 0 }) outside any try, so a YAML alias
  // anywhere in mosaic.yaml (even a harmless `b: *x`) escapes as an uncoded ReferenceError ("Alias resolution
  // is disabled") instead of MOSAIC_ERR_CONFIG_INVALID with the line (gateway/config/load.ts parseNodeConfig).
  it('refuses a YAML alias in the configuration with MOSAIC_ERR_CONFIG_INVALID', () => {
    const text = GOOD_CONFIG.replace('  name: Poliția Română', '  name: &n Poliția Română').concat(
      'x-copy: *n\n',
    );
    const r = codedOrValid(() => parseNodeConfig(text, '/etc/mosaic/mosaic.yaml'));
    expect(r.ok ? 'accepted' : r.error.code).toBe('MOSAIC_ERR_CONFIG_INVALID');
  });
});
