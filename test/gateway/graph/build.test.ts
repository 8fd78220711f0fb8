import { describe, expect, it } from 'vitest';
import {
  analyseCaseGraph,
  buildCaseGraph,
  type CaseGraph,
  casePath,
  DEFAULT_ANALYSIS,
  deriveIdentifiers,
  type EdgeDecision,
  type HitNode,
  type IdentifierNode,
  identifierFlags,
  isMasked,
  type LinkEdge,
  pivotSubject,
  type SameAsEdge,
} from '../../../gateway/graph/index.js';
import { answered, hit, IONUT_AT, ionutCase, search, VASILE_AT } from './states.js';

const hits = (g: CaseGraph) => g.nodes.filter((n): n is HitNode => n.type === 'hit');
const identifiers = (g: CaseGraph) => g.nodes.filter((n): n is IdentifierNode => n.type === 'identifier');
const byRef = (g: CaseGraph, ref: string) => hits(g).find((h) => h.provenance.ref === ref)!;
const ident = (g: CaseGraph, kind: string, value: string) =>
  identifiers(g).find((n) => n.kind === kind && n.value === value);
const links = (g: CaseGraph) => g.edges.filter((e): e is LinkEdge => e.type !== 'possibly-same');
const sameAs = (g: CaseGraph) => g.edges.filter((e): e is SameAsEdge => e.type === 'possibly-same');
const PHONE = '+40721555019';

describe('deriveIdentifiers: released, unmasked values only', () => {
  it('reads a person hit: phone to E.164, email canonical, document code, IBAN, address, plate, employer', () => {
    const d = deriveIdentifiers('person', {
      phone: '+40 721 555 019',
      email: 'Ionut.Popescu@Example.RO',
      documentNumber: 'ab-123 456',
      iban: 'RO49 AAAA 1B31 0075 9384 0000',
      address: 'Strada Lipscani 12, București',
      plate: 'B 123 ABC',
      employer: 'Danube Staffing S.R.L.',
      givenName: 'Ionuț',
    });
    expect(d.map((x) => [x.kind, x.key, x.link])).toEqual([
      ['address', 'strada lipscani 12 bucuresti', 'lives-at'],
      ['document', 'A8123456', 'holds-document'],
      ['email', 'ionut.popescu@example.ro', 'uses-email'],
      ['organisation', 'danube staffing', 'works-for'],
      ['account', 'iban:RO49AAAA1B31007593840000', 'holds-account'],
      ['phone', PHONE, 'uses-phone'],
      ['vehicle', 'plate:8123A8C', 'drives-vehicle'],
    ]);
  });

  it.each([
    ['phone', '***19', 'masked'],
    ['phone', '***', 'masked (short)'],
    ['phone', '+40 721…', 'truncated with an ellipsis'],
    ['phone', '+40721', 'truncated: not a valid number'],
    ['phone', '0721 555 019', 'no country prefix and no country released'],
    ['email', 'ionut@exa', 'truncated domain'],
    ['email', '***ro', 'masked'],
    ['iban', 'RO49AAAA1B3100', 'truncated: fails mod-97'],
    ['documentNumber', 'AB1', 'too short to identify'],
    ['address', 'Strada Lip', 'fewer than three words'],
    ['address', 'Strada Lipscani...', 'truncated'],
  ])('ignores %s %j (%s)', (field, value) => {
    expect(deriveIdentifiers('person', { [field]: value })).toEqual([]);
  });

  it('reads a phone without a prefix in the country released beside it; splits multi-valued fields', () => {
    expect(deriveIdentifiers('phone', { number: '0721 555 019', country: 'RO' })).toEqual([
      { kind: 'phone', key: PHONE, display: '0721 555 019', field: 'number', link: 'identifies' },
    ]);
    expect(deriveIdentifiers('person', { phone: '+40 721 555 019; ***00' }).map((d) => d.key)).toEqual([
      PHONE,
    ]);
  });

  it('an organisation is registered at its address, and does not work for itself', () => {
    const d = deriveIdentifiers('organisation', {
      address: 'Hauptstrasse 5, 1010 Wien',
      organisation: 'Other GmbH',
      name: 'Danube Staffing',
    });
    expect(d.map((x) => [x.kind, x.link])).toEqual([['address', 'registered-at']]);
  });

  it('isMasked recognises the policy mask and ellipses, nothing else', () => {
    expect(['***19', '***', '**', 'abc…', 'abc...'].map(isMasked)).toEqual([true, true, true, true, true]);
    expect(['+40 721 555 019', 'O*Brien', '1988'].map(isMasked)).toEqual([false, false, false]);
  });
});

