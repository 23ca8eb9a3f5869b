import { createHash, randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { GRAPH_AUDIENCE, type SandboxAppRegistration } from '../contracts.js';
import { issueDelegatedTokens } from './delegated-tokens.js';
import { EntraError, entraErrors } from './entra-errors.js';
import {
  ACCESS_TOKEN_LIFETIME_S,
  CODE_LIFETIME_MS,
  PENDING_LIFETIME_MS,
  randomToken,
  sameSecret,
  type IdentityContext,
  type PendingAuthorization,
} from './identity-context.js';
import { BOT_FRAMEWORK_AUDIENCE, grantGraphScopes, parseScopes } from './scopes.js';
import {
  PAGE_SECURITY_HEADERS,
  pickLanguage,
  renderFormPost,
  renderMessagePage,
  renderSignInPage,
  type PageLanguage,
} from './sign-in-page.js';
import { VerificationError } from './token-issuer.js';

const FORM_POST_CSP = (nonce: string, redirectOrigin: string) =>
  `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${redirectOrigin}; base-uri 'none'; frame-ancestors 'none'`;

/** A stable object id for an app's service principal in the sandbox tenant (app-only tokens carry it as oid). */
export function servicePrincipalId(clientId: string): string {
  const h = createHash('sha256').update(`sp:${clientId.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function openIdConfiguration(ctx: IdentityContext): Record<string, unknown> {
  const base = `${ctx.httpsBaseUrl}/${ctx.directory.tenantId}`;
  const host = new URL(ctx.httpsBaseUrl).host;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: ctx.issuer.issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.httpsBaseUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'oid',
      'email',
    ],
    code_challenge_methods_supported: ['S256', 'plain'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The answer to MSAL's instance discovery: the sandbox host is its own, only alias. */
export function instanceDiscovery(ctx: IdentityContext): Record<string, unknown> {
  const host = new URL(ctx.httpsBaseUrl).host;
  return {
    tenant_discovery_endpoint: `${ctx.httpsBaseUrl}/${ctx.directory.tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

function entraJson(c: Context, ctx: IdentityContext, error: EntraError) {
  return c.json(error.body(ctx.now(), ctx.httpsBaseUrl), error.status, {
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
}

interface ClientAuth {
  readonly app: SandboxAppRegistration;
  readonly confidential: boolean;
}

function authenticateClient(
  ctx: IdentityContext,
  params: URLSearchParams,
  authorization?: string,
): ClientAuth {
  let basicId: string | undefined;
  let basicSecret: string | undefined;
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      basicId = decodeURIComponent(decoded.slice(0, colon));
      basicSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  const clientId = params.get('client_id') ?? basicId;
  if (!clientId) throw entraErrors.missingParameter('client_id');
  const app = ctx.findApp(clientId);
  if (!app) throw entraErrors.unknownClient(clientId);
  if (params.has('client_assertion')) {
    throw new EntraError(
      401,
      'invalid_client',
      700027,
      'Client assertion failed signature validation: the sandbox tenant accepts client secrets only.',
    );
  }
  const secret = params.get('client_secret') ?? basicSecret;
  // A code issued to the app's SPA redirect URI is redeemed by the browser page: no secret, PKCE required.
  const spaRedemption =
    !secret &&
    params.get('grant_type') === 'authorization_code' &&
    isSpaRedirect(app, params.get('redirect_uri') ?? '');
  if (app.clientSecret && !spaRedemption) {
    if (!secret) throw entraErrors.secretRequired();
    if (!sameSecret(secret, app.clientSecret)) throw entraErrors.invalidSecret(app.clientId);
    return { app, confidential: true };
  }
  if (secret) {
    throw new EntraError(
      401,
      'invalid_client',
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    );
  }
  return { app, confidential: false };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Same URI, or a loopback SPA redirect URI on another port (Entra ignores the port of localhost redirects). */
function isSpaRedirect(app: SandboxAppRegistration, uri: string): boolean {
  let candidate: URL;
  try {
    candidate = new URL(uri);
  } catch {
    return false;
  }
  return (app.spaRedirectUris ?? []).some((registered) => {
    if (registered === uri) return true;
    const r = new URL(registered);
    return (
      LOOPBACK_HOSTS.has(r.hostname) &&
      r.hostname === candidate.hostname &&
      r.protocol === candidate.protocol &&
      r.pathname === candidate.pathname &&
      candidate.search === '' &&
      candidate.hash === ''
    );
  });
}

function isSpaOrigin(app: SandboxAppRegistration, origin: string): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  return (app.spaRedirectUris ?? []).some((registered) => {
    const r = new URL(registered);
    if (r.origin === o.origin) return true;
    return LOOPBACK_HOSTS.has(r.hostname) && r.hostname === o.hostname && r.protocol === o.protocol;
  });
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw entraErrors.missingParameter(name);
  return value;
}

function pkceMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed.length === challenge.length && sameSecret(computed, challenge);
}

async function redeemCode(ctx: IdentityContext, auth: ClientAuth, params: URLSearchParams) {
  const code = required(params, 'code');
  const record = ctx.codes.get(code);
  if (!record) throw ctx.redeemedCodes.has(code) ? entraErrors.codeRedeemed() : entraErrors.codeInvalid();
  // Single use whatever the outcome, so a code cannot be replayed or its verifier guessed.
  ctx.codes.delete(code);
  ctx.redeemedCodes.add(code);
  if (record.clientId.toLowerCase() !== auth.app.clientId.toLowerCase()) throw entraErrors.codeInvalid();
  if (record.expiresAt <= ctx.now()) throw entraErrors.codeExpired();
  const redirectUri = required(params, 'redirect_uri');
  if (redirectUri !== record.redirectUri) throw entraErrors.redirectMismatch(auth.app.clientId, redirectUri);
  if (record.codeChallenge) {
    const verifier = params.get('code_verifier');
    if (!verifier) throw entraErrors.missingParameter('code_verifier');
    if (!pkceMatches(verifier, record.codeChallenge, record.codeChallengeMethod ?? 'plain')) {
      throw entraErrors.pkceMismatch();
    }
  } else if (!auth.confidential) {
    throw entraErrors.pkceRequired();
  }
  const principal = ctx.signInUser(record.principalId);
  if (!principal) throw entraErrors.userDisabled();
  return issueDelegatedTokens(ctx, auth.app, principal, record.scope, record.nonce);
}

async function redeemRefreshToken(ctx: IdentityContext, auth: ClientAuth, params: URLSearchParams) {
  const token = required(params, 'refresh_token');
  const grant = ctx.refreshTokens.get(token);
  if (!grant || grant.clientId.toLowerCase() !== auth.app.clientId.toLowerCase())
    throw entraErrors.refreshInvalid();
  // Rotation: a refresh token works once; the answer carries the next one.
  ctx.refreshTokens.delete(token);
  if (grant.expiresAt <= ctx.now()) throw entraErrors.codeExpired();
  const principal = ctx.signInUser(grant.principalId);
  if (!principal) throw entraErrors.userDisabled();
  const scope = params.get('scope') || grant.scope;
  const withOffline = /(^|\s)offline_access(\s|$)/i.test(scope) ? scope : `${scope} offline_access`;
  return issueDelegatedTokens(ctx, auth.app, principal, withOffline);
}

async function onBehalfOf(ctx: IdentityContext, auth: ClientAuth, params: URLSearchParams) {
  if (!auth.confidential) throw entraErrors.secretRequired();
  if (params.get('requested_token_use') !== 'on_behalf_of') throw entraErrors.requestedTokenUse();
  const assertion = required(params, 'assertion');
  const scope = required(params, 'scope');
  const app = auth.app;
  const audiences = [
    app.clientId,
    `api://${app.clientId}`,
    ...(app.applicationIdUri ? [app.applicationIdUri] : []),
  ];
  let claims;
  try {
    claims = await ctx.issuer.verify(assertion, audiences);
  } catch (e) {
    const message = e instanceof Error ? e.message : 'invalid assertion';
    if (e instanceof VerificationError && /"aud"/.test(message)) throw entraErrors.assertionAudience();
    throw entraErrors.assertionInvalid(message);
  }
  if (!claims.scp || !claims.oid)
    throw entraErrors.assertionInvalid('the assertion is not a delegated user token');
  const principal = ctx.signInUser(claims.oid);
  if (!principal) throw entraErrors.userDisabled();
  return issueDelegatedTokens(ctx, app, principal, scope);
}

async function clientCredentials(ctx: IdentityContext, auth: ClientAuth, params: URLSearchParams) {
  if (!auth.confidential) throw entraErrors.secretRequired();
  const scope = required(params, 'scope');
  const { resource } = parseScopes(scope, ctx.apps);
  let audience: string;
  if (resource.kind === 'botframework') audience = BOT_FRAMEWORK_AUDIENCE;
  else if (resource.kind === 'graph' && resource.scopes === 'default') audience = GRAPH_AUDIENCE;
  else if (resource.kind === 'app' && resource.scopes === 'default') audience = resource.app.clientId;
  else {
    throw new EntraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const spId = servicePrincipalId(auth.app.clientId);
  const accessToken = await ctx.issuer.sign({
    aud: audience,
    oid: spId,
    sub: spId,
    azp: auth.app.clientId,
    appid: auth.app.clientId,
    idtyp: 'app',
    roles: [],
    lifetimeSeconds: ACCESS_TOKEN_LIFETIME_S,
  });
  return {
    token_type: 'Bearer' as const,
    expires_in: ACCESS_TOKEN_LIFETIME_S - 1,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S - 1,
    access_token: accessToken,
  };
}

function messagePage(c: Context, lang: PageLanguage, status: 400 | 403, message: string) {
  return c.html(renderMessagePage(lang, 'error', message), status, PAGE_SECURITY_HEADERS);
}

function redirectWith(
  c: Context,
  pending: Pick<PendingAuthorization, 'redirectUri' | 'responseMode' | 'state'>,
  fields: Record<string, string>,
) {
  const all: Record<string, string> = {
    ...fields,
    ...(pending.state !== undefined ? { state: pending.state } : {}),
  };
  if (pending.responseMode === 'form_post') {
    const nonce = randomToken(16);
    return c.html(renderFormPost(pending.redirectUri, all, nonce), 200, {
      ...PAGE_SECURITY_HEADERS,
      'Content-Security-Policy': FORM_POST_CSP(nonce, new URL(pending.redirectUri).origin),
    });
  }
  const url = new URL(pending.redirectUri);
  if (pending.responseMode === 'fragment') url.hash = new URLSearchParams(all).toString();
  else for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return c.redirect(url.toString(), 302);
}

function redirectError(
  c: Context,
  ctx: IdentityContext,
  pending: Pick<PendingAuthorization, 'redirectUri' | 'responseMode' | 'state'>,
  error: EntraError,
) {
  const body = error.body(ctx.now(), ctx.httpsBaseUrl);
  return redirectWith(c, pending, {
    error: error.suberror ?? error.error,
    error_description: body.error_description,
  });
}

export const CSRF_COOKIE_PREFIX = 'sbx_csrf_';

/** Authorize page (GET shows the accounts, POST picks one). Mounted on both listeners. */
export function mountAuthorize(app: Hono, ctx: IdentityContext, secureCookies: boolean): void {
  app.get('/:tenant/oauth2/v2.0/authorize', (c) => {
    const q = c.req.query();
    const lang = pickLanguage(q.ui_locales, c.req.header('accept-language'));
    const fr = lang === 'fr';
    if (!ctx.isKnownTenant(c.req.param('tenant'))) {
      return messagePage(c, lang, 400, entraErrors.unknownTenant(c.req.param('tenant')).message);
    }
    const client = ctx.findApp(q.client_id);
    if (!client) {
      return messagePage(c, lang, 400, entraErrors.unknownClient(q.client_id ?? '').message);
    }
    const redirectUri =
      q.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (!redirectUri || (!client.redirectUris.includes(redirectUri) && !isSpaRedirect(client, redirectUri))) {
      return messagePage(
        c,
        lang,
        400,
        entraErrors.redirectMismatch(client.clientId, redirectUri ?? '').message,
      );
    }
    const responseMode = q.response_mode ?? 'query';
    const target = {
      redirectUri,
      responseMode: (['query', 'fragment', 'form_post'].includes(responseMode)
        ? responseMode
        : 'query') as PendingAuthorization['responseMode'],
      state: q.state,
    };
    if (q.response_type !== 'code') {
      return redirectError(
        c,
        ctx,
        target,
        new EntraError(
          400,
          'unsupported_response_type',
          700054,
          `response_type '${q.response_type ?? ''}' is not enabled for the application. The sandbox tenant supports 'code'.`,
        ),
      );
    }
    const method = q.code_challenge_method ?? (q.code_challenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return redirectError(
        c,
        ctx,
        target,
        new EntraError(
          400,
          'invalid_request',
          50148,
          `The code_challenge_method '${method}' is not supported.`,
        ),
      );
    }
    if (!q.scope) return redirectError(c, ctx, target, entraErrors.missingParameter('scope'));
    try {
      const { resource } = parseScopes(q.scope, ctx.apps);
      if (resource.kind === 'graph') grantGraphScopes(resource.scopes, client);
      if (resource.kind === 'botframework') throw entraErrors.invalidScope(q.scope);
    } catch (e) {
      if (e instanceof EntraError) return redirectError(c, ctx, target, e);
      throw e;
    }
    if (q.prompt === 'none') {
      return redirectError(
        c,
        ctx,
        target,
        new EntraError(
          400,
          'login_required',
          50058,
          'A silent sign-in request was sent but no user is signed in.',
        ),
      );
    }
    ctx.sweep();
    const pending: PendingAuthorization = {
      id: randomToken(24),
      csrf: randomToken(24),
      clientId: client.clientId,
      ...target,
      scope: q.scope,
      ...(q.nonce ? { nonce: q.nonce } : {}),
      ...(q.code_challenge
        ? { codeChallenge: q.code_challenge, codeChallengeMethod: method as 'S256' | 'plain' }
        : {}),
      lang,
      expiresAt: ctx.now() + PENDING_LIFETIME_MS,
    };
    ctx.pending.set(pending.id, pending);
    setCookie(c, `${CSRF_COOKIE_PREFIX}${pending.id}`, pending.csrf, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookies,
      maxAge: PENDING_LIFETIME_MS / 1000,
    });
    const hint = q.login_hint ? ctx.directory.findPrincipal(q.login_hint)?.id : undefined;
    return c.html(
      renderSignInPage({
        lang,
        tenantName: ctx.directory.tenantDisplayName,
        appName: client.displayName,
        users: ctx.directory.listSignInUsers(c.req.param('tenant')),
        action: c.req.path,
        hidden: { request: pending.id, csrf: pending.csrf },
        ...(hint ? { hintPrincipalId: hint } : {}),
      }),
      200,
      { ...PAGE_SECURITY_HEADERS, 'Content-Language': fr ? 'fr' : 'en' },
    );
  });

  app.post('/:tenant/oauth2/v2.0/authorize', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const requestId = form.get('request') ?? '';
    const pending = ctx.pending.get(requestId);
    const lang = pending?.lang ?? pickLanguage(undefined, c.req.header('accept-language'));
    const expired =
      lang === 'fr'
        ? 'Cette demande de connexion a expiré. Recommencez depuis l’application.'
        : 'This sign-in request has expired. Start again from the app.';
    if (!pending) return messagePage(c, lang, 400, expired);
    const cookieName = `${CSRF_COOKIE_PREFIX}${pending.id}`;
    const cookie = getCookie(c, cookieName);
    const csrf = form.get('csrf') ?? '';
    if (!cookie || !sameSecret(cookie, pending.csrf) || !sameSecret(csrf, pending.csrf)) {
      return messagePage(
        c,
        lang,
        403,
        lang === 'fr'
          ? 'Requête refusée (jeton anti-CSRF invalide).'
          : 'Request refused (invalid anti-forgery token).',
      );
    }
    ctx.pending.delete(pending.id);
    deleteCookie(c, cookieName, { path: '/', secure: secureCookies });
    if (pending.expiresAt <= ctx.now()) return messagePage(c, lang, 400, expired);
    const principal = ctx.signInUser(form.get('user') ?? '');
    if (
      !principal ||
      !ctx.directory.listSignInUsers(c.req.param('tenant')).some((u) => u.id === principal.id)
    ) {
      return messagePage(
        c,
        lang,
        400,
        lang === 'fr' ? 'Compte inconnu ou désactivé.' : 'Unknown or disabled account.',
      );
    }
    const code = randomToken(48);
    ctx.codes.set(code, {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      principalId: principal.id,
      scope: pending.scope,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
      ...(pending.codeChallenge
        ? {
            codeChallenge: pending.codeChallenge,
            codeChallengeMethod: pending.codeChallengeMethod ?? 'plain',
          }
        : {}),
      expiresAt: ctx.now() + CODE_LIFETIME_MS,
    });
    return redirectWith(c, pending, { code, session_state: randomUUID() });
  });
}

/** Discovery, keys, instance discovery and the token endpoint (HTTPS listener). */
export function mountEntra(app: Hono, ctx: IdentityContext): void {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const tenant = c.req.param('tenant');
    if (!ctx.isKnownTenant(tenant)) return entraJson(c, ctx, entraErrors.unknownTenant(tenant));
    return c.json(openIdConfiguration(ctx));
  });
  app.get('/:tenant/discovery/v2.0/keys', (c) => c.json(ctx.issuer.jwks()));
  app.get('/:tenant/discovery/keys', (c) => c.json(ctx.issuer.jwks()));
  app.get('/:tenant/discovery/instance', (c) => c.json(instanceDiscovery(ctx)));

  mountToken(app, ctx);
}

/**
 * The token endpoint. Mounted on both listeners: the HTTPS one is MSAL's authority; a browser page (the tab outside
 * Teams) reaches the HTTP one, since it cannot trust the sandbox's self-made certificate.
 */
export function mountToken(app: Hono, ctx: IdentityContext): void {
  // Entra answers SPA redirect URIs' origins with CORS on the token endpoint.
  app.use('/:tenant/oauth2/v2.0/token', async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && ctx.apps.some((a) => isSpaOrigin(a, origin));
    if (c.req.method === 'OPTIONS') {
      if (!allowed) return c.body(null, 403);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'content-type',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    await next();
    if (allowed) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.append('Vary', 'Origin');
    }
  });
  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    try {
      const tenant = c.req.param('tenant');
      if (!ctx.isKnownTenant(tenant)) throw entraErrors.unknownTenant(tenant);
      const params = new URLSearchParams(await c.req.text());
      const grantType = required(params, 'grant_type');
      const auth = authenticateClient(ctx, params, c.req.header('authorization'));
      let body;
      switch (grantType) {
        case 'authorization_code':
          body = await redeemCode(ctx, auth, params);
          break;
        case 'refresh_token':
          body = await redeemRefreshToken(ctx, auth, params);
          break;
        case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
          body = await onBehalfOf(ctx, auth, params);
          break;
        case 'client_credentials':
          body = await clientCredentials(ctx, auth, params);
          break;
        default:
          throw entraErrors.unsupportedGrant(grantType);
      }
      return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    } catch (e) {
      if (e instanceof EntraError) return entraJson(c, ctx, e);
      throw e;
    }
  });
}
