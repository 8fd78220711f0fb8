import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import {
  createFederation,
  type Federation,
  startNodes,
  stopNodes,
  provisionPersons,
} from '../e2e/harness.js';
import { hasChromium, launchChromium } from './chromium.js';

/**
 * The link chart through the console, in Debian's Chromium, against three real nodes on loopback, built as
 * test/e2e/graph.test.ts builds them: hu-border holds Ionuț Popescu (phone +40 721 555 019), at-labour holds
 * "Йонуц Попеску" and Vasile Dumitru, who uses Ionuț's phone. The ro-police analyst searches from the console,
 * opens the chart (drawn by cytoscape under the console's CSP), confirms the possibly-same link, pivots on the
 * shared phone, sees Vasile once that search completes, and asks for the shortest path. Skipped, loudly,
 * without /usr/bin/chromium.
 */
const FIXTURES = fileURLToPath(new URL('../e2e/fixtures/graph/', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const CASE = 'RO-2026-0777';
const BASIS = 'JIT Danube agreement 2025';

describe.skipIf(!hasChromium)('console: the link chart (Chromium, three real nodes)', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let profile: string;
  let context: BrowserContext;
  let token = '';
  const requested: string[] = [];
  const problems: string[] = [];
  const ro = () => nodes.get('ro-police')!;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT', groups: ['jit-danube'] },
    ]);
    for (const owner of ['hu-border', 'at-labour']) {
      const imported = await provisionPersons(fed, owner, join(FIXTURES, owner));
      expect(imported.code, imported.err).toBe(0);
      expect(imported.out).toContain('6 rows, 6 inserted');
    }
    nodes = await startNodes(fed);
    token = ro().users.add('ana', 'analyst', new Date()).token;

    profile = mkdtempSync(join(tmpdir(), 'mosaic-chromium-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    context = await launchChromium(profile, requested);
  });

  afterAll(async () => {
    await context?.close();
    if (nodes) await stopNodes(nodes);
    fed?.cleanup();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      // cytoscape reports an invalid style property or value as a warning.
      if (m.type() === 'warning') problems.push(`console warning: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // Every CSP violation of the page, whatever its directive, is kept where the test can read it.
    await page.addInitScript(`
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
      });
    `);
    return page;
  }

  const nodeButton = (page: Page, label: string) =>
    page.locator('.node-list .node-item').filter({ hasText: label }).first().getByRole('button');

  /** Select a node from the accessible list with the keyboard. */
  async function pick(page: Page, label: string) {
    const button = nodeButton(page, label);
    await button.focus();
    await page.keyboard.press('Enter');
    await expect(button.getAttribute('aria-pressed')).resolves.toBe('true');
  }

  it('analyst: search, possibly-same link confirmed, pivot on the shared phone, shortest path', async () => {
    const page = await openPage();
    await page.goto(ro().apiUrl);
    await page.waitForSelector('html[data-ready="signin"]');
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('html[data-ready="analyst"]');

    // The person search, through the console.
    await page.getByLabel('Full name').fill('Ionut Popescu');
    await page.getByLabel('Date of birth').fill('1988-03-14');
    await page.getByLabel('Purpose').fill('trafficking-investigation');
    await page.getByLabel('Legal basis').fill(BASIS);
    await page.getByLabel('Case reference').fill(CASE);
    await page.getByLabel('Ask for').selectOption('summary');
    await page.locator('#search-submit').click();
    await page.waitForSelector('.summary-badge[data-search-status="complete"]');

    // The link chart opens on the case just searched.
    await page.getByRole('link', { name: 'Link chart' }).click();
    await expect(page.locator('.view__title').textContent()).resolves.toBe('Link chart');
    await expect(page.getByLabel('Case reference').inputValue()).resolves.toBe(CASE);
    const pending = page.locator('.edge-item[data-decision="pending"]');
    await pending.waitFor();
    await expect(pending.count()).resolves.toBe(1);
    // Drawn by cytoscape, on its canvas, without a <style> element or a CSP violation.
    await page.locator('.chart canvas').first().waitFor();
    await expect(page.locator('.chart').isVisible()).resolves.toBe(true);
    await expect(page.evaluate('document.querySelectorAll("style").length')).resolves.toBe(0);
    await expect(page.evaluate('window.cspViolations')).resolves.toEqual([]);
    const legend = (await page.locator('.legend').textContent()) ?? '';
    expect(legend).toContain('at-labour: blue');
    expect(legend).toContain('hu-border: green');
    expect(legend).toContain('Phone number: diamond');
    await expect(page.locator('.node-list .node-item').count()).resolves.toBe(4);

    // The possibly-same link: its evidence, then confirmed.
    await expect(pending.textContent()).resolves.toMatch(/Ionuț Popescu|Йонуц Попеску/);
    await expect(pending.textContent()).resolves.toMatch(/possibly same, \d+\.\d%, pending/);
    await pending.getByRole('button').click();
    const edge = page.locator('.edge-details');
    await expect(
      edge.locator('.edge-details__evidence tbody tr td:first-child').allTextContents(),
    ).resolves.toEqual(expect.arrayContaining(['given', 'family', 'dob']));
    await expect(edge.locator('.edge-details__decision').textContent()).resolves.toBe('pending');
    await edge.getByLabel('Note (optional)').fill('Same birth date; transliteration of the same name.');
    await edge.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.edge-item[data-decision="confirmed"]').waitFor();
    await expect(page.locator('.edge-details__decision').textContent()).resolves.toBe('confirmed');

    // A node's details, from a click on the chart (its position read from cytoscape's own registry).
    const huId = await page
      .locator('.node-list .node-item')
      .filter({ hasText: 'Ionuț Popescu' })
      .getAttribute('data-node-id');
    const at = (await page.evaluate(
      `document.querySelector('.chart')._cyreg.cy.getElementById(${JSON.stringify(huId)}).renderedPosition()`,
    )) as { x: number; y: number };
    const box = (await page.locator('.chart').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect(nodeButton(page, 'Ionuț Popescu').getAttribute('aria-pressed')).resolves.toBe('true');
    const hu = page.locator('.node-details');
    await expect(hu.locator('.node-details__agency').textContent()).resolves.toBe('hu-border');
    await expect(hu.locator('.node-details__dataset').textContent()).resolves.toBe('persons');
    await expect(hu.locator('.node-details__fields').textContent()).resolves.toContain('***56');

    // Pivot on the shared phone: a search starts, its board is linked, the third person appears.
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await pick(page, '+40 721 555 019');
    const phone = page.locator('.node-details');
    await expect(phone.locator('.node-details__agency').textContent()).resolves.toBe('hu-border');
    await phone.getByLabel('Legal basis for the pivot').fill(BASIS);
    await phone.getByRole('button', { name: 'Pivot' }).click();
    const pivot = page.locator('.pivot').first();
    await expect(pivot.textContent()).resolves.toContain('Search started on +40 721 555 019');
    const pivotId = await pivot.getAttribute('data-search-id');
    expect(pivotId).toMatch(/^[0-9a-f-]{36}$/);
    await page.locator('.pivot[data-status="complete"]').waitFor({ timeout: 20_000 });
    await nodeButton(page, 'Vasile Dumitru').waitFor();
    const phoneItem = page.locator('.node-item').filter({ hasText: '+40 721 555 019' });
    await expect(phoneItem.locator('[data-flag]').textContent()).resolves.toBe('HUB');

    // The shortest path from Йонуц to Vasile: through the confirmed link and the phone.
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await pick(page, 'Йонуц Попеску');
    await pick(page, 'Vasile Dumitru');
    await page.getByRole('button', { name: 'Shortest path' }).click();
    const result = page.locator('.path-result[data-found="true"]');
    await result.waitFor();
    await expect(result.locator('.path-result__title').textContent()).resolves.toBe('Shortest path: 3 links');
    const steps = await result.locator('.path-step__node').allTextContents();
    expect(steps.map((s) => s.replace(/ \(.*$/, ''))).toEqual([
      'Йонуц Попеску',
      'Ionuț Popescu',
      '+40 721 555 019',
      'Vasile Dumitru',
    ]);
    await expect(result.locator('.path-step__edge').first().textContent()).resolves.toContain(
      'possibly same',
    );
    const unlabelled = await page.evaluate(
      `[...document.querySelectorAll('input, select, button, textarea, a')].filter((e) => e.offsetParent !== null && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map((e) => e.outerHTML)`,
    );
    expect(unlabelled).toEqual([]);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, 'link-chart.png'), fullPage: true });

    // The pivot's board, from its link.
    await pivot.getByRole('link', { name: 'Open its board' }).click();
    const board = page.locator(`.board[data-search-id="${pivotId}"]`);
    await board.waitFor();
    await expect(board.locator('.summary-badge').getAttribute('data-search-status')).resolves.toBe(
      'complete',
    );
    await expect(page.evaluate('window.cspViolations')).resolves.toEqual([]);
    await page.close();
  });

  it('no request left for another origin, and no page logged an error', () => {
    const origins = new Set([...nodes.values()].map((n) => new URL(n.apiUrl).origin));
    const foreign = requested.filter((u) => !u.startsWith('data:') && !origins.has(new URL(u).origin));
    expect(foreign).toEqual([]);
    expect(requested.some((u) => u.endsWith('/vendor/cytoscape.esm.js'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
