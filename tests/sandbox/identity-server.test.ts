/**
 * The identity side as the sandbox server really mounts it (startSandbox): seeded tenant, Sesame's registration,
 * and the Graph side accepting the tokens the identity side issues.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { loopbackNetwork } from './loopback-network.js';
import { decodeJwt } from 'jose';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CLIENT_SECRET } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { httpsCall } from './identity-harness.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('identity side inside startSandbox', () => {
  it('serves discovery whose issuer is the issuer the Graph side trusts', async () => {
    const res = await httpsCall(
      sandbox.caCertPem,
      `${sandbox.httpsUrl}/${sandbox.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect((JSON.parse(res.text) as { issuer: string }).issuer).toBe(sandbox.issuer.issuer);
  });

  it('on-behalf-of through msal-node gives a token the sandbox Graph accepts for /me', async () => {
    const admin = SEED_USERS.globalAdmin;
    const sso = await sandbox.identity.botFramework.mintTeamsSsoToken({
      userIdOrUpn: admin.userPrincipalName,
      appId: SESAME_CLIENT_ID,
    });
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: SESAME_CLIENT_ID,
        clientSecret: SESAME_CLIENT_SECRET,
        authority: `${sandbox.httpsUrl}/${sandbox.tenantId}`,
        knownAuthorities: [new URL(sandbox.httpsUrl).host],
      },
      system: { networkClient: loopbackNetwork(sandbox.caCertPem) },
    });
    const result = await cca.acquireTokenOnBehalfOf({
      oboAssertion: sso,
      scopes: ['https://graph.microsoft.com/.default'],
    });
    const claims = decodeJwt(result!.accessToken);
    expect(claims.oid).toBe(admin.id);
    expect(claims.wids).toContain('62e90394-69f5-4237-9190-012177145e10');
    const me = await fetch(`${sandbox.graphUrl}/me`, {
      headers: { authorization: `Bearer ${result!.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(admin.id);
  });

  it('lists the seeded users on the sign-in page with their roles', async () => {
    const url = new URL(`${sandbox.httpUrl}/${sandbox.tenantId}/oauth2/v2.0/authorize`);
    url.searchParams.set('client_id', SESAME_CLIENT_ID);
    url.searchParams.set('redirect_uri', 'http://localhost:3978/auth/end');
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid https://graph.microsoft.com/User.Read');
    url.searchParams.set('ui_locales', 'fr');
    const html = await (await fetch(url)).text();
    expect(html).toContain(SEED_USERS.guestInviter.displayName);
    expect(html).toContain('Inviteur d&#39;invités');
    expect(html).toContain('Administrateur général');
  });
});

describe('Bot Framework stand-ins inside startSandbox', () => {
  it('mints an activity token on the admin route and guards the connector', async () => {
    const minted = await fetch(`${sandbox.httpUrl}/_sandbox/botframework/activity-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: SESAME_CLIENT_ID }),
    });
    expect(minted.status).toBe(200);
    const { token, serviceUrl } = (await minted.json()) as { token: string; serviceUrl: string };
    expect(serviceUrl).toBe(`${sandbox.httpUrl}/botframework/connector`);
    expect(decodeJwt(token).aud).toBe(SESAME_CLIENT_ID);
    const refused = await fetch(`${serviceUrl}/v3/conversations/a%3Ax/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x' }),
    });
    expect(refused.status).toBe(401);
    const log = await fetch(`${sandbox.httpUrl}/_sandbox/botframework/conversations/a%3Ax/activities`);
    expect(((await log.json()) as { activities: unknown[] }).activities).toEqual([]);
    const meta = await fetch(sandbox.identity.botFramework.cloud.openIdMetadataUrl);
    expect(meta.status).toBe(200);
  });
});
