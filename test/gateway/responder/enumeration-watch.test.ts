import { describe, expect, it } from 'vitest';
import type { DatasetResult, QueryClaims } from '../../../contracts/index.js';
import type { VerifiedQuery } from '../../../gateway/peer/ports.js';
import {
  EnumerationWatch,
  type EnumerationThresholds,
  type PeerPattern,
} from '../../../gateway/responder/enumeration-watch.js';
import type { Member } from '../../../gateway/trust/trust-list.js';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const HOUR = 3_600_000;
const HIT: DatasetResult[] = [
  {
    dataset: 'persons',
    decision: { effect: 'permit', reasonCode: 'PERMITTED', ruleIds: [], granted: 'exists', coarsened: false },
    exists: true,
  },
];
const MISS: DatasetResult[] = [
  {
    dataset: 'persons',
    decision: { effect: 'permit', reasonCode: 'PERMITTED', ruleIds: [], granted: 'exists', coarsened: false },
    exists: false,
  },
];

function query(peer: string, name: string, now: number): VerifiedQuery {
  return {
    claims: { subject: { kind: 'person', selectors: { fullName: name } } } as unknown as QueryClaims,
    peer: { agencyId: peer } as Member,
    queryDigest: 'sha256:00' as never,
    token: '',
    now,
  };
}

function watch(thresholds: Partial<EnumerationThresholds> = {}) {
  let now = T0;
  const alarms: PeerPattern[] = [];
  const w = new EnumerationWatch(
    () => ({ windowSeconds: 3600, distinctSubjects: 10, hitRatio: 0.5, ...thresholds }),
    (p) => alarms.push(p),
    () => now,
  );
  const ask = (peer: string, name: string, results = HIT) => w.observe(query(peer, name, now), results);
  return { w, alarms, ask, at: (t: number) => (now = t) };
}

describe('EnumerationWatch', () => {
  it('flags a peer with many distinct subjects and a high hit ratio, once, and not a normal one', () => {
    const { w, alarms, ask } = watch();
    for (let i = 0; i < 9; i++) ask('nl-fiu', `Person ${i}`);
    expect(w.suspected('nl-fiu')).toBe(false);
    ask('nl-fiu', 'Person 9');
    expect(w.suspected('nl-fiu')).toBe(true);
    expect(alarms).toEqual([
      {
        peer: 'nl-fiu',
        since: '2026-11-29T10:00:00.000Z',
        queries: 10,
        hitQueries: 10,
        distinctSubjects: 10,
      },
    ]);
    for (let i = 10; i < 30; i++) ask('nl-fiu', `Person ${i}`);
    expect(alarms).toHaveLength(1);

    // Many distinct subjects, mostly unknown here: an investigation, not enumeration.
    for (let i = 0; i < 30; i++) ask('hu-border', `Person ${i}`, i % 3 === 0 ? HIT : MISS);
    // One subject asked again and again, always a hit: a case, not a register.
    for (let i = 0; i < 30; i++) ask('ro-police', 'Ion Popescu');
    expect([w.suspected('hu-border'), w.suspected('ro-police')]).toEqual([false, false]);
    expect(alarms.map((a) => a.peer)).toEqual(['nl-fiu']);
  });

  it('the same subject asked twice is one subject', () => {
    const { w, ask } = watch({ distinctSubjects: 3 });
    for (let i = 0; i < 10; i++) ask('nl-fiu', i % 2 === 0 ? 'A' : 'B');
    expect(w.patterns()[0]).toMatchObject({ queries: 10, distinctSubjects: 2 });
    expect(w.suspected('nl-fiu')).toBe(false);
  });

  it('stays up through the next window, clears after a quiet one, and alarms again for a new episode', () => {
    const { w, alarms, ask, at } = watch({ distinctSubjects: 3 });
    for (const n of ['a', 'b', 'c']) ask('nl-fiu', n);
    expect(alarms).toHaveLength(1);
    at(T0 + HOUR + 1);
    expect(w.suspected('nl-fiu')).toBe(true);
    // Continuing into the next window is the same episode: no second event.
    for (const n of ['d', 'e', 'f']) ask('nl-fiu', n);
    expect(alarms).toHaveLength(1);
    at(T0 + 3 * HOUR + 2);
    expect(w.suspected('nl-fiu')).toBe(false);
    expect(w.patterns()[0]).toMatchObject({ queries: 0, distinctSubjects: 0 });
    for (const n of ['g', 'h', 'i']) ask('nl-fiu', n);
    expect(alarms).toHaveLength(2);
  });

  it('keeps at most twice the threshold of subjects per peer (memory bound), and no subject in clear', () => {
    const { w, ask } = watch({ distinctSubjects: 50 });
    for (let i = 0; i < 1000; i++) ask('nl-fiu', `Person ${i}`);
    expect(w.patterns()[0]).toMatchObject({ queries: 1000, distinctSubjects: 100 });
    expect(JSON.stringify(w.patterns())).not.toContain('Person');
  });

  it('exposes the flag and the numbers as gauges per peer', () => {
    const { w, ask } = watch({ distinctSubjects: 2 });
    ask('nl-fiu', 'a');
    ask('nl-fiu', 'b');
    ask('hu-border', 'a', MISS);
    const lines = w.gauges().flatMap((g) => g.lines());
    expect(lines).toEqual(
      expect.arrayContaining([
        'mosaic_peer_enumeration_suspected{peer="nl-fiu"} 1',
        'mosaic_peer_enumeration_suspected{peer="hu-border"} 0',
        'mosaic_peer_window_queries{peer="nl-fiu"} 2',
        'mosaic_peer_window_distinct_subjects{peer="nl-fiu"} 2',
        'mosaic_peer_window_hit_ratio{peer="nl-fiu"} 1',
        'mosaic_peer_window_hit_ratio{peer="hu-border"} 0',
      ]),
    );
  });
});
