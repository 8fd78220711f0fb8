import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { canonicalDigest } from '../../contracts/index.js';
import {
  bundleDigest,
  loadBundle,
  PolicyHolder,
  type PolicyOfficerJwk,
  SIGNATURE_FILE,
  signBundle,
} from '../../policies/index.js';
import { demoContext, writeBundle } from './helpers.js';

const RULES = `rules:
  - id: hit-no-hit
    effect: permit
    when: { purposes: [trafficking-investigation, victim-protection] }
    grant: { maxGranularity: exists, minScore: 0.9 }
`;

function officer() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwk: publicKey.export({ format: 'jwk' }) as PolicyOfficerJwk,
  };
}

describe('bundle digest', () => {
  it('is the SHA-256 of the RFC 8785 form of the normalised bundle', () => {
    const bundle = loadBundle(writeBundle({ 'a.yaml': RULES }), demoContext);
    expect(bundle.digest).toBe(canonicalDigest(bundle.normalised));
    expect(bundle.normalised.rules[0]).toEqual({
      id: 'hit-no-hit',
      effect: 'permit',
      when: { purposes: ['trafficking-investigation', 'victim-protection'] },
      grant: {
        maxGranularity: 'exists',
        fields: {},
        minScore: 0.9,
        maxHits: 50,
        duties: { approvalBeforeRecord: false, notifyOwnerOnHit: false },
      },
    });
  });

  it('ignores layout, comments, set order and format, but not meaning', () => {
    const a = loadBundle(writeBundle({ 'a.yaml': RULES }), demoContext).digest;
    const reformatted = `# a comment
rules:
  - effect: permit
    id: hit-no-hit
    grant:
      minScore: 0.9
      maxGranularity: exists
    when:
      purposes:
        - victim-protection
        - trafficking-investigation
`;
    expect(loadBundle(writeBundle({ 'a.yaml': reformatted }), demoContext).digest).toBe(a);
    const json = JSON.stringify({
      rules: [
        {
          id: 'hit-no-hit',
          effect: 'permit',
          when: { purposes: ['trafficking-investigation', 'victim-protection'] },
          grant: { maxGranularity: 'exists', minScore: 0.9 },
        },
      ],
    });
    expect(loadBundle(writeBundle({ 'a.json': json }), demoContext).digest).toBe(a);
    const changed = RULES.replace('0.9', '0.8');
    expect(loadBundle(writeBundle({ 'a.yaml': changed }), demoContext).digest).not.toBe(a);
    const newVersion = writeBundle({ 'a.yaml': RULES, 'bundle.yaml': 'version: test.2\n' });
    expect(loadBundle(newVersion, demoContext).digest).not.toBe(a);
  });

  it('does not depend on the trust list, so an officer can sign without one', () => {
    const dir = writeBundle({ 'a.yaml': RULES });
    expect(bundleDigest(dir).digest).toBe(loadBundle(dir, demoContext).digest);
  });
});

describe('signed bundles (ES256 JWS by a policy officer)', () => {
  it('signs and verifies; the signature is a standard compact JWS', async () => {
    const { pem, jwk } = officer();
    const dir = writeBundle({ 'a.yaml': RULES });
    const signed = signBundle(dir, pem);
    const bundle = loadBundle(dir, demoContext, { requireSignatureBy: jwk });
    expect(bundle.signedBy).toBe(signed.kid);
    expect(signed.digest).toBe(bundle.digest);
    // Interop: jose verifies it too, and the payload names the digest.
    const jws = readFileSync(join(dir, SIGNATURE_FILE), 'utf8').trim();
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK({ ...jwk }, 'ES256'));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'mosaic-policy+jws', kid: signed.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
      typ: 'mosaic-policy-bundle',
      version: 'test.1',
      digest: bundle.digest,
    });
  });

  it('survives reformatting but not a change of meaning', () => {
    const { pem, jwk } = officer();
    const dir = writeBundle({ 'a.yaml': RULES });
    signBundle(dir, pem);
    writeFileSync(join(dir, 'a.yaml'), `# reviewed 2026-11-29\n${RULES}`);
    expect(loadBundle(dir, demoContext, { requireSignatureBy: jwk }).signedBy).toBeDefined();
    writeFileSync(join(dir, 'a.yaml'), RULES.replace('exists', 'record'));
    expect(() => loadBundle(dir, demoContext, { requireSignatureBy: jwk })).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_BAD_SIGNATURE' }),
    );
  });

  it.each([
    ['missing', (_dir: string) => {}, 'MOSAIC_ERR_POLICY_SIGNATURE_MISSING'],
    [
      'by another key',
      (dir: string) => {
        signBundle(dir, officer().pem);
      },
      'MOSAIC_ERR_POLICY_BAD_SIGNATURE',
    ],
    [
      'garbage',
      (dir: string) => {
        writeFileSync(join(dir, SIGNATURE_FILE), 'not.a.jws');
      },
      'MOSAIC_ERR_POLICY_BAD_SIGNATURE',
    ],
  ])('refuses a signature that is %s', (_name, prepare, code) => {
    const { jwk } = officer();
    const dir = writeBundle({ 'a.yaml': RULES });
    prepare(dir);
    expect(() => loadBundle(dir, demoContext, { requireSignatureBy: jwk })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('refuses a tampered signature', () => {
    const { pem, jwk } = officer();
    const dir = writeBundle({ 'a.yaml': RULES });
    signBundle(dir, pem);
    const [h, p, s] = readFileSync(join(dir, SIGNATURE_FILE), 'utf8').trim().split('.') as [
      string,
      string,
      string,
    ];
    const flipped = Buffer.from(s, 'base64url');
    flipped[10] = flipped[10]! ^ 1;
    writeFileSync(join(dir, SIGNATURE_FILE), `${h}.${p}.${flipped.toString('base64url')}`);
    expect(() => loadBundle(dir, demoContext, { requireSignatureBy: jwk })).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_BAD_SIGNATURE' }),
    );
  });

  it('refuses keys that are not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(() => signBundle(writeBundle({ 'a.yaml': RULES }), rsa.toString())).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_KEY_INVALID' }),
    );
    expect(() => signBundle(writeBundle({ 'a.yaml': RULES }), 'not a pem')).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_KEY_INVALID' }),
    );
  });

  it('a holder requiring signatures keeps the last good bundle when an unsigned one arrives', () => {
    const { pem, jwk } = officer();
    const holder = new PolicyHolder(demoContext, { requireSignatureBy: jwk });
    const good = writeBundle({ 'a.yaml': RULES });
    signBundle(good, pem);
    const first = holder.tryReplace(good);
    expect(first).toMatchObject({ ok: true, changed: true });
    expect(holder.tryReplace(good)).toMatchObject({ ok: true, changed: false });
    const unsigned = holder.tryReplace(writeBundle({ 'a.yaml': RULES.replace('exists', 'record') }));
    expect(unsigned).toMatchObject({ ok: false, error: { code: 'MOSAIC_ERR_POLICY_SIGNATURE_MISSING' } });
    expect(holder.current()?.digest).toBe(first.ok ? first.bundle.digest : undefined);
  });
});
