/**
 * How the browser tests start Chromium: Debian's /usr/bin/chromium (installed by .ci/run) through
 * playwright-core, headless, with the flags the machine's brief names plus --disable-quic, in a fresh
 * profile. Every request the browser makes is recorded so a test can assert it never left the node's origin.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export async function launchChromium(
  profile: string,
  requested: string[],
  options: { readonly acceptDownloads?: boolean } = {},
): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  // Fail an action with its own message well before the test's timeout.
  context.setDefaultTimeout(8000);
  context.on('request', (r) => requested.push(r.url()));
  return context;
}
