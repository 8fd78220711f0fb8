import { describe, expect, it } from 'vitest';
import { runPolicyTests } from '../../policies/index.js';
import { demoContext, writeBundle } from './helpers.js';

const RULES = `rules:
  - id: hit
    effect: permit
    grant: { maxGranularity: summary, fields: { fullName: keep, birthDate: year-only }, quota: { limit: 5, period: day } }
`;
const FACTS =
  '{ peer: hu-border, purpose: trafficking-investigation, subjectKind: person, granularity: summary, dataset: persons }';

describe('policy tests (mosaic policy test)', () => {
  it('runs cases and reports each pass and failure with file and line', () => {
    const dir = writeBundle({
      'a.yaml': RULES,
      'tests/cases.yaml': `now: 2026-11-29T10:00:00Z
cases:
  - name: passes
    facts: ${FACTS}
    record: { attributes: { fullName: Ion Pop, birthDate: 1990-01-02, phone: '123' } }
    expect: { effect: permit, granted: summary, fields: { fullName: keep, birthDate: year-only }, released: { fullName: Ion Pop, birthDate: '1990' } }
  - name: fails
    facts: ${FACTS}
    expect: { effect: deny, reason: NO_MATCHING_PERMISSION }
  - name: quota spent
    facts: ${FACTS}
    quotaUsed: { hit: 5 }
    expect: { effect: deny, reason: QUOTA_EXCEEDED }
`,
    });
    const report = runPolicyTests(dir, demoContext);
    expect(report).toMatchObject({ passed: 2, failed: 1, ok: false });
    expect(report.cases[1]).toMatchObject({
      file: 'tests/cases.yaml',
      line: 7,
      name: 'fails',
      passed: false,
      failures: [
        'effect: expected "deny", got "permit"',
        'reason: expected "NO_MATCHING_PERMISSION", got "PERMITTED"',
      ],
    });
  });

  it('fails when there are no cases', () => {
    expect(() => runPolicyTests(writeBundle({ 'a.yaml': RULES }), demoContext)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_TESTS_EMPTY' }),
    );
    expect(() =>
      runPolicyTests(writeBundle({ 'a.yaml': RULES, 'tests/x.yaml': 'cases: []\n' }), demoContext),
    ).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_TESTS_EMPTY' }));
  });

  it('refuses malformed case files with every issue located', () => {
    const dir = writeBundle({
      'a.yaml': RULES,
      'tests/x.yaml': `cases:
  - name: typo
    facts: ${FACTS}
    expect: { efect: permit }
  - name: unknown quota
    facts: ${FACTS}
    quotaUsed: { nope: 1 }
    expect: { effect: permit }
`,
    });
    expect(() => runPolicyTests(dir, demoContext)).toThrow(
      expect.objectContaining({
        code: 'MOSAIC_ERR_POLICY_TESTS_INVALID',
        issues: [expect.objectContaining({ file: 'tests/x.yaml', line: 4, path: '/cases/0/expect/efect' })],
      }),
    );
    const second = writeBundle({
      'a.yaml': RULES,
      'tests/x.yaml': `cases:\n  - name: unknown quota\n    facts: ${FACTS}\n    quotaUsed: { nope: 1 }\n    expect: { effect: permit }\n`,
    });
    expect(() => runPolicyTests(second, demoContext)).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({
            line: 4,
            path: '/cases/0/quotaUsed/nope',
            message: 'names unknown quota "nope"',
          }),
        ],
      }),
    );
  });

  it('refuses to test an invalid bundle', () => {
    expect(() => runPolicyTests(writeBundle({ 'a.yaml': 'rules: [{ id: x }]\n' }), demoContext)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_INVALID' }),
    );
  });
});
