import { decodeJwt } from 'jose';
import { SesameError } from '../../core/errors.js';
import type { TokenSourceContext } from '../../core/ports/token-source.js';
import { createTenantGraph } from '../../adapters/graph/tenant-graph-client.js';
import { httpsTrust } from '../../adapters/identity/https-trust.js';
import type { MsalRequestEvent } from '../../adapters/identity/msal-network.js';
import {
  createOboTokenSource,
  oboError,
  type OboTokenSourceOptions,
} from '../../adapters/identity/obo-token-source.js';
import { ROLE } from '../../sandbox/data/model.js';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CLIENT_SECRET } from '../../sandbox/data/seed.js';
import { startSandboxFixture, type SandboxFixture, type SeedKey } from './sandbox-fixture.js';

let fx: SandboxFixture;

beforeAll(async () => {
  fx = await startSandboxFixture();
});

afterAll(async () => {
  await fx?.stop();
});

/** What Teams' SSO hands Sesame for this user (the sandbox's stand-in for getAuthToken / the token exchange). */
async function teamsSsoToken(user: SeedKey): Promise<string> {
  const res = await fetch(`${fx.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upn: SEED_USERS[user].userPrincipalName, appId: SESAME_CLIENT_ID }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

// Short Graph scope names: Entra reads them as Graph's, and they are what the token's scp lists.
const SCOPES = ['User.Read.All', 'User.Invite.All', 'RoleManagement.ReadWrite.Directory'];

function tokenSource(overrides: Partial<OboTokenSourceOptions> = {}) {
  const requests: MsalRequestEvent[] = [];
  const logs: string[] = [];
  const source = createOboTokenSource({
    authorityHost: fx.sandbox.httpsUrl,
    clientId: SESAME_CLIENT_ID,
    clientSecret: SESAME_CLIENT_SECRET,
    scopes: SCOPES,
    trust: httpsTrust({ caPem: fx.sandbox.caCertPem }),
    allowedOrigins: [fx.sandbox.httpsUrl],
    onRequest: (e) => requests.push(e),
    log: (level, message) => logs.push(`${level} ${message}`),
    ...overrides,
  });
  const tokenRequests = () =>
    requests.filter((r) => r.method === 'POST' && r.url.endsWith('/oauth2/v2.0/token'));
  return { source, requests, tokenRequests, logs };
}

async function context(user: SeedKey): Promise<TokenSourceContext> {
  return { tenantId: fx.sandbox.tenantId, userId: SEED_USERS[user].id, ssoToken: await teamsSsoToken(user) };
}

async function sesameError(promise: Promise<unknown>): Promise<SesameError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(SesameError);
    return e as SesameError;
  }
  throw new Error('expected a SesameError');
}

describe('on-behalf-of token source against the sandbox tenant (MSAL Node, offline)', () => {
  it('exchanges the Teams SSO token for a delegated Graph token with the right scp and wids', async () => {
    const { source, requests } = tokenSource();
    const ctx = await context('globalAdmin');
    const token = await source.getGraphToken(ctx);
    const claims = decodeJwt(token);
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.tid).toBe(fx.sandbox.tenantId);
    expect(claims.oid).toBe(SEED_USERS.globalAdmin.id);
    expect(claims.azp).toBe(SESAME_CLIENT_ID);
    expect(String(claims.scp).split(' ').sort()).toEqual([...SCOPES].sort());
    expect(claims.wids).toEqual([ROLE.globalAdministrator]);

    // Nothing left loopback: no instance discovery against Microsoft, only the sandbox's metadata and token endpoint.
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(new URL(r.url).origin).toBe(fx.sandbox.httpsUrl);
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      `GET /${fx.sandbox.tenantId}/v2.0/.well-known/openid-configuration`,
      `POST /${fx.sandbox.tenantId}/oauth2/v2.0/token`,
    ]);

    // And Graph accepts it, as the signed-in admin.
    const graph = createTenantGraph({
      baseUrl: fx.sandbox.graphUrl,
      getToken: () => source.getGraphToken(ctx),
    });
    expect((await graph.getMe()).id).toBe(SEED_USERS.globalAdmin.id);
  });

  it('serves the second call from MSAL’s cache', async () => {
    const { source, tokenRequests } = tokenSource();
    const ctx = await context('privilegedRoleAdmin');
    const first = await source.getGraphToken(ctx);
    const second = await source.getGraphToken(ctx);
    expect(second).toBe(first);
    expect(tokenRequests()).toHaveLength(1);
    // Another user is another cache entry.
    await source.getGraphToken(await context('guestInviter'));
    expect(tokenRequests()).toHaveLength(2);
  });

  it('the .default scope gets everything consented to Sesame', async () => {
    const { source } = tokenSource({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = decodeJwt(await source.getGraphToken(await context('userAdmin')));
    expect(String(claims.scp).split(' ')).toEqual(
      expect.arrayContaining(['User.Invite.All', 'Policy.Read.All']),
    );
    expect(claims.wids).toEqual([ROLE.userAdministrator]);
  });

  it('an unconsented scope → auth_required (AADSTS65001), without the token in the message', async () => {
    const { source, logs } = tokenSource({ scopes: ['Mail.Send'] });
    const ctx = await context('globalAdmin');
    const e = await sesameError(source.getGraphToken(ctx));
    for (const line of logs) expect(line).not.toContain(ctx.ssoToken!);
    expect(e.code).toBe('auth_required');
    expect(e.details.aadsts).toEqual(['AADSTS65001']);
    expect(e.details.subError).toBe('consent_required');
    expect(e.message).toContain('AADSTS65001');
    expect(e.message).not.toContain(ctx.ssoToken!);
    expect(JSON.stringify(e.cause)).not.toContain(ctx.ssoToken!);
  });

  it('a wrong client secret → auth_failed (a sign-in would not fix it)', async () => {
    const { source } = tokenSource({ clientSecret: 'wrong-secret' });
    const e = await sesameError(source.getGraphToken(await context('globalAdmin')));
    expect(e.code).toBe('auth_failed');
    expect(e.details.errorCode).toBe('invalid_client');
    expect(e.message).not.toContain('wrong-secret');
  });

  it('a tampered SSO token → auth_required (ask for a fresh sign-in)', async () => {
    const { source } = tokenSource();
    const ctx = await context('globalAdmin');
    const [h, p, s] = ctx.ssoToken!.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    const e = await sesameError(source.getGraphToken({ ...ctx, ssoToken: tampered }));
    expect(e.code).toBe('auth_required');
    expect(e.message).not.toContain(tampered);
  });

  it('no SSO token → auth_required; another user’s SSO token → auth_failed; neither reaches the network', async () => {
    const { source, requests } = tokenSource();
    const ctx = await context('globalAdmin');
    expect(
      (await sesameError(source.getGraphToken({ tenantId: ctx.tenantId, userId: ctx.userId }))).code,
    ).toBe('auth_required');
    const other = await sesameError(source.getGraphToken({ ...ctx, userId: SEED_USERS.plainUser.id }));
    expect(other.code).toBe('auth_failed');
    const fixedTenant = tokenSource({ tenantId: '11111111-1111-4111-8111-111111111111' });
    expect((await sesameError(fixedTenant.source.getGraphToken(ctx))).code).toBe('auth_failed');
    expect(requests).toEqual([]);
    expect(fixedTenant.requests).toEqual([]);
  });

  it('refuses an http authority (MSAL would too) and any origin outside the fence', async () => {
    expect(() => tokenSource({ authorityHost: fx.sandbox.httpUrl })).toThrow(/https/);
    const { source, requests } = tokenSource({ allowedOrigins: ['https://127.0.0.2:1'] });
    const e = await sesameError(source.getGraphToken(await context('globalAdmin')));
    expect(e.code).toBe('auth_failed');
    expect(requests.every((r) => r.status === 0)).toBe(true);
  });
});

describe('oboError: what the bot does next', () => {
  it('consent and interaction → auth_required; configuration mistakes → auth_failed', async () => {
    const { AuthError, InteractionRequiredAuthError, ServerError } = await import('@azure/msal-node');
    expect(
      oboError(new InteractionRequiredAuthError('interaction_required', 'c1', 'AADSTS50076: MFA needed'))
        .code,
    ).toBe('auth_required');
    expect(
      oboError(new ServerError('invalid_grant', 'c2', 'AADSTS70008: expired', undefined, '70008', 400)).code,
    ).toBe('auth_required');
    // The SSO token was issued for another app: a new sign-in would give the same token.
    expect(
      oboError(new ServerError('invalid_grant', 'c3', 'AADSTS500131: audience', undefined, '500131', 400))
        .code,
    ).toBe('auth_failed');
    expect(oboError(new AuthError('network_error', 'c4', 'refused')).code).toBe('auth_failed');
  });

  it('never repeats anything token-shaped', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const e = oboError({ errorCode: 'invalid_grant', errorMessage: `AADSTS50013: bad assertion ${jwt}` });
    expect(e.message).not.toContain(jwt);
    expect(e.message).toContain('[redacted]');
  });
});
