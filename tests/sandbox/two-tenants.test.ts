import { decodeJwt } from 'jose';
import { CLIENT_TENANT_ID, CLIENT_USERS } from '../../sandbox/data/seed-client-tenant.js';
import {
  SEED_TENANT_ID,
  SEED_USERS,
  SESAME_CLIENT_ID,
  SESAME_CONSENTED_SCOPES,
} from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';

/**
 * The sandbox serves two tenants, the firm "Cabinet Exemple" and its client "Atelier Durand": a token says which
 * (tid, iss), and Graph answers each caller from its own tenant only.
 */
describe('sandbox with two tenants', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  const user = (u: {
    id: string;
    userPrincipalName: string;
    displayName: string;
    roles: readonly string[];
  }) => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    userType: 'Member' as const,
    accountEnabled: true,
    roleTemplateIds: [...u.roles],
  });
  const tokenFor = (u: Parameters<typeof user>[0]) =>
    sandbox.issuer.issueGraphToken(user(u), [...SESAME_CONSENTED_SCOPES], SESAME_CLIENT_ID);
  const get = (path: string, token: string) =>
    fetch(`${sandbox.graphUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('issues tokens with the user’s own tenant as tid and in the issuer', async () => {
    const client = decodeJwt(await tokenFor(CLIENT_USERS.globalAdmin));
    expect(client.tid).toBe(CLIENT_TENANT_ID);
    expect(client.iss).toBe(`${sandbox.httpsUrl}/${CLIENT_TENANT_ID}/v2.0`);
    const home = decodeJwt(await tokenFor(SEED_USERS.globalAdmin));
    expect(home.tid).toBe(SEED_TENANT_ID);
  });

  it('answers each caller from its own tenant', async () => {
    const clientToken = await tokenFor(CLIENT_USERS.globalAdmin);
    const homeToken = await tokenFor(SEED_USERS.globalAdmin);
    const org = async (t: string) =>
      ((await (await get('/organization', t)).json()) as { value: { displayName: string }[] }).value[0]!
        .displayName;
    expect(await org(clientToken)).toBe('Atelier Durand');
    expect(await org(homeToken)).toBe('Cabinet Exemple');
    expect((await get(`/users/${SEED_USERS.globalAdmin2.id}`, clientToken)).status).toBe(404);
    expect((await get(`/users/${CLIENT_USERS.plainUser.id}`, homeToken)).status).toBe(404);
    expect((await get(`/users/${CLIENT_USERS.plainUser.id}`, clientToken)).status).toBe(200);
  });

  it('refuses a token whose tid and issuer disagree, or of an unknown tenant', async () => {
    const forged = await sandbox.issuer.sign({
      aud: 'https://graph.microsoft.com',
      oid: CLIENT_USERS.globalAdmin.id,
      sub: CLIENT_USERS.globalAdmin.id,
      scp: 'User.Read.All',
      tid: CLIENT_TENANT_ID,
      iss: `${sandbox.httpsUrl}/${SEED_TENANT_ID}/v2.0`,
    });
    expect((await get('/organization', forged)).status).toBe(401);
    const unknown = await sandbox.issuer.sign({
      aud: 'https://graph.microsoft.com',
      oid: CLIENT_USERS.globalAdmin.id,
      sub: CLIENT_USERS.globalAdmin.id,
      scp: 'User.Read.All',
      tid: '0b0b0b0b-1111-4222-8333-444444444444',
    });
    expect((await get('/organization', unknown)).status).toBe(401);
  });

  it('the authorize page offers the named tenant’s users, or every tenant’s for common', async () => {
    const page = async (tenant: string) => {
      const url = new URL(`${sandbox.httpUrl}/${tenant}/oauth2/v2.0/authorize`);
      url.searchParams.set('client_id', SESAME_CLIENT_ID);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('redirect_uri', 'http://localhost:3978/auth/end');
      url.searchParams.set('scope', 'openid');
      return (await fetch(url)).text();
    };
    const client = await page(CLIENT_TENANT_ID);
    expect(client).toContain(CLIENT_USERS.globalAdmin.id);
    expect(client).not.toContain(SEED_USERS.globalAdmin.id);
    const common = await page('common');
    expect(common).toContain(CLIENT_USERS.globalAdmin.id);
    expect(common).toContain(SEED_USERS.globalAdmin.id);
    expect(common).toContain('Atelier Durand');
  });
});
