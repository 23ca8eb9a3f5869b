/**
 * A stand-in for the Teams web client and Sesame's server, for running the built tab in Chromium: the tab is served
 * at /tab/ from a fresh build, inside an iframe of /host.html, which answers the teams-js postMessage calls it makes
 * (initialize, getContext, getAuthToken, openLink, notifySuccess, the config page's calls) from the same origin.
 * The /api/tab routes answer fixed data; the "token" the host hands out picks it: `data`, `empty` or `error`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { buildTab } from '../../scripts/build-tab.js';
import { CHROMIUM, chromiumAvailable, launchChromium } from '../../scripts/chromium.js';
import { CHECKLIST_AREAS, type ExceptionView } from '../../core/checklist/api-types.js';
import { checklistItems, checklistView, sesameGrant } from './checklist-fixture.js';

export { CHROMIUM, chromiumAvailable, launchChromium };

const procedures = [
  {
    id: 'vendor-guest-access',
    title: { fr: 'Accès invité éditeur (Cegid Loop)', en: 'Vendor guest access (Cegid Loop)' },
    summary: {
      fr: 'Invite le compte de l’éditeur, lui donne le rôle Inviteur d’invités et attend qu’il accepte.',
      en: "Invites the vendor's account, gives it the Guest Inviter role and waits for it to accept.",
    },
  },
  {
    id: 'email-service-account',
    title: { fr: 'Compte de service messagerie (Indio)', en: 'Email-integration service account (Indio)' },
    summary: {
      fr: 'Crée le compte, lui attribue une licence avec Exchange et prépare l’accès applicatif.',
      en: 'Creates the account, assigns a licence with Exchange and prepares application access.',
    },
  },
  {
    id: 'partner-center',
    title: { fr: 'Inscription Microsoft Collaborate', en: 'Microsoft Collaborate registration' },
    summary: {
      fr: 'Vérifie qu’un Administrateur général peut s’inscrire et liste les étapes dans l’Espace partenaires.',
      en: 'Checks that a Global Administrator can register and lists the Partner Center steps.',
    },
  },
];

const runs = [
  {
    id: 'run-7f3a',
    procedureId: 'vendor-guest-access',
    procedureTitle: procedures[0]!.title,
    status: 'waiting',
    currentStepId: 'wait-acceptance',
    currentStepTitle: {
      fr: 'Attente de l’acceptation de l’invitation',
      en: 'Waiting for the invitation to be accepted',
    },
    startedAt: '2026-11-20T09:30:00Z',
    startedBy: { id: 'u1', name: 'Camille Martin' },
    updatedAt: '2026-11-20T09:41:00Z',
    waitingFor: {
      kind: 'deadline',
      stepTitle: {
        fr: 'Attente de l’acceptation de l’invitation',
        en: 'Waiting for the invitation to be accepted',
      },
      until: '2026-11-24T09:41:00Z',
      nextCheckAt: '2026-11-20T10:41:00Z',
    },
  },
  {
    id: 'run-b10c',
    procedureId: 'vendor-guest-access',
    procedureTitle: procedures[0]!.title,
    status: 'active',
    currentStepId: null,
    startedAt: '2026-11-20T11:00:00Z',
    startedBy: { id: 'u3', name: 'Lucas Moreau' },
    updatedAt: '2026-11-20T11:00:05Z',
    waitingFor: {
      kind: 'rights',
      stepTitle: null,
      missingRoles: [
        { fr: 'Inviteur', en: 'Guest Inviter' },
        { fr: 'Administrateur d’utilisateurs', en: 'User Administrator' },
      ],
      missingScopes: [],
    },
  },
  {
    id: 'run-51c2',
    procedureId: 'email-service-account',
    procedureTitle: procedures[1]!.title,
    status: 'done',
    currentStepId: null,
    startedAt: '2026-11-18T14:02:00Z',
    startedBy: { id: 'u2', name: 'Julien Bernard' },
    updatedAt: '2026-11-18T16:10:00Z',
  },
  {
    id: 'run-0a9e',
    procedureId: 'partner-center',
    procedureTitle: procedures[2]!.title,
    status: 'failed',
    currentStepId: 'check-global-admin',
    currentStepTitle: { fr: 'Vérification du rôle Administrateur général', en: 'Global Administrator check' },
    startedAt: '2026-11-17T08:15:00Z',
    startedBy: { id: 'u1', name: 'Camille Martin' },
    updatedAt: '2026-11-17T08:16:00Z',
  },
];

/** Audit entries as the server gives them (server/tab-audit.ts): store fields plus procedure and step titles. */
const audit = Array.from({ length: 62 }, (_, i) => {
  const write = i % 2 === 0;
  return {
    seq: 200 - i,
    at: new Date(Date.UTC(2026, 10, 20, 9, 41) - i * 3_600_000).toISOString(),
    actorId: i % 3 === 0 ? 'u2' : 'u1',
    actorName: i % 3 === 0 ? 'Julien Bernard' : 'Camille Martin',
    runId: write ? 'run-7f3a' : 'run-51c2',
    action: write ? 'graph.write' : 'step.changed',
    result: i % 7 === 3 ? 'failed' : 'ok',
    details: write
      ? {
          procedureId: 'vendor-guest-access',
          stepId: 'invite',
          op: 'inviteGuest',
          args: [{ email: `support${i}@vendor.example`, redirectUrl: 'https://myapps.microsoft.com' }],
          requestIds: ['7f1c2d4e-0000-4000-8000-000000000001'],
          objectIds: ['2b5c7d9e-0000-4000-8000-000000000002'],
          ...(i % 7 === 3 ? { code: 'graph_throttled' } : {}),
        }
      : { procedureId: 'email-service-account', from: 'create-user', to: 'assign-licence' },
    procedureTitle: write ? procedures[0]!.title : procedures[1]!.title,
    stepTitle: write
      ? { fr: 'Invitation', en: 'Invitation' }
      : { fr: 'Attribution de la licence', en: 'Licence assignment' },
  };
});

