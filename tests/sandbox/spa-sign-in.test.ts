/**
 * The tab outside Teams signs in like a single-page app registered in Entra: authorization code + PKCE at the
 * authorize page, the code redeemed by the page itself with no secret, the token endpoint answering its origin
 * with CORS. Only the app's SPA redirect URIs (loopback: any port) get that; everything else still needs a secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

describe('tab sign-in outside Teams (SPA code + PKCE)', () => {
  let stack: LocalStack;
  let settings: { signInAuthorizeUrl: string; signInTokenUrl: string; signInScope: string; appId: string };
  beforeAll(async () => {
    stack = await startLocalStack();
    settings = (await (await fetch(`${stack.sesame.url}/tab/config.json`)).json()) as typeof settings;
  });
  afterAll(async () => {
    await stack.stop();
  });

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  /** Through the authorize page as a person would: returns the code the browser is redirected with. */
  async function authorize(
    redirectUri: string,
  ): Promise<{ status: number; code?: string; location?: string }> {
    const url = new URL(settings.signInAuthorizeUrl);
    url.search = new URLSearchParams({
      client_id: settings.appId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: settings.signInScope,
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const page = await fetch(url);
    const html = await page.text();
    if (page.status !== 200) return { status: page.status };
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
    const hidden = Object.fromEntries(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, k, v]) => [k, v]),
    );
    const done = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ ...hidden, user: SEED_USERS.globalAdmin.id }).toString(),
    });
    const location = done.headers.get('location') ?? undefined;
    return {
      status: done.status,
      ...(location ? { location, code: new URL(location).searchParams.get('code') ?? undefined } : {}),
    };
  }

  const redeem = (body: Record<string, string>, origin?: string) =>
    fetch(settings.signInTokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin ? { origin } : {}),
      },
      body: new URLSearchParams(body).toString(),
    });

  it('the tab’s own address (any loopback port) gets a token for Sesame’s API, with CORS, without a secret', async () => {
    const redirectUri = `${stack.sesame.url}/tab/index.html`;
    const { code, location } = await authorize(redirectUri);
    expect(location?.startsWith(redirectUri)).toBe(true);
    const origin = new URL(stack.sesame.url).origin;
    const res = await redeem(
      {
        client_id: settings.appId,
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      },
      origin,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const { access_token } = (await res.json()) as { access_token: string };
    // The tab API accepts it: same audience and issuer as a Teams SSO token.
    const me = await fetch(`${stack.sesame.url}/api/tab/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { name: string }).name).toBe(SEED_USERS.globalAdmin.displayName);
  });

  it('without the PKCE verifier the code is refused', async () => {
    const redirectUri = `${stack.sesame.url}/tab/index.html`;
    const { code } = await authorize(redirectUri);
    const res = await redeem({
      client_id: settings.appId,
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: redirectUri,
    });
    expect(res.status).toBe(400);
  });

  it('another page of the same origin is not a redirect URI; a foreign origin gets no CORS', async () => {
    expect((await authorize(`${stack.sesame.url}/other.html`)).status).toBe(400);
    const res = await redeem(
      { client_id: settings.appId, grant_type: 'authorization_code', code: 'x' },
      'https://evil.example',
    );
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a confidential redirect URI still needs the secret', async () => {
    const { code } = await authorize('http://127.0.0.1:3978/auth/end');
    const res = await redeem({
      client_id: settings.appId,
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: 'http://127.0.0.1:3978/auth/end',
      code_verifier: verifier,
    });
    expect(res.status).toBe(401);
  });
});
