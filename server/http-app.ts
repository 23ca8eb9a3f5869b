import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Hono, type Context } from 'hono';
import { isSesameError } from '../core/errors.js';
import { describeError } from '../core/i18n/describe-error.js';
import { resolveLocale } from '../core/i18n/locale.js';
import type { EntraCaller, EntraTokenVerify } from '../adapters/identity/entra-token-verifier.js';

export interface HttpAppOptions {
  /** Folder with the built tab (tab/dist); served under /tab/. */
  readonly tabDir: string;
  /** Public settings the tab reads at /tab/config.json (never secrets). */
  readonly tabSettings: Readonly<Record<string, string>>;
  readonly verifyTabToken: EntraTokenVerify;
  /** Readiness checks for /healthz (store reachable…). */
  readonly health: () => Promise<Record<string, boolean>>;
  readonly logError: (message: string, error: unknown) => void;
}

export type TabEnv = { Variables: { caller: EntraCaller } };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The HTTP surface: /api/messages is added by the Teams SDK through HonoTeamsAdapter, /api/tab/* by
 * createTabApi. One error handler turns failures into JSON the caller can act on, never a stack trace.
 */
export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    const locale = resolveLocale(c.req.header('accept-language'));
    if (isSesameError(error)) {
      const status = (error.status ?? 500) as 400;
      const text = describeError(error, locale);
      return c.json({ error: { code: error.code, message: text.message, next: text.next } }, status);
    }
    options.logError(`unhandled error on ${c.req.method} ${c.req.path}`, error);
    const text = describeError(error, locale);
    return c.json({ error: { code: 'internal', message: text.message, next: text.next } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));

  app.get('/healthz', async (c) => {
    const checks = await options.health();
    const ok = Object.values(checks).every(Boolean);
    return c.json({ status: ok ? 'ok' : 'degraded', checks }, ok ? 200 : 503);
  });

  app.get('/', (c) => c.redirect('/tab/index.html'));
  app.get('/tab/config.json', (c) => c.json(options.tabSettings));
  app.get('/tab/*', (c) => serveTabFile(c, options.tabDir));

  // Every tab API route needs a verified Entra token; the caller's tenant scopes everything it can see.
  app.use('/api/tab/*', async (c, next) => {
    const caller = await options.verifyTabToken(c.req.header('authorization'));
    (c as unknown as Context<TabEnv>).set('caller', caller);
    await next();
  });

  return app;
}

function serveTabFile(c: Context, tabDir: string): Response {
  const relative = decodeURIComponent(c.req.path.slice('/tab/'.length)) || 'index.html';
  const root = normalize(tabDir + sep);
  const file = normalize(join(root, relative));
  if (!file.startsWith(root)) return c.json({ error: { code: 'not_found', message: 'Not found' } }, 404);
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (!existsSync(join(root, 'index.html'))) {
      return c.text('The tab is not built yet: run `npm run build:tab`.', 503);
    }
    return c.json({ error: { code: 'not_found', message: 'Not found' } }, 404);
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  return c.body(readFileSync(file), 200, {
    'content-type': type,
    'cache-control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600',
  });
}