describe('deriveIdentifiers: an IBAN under any field name', () => {
  const IBAN = 'NL91 ABNA 0417 1643 00';
  it('reads a valid IBAN in a field it does not know as an account the holder uses', () => {
    expect(deriveIdentifiers('person', { fullName: 'Yurii Bondar', wageAccount: IBAN })).toEqual([
      {
        kind: 'account',
        key: 'iban:NL91ABNA0417164300',
        display: IBAN,
        field: 'wageAccount',
        link: 'holds-account',
      },
    ]);
  });
  it('but not one with a wrong checksum, a masked one, or one on a record of another kind', () => {
    expect(deriveIdentifiers('person', { wageAccount: 'NL91 ABNA 0417 1643 01' })).toEqual([]);
    expect(deriveIdentifiers('person', { wageAccount: '***00' })).toEqual([]);
    expect(deriveIdentifiers('vehicle', { note: IBAN })).toEqual([]);
  });
});

describe('buildCaseGraph', () => {
  const graph = buildCaseGraph('RO-2026-0042', ionutCase());

  it('makes one node per hit, never merged, each with its provenance', () => {
    expect(hits(graph)).toHaveLength(5);
    const hu1 = byRef(graph, 'ref-hu-1');
    const hu2 = byRef(graph, 'ref-hu-2');
    expect(hu1.id).not.toBe(hu2.id);
    expect(hu1).toMatchObject({
      kind: 'person',
      label: 'Ionuț Popescu',
      provenance: {
        agency: 'hu-border',
        dataset: 'persons',
        searchId: 's-1',
        granted: 'summary',
        ref: 'ref-hu-1',
        score: 0.99,
        band: 'match',
      },
      fields: { phone: '+40 721 555 019' },
    });
    expect(hu1.id).toMatch(/^h-[0-9a-f]{20}$/);
    expect(graph.searches.map((s) => [s.id, s.subjectKind])).toEqual([
      ['s-1', 'person'],
      ['s-2', 'phone'],
    ]);
    expect(graph.searches[0]!.peers).toContainEqual({
      agency: 'bg-police',
      status: 'denied',
      reasonCode: 'PROHIBITED',
    });
  });

  it('gives the same ids for the same searches (decisions stay attached), whatever the order given', () => {
    const again = buildCaseGraph('RO-2026-0042', [...ionutCase()].reverse());
    expect(again.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(again.edges.map((e) => e.id).sort()).toEqual(graph.edges.map((e) => e.id).sort());
  });

  it('joins the same phone from two agencies in one identifier node (a value, not a record)', () => {
    const phones = identifiers(graph).filter((n) => n.kind === 'phone');
    expect(phones).toHaveLength(1);
    const phone = phones[0]!;
    expect(phone).toMatchObject({
      value: PHONE,
      agencies: ['at-labour', 'hu-border'],
      genericEvidence: false,
    });
    const into = links(graph).filter((e) => e.to === phone.id);
    expect(into.map((e) => [byId(graph, e.from).provenance.ref, e.type, e.field]).sort()).toEqual([
      ['ref-at-2', 'uses-phone', 'phone'],
      ['ref-at-3', 'identifies', 'number'],
      ['ref-hu-1', 'uses-phone', 'phone'],
      ['ref-hu-2', 'uses-phone', 'phone'],
    ]);
  });

  it('does not link a masked value: the at-labour copy of Ionuț released only ***19', () => {
    const at1 = byRef(graph, 'ref-at-1');
    expect(links(graph).filter((e) => e.from === at1.id)).toEqual([]);
  });

  it('derives the email, and no self-loops or duplicate edges', () => {
    expect(ident(graph, 'email', 'ionut.popescu@example.ro')?.agencies).toEqual(['hu-border']);
    for (const e of graph.edges) expect(e.from).not.toBe(e.to);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
  });

  it('links the two agencies’ Ionuț as possibly the same, across scripts, with per-field evidence', () => {
    const hu1 = byRef(graph, 'ref-hu-1');
    const at1 = byRef(graph, 'ref-at-1');
    const edge = sameAs(graph).find(
      (e) => [e.from, e.to].includes(hu1.id) && [e.from, e.to].includes(at1.id),
    )!;
    expect(edge).toMatchObject({ band: 'match', decision: 'pending', matchKey: '+NAME+DOB' });
    expect(edge.id).toMatch(/^s-[0-9a-f]{20}$/);
    expect(edge.evidence.map((e) => [e.field, e.level])).toEqual([
      ['given', 'close'],
      ['family', 'close'],
      ['dob', 'partial-year'],
      // Fields only one side released are listed with weight 0: nothing for, nothing against.
      ['phone', 'missing'],
      ['email', 'missing'],
    ]);
    expect(edge.evidence.filter((e) => e.level === 'missing').map((e) => e.weight)).toEqual([0, 0]);
    expect(edge.score).toBeGreaterThan(0.99);
  });

  it('never proposes possibly-same within one agency, nor for different people', () => {
    const agencyOf = (id: string) => byId(graph, id).provenance.agency;
    for (const e of sameAs(graph)) expect(agencyOf(e.from)).not.toBe(agencyOf(e.to));
    const vasile = byRef(graph, 'ref-at-2');
    expect(sameAs(graph).filter((e) => e.from === vasile.id || e.to === vasile.id)).toEqual([]);
    // hu-1 and hu-2 (one record seen twice) each pair with at-1: two edges, two decisions.
    expect(sameAs(graph)).toHaveLength(2);
  });

  it('carries the analyst’s decision, and a rejected edge stays visible as rejected', () => {
    const [first] = sameAs(graph);
    const decisions = new Map<string, EdgeDecision>([
      [
        first!.id,
        {
          decision: 'rejected',
          note: 'different mother',
          decidedBy: 'ana',
          decidedAt: '2026-11-29T09:00:00.000Z',
        },
      ],
    ]);
    const decided = buildCaseGraph('RO-2026-0042', ionutCase(), decisions);
    expect(decided.edges.find((e) => e.id === first!.id)).toMatchObject({
      type: 'possibly-same',
      decision: 'rejected',
      note: 'different mother',
      decidedBy: 'ana',
    });
  });

  it('keeps hostile field names as plain data (a peer answer parsed from JSON)', () => {
    const fields = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": "x", "familyName": "Popescu"}',
    );
    const g = buildCaseGraph('C', [
      search('x', '2026-11-29T08:00:00.000Z', { kind: 'person', selectors: { fullName: 'x' } }, [
        answered('hu-border', [
          hit('x-1', 'person', fields, {
            evidence: [{ field: 'constructor', level: 'generic', generic: true }],
          }),
          hit('x-2', 'constructor', { constructor: '+40 721 555 019' }),
        ]),
      ]),
    ]);
    expect(identifiers(g)).toEqual([]);
    // Only string values are fields; `constructor` is kept as an own field and pollutes nothing.
    expect(Object.keys(hits(g)[0]!.fields).sort()).toEqual(['constructor', 'familyName']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('scores organisations across agencies too, and ignores hits that released nothing', () => {
    const g = buildCaseGraph('C', [
      search(
        'o-1',
        '2026-11-29T08:00:00.000Z',
        { kind: 'organisation', selectors: { name: 'Danube Staffing' } },
        [
          answered(
            'hu-border',
            [hit('o-hu', 'organisation', { name: 'Danube Staffing S.R.L.' })],
            'companies',
          ),
          answered('at-labour', [hit('o-at', 'organisation', { name: 'DANUBE STAFFING SRL' })], 'companies'),
          answered('bg-police', [hit('o-bg', 'organisation', {}, { fields: {} })], 'companies'),
        ],
      ),
    ]);
    expect(hits(g)).toHaveLength(3);
    expect(sameAs(g)).toHaveLength(1);
    expect(sameAs(g)[0]!.evidence.map((e) => [e.field, e.level])).toEqual([['org', 'exact']]);
  });
});

function byId(g: CaseGraph, id: string): HitNode {
  return hits(g).find((h) => h.id === id)!;
}

describe('buildCaseGraph: records released through step 2', () => {
  it('shows a delivered record in place of its hit, so the values it holds join the network', () => {
    const summary = hit('ref-at-1', 'person', { fullName: 'Marius Dobre', phone: '***62' });
    const other = hit('ref-at-2', 'person', { fullName: 'Yurii Bondar' });
    const searches = [
      search('s1', '2026-11-29T08:00:00.000Z', { kind: 'person', selectors: { fullName: 'Marius Dobre' } }, [
        answered('at-labour', [summary, other]),
      ]),
    ];
    const before = buildCaseGraph('C', searches);
    expect(identifiers(before)).toEqual([]);
    const after = buildCaseGraph('C', searches, new Map(), undefined, [
      {
        peer: 'at-labour',
        ref: 'ref-at-1',
        kind: 'person',
        dataset: 'workers',
        fields: {
          fullName: 'Marius-Cătălin Dobre',
          phone: '+40 745 318 962',
          wageAccount: 'NL91 ABNA 0417 1643 00',
        },
      },
      // A record released by another agency under the same reference is not this hit's.
      {
        peer: 'hu-border',
        ref: 'ref-at-2',
        kind: 'person',
        dataset: 'x',
        fields: { phone: '+40 745 318 962' },
      },
    ]);
    const foreman = byRef(after, 'ref-at-1');
    expect(foreman.provenance.granted).toBe('record');
    expect(foreman.fields['phone']).toBe('+40 745 318 962');
    expect(
      identifiers(after)
        .map((n) => [n.kind, n.value])
        .sort(),
    ).toEqual([
      ['account', 'iban:NL91ABNA0417164300'],
      ['phone', '+40745318962'],
    ]);
    expect(links(after).every((l) => l.from === foreman.id)).toBe(true);
    expect(byRef(after, 'ref-at-2').provenance.granted).toBe('summary');
  });
});

describe('hub and generic flags', () => {
  const SHELTER = '+40744100200';
  /** n persons at alternating agencies, each with its own name and birth year, all giving the shelter's phone. */
  function shelterCase(n: number) {
    const people = Array.from({ length: n }, (_, i) =>
      hit(`sh-${i}`, 'person', {
        givenName: ['Ana', 'Irina', 'Elena', 'Maria', 'Ioana', 'Daria', 'Sofia', 'Bianca', 'Alina', 'Carmen'][
          i
        ]!,
        familyName: [
          'Lungu',
          'Moraru',
          'Rusu',
          'Ciobanu',
          'Munteanu',
          'Rotaru',
          'Sandu',
          'Cojocaru',
          'Popa',
          'Stan',
        ][i]!,
        birthDate: String(1990 + i),
        phone: SHELTER,
      }),
    );
    return buildCaseGraph('C', [
      search('sh', '2026-11-29T08:00:00.000Z', { kind: 'phone', selectors: { number: SHELTER } }, [
        answered(
          'hu-border',
          people.filter((_, i) => i % 2 === 0),
        ),
        answered(
          'at-labour',
          people.filter((_, i) => i % 2 === 1),
        ),
      ]),
      ...ionutCase(),
    ]);
  }

  it('flags the phone shared by Ionuț (hu-border) and Vasile (at-labour) as a hub', () => {
    const g = buildCaseGraph('RO-2026-0042', ionutCase());
    const phone = ident(g, 'phone', PHONE)!;
    expect(identifierFlags(g)).toContainEqual({
      node: phone.id,
      kind: 'phone',
      flag: 'hub',
      reason: 'shared-across-agencies',
      hits: 3,
      records: 2,
      persons: 2,
      agencies: ['at-labour', 'hu-border'],
    });
    // The email is held by one agency's repeats of one record: no flag.
    expect(identifierFlags(g).map((f) => f.kind)).toEqual(['phone']);
  });

  it('counts hits joined by a not-rejected possibly-same edge as one person', () => {
    const base = ionutCase();
    // Vasile at at-labour now released as the same person as Ionuț: no second person behind the phone.
    base[1]!.peers[1]!.results![0]!.hits![0]!.fields = { ...IONUT_AT, phone: '+40 721 555 019' };
    const pending = buildCaseGraph('C', base);
    expect(identifierFlags(pending)).toEqual([]);
    const decisions = new Map<string, EdgeDecision>(
      sameAs(pending).map((e) => [e.id, { decision: 'rejected', decidedBy: 'ana', decidedAt: 'x' }]),
    );
    const rejected = buildCaseGraph('C', base, decisions);
    expect(identifierFlags(rejected).map((f) => [f.flag, f.persons])).toEqual([['hub', 2]]);
  });

  it('flags a phone held by 9 distinct records as generic, never hub, and 8 as hub', () => {
    const nine = shelterCase(9);
    const shelter = ident(nine, 'phone', SHELTER)!;
    expect(identifierFlags(nine).find((f) => f.node === shelter.id)).toMatchObject({
      flag: 'generic',
      reason: 'many-records',
      records: 9,
      agencies: ['at-labour', 'hu-border'],
    });
    const eight = shelterCase(8);
    expect(identifierFlags(eight).find((f) => f.node === ident(eight, 'phone', SHELTER)!.id)?.flag).toBe(
      'hub',
    );
  });

  it('makes the threshold configurable', () => {
    const g = shelterCase(5);
    const shelter = ident(g, 'phone', SHELTER)!.id;
    const rules = { genericThreshold: 4, hubMinPersons: 2 };
    expect(identifierFlags(g, rules).find((f) => f.node === shelter)?.flag).toBe('generic');
  });

  it('down-weights a generic value: no possibly-same edges through it, no paths or components through it', () => {
    const g = shelterCase(10);
    // Different names and birth years: the shared shelter phone counts only at matching's weak generic level.
    const shelterHits = new Set(
      hits(g)
        .filter((h) => h.provenance.ref.startsWith('sh-'))
        .map((h) => h.id),
    );
    expect(sameAs(g).filter((e) => shelterHits.has(e.from) || shelterHits.has(e.to))).toEqual([]);
    const [a, b] = [...shelterHits];
    expect(casePath(g, a!, b!)).toBeUndefined();
    expect(casePath(g, a!, b!, { ...DEFAULT_ANALYSIS, generic: 'include' })?.nodes).toHaveLength(3);
    const analysis = analyseCaseGraph(g);
    const shelter = ident(g, 'phone', SHELTER)!.id;
    expect(analysis.nodes[shelter]).toMatchObject({ flag: 'generic', degree: 0, betweenness: 0 });
    expect(analysis.nodes[a!]!.component).not.toBe(analysis.nodes[b!]!.component);
  });

  it('flags a value an owner marked generic in its evidence', () => {
    const ADDRESS = 'Hotel Central, Ringstrasse 1, Wien';
    const g = buildCaseGraph('C', [
      search('ad', '2026-11-29T08:00:00.000Z', { kind: 'address', selectors: { text: ADDRESS } }, [
        answered('at-labour', [
          hit(
            'h-1',
            'person',
            { givenName: 'Ana', familyName: 'Lungu', address: ADDRESS },
            { evidence: [{ field: 'address', level: 'generic', weight: 1, generic: true }] },
          ),
        ]),
        answered('hu-border', [
          hit('h-2', 'person', { givenName: 'Irina', familyName: 'Moraru', address: ADDRESS }),
        ]),
      ]),
    ]);
    const hotel = ident(g, 'address', 'hotel central ringstrasse 1 wien')!;
    expect(hotel.genericEvidence).toBe(true);
    expect(identifierFlags(g)).toEqual([
      expect.objectContaining({ node: hotel.id, flag: 'generic', reason: 'owner-marked-generic' }),
    ]);
  });
});

describe('analysis of the case graph', () => {
  const g = buildCaseGraph('RO-2026-0042', ionutCase());
  const hu1 = byRef(g, 'ref-hu-1').id;
  const at1 = byRef(g, 'ref-at-1').id;
  const vasile = byRef(g, 'ref-at-2').id;
  const phone = ident(g, 'phone', PHONE)!.id;

  it('walks Ionuț (hu-border) → phone → Vasile', () => {
    expect(casePath(g, hu1, vasile)?.nodes).toEqual([hu1, phone, vasile]);
  });

  it('crosses a possibly-same edge only once confirmed (or when asked to), never once rejected', () => {
    expect(casePath(g, at1, vasile)).toBeUndefined();
    expect(casePath(g, at1, vasile, { ...DEFAULT_ANALYSIS, sameAs: 'all' })?.nodes).toHaveLength(4);
    const edge = sameAs(g).find((e) => e.from === at1 || e.to === at1)!;
    const confirm = (decision: 'confirmed' | 'rejected') =>
      buildCaseGraph(
        'RO-2026-0042',
        ionutCase(),
        new Map([[edge.id, { decision, decidedBy: 'ana', decidedAt: 'x' }]]),
      );
    const confirmed = casePath(confirm('confirmed'), at1, vasile);
    expect(confirmed?.nodes).toHaveLength(4);
    expect(confirmed?.edges[0]).toBe(edge.id);
    expect(
      casePath(confirm('rejected'), at1, vasile, { ...DEFAULT_ANALYSIS, sameAs: 'all' })?.edges,
    ).not.toContain(edge.id);
    expect(casePath(g, at1, vasile, { ...DEFAULT_ANALYSIS, sameAs: 'none' })).toBeUndefined();
  });

  it('reports components, degree and betweenness per node; the phone is the broker', () => {
    const a = analyseCaseGraph(g);
    expect(a.options).toEqual({
      sameAs: 'confirmed',
      generic: 'exclude',
      genericThreshold: 8,
      hubMinPersons: 2,
    });
    // Component of the phone: hu-1, hu-2, the phone record, Vasile, the phone and the email.
    const main = a.components[0]!;
    expect(main.size).toBe(6);
    expect(main.agencies).toEqual(['at-labour', 'hu-border']);
    expect(a.nodes[at1]!.component).not.toBe(a.nodes[phone]!.component);
    expect(a.nodes[phone]).toMatchObject({ degree: 4, flag: 'hub' });
    // The phone joins hu-1, hu-2, the phone record and Vasile; the email joins hu-1 and hu-2 again. Pairs
    // through the phone: (rec, vasile), (rec, hu1), (rec, hu2), (vasile, hu1), (vasile, hu2) = 5, (hu1, hu2) ½
    // (the other half through the email), (rec|vasile, email) 2 × 1 = 2 … total 7½; through the email only ½.
    expect(a.nodes[phone]!.betweenness).toBe(7.5);
    const top = Object.entries(a.nodes).sort(([, x], [, y]) => y.betweenness - x.betweenness)[0]![0];
    expect(top).toBe(phone);
  });
});

describe('pivotSubject', () => {
  const g = buildCaseGraph('RO-2026-0042', ionutCase());

  it('searches a phone entity by its E.164 number', () => {
    expect(pivotSubject(ident(g, 'phone', PHONE)!)).toEqual({ kind: 'phone', selectors: { number: PHONE } });
  });

  it('searches a person hit by its released name and birth date, never a masked value', () => {
    expect(pivotSubject(byRef(g, 'ref-hu-1'))).toEqual({
      kind: 'person',
      selectors: { givenName: 'Ionuț', familyName: 'Popescu', birthDate: '1988' },
    });
    expect(pivotSubject(byRef(g, 'ref-at-1'))).toEqual({
      kind: 'person',
      selectors: { fullName: 'Йонуц Попеску', birthDate: '1988-03-14' },
    });
  });

  it('searches a phone record by the number it stands for; nothing when nothing usable was released', () => {
    expect(pivotSubject(byRef(g, 'ref-at-3'))).toEqual({ kind: 'phone', selectors: { number: PHONE } });
    const masked = buildCaseGraph('C', [
      search('m', '2026-11-29T08:00:00.000Z', { kind: 'person', selectors: { fullName: 'x' } }, [
        answered('hu-border', [hit('m-1', 'person', { familyName: '***cu', birthDate: '***88' })]),
      ]),
    ]);
    expect(pivotSubject(hits(masked)[0]!)).toBeUndefined();
    expect(VASILE_AT.phone).toBe('0040721555019');
  });
});
