/**
 * A small harness serving the identity side's two apps on 127.0.0.1 (HTTP and HTTPS with a throwaway self-signed
 * certificate) over an in-test directory, until the sandbox's own startSandbox() is the one to use.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { generate } from 'selfsigned';
import type { SandboxAppRegistration, SandboxDirectory, SandboxPrincipal } from '../../sandbox/contracts.js';
import { createIdentityApps, type IdentityApps } from '../../sandbox/identity/index.js';
import { TokenIssuer } from '../../sandbox/identity/token-issuer.js';

export const TENANT_ID = '7d3b1c2a-5e4f-4a6b-9c8d-0e1f2a3b4c5d';
export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdmin: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
} as const;

const user = (
  id: string,
  upn: string,
  displayName: string,
  roleTemplateIds: string[],
  extra: Partial<SandboxPrincipal> = {},
): SandboxPrincipal => ({
  id,
  userPrincipalName: upn,
  displayName,
  userType: 'Member',
  accountEnabled: true,
  roleTemplateIds,
  ...extra,
});

export const USERS = {
  alice: user('11111111-1111-4111-8111-111111111111', 'alice@contoso-sbx.onmicrosoft.com', 'Alice Martin', [
    ROLE.globalAdmin,
  ]),
  bob: user('22222222-2222-4222-8222-222222222222', 'bob@contoso-sbx.onmicrosoft.com', 'Bob Durand', [
    ROLE.guestInviter,
    ROLE.userAdmin,
  ]),
  carol: user('33333333-3333-4333-8333-333333333333', 'carol@contoso-sbx.onmicrosoft.com', 'Carol Petit', []),
  mallory: user(
    '44444444-4444-4444-8444-444444444444',
    'mallory@contoso-sbx.onmicrosoft.com',
    '<img src=x onerror=alert(1)> "Mallory" & co',
    [],
  ),
  dave: user(
    '55555555-5555-4555-8555-555555555555',
    'dave@contoso-sbx.onmicrosoft.com',
    'Dave Disabled',
    [ROLE.globalAdmin],
    { accountEnabled: false },
  ),
} as const;

export const SESAME: SandboxAppRegistration = {
  clientId: 'a1b2c3d4-0000-4000-8000-00000000c0de',
  displayName: 'Sesame',
  clientSecret: 'sesame-sandbox-secret',
  applicationIdUri: 'api://localhost/a1b2c3d4-0000-4000-8000-00000000c0de',
  redirectUris: ['https://127.0.0.1/auth/callback', 'http://localhost:3978/auth/end'],
  consentedGraphScopes: [
    'User.Read',
    'User.Read.All',
    'User.Invite.All',
    'RoleManagement.ReadWrite.Directory',
  ],
};

export const SPA: SandboxAppRegistration = {
  clientId: 'b2c3d4e5-0000-4000-8000-0000000005a0',
  displayName: 'Sesame tab (SPA)',
  redirectUris: ['http://localhost:53000/tab/auth-end'],
  consentedGraphScopes: ['User.Read'],
};

export function inTestDirectory(): SandboxDirectory {
  const all = Object.values(USERS);
  return {
    tenantId: TENANT_ID,
    tenantDisplayName: 'Contoso (sandbox)',
    tenantIds: [TENANT_ID],
    listSignInUsers: () => all.filter((u) => u.userType === 'Member' && u.accountEnabled),
    findPrincipal: (idOrUpn) =>
      all.find(
        (u) => u.id === idOrUpn.toLowerCase() || u.userPrincipalName.toLowerCase() === idOrUpn.toLowerCase(),
      ),
  };
}

export interface IdentityHarness {
  readonly httpBaseUrl: string;
  readonly httpsBaseUrl: string;
  /** The self-signed certificate (PEM), to trust in clients. */
  readonly ca: string;
  readonly issuer: TokenIssuer;
  readonly apps: IdentityApps;
  readonly clock: { nowMs: number };
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

export async function startIdentityHarness(
  options: { allowAnonymousConnector?: boolean } = {},
): Promise<IdentityHarness> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  // Routed after listen: the base URLs (and so the issuer) depend on the ports.
  const routes: {
    http?: ReturnType<typeof getRequestListener>;
    https?: ReturnType<typeof getRequestListener>;
  } = {};
  const httpServer = createHttpServer((req, res) => void routes.http!(req, res));
  const httpsServer = createHttpsServer(
    { key: pems.private, cert: pems.cert },
    (req, res) => void routes.https!(req, res),
  );
  const httpPort = await listen(httpServer);
  const httpsPort = await listen(httpsServer as unknown as Server);
  const httpBaseUrl = `http://127.0.0.1:${httpPort}`;
  const httpsBaseUrl = `https://127.0.0.1:${httpsPort}`;
  const clock = { nowMs: Date.now() };
  const now = () => clock.nowMs;
  const issuer = await TokenIssuer.create({ tenantId: TENANT_ID, issuerHost: httpsBaseUrl, now });
  const apps = createIdentityApps({
    directory: inTestDirectory(),
    issuer,
    apps: [SESAME, SPA],
    httpBaseUrl,
    httpsBaseUrl,
    now,
    ...(options.allowAnonymousConnector !== undefined
      ? { allowAnonymousConnector: options.allowAnonymousConnector }
      : {}),
  });
  routes.http = getRequestListener(apps.httpApp.fetch);
  routes.https = getRequestListener(apps.httpsApp.fetch);
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    httpBaseUrl,
    httpsBaseUrl,
    ca: pems.cert,
    issuer,
    apps,
    clock,
    close: async () => {
      await Promise.all([close(httpServer), close(httpsServer as unknown as Server)]);
    },
  };
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** HTTPS with the harness's certificate trusted (global fetch cannot take a CA). */
export function httpsCall(
  ca: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

/** A fetch-compatible function over httpsCall, for libraries that take a custom fetch (jose). */
export function fetchTrusting(ca: string) {
  return async (url: string | URL, init?: { method?: string; headers?: HeadersInit }): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const res = await httpsCall(ca, String(url), { method: init?.method ?? 'GET', headers });
    return new Response(res.text, {
      status: res.status,
      headers: { 'content-type': String(res.headers['content-type'] ?? '') },
    });
  };
}

/**
 * Drives the sign-in page as a browser would: GET the authorize URL, keep the CSRF cookie, post the chosen user.
 * Returns the final response (a redirect to the app, or a page).
 */
export async function signInThroughPage(authorizeUrl: string, userId: string): Promise<Response> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${html.slice(0, 200)}`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams();
  for (const name of ['request', 'state', 'csrf', 'lang']) {
    const value = field(name);
    if (value)
      form.set(
        name,
        value.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
      );
  }
  form.set('user', userId);
  return fetch(new URL(action, authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: form.toString(),
  });
}
