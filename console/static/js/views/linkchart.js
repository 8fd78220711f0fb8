/**
 * The analyst's link chart: a case's network (`GET /api/v1/cases/:ref/graph`) drawn with cytoscape, beside an
 * accessible list of the same nodes and links. Select a node (in the chart or the list) for its details and a
 * pivot into a new federated search; open a "possibly same" link for its evidence and confirm or reject it;
 * select two nodes for the shortest path between them. Every value from a peer is set as text: cytoscape
 * draws labels on a canvas, the lists and details use textContent.
 */
import { ApiProblem } from '../api.js';
import { announce, h, nextId, replace } from '../dom.js';
import { readCaseRefs, rememberCaseRef, rememberSearchId } from '../session.js';
import { PEER_STATUS } from './board.js';
import { field, select, textInput } from './form.js';
import { problemPanel } from './problem.js';

/**
 * @typedef {{ agency: string, dataset: string, searchId: string, searchedAt: string, granted: string | null, ref: string, score: number, band: string }} Provenance
 * @typedef {{ id: string, type: 'hit', kind: string, label: string, provenance: Provenance, fields: Record<string, string>, evidence: Record<string, unknown>[] }} HitNode
 * @typedef {{ id: string, type: 'identifier', kind: string, value: string, label: string, agencies: string[], genericEvidence: boolean }} IdentifierNode
 * @typedef {HitNode | IdentifierNode} GraphNode
 * @typedef {{ id: string, type: string, from: string, to: string, field?: string, agency?: string, score?: number, weight?: number, band?: string, matchKey?: string, evidence?: Record<string, unknown>[], decision?: string, note?: string, decidedBy?: string, decidedAt?: string }} GraphEdge
 * @typedef {{ node: string, kind: string, flag: string, reason: string, hits: number, records: number, persons: number, agencies: string[] }} Flag
 * @typedef {{ id: string, createdAt: string, status: string, subjectKind: string, peers: { agency: string, status: string }[] }} SearchSummary
 * @typedef {{ caseRef: string, searches: SearchSummary[], nodes: GraphNode[], edges: GraphEdge[], analysis: { flags: Flag[], nodes: Record<string, { degree: number, betweenness: number, flag?: string }> } }} CaseGraph
 */

/** Shapes by entity type: the legend says them in words, the chart draws them. */
const SHAPES = /** @type {const} */ ([
  ['person', 'ellipse', 'Person (a hit)'],
  ['organisation', 'round-rectangle', 'Organisation (a hit)'],
  ['record', 'rectangle', 'Other record (a hit)'],
  ['phone', 'diamond', 'Phone number'],
  ['email', 'hexagon', 'E-mail address'],
  ['document', 'tag', 'Document'],
  ['account', 'octagon', 'Account'],
  ['address', 'pentagon', 'Address'],
  ['vehicle', 'triangle', 'Vehicle'],
  ['organisation-id', 'barrel', 'Organisation name'],
]);

/** Agency colours, given in sorted agency order; identifiers (values, not records) are grey. */
const PALETTE = ['#1d4ed8', '#047857', '#be123c', '#0e7490', '#7c3aed', '#4d7c0f', '#a21caf', '#b45309'];
const IDENTIFIER_COLOUR = '#94a3b8';

const DECISION_LABEL = { pending: 'pending', confirmed: 'confirmed', rejected: 'rejected' };

/** @param {unknown} v */
function text(v) {
  if (v === null || v === undefined || v === '') return '—';
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : JSON.stringify(v);
}

/** @param {number | undefined} score */
function percent(score) {
  return typeof score === 'number' && Number.isFinite(score) ? `${(score * 100).toFixed(1)}%` : '—';
}

/** @param {GraphNode} n */
function shapeKey(n) {
  if (n.type === 'hit') return n.kind === 'person' || n.kind === 'organisation' ? n.kind : 'record';
  return n.kind === 'organisation' ? 'organisation-id' : n.kind;
}

/** @param {GraphNode} n */
function typeLabel(n) {
  return SHAPES.find(([k]) => k === shapeKey(n))?.[2] ?? n.kind;
}

