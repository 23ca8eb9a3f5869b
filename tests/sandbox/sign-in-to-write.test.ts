import { createHash, randomBytes } from 'node:crypto';
import { createOboTokenSource } from '../../adapters/identity/obo-token-source.js';
import { httpsTrust } from '../../adapters/identity/https-trust.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { SESAME_APP, TEST_CLIENT_APP } from '../../sandbox/directory.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { signInThroughPage } from './identity-harness.js';

/**
 * The whole sign-in chain for each seeded user, as it happens in production: the authorize page (a person picks
 * the account) gives a code, the code + PKCE gives the token for Sesame's API (what Teams SSO hands the bot and the
 * tab), Sesame exchanges it on behalf of the user with MSAL, and Graph then allows or refuses each write according
 * to that user's directory roles — 201/204 versus 403, as Graph would.
 */
describe('authorize page → on-behalf-of → Graph writes, per seeded user', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  async function ssoTokenThroughPage(userId: string): Promise<string> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = TEST_CLIENT_APP.redirectUris[1]!;
    const authorize = new URL(`${sandbox.httpUrl}/${sandbox.tenantId}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: TEST_CLIENT_APP.clientId,
      redirect_uri: redirectUri,
      scope: `${SESAME_APP.applicationIdUri}/access_as_user`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'xyz',
    }))
      authorize.searchParams.set(k, v);
    const res = await signInThroughPage(authorize.toString(), userId);
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const token = await httpsTrust({ caPem: sandbox.caCertPem }).fetchJson(
      `${sandbox.httpsUrl}/${sandbox.tenantId}/oauth2/v2.0/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: TEST_CLIENT_APP.clientId,
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          scope: `${SESAME_APP.applicationIdUri}/access_as_user`,
        }).toString(),
      },
    );
    expect(token.status).toBe(200);
    return (token.body as { access_token: string }).access_token;
  }

  const obo = () =>
    createOboTokenSource({
      authorityHost: sandbox.httpsUrl,
      tenantId: sandbox.tenantId,
      clientId: SESAME_APP.clientId,
      clientSecret: SESAME_APP.clientSecret!,
      scopes: ['https://graph.microsoft.com/.default'],
      trust: httpsTrust({ caPem: sandbox.caCertPem }),
      allowedOrigins: [sandbox.httpsUrl],
    });

  async function graphPost(token: string, path: string, body: unknown): Promise<number> {
    const res = await fetch(`${sandbox.graphUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.status;
  }

  // Expected answers: invitations are open to everyone by the seeded policy (allowInvitesFrom: everyone);
  // assigning a directory role needs Privileged Role Administrator or Global Administrator; creating a user needs
  // User Administrator or Global Administrator.
  const cases: [keyof typeof SEED_USERS, { invite: number; assignRole: number; createUser: number }][] = [
    ['globalAdmin', { invite: 201, assignRole: 201, createUser: 201 }],
    ['privilegedRoleAdmin', { invite: 201, assignRole: 201, createUser: 403 }],
    ['userAdmin', { invite: 201, assignRole: 403, createUser: 201 }],
    ['guestInviter', { invite: 201, assignRole: 403, createUser: 403 }],
    ['globalReader', { invite: 201, assignRole: 403, createUser: 403 }],
    ['plainUser', { invite: 201, assignRole: 403, createUser: 403 }],
  ];

  it.each(cases)('%s: the role decides each write', async (who, expected) => {
    const user = SEED_USERS[who];
    const ssoToken = await ssoTokenThroughPage(user.id);
    const graphToken = await obo().getGraphToken({ tenantId: sandbox.tenantId, userId: user.id, ssoToken });
    const tag = `${who.toLowerCase()}-${randomBytes(3).toString('hex')}`;

    expect(
      await graphPost(graphToken, '/invitations', {
        invitedUserEmailAddress: `${tag}@vendor.example.com`,
        inviteRedirectUrl: 'https://myapps.microsoft.com',
      }),
    ).toBe(expected.invite);
    expect(
      await graphPost(graphToken, '/roleManagement/directory/roleAssignments', {
        principalId: SEED_USERS.acceptedGuest.id,
        roleDefinitionId: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
        directoryScopeId: '/',
      }).then((s) => (s === 400 ? 201 : s)),
    ).toBe(expected.assignRole); // 400 = already assigned by an earlier case
    expect(
      await graphPost(graphToken, '/users', {
        accountEnabled: true,
        displayName: `Service ${tag}`,
        mailNickname: tag,
        userPrincipalName: `${tag}@cabinet-exemple.fr`,
        passwordProfile: { password: 'Xy7!qwerty-Long-Passphrase', forceChangePasswordNextSignIn: false },
      }),
    ).toBe(expected.createUser);
  });

  it('with allowInvitesFrom "adminsAndGuestInviters", only admins and Guest Inviters may invite', async () => {
    sandbox.state.authorizationPolicy.allowInvitesFrom = 'adminsAndGuestInviters';
    for (const [who, status] of [
      ['guestInviter', 201],
      ['plainUser', 403],
      ['globalReader', 403],
    ] as const) {
      const ssoToken = await ssoTokenThroughPage(SEED_USERS[who].id);
      const graphToken = await obo().getGraphToken({
        tenantId: sandbox.tenantId,
        userId: SEED_USERS[who].id,
        ssoToken,
      });
      expect(
        await graphPost(graphToken, '/invitations', {
          invitedUserEmailAddress: `${who.toLowerCase()}-policy@vendor.example.com`,
          inviteRedirectUrl: 'https://myapps.microsoft.com',
        }),
      ).toBe(status);
    }
  });
});
