import { createHash } from 'node:crypto';
import { loopbackNetwork } from './loopback-network.js';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify } from 'jose';
import {
  fetchTrusting,
  httpsCall,
  ROLE,
  SESAME,
  signInThroughPage,
  SPA,
  startIdentityHarness,
  TENANT_ID,
  USERS,
  type IdentityHarness,
} from './identity-harness.js';

/** What Sesame's adapter will do too: trust the sandbox's self-signed certificate through MSAL's network client. */

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentityHarness();
});
afterAll(async () => {
  await h.close();
});

const tokenUrl = () => `${h.httpsBaseUrl}/${TENANT_ID}/oauth2/v2.0/token`;
async function postToken(params: Record<string, string>) {
  const res = await httpsCall(h.ca, tokenUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> };
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = createHash('sha256').update(String(Math.random())).digest('base64url') + 'x'.repeat(10);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(base: string, params: Record<string, string>): string {
  const url = new URL(`${base}/${TENANT_ID}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({ response_type: 'code', ...params })) url.searchParams.set(k, v);
  return url.toString();
}

async function codeFor(userId: string, params: Record<string, string>): Promise<URL> {
  const res = await signInThroughPage(authorizeUrl(h.httpBaseUrl, params), userId);
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

function msalClient(app = SESAME): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: app.clientId,
      clientSecret: app.clientSecret!,
      authority: `${h.httpsBaseUrl}/${TENANT_ID}`,
      knownAuthorities: [new URL(h.httpsBaseUrl).host],
    },
    system: { networkClient: loopbackNetwork(h.ca) },
  });
}

describe('sandbox Entra ID: discovery and keys', () => {
  it.each([TENANT_ID, 'organizations', 'common'])(
    'serves OpenID discovery for %s with the issuer of its tokens',
    async (tenant) => {
      const res = await httpsCall(h.ca, `${h.httpsBaseUrl}/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      const doc = JSON.parse(res.text) as Record<string, string>;
      expect(doc.issuer).toBe(h.issuer.issuer);
      expect(doc.issuer).toBe(`${h.httpsBaseUrl}/${TENANT_ID}/v2.0`);
      expect(doc.token_endpoint).toBe(tokenUrl());
      expect(doc.authorization_endpoint).toBe(`${h.httpsBaseUrl}/${TENANT_ID}/oauth2/v2.0/authorize`);
      expect(doc.jwks_uri).toBe(`${h.httpsBaseUrl}/${TENANT_ID}/discovery/v2.0/keys`);
    },
  );

  it('answers an unknown tenant like Entra (AADSTS90002)', async () => {
    const res = await httpsCall(h.ca, `${h.httpsBaseUrl}/not-a-tenant/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
    expect(String(body.error_description)).toMatch(/^AADSTS90002:/);
    expect(body).toEqual(
      expect.objectContaining({
        trace_id: expect.any(String),
        correlation_id: expect.any(String),
        timestamp: expect.any(String),
      }),
    );
  });

  it('serves instance discovery naming the sandbox host', async () => {
    const res = await httpsCall(h.ca, `${h.httpsBaseUrl}/common/discovery/instance?api-version=1.1`);
    const body = JSON.parse(res.text) as {
      metadata: { aliases: string[] }[];
      tenant_discovery_endpoint: string;
    };
    expect(body.metadata[0]!.aliases).toEqual([new URL(h.httpsBaseUrl).host]);
    expect(body.tenant_discovery_endpoint).toContain('/v2.0/.well-known/openid-configuration');
  });

  it('issues tokens a standard verifier accepts through the JWKS URL', async () => {
    const { body } = await postToken({
      grant_type: 'client_credentials',
      client_id: SESAME.clientId,
      client_secret: SESAME.clientSecret!,
      scope: 'https://graph.microsoft.com/.default',
    });
    const jwks = createRemoteJWKSet(new URL(`${h.httpsBaseUrl}/${TENANT_ID}/discovery/v2.0/keys`), {
      [customFetch]: fetchTrusting(h.ca),
    });
    const { payload } = await jwtVerify(String(body.access_token), jwks, {
      issuer: `${h.httpsBaseUrl}/${TENANT_ID}/v2.0`,
      audience: 'https://graph.microsoft.com',
    });
    expect(payload).toEqual(
      expect.objectContaining({ tid: TENANT_ID, appid: SESAME.clientId, idtyp: 'app', ver: '2.0' }),
    );
  });
});

describe('sandbox Entra ID: authorization code with PKCE', () => {
  it('redeems a code once, with the right verifier, for a Graph token carrying the user and roles', async () => {
    const { verifier, challenge } = pkcePair();
    const redirect = await codeFor(USERS.alice.id, {
      client_id: SPA.clientId,
      redirect_uri: SPA.redirectUris[0]!,
      scope: 'openid profile offline_access User.Read',
      state: 'st-123',
      nonce: 'n-456',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(`${redirect.origin}${redirect.pathname}`).toBe(SPA.redirectUris[0]);
    expect(redirect.searchParams.get('state')).toBe('st-123');
    const code = redirect.searchParams.get('code')!;
    const redeem = (codeVerifier: string) =>
      postToken({
        grant_type: 'authorization_code',
        client_id: SPA.clientId,
        code,
        redirect_uri: SPA.redirectUris[0]!,
        code_verifier: codeVerifier,
      });

    const ok = await redeem(verifier);
    expect(ok.status).toBe(200);
    const access = decodeJwt(String(ok.body.access_token));
    expect(access).toEqual(
      expect.objectContaining({
        aud: 'https://graph.microsoft.com',
        iss: h.issuer.issuer,
        tid: TENANT_ID,
        oid: USERS.alice.id,
        upn: USERS.alice.userPrincipalName,
        scp: 'User.Read',
        wids: [ROLE.globalAdmin],
        azp: SPA.clientId,
      }),
    );
    expect(decodeJwt(String(ok.body.id_token))).toEqual(
      expect.objectContaining({ aud: SPA.clientId, nonce: 'n-456' }),
    );
    expect(ok.body.refresh_token).toEqual(expect.any(String));

    const again = await redeem(verifier);
    expect(again.status).toBe(400);
    expect(again.body.error_codes).toEqual([54005]);
  });

  it('refuses a wrong verifier, and the code is spent', async () => {
    const { challenge } = pkcePair();
    const redirect = await codeFor(USERS.bob.id, {
      client_id: SPA.clientId,
      redirect_uri: SPA.redirectUris[0]!,
      scope: 'openid User.Read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const res = await postToken({
      grant_type: 'authorization_code',
      client_id: SPA.clientId,
      code: redirect.searchParams.get('code')!,
      redirect_uri: SPA.redirectUris[0]!,
      code_verifier: 'not-the-verifier-not-the-verifier-not-the-verifier',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(String(res.body.error_description)).toMatch(/^AADSTS501481:/);
  });

  it('supports the plain method and binds the code to its redirect URI and client', async () => {
    const redirect = await codeFor(USERS.carol.id, {
      client_id: SESAME.clientId,
      redirect_uri: SESAME.redirectUris[1]!,
      scope: 'User.Read',
      code_challenge: 'plain-challenge-plain-challenge-plain-challenge-0123',
      code_challenge_method: 'plain',
    });
    const res = await postToken({
      grant_type: 'authorization_code',
      client_id: SESAME.clientId,
      client_secret: SESAME.clientSecret!,
      code: redirect.searchParams.get('code')!,
      redirect_uri: SESAME.redirectUris[0]!,
      code_verifier: 'plain-challenge-plain-challenge-plain-challenge-0123',
    });
    expect(res.body.error_codes).toEqual([50011]);

    const second = await codeFor(USERS.carol.id, {
      client_id: SESAME.clientId,
      redirect_uri: SESAME.redirectUris[1]!,
      scope: 'User.Read',
      code_challenge: 'plain-challenge-plain-challenge-plain-challenge-0123',
      code_challenge_method: 'plain',
    });
    const ok = await postToken({
      grant_type: 'authorization_code',
      client_id: SESAME.clientId,
      client_secret: SESAME.clientSecret!,
      code: second.searchParams.get('code')!,
      redirect_uri: SESAME.redirectUris[1]!,
      code_verifier: 'plain-challenge-plain-challenge-plain-challenge-0123',
    });
    expect(ok.status).toBe(200);
    expect(decodeJwt(String(ok.body.access_token)).oid).toBe(USERS.carol.id);
  });

  it('lets a code expire', async () => {
    const { verifier, challenge } = pkcePair();
    const redirect = await codeFor(USERS.alice.id, {
      client_id: SPA.clientId,
      redirect_uri: SPA.redirectUris[0]!,
      scope: 'User.Read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    h.clock.nowMs += 6 * 60_000;
    try {
      const res = await postToken({
        grant_type: 'authorization_code',
        client_id: SPA.clientId,
        code: redirect.searchParams.get('code')!,
        redirect_uri: SPA.redirectUris[0]!,
        code_verifier: verifier,
      });
      expect(res.body.error_codes).toEqual([70008]);
    } finally {
      h.clock.nowMs -= 6 * 60_000;
    }
  });

  it('redirects an unconsented scope back to the app with AADSTS65001', async () => {
    const res = await fetch(
      authorizeUrl(h.httpBaseUrl, {
        client_id: SPA.clientId,
        redirect_uri: SPA.redirectUris[0]!,
        scope: 'https://graph.microsoft.com/Directory.ReadWrite.All',
        state: 'x',
      }),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('consent_required');
    expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65001:/);
    expect(location.searchParams.get('state')).toBe('x');
  });
});

describe('sandbox Entra ID: refresh tokens', () => {
  it('rotates: a refresh token works once and returns the next one', async () => {
    const { verifier, challenge } = pkcePair();
    const redirect = await codeFor(USERS.bob.id, {
      client_id: SPA.clientId,
      redirect_uri: SPA.redirectUris[0]!,
      scope: 'openid offline_access User.Read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const first = await postToken({
      grant_type: 'authorization_code',
      client_id: SPA.clientId,
      code: redirect.searchParams.get('code')!,
      redirect_uri: SPA.redirectUris[0]!,
      code_verifier: verifier,
    });
    const rt1 = String(first.body.refresh_token);
    const refreshed = await postToken({
      grant_type: 'refresh_token',
      client_id: SPA.clientId,
      refresh_token: rt1,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(String(refreshed.body.access_token)).oid).toBe(USERS.bob.id);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(rt1);

    const replay = await postToken({
      grant_type: 'refresh_token',
      client_id: SPA.clientId,
      refresh_token: rt1,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const other = await postToken({
      grant_type: 'refresh_token',
      client_id: SESAME.clientId,
      client_secret: SESAME.clientSecret!,
      refresh_token: String(refreshed.body.refresh_token),
    });
    expect(other.status).toBe(400);
  });
});

describe('sandbox Entra ID: client authentication', () => {
  it('refuses a wrong secret (401, AADSTS7000215) and an unknown client (AADSTS700016)', async () => {
    const wrong = await postToken({
      grant_type: 'client_credentials',
      client_id: SESAME.clientId,
      client_secret: 'nope',
      scope: 'https://api.botframework.com/.default',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.body.error_codes).toEqual([7000215]);
    const unknown = await postToken({
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(unknown.body.error_codes).toEqual([700016]);
  });
});

describe('sandbox Entra ID through @azure/msal-node, unchanged', () => {
  it('on-behalf-of: exchanges a Teams SSO token for a Graph token with the consented scopes', async () => {
    const sso = await h.apps.botFramework.mintTeamsSsoToken({
      userIdOrUpn: USERS.bob.userPrincipalName,
      appId: SESAME.clientId,
    });
    const cca = msalClient();
    const all = await cca.acquireTokenOnBehalfOf({
      oboAssertion: sso,
      scopes: ['https://graph.microsoft.com/.default'],
    });
    const claims = decodeJwt(all!.accessToken);
    expect(claims).toEqual(
      expect.objectContaining({
        aud: 'https://graph.microsoft.com',
        oid: USERS.bob.id,
        appid: SESAME.clientId,
      }),
    );
    expect(String(claims.scp).split(' ').sort()).toEqual([...SESAME.consentedGraphScopes].sort());
    expect(claims.wids).toEqual([ROLE.guestInviter, ROLE.userAdmin]);

    const one = await cca.acquireTokenOnBehalfOf({
      oboAssertion: sso,
      scopes: ['https://graph.microsoft.com/User.Invite.All'],
    });
    expect(decodeJwt(one!.accessToken).scp).toBe('User.Invite.All');
  });

  it('on-behalf-of: an unconsented scope fails with AADSTS65001 consent_required', async () => {
    const sso = await h.apps.botFramework.mintTeamsSsoToken({
      userIdOrUpn: USERS.alice.id,
      appId: SESAME.clientId,
    });
    await expect(
      msalClient().acquireTokenOnBehalfOf({
        oboAssertion: sso,
        scopes: ['https://graph.microsoft.com/Directory.ReadWrite.All'],
      }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      subError: 'consent_required',
      errorMessage: expect.stringMatching(/AADSTS65001/),
    });
  });

  it('on-behalf-of: an assertion for another audience fails', async () => {
    const graphToken = await h.issuer.issueGraphToken(USERS.alice, ['User.Read'], SESAME.clientId);
    await expect(
      msalClient().acquireTokenOnBehalfOf({
        oboAssertion: graphToken,
        scopes: ['https://graph.microsoft.com/.default'],
      }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringMatching(/AADSTS500131/),
    });
  });

  it('authorization code then refresh token', async () => {
    const { verifier, challenge } = pkcePair();
    const redirect = await codeFor(USERS.alice.id, {
      client_id: SESAME.clientId,
      redirect_uri: SESAME.redirectUris[0]!,
      scope: 'openid profile offline_access https://graph.microsoft.com/User.Read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const cca = msalClient();
    const byCode = await cca.acquireTokenByCode({
      code: redirect.searchParams.get('code')!,
      redirectUri: SESAME.redirectUris[0]!,
      scopes: ['https://graph.microsoft.com/User.Read'],
      codeVerifier: verifier,
    });
    expect(decodeJwt(byCode.accessToken).oid).toBe(USERS.alice.id);
    expect(byCode.account?.username).toBe(USERS.alice.userPrincipalName);

    const cache = JSON.parse(cca.getTokenCache().serialize()) as {
      RefreshToken: Record<string, { secret: string }>;
    };
    const refreshToken = Object.values(cache.RefreshToken)[0]!.secret;
    const byRefresh = await msalClient().acquireTokenByRefreshToken({
      refreshToken,
      scopes: ['https://graph.microsoft.com/User.Read'],
    });
    expect(decodeJwt(byRefresh!.accessToken)).toEqual(
      expect.objectContaining({ oid: USERS.alice.id, scp: 'User.Read' }),
    );
  });

  it('client credentials for the Bot Framework audience', async () => {
    const result = await msalClient().acquireTokenByClientCredential({
      scopes: ['https://api.botframework.com/.default'],
    });
    expect(decodeJwt(result!.accessToken)).toEqual(
      expect.objectContaining({
        aud: 'https://api.botframework.com',
        appid: SESAME.clientId,
        iss: h.issuer.issuer,
      }),
    );
  });

  it('also works configured with authorityMetadata and cloudDiscoveryMetadata instead of knownAuthorities', async () => {
    const host = new URL(h.httpsBaseUrl).host;
    const metadata = await httpsCall(
      h.ca,
      `${h.httpsBaseUrl}/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const discovery = await httpsCall(h.ca, `${h.httpsBaseUrl}/common/discovery/instance?api-version=1.1`);
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: SESAME.clientId,
        clientSecret: SESAME.clientSecret!,
        authority: `${h.httpsBaseUrl}/${TENANT_ID}`,
        authorityMetadata: metadata.text,
        cloudDiscoveryMetadata: discovery.text,
      },
      system: { networkClient: loopbackNetwork(h.ca) },
    });
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(decodeJwt(result!.accessToken).aud).toBe('https://graph.microsoft.com');
    expect(host).toContain('127.0.0.1');
  });
});

