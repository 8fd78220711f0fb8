import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** The package root, found from this file whether it runs from source (vitest) or from dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new TypeError('package.json not found above gateway/api');
    dir = up;
  }
  return dir;
}

/**
 * A strict Content-Security-Policy for the console: every asset comes from this node, no inline script or
 * style, no framing, no request to anywhere else.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Libraries the console loads, served from node_modules by exact path (an allow-list, not a directory). */
const VENDOR: Record<string, string> = {
  'cytoscape.esm.js': 'node_modules/cytoscape/dist/cytoscape.esm.min.mjs',
};

/** Serve the web console (console/static) and its vendored libraries on the API listener. */
export function mountConsole(app: Express): void {
  const root = packageRoot();
  const dir = join(root, 'console', 'static');
  app.use(function consoleHeaders(req: Request, res: Response, next: NextFunction) {
    if (!req.path.startsWith('/api/')) {
      res.setHeader('content-security-policy', CONSOLE_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('cross-origin-opener-policy', 'same-origin');
    }
    next();
  });
  app.get('/vendor/:file', function vendor(req: Request, res: Response, next: NextFunction) {
    const rel = VENDOR[String(req.params['file'])];
    if (!rel || !Object.hasOwn(VENDOR, String(req.params['file']))) return next();
    res.type('text/javascript').sendFile(join(root, rel));
  });
  if (existsSync(dir)) app.use(express.static(dir, { index: 'index.html', fallthrough: true, maxAge: 0 }));
}
