import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchRequestSchema } from '../../contracts/index.js';
import { createDemo, type DemoTokens, demoTokens, startDemo } from '../../gateway/demo/federation.js';
import { silentLogger } from '../../gateway/log.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import { HIT_SEARCH_DONE, HIT_SEARCH_START, HIT_UPDATES } from './fixtures.js';
import { CHROMIUM, hasChromium, launchChromium } from './chromium.js';

/**
 * The web console driven by Debian's Chromium against a real four-agency demo federation on loopback.
 * CI installs /usr/bin/chromium (.ci/run); on a developer machine without it the suite is skipped, loudly.
 */
if (!hasChromium) {
  console.warn(`[browser] SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium); CI installs it.`);
}

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PEERS_OF_RO = ['at-labour', 'hu-border', 'nl-fiu'];
const EXPECTED_HTTP_ERRORS = /^Failed to load resource: the server responded with a status of (400|401) /;

describe.skipIf(!hasChromium)('web console (Chromium, real demo federation)', () => {
  let dir: string;
  let profile: string;
  let nodes: MosaicNode[] = [];
  let tokens: DemoTokens;
  let base: string;
  let context: BrowserContext;
  /** Every URL any page of the browser asked for. */
  const requested: string[] = [];
  /** Console errors and uncaught exceptions, per page. */
  const problems: string[] = [];
  let searchId = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-console-'));
    profile = mkdtempSync(join(tmpdir(), 'mosaic-chromium-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    const opts = { dir, portBase: 0, now: () => Date.now() };
    createDemo(opts);
    nodes = await startDemo(opts, silentLogger);
    tokens = demoTokens(dir, nodes, new Date());
    const ro = nodes.find((n) => n.config.agency.id === 'ro-police');
    if (!ro) throw new Error('demo has no ro-police node');
    base = ro.apiUrl;
    context = await launchChromium(profile, requested);
  });

  afterAll(async () => {
    await context?.close();
    await Promise.all(nodes.map((n) => n.stop(1000)));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      // Chromium logs every 4xx fetch; the ones this suite provokes on purpose (a bad token, a bad purpose)
      // are expected. Anything else, including a CSP violation, is a failure.
      if (m.type() === 'error' && !EXPECTED_HTTP_ERRORS.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return page;
  }

  async function signIn(page: Page, role: string): Promise<void> {
    await page.goto(base);
    await page.waitForSelector('html[data-ready="signin"]');
    await page.getByLabel('Access token').fill(tokens['ro-police']![role]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector(`html[data-ready="${role}"]`);
  }

  it('serves the console under the strict CSP and shows the sign-in form; measures the cold load', async () => {
    const page = await openPage();
    const started = Date.now();
    const res = await page.goto(base);
    await page.waitForSelector('html[data-ready="signin"]');
    const wall = Date.now() - started;
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');
    const mark = Number(
      await page.evaluate(`performance.getEntriesByName('mosaic-ready-signin')[0]?.startTime`),
    );
    console.log(
      `[browser] console load, sign-in page ready: ${mark.toFixed(0)} ms after navigation start (${wall} ms wall)`,
    );
    await expect(page.getByLabel('Access token').getAttribute('type')).resolves.toBe('password');

    // A token the node does not know is refused with its code, and nothing is kept.
    await page.getByLabel('Access token').fill('mosaic_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.problem__code').textContent()).resolves.toBe('MOSAIC_ERR_AUTH_INVALID');
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
    await page.close();
  });

  it('analyst: validates, searches ro-police’s peers and watches every peer’s status arrive', async () => {
    const page = await openPage();
    await signIn(page, 'analyst');
    await expect(page.locator('.role-badge').textContent()).resolves.toBe('Analyst');
    // The token lives in this tab's sessionStorage only: not in localStorage, not in the URL.
    await expect(page.evaluate('localStorage.length')).resolves.toBe(0);
    await expect(page.evaluate(`sessionStorage.getItem('mosaic.token')`)).resolves.toBe(
      tokens['ro-police']!['analyst'],
    );
    expect(page.url()).not.toContain(tokens['ro-police']!['analyst']!);

    // Load time of the signed-in console: reload and wait for the analyst's view.
    const started = Date.now();
    await page.reload();
    await page.waitForSelector('html[data-ready="analyst"]');
    const wall = Date.now() - started;
    const mark = Number(
      await page.evaluate(`performance.getEntriesByName('mosaic-ready-analyst')[0]?.startTime`),
    );
    console.log(
      `[browser] console load, analyst view ready (incl. GET /api/v1/me): ${mark.toFixed(0)} ms after navigation start (${wall} ms wall)`,
    );

    // Keyboard only: from the top of the page, Tab reaches the search button.
    await page.locator('body').focus();
    let reached = false;
    const path: string[] = [];
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      const label = String(
        await page.evaluate(
          `(() => { const e = document.activeElement; return e ? (e.id || e.getAttribute('name') || e.textContent || e.tagName).trim().slice(0, 40) : ''; })()`,
        ),
      );
      path.push(label);
      reached = label === 'search-submit';
    }
    expect(reached, `Tab order was: ${path.join(' → ')}`).toBe(true);
    // Every visible form control has an accessible name.
    const unlabelled = await page.evaluate(
      `[...document.querySelectorAll('input, select, button, textarea')].filter((e) => e.offsetParent !== null && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map((e) => e.outerHTML)`,
    );
    expect(unlabelled).toEqual([]);

    // Submitting an empty form: no request, every missing field named, focus on the summary.
    const searchesBefore = requested.filter((u) => u.endsWith('/api/v1/searches')).length;
    await page.keyboard.press('Enter');
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    await expect(summary.locator('li').allTextContents()).resolves.toEqual([
      'Full name: Enter at least one person selector',
      'Purpose: Enter the purpose of this search',
      'Legal basis: Enter the legal basis for this search',
      'Case reference: Enter the case reference',
    ]);
    await expect(page.evaluate(`document.activeElement.classList.contains('error-summary')`)).resolves.toBe(
      true,
    );
    await expect(page.getByLabel('Purpose').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(requested.filter((u) => u.endsWith('/api/v1/searches')).length).toBe(searchesBefore);

    // Switching kind shows that kind's selectors.
    await page.getByText('Phone', { exact: true }).click();
    await expect(page.locator('.selectors label').allTextContents()).resolves.toEqual([
      'Phone number (required)',
      'Country',
    ]);
    await page.getByText('Person', { exact: true }).click();

    // A purpose outside the federation vocabulary: the node's problem, with its code and issue path.
    await page.getByLabel('Full name').fill('Ionuț Popescu');
    await page.getByLabel('Date of birth').fill('1988-03');
    await page.getByLabel('Purpose').fill('tourism');
    await page.getByLabel('Legal basis').fill('Art. 39 Prüm Decision');
    await page.getByLabel('Case reference').fill('RO-2026-0042');
    await page.locator('#search-submit').click();
    await expect(page.locator('.server-problem .problem__code').textContent()).resolves.toBe(
      'MOSAIC_ERR_API_VALIDATION',
    );
    await expect(page.locator('.server-problem .problem__issues').textContent()).resolves.toContain(
      '/purpose',
    );
    await expect(page.getByLabel('Purpose').getAttribute('aria-invalid')).resolves.toBe('true');

    // The real search: every peer starts pending and ends with a status, announced as it arrives. A
    // MutationObserver records each row's status changes as the page shows them.
    await page.evaluate(`(() => {
      window.transitions = [];
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.target.matches('tr.peer') && r.oldValue !== r.target.dataset.status) {
            window.transitions.push([r.target.dataset.peer, r.oldValue, r.target.dataset.status]);
          }
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'], attributeOldValue: true });
    })()`);
    await page.getByLabel('Purpose').fill('trafficking-investigation');
    await page.locator('#search-submit').click();
    const board = page.locator('.board');
    await board.waitFor();
    await expect(
      board.locator('tr.peer').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-peer'))),
    ).resolves.toEqual(PEERS_OF_RO);
    await page.waitForSelector('.summary-badge:not([data-search-status="running"])');
    searchId = String(await board.getAttribute('data-search-id'));
    expect(searchId).toMatch(/^[0-9a-f-]{36}$/);
    for (const peer of PEERS_OF_RO) {
      const row = board.locator(`tr.peer[data-peer="${peer}"]`);
      // Deny by default: no policy yet on any demo node, so every peer refuses with NO_POLICY.
      await expect(row.getAttribute('data-status')).resolves.toBe('denied');
      await expect(row.locator('.chip').textContent()).resolves.toBe('Denied');
      await expect(row.locator('.reason').textContent()).resolves.toBe('NO_POLICY');
      await expect(row.locator('.peer__time').textContent()).resolves.toMatch(/\d+(\.\d+)? m?s$/);
    }
    await expect(board.locator('.summary-badge').textContent()).resolves.toBe('Complete');
    await expect(board.locator('.tally__text').textContent()).resolves.toBe('3 of 3 peers answered');
    const log = await board.locator('[role="log"] li').allTextContents();
    for (const peer of PEERS_OF_RO)
      expect(log.some((l) => l.includes(`${peer}: denied, NO_POLICY`))).toBe(true);
    expect(log.at(-1)).toContain('Search complete: 3 denied.');
    await expect(page.locator('#announcer').textContent()).resolves.toContain('Search complete: 3 denied.');
    expect(requested).toContain(`${base}/api/v1/searches/${searchId}/events`);
    const transitions = (await page.evaluate('window.transitions')) as string[][];
    expect([...transitions].sort()).toEqual(PEERS_OF_RO.map((p) => [p, 'pending', 'denied']));

    await page.screenshot({ path: join(SCREENSHOTS, 'analyst-search.png'), fullPage: true });

    // A reload keeps the tab's searches: the board comes back from GET /api/v1/searches/:id.
    await page.reload();
    await page.waitForSelector(`.board[data-search-id="${searchId}"]`);
    await expect(page.locator('.board .summary-badge').textContent()).resolves.toBe('Complete');
    await expect(page.locator('.board tr.peer[data-status="denied"]').count()).resolves.toBe(3);
    await page.close();
  });

  it('analyst: renders hits with score, band and per-field evidence, as text (fixture)', async () => {
    const page = await openPage();
    await signIn(page, 'analyst');
    // The board module, fed a fixture in the documented SearchState shape (no demo node holds data yet).
    await page.evaluate(`(async () => {
      const { createBoard } = await import('/js/views/board.js');
      const board = createBoard(${JSON.stringify(HIT_SEARCH_START)});
      document.querySelector('.board-area').replaceChildren(board.element);
      for (const p of ${JSON.stringify(HIT_UPDATES)}) board.apply(p);
      board.finish(${JSON.stringify(HIT_SEARCH_DONE)});
    })()`);
    const board = page.locator('.board');
    await expect(board.locator('tr.peer[data-peer="hu-border"]').getAttribute('data-status')).resolves.toBe(
      'hit',
    );
    await expect(board.locator('tr.peer[data-peer="at-labour"] .code').textContent()).resolves.toBe(
      'MOSAIC_ERR_PEER_TIMEOUT',
    );
    await expect(board.locator('.summary-badge').textContent()).resolves.toBe('Complete, partial');
    const hit = board.locator('.hit').first();
    await expect(hit.locator('.score__value').textContent()).resolves.toBe('97.3%');
    await expect(hit.locator('.band').textContent()).resolves.toBe('match');
    await expect(hit.locator('.evidence tbody tr').count()).resolves.toBe(3);
    await expect(hit.locator('.evidence tbody tr').first().textContent()).resolves.toContain('+4.20');
    await expect(hit.locator('.evidence tbody tr').nth(2).textContent()).resolves.toContain(
      'shared by many records',
    );
    // A hostile value from a peer stays text.
    await expect(hit.locator('.released dd').first().textContent()).resolves.toBe(
      '<img src=x onerror=alert(1)>',
    );
    await expect(board.locator('img').count()).resolves.toBe(0);
    // A denial with dataset decisions opens on request, keyboard first.
    const toggle = page.getByRole('button', { name: 'Show details for nl-fiu' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(
      page.getByRole('button', { name: 'Hide details for nl-fiu' }).getAttribute('aria-expanded'),
    ).resolves.toBe('true');
    const denial = board.locator('tr.peer-detail:not([hidden])').nth(1);
    await expect(denial.locator('.effect').textContent()).resolves.toBe('deny');
    await expect(denial.locator('.kv code').first().textContent()).resolves.toBe('NO_POLICY');
    await page.screenshot({ path: join(SCREENSHOTS, 'analyst-hit-evidence.png'), fullPage: true });
    await page.close();
  });

  it('the form mirrors the API schema: every subject kind, its selectors and which are required', async () => {
    const page = await openPage();
    await page.goto(base);
    await page.waitForSelector('html[data-ready="signin"]');
    const kinds = (await page.evaluate(`(async () => {
      const { SUBJECT_KINDS } = await import('/js/subjects.js');
      return SUBJECT_KINDS.map((k) => ({ kind: k.kind, fields: k.fields.map((f) => f.name), required: k.fields.filter((f) => f.required).map((f) => f.name), atLeastOne: k.atLeastOne }));
    })()`)) as { kind: string; fields: string[]; required: string[]; atLeastOne: boolean }[];
    const schema = searchRequestSchema.properties.subject.oneOf.map((s) => {
      const sel = s.properties.selectors;
      return {
        kind: s.properties.kind.const as string,
        fields: Object.keys(sel.properties),
        required: [...sel.required] as string[],
        atLeastOne: sel.required.length === 0,
      };
    });
    expect(kinds).toEqual(schema);

    // The event-stream parser, fed the stream one character at a time, CRLF and LF line ends, a comment,
    // and a last event the stream cut short (discarded, WHATWG HTML §9.2.6).
    const stream =
      'event: peer\r\ndata: {"agency":"hu-border"}\r\n\r\n: keep-alive\n\nevent: done\ndata: a\ndata: b\n\nevent: cut\ndata: c';
    const events = await page.evaluate(`(async () => {
      const { createSseParser } = await import('/js/sse.js');
      const out = [];
      const parser = createSseParser((m) => out.push([m.event, m.data]));
      for (const ch of ${JSON.stringify(stream)}) parser.push(ch);
      parser.end();
      return out;
    })()`);
    expect(events).toEqual([
      ['peer', '{"agency":"hu-border"}'],
      ['done', 'a\nb'],
    ]);
    await page.close();
  });

  it('auditor and disclosure officer: role-adapted navigation; the auditor opens the analyst’s search', async () => {
    const page = await openPage();
    await signIn(page, 'auditor');
    await expect(page.locator('.role-badge').textContent()).resolves.toBe('Auditor');
    const nav = page.getByRole('navigation', { name: 'Console' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(['Ledger', 'Search lookup']);
    await expect(page.locator('#search-submit').count()).resolves.toBe(0);
    // The ledger itself is exercised with real traffic in officer-auditor.test.ts.
    await expect(page.locator('.view__title').textContent()).resolves.toBe('Audit ledger');
    await page.locator('.ledger-table tbody tr').first().waitFor();

    await nav.getByRole('link', { name: 'Search lookup' }).click();
    await page.getByLabel('Search id').fill(searchId);
    await page.getByRole('button', { name: 'Open search' }).click();
    const board = page.locator('.board');
    await board.waitFor();
    await expect(board.locator('tr.peer[data-status="denied"]').count()).resolves.toBe(PEERS_OF_RO.length);
    await expect(board.locator('.summary-badge').textContent()).resolves.toBe('Complete');
    await expect(board.locator('[role="log"] li').last().textContent()).resolves.toContain(
      'Search complete: 3 denied.',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'auditor-lookup.png'), fullPage: true });

    // Signing out forgets the token and returns to the sign-in form.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('html[data-ready="signin"]');
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);

    await page.getByLabel('Access token').fill(tokens['ro-police']!['disclosure-officer']!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('html[data-ready="disclosure-officer"]');
    await expect(page.locator('.view__title').textContent()).resolves.toBe('Disclosure inbox');
    await page.close();
  });

  it('no request left for another origin, and no page logged an error', () => {
    const origin = new URL(base).origin;
    expect(requested.length).toBeGreaterThan(10);
    const foreign = requested.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});
