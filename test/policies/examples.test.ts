import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadBundle, runPolicyTests } from '../../policies/index.js';
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
});
