import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadBundle, policyWarnings, runPolicyTests } from '../../policies/index.js';
import { EXAMPLES, exampleContext as demoContext } from './helpers.js';

describe('example bundles (examples/policies/<agency>)', () => {
  it.each(['hu-border', 'ro-police', 'at-labour', 'nl-fiu'])(
    '%s loads and its policy tests pass',
    (agency) => {
      const dir = join(EXAMPLES, agency);
      const bundle = loadBundle(dir, demoContext);
      expect(bundle.owner).toBe(agency);
      expect(bundle.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const report = runPolicyTests(dir, demoContext);
      const failures = report.cases
        .filter((c) => !c.passed)
        .map((c) => `${c.name}: ${c.failures.join('; ')}`);
      expect(failures).toEqual([]);
      expect(report.cases.length).toBeGreaterThanOrEqual(5);
    },
  );

  // Issue 15, finding 3: a summary or record grant without a records quota is an export.
  it.each(['hu-border', 'ro-police', 'at-labour', 'nl-fiu'])(
    '%s: every summary or record grant counts records per peer and per requester',
    (agency) => {
      const bundle = loadBundle(join(EXAMPLES, agency), demoContext);
      expect(policyWarnings(bundle)).toEqual([]);
      for (const r of bundle.normalised.rules) {
        const g = r.grant;
        if (!g || (g.maxGranularity !== 'summary' && g.maxGranularity !== 'record')) continue;
        const records = (g.quotas ?? []).filter((q) => q.counts === 'records');
        expect(records.map((q) => q.per).sort(), r.id).toEqual(['peer', 'requester']);
      }
    },
  );
});