describe('sandbox sign-in page', () => {
  const pageUrl = (extra: Record<string, string> = {}) =>
    authorizeUrl(h.httpBaseUrl, {
      client_id: SPA.clientId,
      redirect_uri: SPA.redirectUris[0]!,
      scope: 'User.Read',
      ...extra,
    });

  it('lists the sign-in users with their role badges, in English', async () => {
    const res = await fetch(pageUrl(), { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Pick an account');
    expect(html).toContain(USERS.alice.userPrincipalName);
    expect(html).toContain('Global Administrator');
    expect(html).toContain('Guest Inviter');
    expect(html).toContain('User Administrator');
    expect(html).not.toContain(USERS.dave.userPrincipalName);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"\s]*\.(css|js|png|svg)/);
  });

  it('speaks French by ui_locales or Accept-Language', async () => {
    const byUi = await (await fetch(pageUrl({ ui_locales: 'fr-FR' }))).text();
    expect(byUi).toContain('Choisissez un compte');
    expect(byUi).toContain('Administrateur général');
    const byHeader = await (
      await fetch(pageUrl(), { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } })
    ).text();
    expect(byHeader).toContain('lang="fr"');
  });

  it('escapes every user-controlled string', async () => {
    const html = await (await fetch(pageUrl({ state: '"><script>alert(1)</script>' }))).text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; &#34;Mallory&#34; &#38; co');
  });

  it('serves the same page over HTTPS', async () => {
    const res = await httpsCall(
      h.ca,
      authorizeUrl(h.httpsBaseUrl, {
        client_id: SPA.clientId,
        redirect_uri: SPA.redirectUris[0]!,
        scope: 'User.Read',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain(USERS.bob.displayName);
  });

  it('shows an error page, not a redirect, for an unknown client or an unregistered redirect URI', async () => {
    const unknown = await fetch(
      authorizeUrl(h.httpBaseUrl, {
        client_id: 'nobody',
        redirect_uri: 'https://evil.example/cb',
        scope: 'User.Read',
      }),
      { redirect: 'manual' },
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('AADSTS700016');
    const badRedirect = await fetch(
      authorizeUrl(h.httpBaseUrl, {
        client_id: SPA.clientId,
        redirect_uri: 'https://evil.example/cb',
        scope: 'User.Read',
      }),
      { redirect: 'manual' },
    );
    expect(badRedirect.status).toBe(400);
    expect(badRedirect.headers.get('location')).toBeNull();
    expect(await badRedirect.text()).toContain('AADSTS50011');
  });

  it('refuses a post without the CSRF cookie, and a pending request is single-use', async () => {
    const page = await fetch(pageUrl());
    const html = await page.text();
    const request = /name="request" value="([^"]*)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]*)"/.exec(html)![1]!;
    const body = new URLSearchParams({ request, csrf, user: USERS.alice.id }).toString();
    const forged = await fetch(`${h.httpBaseUrl}/${TENANT_ID}/oauth2/v2.0/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(forged.status).toBe(403);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const post = () =>
      fetch(`${h.httpBaseUrl}/${TENANT_ID}/oauth2/v2.0/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body,
      });
    expect((await post()).status).toBe(302);
    expect((await post()).status).toBe(400);
  });
});