/** @param {GraphNode} n @param {Flag | undefined} flag */
function nodeName(n, flag) {
  const base = n.type === 'hit' ? `${n.label} (${n.kind}, ${n.provenance.agency})` : `${n.label} (${n.kind})`;
  return flag ? `${base} [${flag.flag.toUpperCase()}]` : base;
}

/** @param {import('./registry.js').ViewContext} ctx */
export function linkChartView(ctx) {
  const headingId = nextId('linkchart');
  const cases = h('datalist', { id: nextId('chart-cases') });
  const caseInput = textInput({ class: 'input mono', list: cases.id, maxlength: '128' });
  const caseField = field({
    name: 'caseRef',
    label: 'Case reference',
    hint: 'The cases searched in this tab are suggested; any case of yours can be typed.',
    required: true,
    control: caseInput,
  });
  const sameAs = select(
    [
      { value: 'confirmed', label: 'Confirmed links only' },
      { value: 'all', label: 'Every link not rejected' },
      { value: 'none', label: 'No “possibly same” link' },
    ],
    'confirmed',
  );
  const sameAsField = field({ name: 'sameAs', label: 'Paths cross “possibly same”', control: sameAs });
  const generic = select(
    [
      { value: 'exclude', label: 'Not through generic values' },
      { value: 'include', label: 'Also through generic values' },
    ],
    'exclude',
  );
  const genericField = field({ name: 'generic', label: 'Generic values', control: generic });

  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const problemArea = h('div', {});
  const chartNote = h('p', { class: 'muted chart-note' });
  const chartBox = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': 'Link chart of the case. The same nodes and links are listed beside it.',
  });
  const legend = h('section', { class: 'legend', 'aria-label': 'Legend' });
  const selection = h('div', { class: 'chart-selection' });
  const pathArea = h('div', { class: 'path-area', 'aria-live': 'polite' });
  const details = h('section', { class: 'chart-details', 'aria-label': 'Details', tabindex: '-1' });
  const nodeList = h('ul', { class: 'node-list' });
  const edgeList = h('ul', { class: 'edge-list' });
  const pivots = h('div', { class: 'pivot-area', 'aria-live': 'polite' });

  /** @type {CaseGraph | null} */
  let graph = null;
  let caseRef = '';
  /** @type {string[]} the selected node ids, oldest first, at most two */
  let selected = [];
  /** @type {string | null} */
  let detailFor = null;
  /** @type {any} the cytoscape instance, or null when the chart cannot be drawn */
  let cy = null;
  /** @type {Promise<any> | null} */
  let cytoscapeLoad = null;
  let legalBasisMemo = '';
  let drawnDetached = false;
  let busy = false;

  /** @param {string} id */
  const nodeOf = (id) => graph?.nodes.find((n) => n.id === id);
  /** @param {string} id */
  const flagOf = (id) => graph?.analysis?.flags?.find((f) => f.node === id);

  function agencyColours() {
    const agencies = new Set();
    for (const n of graph?.nodes ?? []) if (n.type === 'hit') agencies.add(n.provenance.agency);
    /** @type {Map<string, string>} */
    const colours = new Map();
    [...agencies].sort().forEach((a, i) => {
      colours.set(String(a), PALETTE[i % PALETTE.length] ?? '#334155');
    });
    return colours;
  }

  function fillCases() {
    const known = readCaseRefs();
    replace(
      cases,
      known.map((c) => h('option', { value: c })),
    );
    if (caseInput.value === '' && known[0]) caseInput.value = known[0];
  }

  /** cytoscape, loaded once as an ES module from this node. */
  function loadCytoscape() {
    cytoscapeLoad ??= import('/vendor/cytoscape.esm.js').then(
      (m) => m.default,
      () => null,
    );
    return cytoscapeLoad;
  }

  /** Load (or reload) the case's graph. @param {{ keepSelection?: boolean, quiet?: boolean }} [o] */
  async function load(o = {}) {
    const ref = caseInput.value.trim();
    caseField.setError(null);
    if (ref === '') {
      caseField.setError('Enter the case reference');
      caseInput.focus();
      return;
    }
    if (busy) return;
    busy = true;
    status.textContent = `Loading case ${ref}…`;
    try {
      const g = /** @type {CaseGraph} */ (await ctx.api.caseGraph(ref, ctx.signal));
      if (ref !== caseRef) {
        selected = [];
        detailFor = null;
        replace(pathArea);
      }
      caseRef = ref;
      graph = g;
      if (!o.keepSelection) {
        selected = selected.filter((id) => nodeOf(id));
        if (detailFor && !nodeOf(detailFor) && !graph.edges.some((e) => e.id === detailFor)) detailFor = null;
      }
      rememberCaseRef(ref);
      fillCases();
      replace(problemArea);
      await draw();
      renderLists();
      renderSelection();
      renderDetails();
      const sameAsCount = g.edges.filter((e) => e.type === 'possibly-same').length;
      const msg = `Case ${ref}: ${g.nodes.length} nodes, ${g.edges.length} links (${sameAsCount} possibly the same) from ${g.searches.length} search${g.searches.length === 1 ? '' : 'es'}.`;
      status.textContent = msg;
      if (!o.quiet) announce(msg);
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      status.textContent = '';
      const panel = problemPanel(`The graph of case ${ref} could not be read`, err);
      replace(problemArea, panel);
      panel.focus();
    } finally {
      busy = false;
    }
  }

  async function draw() {
    const g = /** @type {CaseGraph} */ (graph);
    const colours = agencyColours();
    renderLegend(colours);
    const cytoscape = await loadCytoscape();
    if (!cytoscape) {
      cy?.destroy();
      cy = null;
      chartBox.hidden = true;
      chartNote.textContent =
        'The chart could not be drawn here (cytoscape did not load); the nodes and links are listed below.';
      return;
    }
    chartBox.hidden = false;
    chartNote.textContent = 'Click a node or a dashed “possibly same” link; the same items are listed below.';
    const elements = [
      ...g.nodes.map((n) => {
        const flag = flagOf(n.id);
        return {
          group: 'nodes',
          data: {
            id: n.id,
            label: flag ? `${n.label}\n${flag.flag.toUpperCase()}` : n.label,
            shape: SHAPES.find(([k]) => k === shapeKey(n))?.[1] ?? 'ellipse',
            colour: n.type === 'hit' ? (colours.get(n.provenance.agency) ?? '#334155') : IDENTIFIER_COLOUR,
          },
          classes: [n.type, flag ? `flag-${flag.flag}` : ''].filter(Boolean).join(' '),
        };
      }),
      ...g.edges.map((e) => ({
        group: 'edges',
        data: {
          id: e.id,
          source: e.from,
          target: e.to,
          label:
            e.type === 'possibly-same'
              ? `possibly same ${percent(e.score)}${e.decision && e.decision !== 'pending' ? ` · ${e.decision}` : ''}`
              : e.type,
        },
        classes: e.type === 'possibly-same' ? `same-as decision-${e.decision ?? 'pending'}` : 'link',
      })),
    ];
    cy?.destroy();
    drawnDetached = !chartBox.isConnected;
    cy = cytoscape({
      container: chartBox,
      elements,
      // Styles through cytoscape's style API: drawn on its canvas, no style attribute or <style> element.
      style: [
        {
          selector: 'node',
          style: {
            shape: 'data(shape)',
            'background-color': 'data(colour)',
            label: 'data(label)',
            'text-wrap': 'wrap',
            'text-max-width': '140px',
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            color: '#161b26',
            width: 30,
            height: 30,
            'border-width': 1,
            'border-color': '#161b26',
          },
        },
        { selector: 'node.identifier', style: { width: 24, height: 24 } },
        {
          selector: 'node.flag-hub',
          style: { 'border-width': 4, 'border-color': '#b45309', 'font-weight': 'bold' },
        },
        {
          selector: 'node.flag-generic',
          style: { 'border-width': 3, 'border-style': 'dotted', 'border-color': '#5f6b80', opacity: 0.75 },
        },
        {
          selector: 'edge',
          style: {
            width: 2,
            'line-color': '#94a3b8',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 9,
            color: '#5f6b80',
            'text-rotation': 'autorotate',
            'text-background-color': '#ffffff',
            'text-background-opacity': 0.85,
            'text-background-padding': '1px',
          },
        },
        {
          selector: 'edge.same-as',
          style: {
            'line-style': 'dashed',
            'line-dash-pattern': [8, 5],
            width: 3,
            'line-color': '#7c3aed',
            color: '#4c1d95',
            'font-size': 10,
          },
        },
        { selector: 'edge.decision-confirmed', style: { 'line-color': '#166534', color: '#166534' } },
        {
          selector: 'edge.decision-rejected',
          style: { 'line-color': '#b91c1c', color: '#b91c1c', opacity: 0.6 },
        },
        {
          selector: 'node.picked',
          style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.35, 'overlay-padding': 6 },
        },
        {
          selector: '.on-path',
          style: {
            'line-color': '#f59e0b',
            'border-color': '#f59e0b',
            'border-width': 5,
            width: 5,
            'z-index': 10,
          },
        },
        { selector: 'node.on-path', style: { width: 34, height: 34 } },
      ],
      layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 9000, padding: 30 },
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autounselectify: true,
    });
    cy.on('tap', 'node', (/** @type {any} */ ev) => toggle(ev.target.id(), false));
    cy.on('tap', 'edge.same-as', (/** @type {any} */ ev) => openEdge(ev.target.id(), false));
    markPicked();
  }

  /** @param {Map<string, string>} colours */
  function renderLegend(colours) {
    replace(
      legend,
      h('h2', { class: 'legend__title' }, 'Legend'),
      h(
        'dl',
        { class: 'kv legend__list' },
        h('dt', {}, 'Colour'),
        h(
          'dd',
          {},
          h(
            'ul',
            { class: 'legend__items' },
            [...colours].map(([agency, colour]) =>
              h('li', { 'data-agency': agency }, `${agency}: ${colourName(colour)}`),
            ),
            h('li', {}, 'Identifier (a value several records can share): grey'),
          ),
        ),
        h('dt', {}, 'Shape'),
        h(
          'dd',
          {},
          h(
            'ul',
            { class: 'legend__items' },
            SHAPES.filter(([k]) => (graph?.nodes ?? []).some((n) => shapeKey(n) === k)).map(
              ([, shape, label]) => h('li', {}, `${label}: ${shape.replace('-', ' ')}`),
            ),
          ),
        ),
        h('dt', {}, 'Flags'),
        h(
          'dd',
          {},
          'HUB (thick amber border): a value shared by several persons across agencies. GENERIC (dotted border): a value held by many records (a shelter’s phone); paths do not cross it unless asked.',
        ),
        h('dt', {}, 'Links'),
        h(
          'dd',
          {},
          'Solid grey: a hit holds a value. Dashed, with a score: “possibly same” (purple pending, green confirmed, red rejected). Amber: the shortest path.',
        ),
      ),
    );
  }

  /** @param {string} colour */
  function colourName(colour) {
    const names = {
      '#1d4ed8': 'blue',
      '#b45309': 'amber',
      '#047857': 'green',
      '#7c3aed': 'violet',
      '#be123c': 'red',
      '#0e7490': 'teal',
      '#4d7c0f': 'olive',
      '#a21caf': 'magenta',
    };
    return Object.hasOwn(names, colour) ? names[/** @type {keyof typeof names} */ (colour)] : colour;
  }

  function markPicked() {
    if (!cy) return;
    cy.nodes().removeClass('picked');
    for (const id of selected) cy.getElementById(id).addClass('picked');
  }

  /** Select or unselect a node; the last selected one shows its details. @param {string} id @param {boolean} fromList */
  function toggle(id, fromList) {
    if (selected.includes(id) && detailFor === id) {
      selected = selected.filter((x) => x !== id);
      detailFor = selected.at(-1) ?? null;
    } else {
      if (!selected.includes(id)) selected = [...selected, id].slice(-2);
      detailFor = id;
    }
    markPicked();
    renderLists();
    renderSelection();
    renderDetails();
    const n = nodeOf(id);
    if (n) announce(`${selected.includes(id) ? 'Selected' : 'Unselected'} ${nodeName(n, flagOf(id))}.`);
    if (!fromList) details.focus();
  }

  /** @param {string} id @param {boolean} fromList */
  function openEdge(id, fromList) {
    detailFor = id;
    renderLists();
    renderDetails();
    if (!fromList) details.focus();
  }

  function renderLists() {
    const g = graph;
    if (!g) return;
    const order = [...g.nodes].sort(
      (a, b) => Number(b.type === 'hit') - Number(a.type === 'hit') || a.label.localeCompare(b.label),
    );
    replace(
      nodeList,
      order.map((n) => {
        const flag = flagOf(n.id);
        const picked = selected.includes(n.id);
        return h(
          'li',
          { class: 'node-item', 'data-node-id': n.id, 'data-node-type': n.type, 'data-node-kind': n.kind },
          h(
            'button',
            {
              type: 'button',
              class: `node-item__button${detailFor === n.id ? ' is-current' : ''}`,
              'aria-pressed': picked ? 'true' : 'false',
              onclick: () => toggle(n.id, true),
            },
            h('span', { class: 'node-item__label' }, n.label),
            ' ',
            h('span', { class: 'node-item__type' }, typeLabel(n)),
            n.type === 'hit' ? [' ', h('span', { class: 'node-item__agency' }, n.provenance.agency)] : null,
            flag
              ? [
                  ' ',
                  h(
                    'span',
                    { class: `badge badge--${flag.flag}`, 'data-flag': flag.flag },
                    flag.flag.toUpperCase(),
                  ),
                ]
              : null,
          ),
        );
      }),
    );
    const sameAsEdges = g.edges.filter((e) => e.type === 'possibly-same');
    replace(
      edgeList,
      sameAsEdges.length === 0
        ? h('li', { class: 'empty' }, 'No “possibly same” link in this case.')
        : sameAsEdges.map((e) =>
            h(
              'li',
              { class: 'edge-item', 'data-edge-id': e.id, 'data-decision': e.decision ?? 'pending' },
              h(
                'button',
                {
                  type: 'button',
                  class: `edge-item__button${detailFor === e.id ? ' is-current' : ''}`,
                  onclick: () => openEdge(e.id, true),
                },
                `${nodeOf(e.from)?.label ?? e.from} ↔ ${nodeOf(e.to)?.label ?? e.to}: possibly same, ${percent(e.score)}, ${text(DECISION_LABEL[/** @type {keyof typeof DECISION_LABEL} */ (e.decision ?? 'pending')] ?? e.decision)}`,
              ),
            ),
          ),
    );
  }

  function renderSelection() {
    const names = selected.map((id) => nodeOf(id)?.label ?? id);
    replace(
      selection,
      h(
        'p',
        { class: 'chart-selection__text' },
        selected.length === 0
          ? 'No node selected. Select two nodes for the shortest path between them.'
          : selected.length === 1
            ? `Selected: ${names[0]}. Select one more node for a path.`
            : `Selected: ${names[0]} and ${names[1]}.`,
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button button--primary',
          'aria-disabled': selected.length === 2 ? null : 'true',
          onclick: () => shortestPath(),
        },
        'Shortest path',
      ),
      selected.length > 0
        ? h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: () => {
                selected = [];
                detailFor = null;
                cy?.elements().removeClass('on-path');
                replace(pathArea);
                markPicked();
                renderLists();
                renderSelection();
                renderDetails();
              },
            },
            'Clear selection',
          )
        : null,
    );
  }

  async function shortestPath() {
    if (selected.length !== 2) {
      replace(pathArea, h('p', { class: 'field__error' }, 'Select two nodes first.'));
      return;
    }
    const [from, to] = /** @type {[string, string]} */ (selected);
    try {
      const p = /** @type {{ found: boolean, length?: number, nodes: GraphNode[], edges: GraphEdge[] }} */ (
        await ctx.api.casePath(
          caseRef,
          { from, to, sameAs: sameAs.value, generic: generic.value },
          ctx.signal,
        )
      );
      cy?.elements().removeClass('on-path');
      if (!p.found) {
        const msg = `No path between ${nodeOf(from)?.label} and ${nodeOf(to)?.label} with these options.`;
        replace(pathArea, h('p', { class: 'path-result', 'data-found': 'false' }, msg));
        announce(msg);
        return;
      }
      for (const n of p.nodes) cy?.getElementById(n.id).addClass('on-path');
      for (const e of p.edges) cy?.getElementById(e.id).addClass('on-path');
      const steps = p.nodes.map((n, i) => {
        const e = p.edges[i];
        return h(
          'li',
          { 'data-node-id': n.id },
          h('span', { class: 'path-step__node' }, nodeName(n, flagOf(n.id))),
          e
            ? h(
                'span',
                { class: 'path-step__edge' },
                ` — ${e.type === 'possibly-same' ? `possibly same (${percent(e.score)}, ${e.decision})` : e.type} →`,
              )
            : null,
        );
      });
      const msg = `Shortest path, ${p.length} link${p.length === 1 ? '' : 's'}: ${p.nodes.map((n) => n.label).join(' → ')}.`;
      replace(
        pathArea,
        h(
          'div',
          { class: 'path-result', 'data-found': 'true' },
          h(
            'h3',
            { class: 'path-result__title' },
            `Shortest path: ${p.length} link${p.length === 1 ? '' : 's'}`,
          ),
          h('ol', { class: 'path-list' }, steps),
        ),
      );
      announce(msg);
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      replace(pathArea, problemPanel('The path could not be computed', err));
    }
  }

  function renderDetails() {
    const g = graph;
    if (!g || !detailFor) {
      replace(
        details,
        h('h2', { class: 'chart-details__title' }, 'Details'),
        h('p', { class: 'muted' }, 'Select a node or a “possibly same” link.'),
      );
      return;
    }
    const node = nodeOf(detailFor);
    if (node) {
      replace(details, nodeDetails(node));
      return;
    }
    const edge = g.edges.find((e) => e.id === detailFor);
    if (edge) replace(details, edgeDetails(edge));
  }

  /** @param {GraphNode} n */
  function nodeDetails(n) {
    const flag = flagOf(n.id);
    const stats = graph?.analysis?.nodes?.[n.id];
    return h(
      'div',
      { class: 'node-details', 'data-node-id': n.id },
      h(
        'h2',
        { class: 'chart-details__title' },
        n.label,
        flag ? [' ', h('span', { class: `badge badge--${flag.flag}` }, flag.flag.toUpperCase())] : null,
      ),
      h('p', { class: 'muted' }, typeLabel(n)),
      n.type === 'hit'
        ? [
            h(
              'dl',
              { class: 'kv kv--inline node-details__provenance' },
              h('dt', {}, 'Agency'),
              h('dd', { class: 'node-details__agency' }, n.provenance.agency),
              h('dt', {}, 'Dataset'),
              h('dd', { class: 'node-details__dataset mono' }, text(n.provenance.dataset)),
              h('dt', {}, 'Score'),
              h('dd', {}, `${percent(n.provenance.score)} (${text(n.provenance.band)})`),
              h('dt', {}, 'Granted'),
              h('dd', {}, text(n.provenance.granted)),
              h('dt', {}, 'Search'),
              h('dd', { class: 'mono' }, text(n.provenance.searchId)),
              h('dt', {}, 'Searched at'),
              h('dd', {}, text(n.provenance.searchedAt)),
              h('dt', {}, 'Owner’s reference'),
              h('dd', { class: 'mono' }, text(n.provenance.ref)),
            ),
            h('h3', { class: 'node-details__subtitle' }, 'Released fields'),
            Object.keys(n.fields ?? {}).length === 0
              ? h('p', { class: 'muted' }, 'None.')
              : h(
                  'dl',
                  { class: 'kv node-details__fields' },
                  Object.entries(n.fields).map(([k, v]) => [h('dt', {}, k), h('dd', {}, text(v))]),
                ),
          ]
        : h(
            'dl',
            { class: 'kv kv--inline node-details__provenance' },
            h('dt', {}, 'Value'),
            h('dd', { class: 'mono' }, n.value),
            h('dt', {}, 'Released by'),
            h('dd', { class: 'node-details__agency' }, n.agencies.join(', ')),
            h('dt', {}, 'Held by'),
            h(
              'dd',
              {},
              `${(graph?.edges ?? []).filter((e) => e.to === n.id && e.type !== 'possibly-same').length} hit(s) in this case`,
            ),
          ),
      flag
        ? h(
            'p',
            { class: 'node-details__flag' },
            `${flag.flag.toUpperCase()} (${flag.reason}): ${flag.records} record(s), ${flag.persons} person(s), agencies ${flag.agencies.join(', ')}.`,
          )
        : null,
      stats
        ? h(
            'p',
            { class: 'muted' },
            `Degree ${stats.degree}; betweenness ${Number(stats.betweenness).toFixed(2)}.`,
          )
        : null,
      ctx.me.role === 'analyst' ? pivotForm(n) : null,
    );
  }

  /** @param {GraphNode} n */
  function pivotForm(n) {
    const basis = textInput({ class: 'input', maxlength: '500', value: legalBasisMemo });
    const basisField = field({
      name: 'legalBasis',
      label: 'Legal basis for the pivot',
      hint: 'A new federated search on this entity, in the same case; purpose and granularity as the search that found it.',
      required: true,
      control: basis,
    });
    const out = h('div', { class: 'pivot-outcome', 'aria-live': 'polite' });
    return h(
      'form',
      {
        class: 'pivot-form',
        novalidate: true,
        'aria-label': `Pivot on ${n.label}`,
        onsubmit: async (/** @type {Event} */ ev) => {
          ev.preventDefault();
          basisField.setError(null);
          const legalBasis = basis.value.trim();
          if (legalBasis === '') {
            basisField.setError('Enter the legal basis');
            basis.focus();
            return;
          }
          legalBasisMemo = legalBasis;
          try {
            const state = /** @type {import('./board.js').SearchState} */ (
              await ctx.api.pivot(caseRef, { entity: n.id, legalBasis })
            );
            replace(out);
            startedPivot(state, n);
          } catch (err) {
            if (err instanceof ApiProblem && err.status === 401) return;
            const panel = problemPanel('The pivot search was refused', err);
            replace(out, panel);
            panel.focus();
          }
        },
      },
      basisField.element,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Pivot'),
      ),
      out,
    );
  }

  /** A pivot search started: say so, link to its board, reload the graph when it ends.
   * @param {import('./board.js').SearchState} state @param {GraphNode} n */
  function startedPivot(state, n) {
    rememberSearchId(state.id);
    const line = h('span', { class: 'pivot__status' }, 'running');
    const item = h(
      'div',
      { class: 'pivot', 'data-search-id': state.id, 'data-status': 'running' },
      h(
        'p',
        {},
        `Search started on ${n.label}: ${state.peers.length} peer${state.peers.length === 1 ? '' : 's'} asked. Status: `,
        line,
        '. ',
        h('a', { href: `#/search/${state.id}`, class: 'pivot__link' }, 'Open its board'),
      ),
    );
    pivots.prepend(item);
    announce(`Pivot search started on ${n.label}: ${state.peers.length} peers asked.`);
    followPivot(state.id, item, line);
  }

  /** @param {string} id @param {HTMLElement} item @param {HTMLElement} line */
  async function followPivot(id, item, line) {
    for (let attempt = 0; attempt < 60 && !ctx.signal.aborted; attempt++) {
      try {
        const s = /** @type {import('./board.js').SearchState} */ (await ctx.api.getSearch(id, ctx.signal));
        if (s.status !== 'running') {
          const counts = s.peers.map(
            (p) =>
              `${p.agency} ${Object.hasOwn(PEER_STATUS, p.status) ? PEER_STATUS[/** @type {keyof typeof PEER_STATUS} */ (p.status)].label.toLowerCase() : p.status}`,
          );
          line.textContent = `${s.status}${s.partial ? ', partial' : ''} (${counts.join(', ')})`;
          item.dataset['status'] = s.status;
          if (caseRef === s.caseRef) await load({ quiet: true });
          announce(`Pivot search ${s.status}; the chart is up to date.`);
          return;
        }
      } catch (err) {
        if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      }
      await new Promise((r) => window.setTimeout(r, 500));
    }
    line.textContent = 'still running; reload the chart later';
  }

  /** @param {GraphEdge} e */
  function edgeDetails(e) {
    const a = nodeOf(e.from);
    const b = nodeOf(e.to);
    const note = textInput({ class: 'input', maxlength: '1000', value: e.note ?? '' });
    const noteField = field({ name: 'note', label: 'Note (optional)', control: note });
    const out = h('div', { class: 'decision-outcome', 'aria-live': 'polite' });
    /** @param {'confirmed' | 'rejected'} decision */
    const decide = async (decision) => {
      try {
        const body = note.value.trim() ? { decision, note: note.value.trim() } : { decision };
        await ctx.api.decideEdge(caseRef, e.id, body);
        announce(`Link ${decision}.`);
        await load({ quiet: true, keepSelection: true });
        details.focus();
      } catch (err) {
        if (err instanceof ApiProblem && err.status === 401) return;
        replace(out, problemPanel('The decision was not recorded', err));
      }
    };
    const evidence = Array.isArray(e.evidence) ? e.evidence : [];
    return h(
      'div',
      { class: 'edge-details', 'data-edge-id': e.id, 'data-decision': e.decision ?? 'pending' },
      h('h2', { class: 'chart-details__title' }, 'Possibly the same'),
      h(
        'p',
        {},
        `${a?.label ?? e.from} (${a?.type === 'hit' ? a.provenance.agency : ''}) and ${b?.label ?? e.to} (${b?.type === 'hit' ? b.provenance.agency : ''})`,
      ),
      h(
        'dl',
        { class: 'kv kv--inline' },
        h('dt', {}, 'Score'),
        h(
          'dd',
          { class: 'edge-details__score' },
          `${percent(e.score)} (${text(e.band)}, weight ${Number(e.weight).toFixed(2)})`,
        ),
        h('dt', {}, 'Match key'),
        h('dd', { class: 'mono' }, text(e.matchKey)),
        h('dt', {}, 'Decision'),
        h('dd', { class: 'edge-details__decision' }, text(e.decision)),
        e.decidedBy ? [h('dt', {}, 'Decided by'), h('dd', {}, `${e.decidedBy}, ${text(e.decidedAt)}`)] : null,
        e.note ? [h('dt', {}, 'Note'), h('dd', {}, e.note)] : null,
      ),
      h(
        'table',
        { class: 'evidence edge-details__evidence' },
        h('caption', {}, 'Per-field evidence'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Field', 'Level', 'Weight', 'Similarity'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          evidence.map((ev) =>
            h(
              'tr',
              {},
              h('td', {}, text(ev['field'])),
              h('td', {}, `${text(ev['level'])}${ev['generic'] ? ' (generic)' : ''}`),
              h('td', {}, typeof ev['weight'] === 'number' ? ev['weight'].toFixed(2) : text(ev['weight'])),
              h('td', {}, typeof ev['similarity'] === 'number' ? ev['similarity'].toFixed(2) : '—'),
            ),
          ),
        ),
      ),
      ctx.me.role === 'analyst'
        ? [
            noteField.element,
            h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', class: 'button button--primary', onclick: () => decide('confirmed') },
                'Confirm',
              ),
              h('button', { type: 'button', class: 'button', onclick: () => decide('rejected') }, 'Reject'),
            ),
            out,
          ]
        : null,
      h('p', { class: 'muted' }, 'A link, never a merge: both hits stay, each with its provenance.'),
    );
  }

  const element = h(
    'div',
    { class: 'view view--linkchart' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, 'Link chart'),
      h(
        'p',
        { class: 'view__lede' },
        'A case as a network: every peer’s hits, the values they share, and the hits that may be the same.',
      ),
    ),
    h(
      'form',
      {
        class: 'toolbar-form',
        novalidate: true,
        'aria-labelledby': headingId,
        onsubmit: (/** @type {Event} */ ev) => {
          ev.preventDefault();
          load();
        },
      },
      caseField.element,
      cases,
      sameAsField.element,
      genericField.element,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Show chart'),
      ),
    ),
    status,
    problemArea,
    h(
      'div',
      { class: 'chart-layout' },
      h('div', { class: 'chart-main' }, chartNote, chartBox, selection, pathArea, pivots, legend),
      h(
        'div',
        { class: 'chart-side' },
        details,
        h(
          'section',
          { class: 'chart-lists', 'aria-label': 'Nodes and links' },
          h('h2', { class: 'chart-lists__title' }, 'Nodes'),
          h(
            'p',
            { class: 'muted' },
            'Press a node to select it and show its details; select two for a path.',
          ),
          nodeList,
          h('h2', { class: 'chart-lists__title' }, '“Possibly same” links'),
          edgeList,
        ),
      ),
    ),
  );

  fillCases();
  renderDetails();
  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
    shown() {
      fillCases();
      if (caseInput.value.trim() !== '' && graph === null) load({ quiet: true });
      // Drawn while another view was shown (a pivot ended): lay it out again now that it has a size.
      else if (graph && drawnDetached) draw();
    },
  };
}
