import type { DatasetResult, Hit, Subject } from '../../../contracts/index.js';
import type { PeerStatus, SearchState } from '../../../gateway/search/service.js';

/** Hand-made search states, shaped exactly as SearchService stores them in the `searches` table. */

export function hit(
  ref: string,
  kind: string,
  fields: Record<string, string>,
  extra: Partial<Hit> = {},
): Hit {
  return {
    ref,
    score: 0.99,
    band: 'match',
    kind,
    evidence: [{ field: 'family', level: 'exact', weight: 8.06 }],
    fields,
    ...extra,
  };
}

export function answered(agency: string, hits: Hit[], dataset = 'persons'): PeerStatus {
  const result: DatasetResult = {
    dataset,
    decision: {
      effect: 'permit',
      reasonCode: 'PERMITTED',
      ruleIds: ['r1'],
      granted: 'summary',
      coarsened: false,
    },
    hits,
  };
  return {
    agency,
    required: false,
    status: hits.length > 0 ? 'hit' : 'no-hit',
    granted: 'summary',
    results: [result],
  };
}

export function denied(agency: string): PeerStatus {
  return {
    agency,
    required: false,
    status: 'denied',
    reasonCode: 'PROHIBITED',
    granted: null,
    results: [
      {
        dataset: 'persons',
        decision: { effect: 'deny', reasonCode: 'PROHIBITED', ruleIds: [], granted: null, coarsened: false },
      },
    ],
  };
}

export function search(id: string, createdAt: string, subject: Subject, peers: PeerStatus[]): SearchState {
  return {
    id,
    caseRef: 'RO-2026-0042',
    createdBy: 'u-1',
    createdAt,
    status: 'complete',
    partial: false,
    request: {
      subject,
      purpose: 'trafficking-investigation',
      legalBasis: 'JIT Danube agreement 2025',
      caseRef: 'RO-2026-0042',
      granularity: 'summary',
      deadlineMs: 10000,
    },
    peers,
  };
}

export const IONUT_HU = {
  givenName: 'Ionuț',
  familyName: 'Popescu',
  birthDate: '1988',
  phone: '+40 721 555 019',
  email: 'ionut.popescu@example.ro',
};
export const IONUT_AT = { fullName: 'Йонуц Попеску', birthDate: '1988-03-14', phone: '***19' };
export const VASILE_AT = {
  givenName: 'Vasile',
  familyName: 'Dumitru',
  birthDate: '1979',
  phone: '0040721555019',
};

/**
 * The case of the unit tests: a person search answered by hu-border and at-labour (denied by bg-police),
 * then a pivot on the shared phone that finds Ionuț again at hu-border, Vasile and a phone record at at-labour.
 */
export function ionutCase(): SearchState[] {
  return [
    search('s-1', '2026-11-29T08:00:00.000Z', { kind: 'person', selectors: { fullName: 'Ionut Popescu' } }, [
      answered('hu-border', [hit('ref-hu-1', 'person', IONUT_HU)]),
      answered('at-labour', [hit('ref-at-1', 'person', IONUT_AT)]),
      denied('bg-police'),
    ]),
    search('s-2', '2026-11-29T08:05:00.000Z', { kind: 'phone', selectors: { number: '+40721555019' } }, [
      answered('hu-border', [hit('ref-hu-2', 'person', IONUT_HU)]),
      answered('at-labour', [
        hit('ref-at-2', 'person', VASILE_AT),
        hit('ref-at-3', 'phone', { number: '+40 721 555 019' }),
      ]),
    ]),
  ];
}