function hostPage(frameSrc: string, context: Record<string, unknown>, token: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Teams stand-in</title>
<style>body{margin:0;font-family:sans-serif}iframe{border:0;width:100vw;height:100vh;display:block}</style></head>
<body><iframe id="app" src="${frameSrc}"></iframe><script>
const context = ${JSON.stringify(context)};
const frameContext = ${JSON.stringify(frameSrc.includes('config.html') ? 'settings' : 'content')};
const runtime = JSON.stringify({ apiVersion: 4, isLegacyTeams: false, supports: { appInitialization: {}, authentication: {}, pages: { config: {}, tabs: {}, appButton: {}, backStack: {} }, teamsCore: {} } });
window.openedLinks = [];
window.saveResults = [];
// What Teams does when the user selects Save on the configuration dialog.
window.triggerSave = () => document.getElementById('app').contentWindow.postMessage({ func: 'settings.save', args: [{}] }, location.origin);
window.addEventListener('message', (event) => {
  const m = event.data; if (!m || typeof m.func !== 'string') return;
  const reply = (args) => event.source.postMessage({ id: m.id, uuidAsString: m.uuidAsString, args }, event.origin);
  switch (m.func) {
    case 'initialize': return reply([frameContext, 'web', runtime, '2.58.0']);
    case 'getContext': return reply([context]);
    case 'authentication.getAuthToken': return reply([true, ${JSON.stringify(token)}]);
    case 'executeDeepLink': window.openedLinks.push(m.args[0]); return reply([true]);
    case 'appInitialization.appLoaded': window.appLoaded = true; return;
    case 'appInitialization.success': window.appReady = true; return reply([true]);
    case 'settings.setValidityState': window.validity = m.args[0]; return;
    case 'settings.setSettings': window.savedSettings = m.args[0]; return reply([true]);
    case 'settings.save.success': window.saveResults.push('success'); return;
    case 'settings.save.failure': window.saveResults.push('failure'); return;
  }
});
</script></body></html>`;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface TabHarness {
  readonly origin: string;
  /** The host page showing `frame` (a path under /tab/) with this API data, Teams locale and Teams theme. */
  hosted(frame: string, token: 'data' | 'empty' | 'error' | 'flaky', locale: string, theme: string): string;
  close(): Promise<void>;
}

/** Builds the tab into a temporary directory and serves it on 127.0.0.1 (ephemeral port). */
export async function startTabHarness(): Promise<TabHarness> {
  const distDir = await mkdtemp(join(tmpdir(), 'sesame-tab-harness-'));
  await buildTab({ outDir: distDir });
  const failedOnce = new Set<string>();
  /** Exceptions accepted through the tab in this harness (POST /checklist/exceptions), newest last. */
  const accepted: ExceptionView[] = [];
  const body = (req: import('node:http').IncomingMessage) =>
    new Promise<Record<string, unknown>>((resolve) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => resolve((JSON.parse(raw || '{}') as Record<string, unknown>) ?? {}));
    });
  /** The items with the harness's accepted exceptions applied, as the server would. */
  const currentItems = () =>
    checklistItems.map((item) => {
      const mine = accepted.filter((e) => e.ruleId === item.ruleId);
      return mine.length
        ? { ...item, effectiveStatus: 'accepted' as const, exceptions: [...item.exceptions, ...mine] }
        : item;
    });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (r: ServerResponse, status: number, body: unknown) => {
      r.writeHead(status, { 'content-type': 'application/json' });
      r.end(JSON.stringify(body));
    };
    if (url.pathname === '/host.html') {
      const context = JSON.parse(url.searchParams.get('context') ?? '{}') as Record<string, unknown>;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        hostPage(
          url.searchParams.get('frame') ?? '/tab/index.html',
          context,
          url.searchParams.get('token') ?? '',
        ),
      );
      return;
    }
    if (url.pathname === '/tab/config.json')
      return json(res, 200, { botId: 'b07c0de1-5e5a-4e1e-8b07-5e5a3e000001', appId: 'x' });
    if (url.pathname.startsWith('/api/tab/')) {
      const mode = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const fr = (req.headers['accept-language'] ?? '').startsWith('fr');
      // "flaky": each route fails once, then answers (for Retry).
      const failOnce = mode === 'flaky' && !failedOnce.has(url.pathname);
      if (failOnce) failedOnce.add(url.pathname);
      if ((mode === 'error' || failOnce) && url.pathname !== '/api/tab/me') {
        return json(res, 503, {
          error: {
            code: 'store_unavailable',
            message: fr
              ? 'La base de données de Sesame ne répond pas. Réessayez dans un instant.'
              : "Sesame's database is not answering. Try again in a moment.",
          },
        });
      }
      const empty = mode === 'empty';
      if (url.pathname === '/api/tab/me')
        return json(res, 200, {
          tenantId: 't',
          userId: 'u1',
          name: 'Camille Martin',
          upn: 'camille.martin@cabinet-durand.fr',
        });
      if (url.pathname === '/api/tab/procedures') return json(res, 200, procedures);
      if (url.pathname === '/api/tab/checklist')
        return json(
          res,
          200,
          empty
            ? { snapshot: null, changes: null, canManageExceptions: false }
            : checklistView(currentItems()),
        );
      if (url.pathname === '/api/tab/checklist/exceptions' && req.method === 'POST') {
        void body(req).then((b) => {
          if (typeof b.reason !== 'string' || b.reason.trim() === '')
            return json(res, 400, { error: { code: 'tab_bad_request', message: 'reason required' } });
          const exception: ExceptionView = {
            id: `exc-${accepted.length + 2}`,
            ruleId: String(b.ruleId),
            reason: b.reason,
            expiresAt: String(b.expiresAt),
            status: 'active',
            acceptedBy: { id: 'u1', name: 'Camille Martin' },
            acceptedAt: '2026-11-20T10:00:00Z',
          };
          accepted.push(exception);
          json(res, 201, exception);
        });
        return;
      }
      if (url.pathname === '/api/tab/checklist/exceptions') return json(res, 200, [sesameGrant, ...accepted]);
      if (url.pathname === '/api/tab/checklist/refresh') {
        // One NDJSON line per area, a moment apart, as the real collection streams them.
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write(
          `${JSON.stringify({ type: 'started', areas: CHECKLIST_AREAS, at: '2026-11-20T10:00:00Z' })}\n`,
        );
        const items = currentItems();
        let i = 0;
        const next = () => {
          const area = CHECKLIST_AREAS[i++];
          if (!area) {
            const view = checklistView(items);
            res.end(`${JSON.stringify({ type: 'done', snapshot: view.snapshot, changes: view.changes })}\n`);
            return;
          }
          res.write(
            `${JSON.stringify({ type: 'area', area, items: items.filter((it) => it.area === area) })}\n`,
          );
          setTimeout(next, 150);
        };
        setTimeout(next, 150);
        return;
      }
      if (url.pathname === '/api/tab/runs') return json(res, 200, empty ? [] : runs);
      if (url.pathname === '/api/tab/audit') {
        const before = Number(url.searchParams.get('before') ?? Infinity);
        const limit = Number(url.searchParams.get('limit') ?? 50);
        const result = url.searchParams.get('result');
        const action = url.searchParams.get('action');
        const matching = audit.filter(
          (e) =>
            e.seq < before &&
            (!result || e.result === result) &&
            (!action || e.action === action || e.action.startsWith(`${action}.`)),
        );
        return json(res, 200, empty ? [] : matching.slice(0, limit));
      }
    }
    const file = normalize(join(distDir, url.pathname.replace(/^\/tab\//, '')));
    if (!url.pathname.startsWith('/tab/') || !file.startsWith(distDir)) return json(res, 404, {});
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => json(res, 404, {}),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hosted: (frame, token, locale, theme) =>
      `${origin}/host.html?${new URLSearchParams({ frame, token, context: JSON.stringify({ locale, theme, tid: 't', userObjectId: 'u1' }) })}`,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await rm(distDir, { recursive: true, force: true });
    },
  };
}
