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

const TEAMS_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
].join(' ');

const INFO_PAGES = {
  privacy: {
    en: [
      'Sesame — privacy',
      'Sesame acts in your Microsoft 365 tenant only with the signed-in administrator’s own delegated permissions. It stores procedure runs and an audit log (who did what, when, with Graph request ids) for your tenant only, on the server your organisation runs. It never stores tokens or passwords.',
    ],
    fr: [
      'Sesame — confidentialité',
      'Sesame agit dans votre tenant Microsoft 365 uniquement avec les droits délégués de l’administrateur connecté. Il conserve les exécutions de procédures et un journal d’audit (qui a fait quoi, quand, avec les identifiants de requête Graph) pour votre seul tenant, sur le serveur exploité par votre organisation. Il ne conserve jamais de jeton ni de mot de passe.',
    ],
  },
  terms: {
    en: [
      'Sesame — terms of use',
      'Sesame is provided by the organisation that deployed it. Every change it makes in Microsoft 365 is shown to you and confirmed by you first, and recorded in the audit log.',
    ],
    fr: [
      'Sesame — conditions d’utilisation',
      'Sesame est fourni par l’organisation qui l’a déployé. Chaque modification qu’il fait dans Microsoft 365 vous est montrée et confirmée par vous au préalable, puis consignée dans le journal d’audit.',
    ],
  },
} as const;

function infoPage(page: keyof typeof INFO_PAGES, acceptLanguage: string | undefined): string {
  const locale = resolveLocale(acceptLanguage);
  const [title, text] = INFO_PAGES[page][locale];
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body style="font-family: 'Segoe UI', system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5"><h1>${title}</h1><p>${text}</p></body></html>`;
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
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.get('/healthz', async (c) => {
    const checks = await options.health();
    const ok = Object.values(checks).every(Boolean);
    return c.json({ status: ok ? 'ok' : 'degraded', checks }, ok ? 200 : 503);
  });

  // Teams shows the tab in a frame: allow exactly the Teams and Microsoft 365 hosts to embed Sesame.
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', `frame-ancestors 'self' ${TEAMS_FRAME_ANCESTORS}`);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  app.get('/', (c) => c.redirect('/tab/index.html'));
  app.get('/privacy', (c) => c.html(infoPage('privacy', c.req.header('accept-language'))));
  app.get('/terms', (c) => c.html(infoPage('terms', c.req.header('accept-language'))));
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
