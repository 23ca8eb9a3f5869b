/**
 * Signing in to the tab outside Teams (npm start's printed tab URL): authorization code + PKCE at the tenant's
 * authorize page, the code redeemed by this page (an SPA redirect URI, so no secret), the access token kept in
 * this tab's sessionStorage only. Inside Teams the tab uses Teams SSO instead.
 */
import type { TabPublicConfig } from './api-client.js';

export interface BrowserSignInSettings {
  readonly clientId: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly scope: string;
}

const PENDING_KEY = 'sesame.tab.signin.pending';
const TOKEN_KEY = 'sesame.tab.signin.token';

export function browserSignInSettings(config: TabPublicConfig): BrowserSignInSettings | undefined {
  const c = config as unknown as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined);
  const authorizeUrl = str('signInAuthorizeUrl');
  const tokenUrl = str('signInTokenUrl');
  const scope = str('signInScope');
  if (!authorizeUrl || !tokenUrl || !scope || !config.appId) return undefined;
  return { clientId: config.appId, authorizeUrl, tokenUrl, scope };
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** This page without its query: the redirect URI the app registration lists. */
function redirectUri(location: Location): string {
  return `${location.origin}${location.pathname}`;
}

/** Goes to the authorize page; the browser comes back to this page with ?code=…&state=…. */
export async function beginSignIn(settings: BrowserSignInSettings, uiLocale: string): Promise<void> {
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(settings.authorizeUrl);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(window.location),
    response_mode: 'query',
    scope: settings.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ui_locales: uiLocale,
  }).toString();
  window.location.assign(url.toString());
}

export class BrowserSignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BrowserSignInError';
  }
}

/**
 * After the authorize page: redeems the code (once) and keeps the token. Without a code in the address, returns the
 * token kept earlier if it is still valid, else undefined (the caller offers to sign in).
 */
export function completeSignIn(settings: BrowserSignInSettings): Promise<string | undefined> {
  // Once per page load: a second caller (React's strict mode runs effects twice) shares the first redemption.
  completing ??= redeem(settings);
  return completing;
}

let completing: Promise<string | undefined> | undefined;

async function redeem(settings: BrowserSignInSettings): Promise<string | undefined> {
  const query = new URLSearchParams(window.location.search);
  const code = query.get('code');
  const error = query.get('error');
  if (code || error) {
    // Whatever happens, the code leaves the address bar and the history.
    window.history.replaceState(null, '', redirectUri(window.location));
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
      verifier: string;
      state: string;
    } | null;
    sessionStorage.removeItem(PENDING_KEY);
    if (error) throw new BrowserSignInError(error, query.get('error_description') ?? error);
    if (!pending || pending.state !== query.get('state'))
      throw new BrowserSignInError('state_mismatch', 'This sign-in answer was not asked for by this page.');
    const res = await fetch(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: settings.clientId,
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: redirectUri(window.location),
        code_verifier: pending.verifier,
        scope: settings.scope,
      }).toString(),
      credentials: 'omit',
    });
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!res.ok || !body.access_token)
      throw new BrowserSignInError(
        body.error ?? 'token_failed',
        body.error_description ?? `HTTP ${res.status}`,
      );
    const expiresAt = Date.now() + (body.expires_in ?? 3600) * 1000;
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token: body.access_token, expiresAt }));
    return body.access_token;
  }
  const kept = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null') as {
    token: string;
    expiresAt: number;
  } | null;
  // A minute of margin: a token about to expire would fail the next call.
  if (kept && kept.expiresAt - 60_000 > Date.now()) return kept.token;
  sessionStorage.removeItem(TOKEN_KEY);
  return undefined;
}

export function forgetSignIn(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  completing = undefined;
}
