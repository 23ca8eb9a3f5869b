import type { SandboxAppRegistration, SandboxPrincipal } from '../contracts.js';
import { entraErrors } from './entra-errors.js';
import {
  ACCESS_TOKEN_LIFETIME_S,
  REFRESH_LIFETIME_MS,
  randomToken,
  type IdentityContext,
} from './identity-context.js';
import { grantAppScopes, grantGraphScopes, parseScopes } from './scopes.js';

export interface TokenResponseBody {
  readonly token_type: 'Bearer';
  readonly scope: string;
  readonly expires_in: number;
  readonly ext_expires_in: number;
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly client_info?: string;
}

export function clientInfo(principal: SandboxPrincipal, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: principal.id, utid: tenantId })).toString('base64url');
}

/** The OpenID Connect id_token Entra adds when `openid` is among the scopes. */
export function issueIdToken(
  ctx: IdentityContext,
  principal: SandboxPrincipal,
  clientId: string,
  nonce?: string,
): Promise<string> {
  return ctx.issuer.sign({
    aud: clientId,
    oid: principal.id,
    sub: principal.id,
    name: principal.displayName,
    preferred_username: principal.userPrincipalName,
    ...(nonce ? { nonce } : {}),
  });
}

/**
 * Issues what a delegated grant (code, refresh, on-behalf-of) returns for `principal` acting through `app`:
 * the access token for the one resource the scope names (Graph when none), a rotating refresh token with
 * offline_access, an id_token with openid. Throws EntraError (consent_required…) before issuing anything.
 */
export async function issueDelegatedTokens(
  ctx: IdentityContext,
  app: SandboxAppRegistration,
  principal: SandboxPrincipal,
  scope: string,
  nonce?: string,
): Promise<TokenResponseBody> {
  const parsed = parseScopes(scope, ctx.apps);
  const resource =
    parsed.resource.kind === 'none'
      ? { kind: 'graph' as const, scopes: 'default' as const }
      : parsed.resource;
  let accessToken: string;
  let granted: string[];
  switch (resource.kind) {
    case 'graph':
      granted = grantGraphScopes(resource.scopes, app);
      accessToken = await ctx.issuer.issueGraphToken(principal, granted, app.clientId);
      break;
    case 'app':
      granted = grantAppScopes(resource.scopes);
      accessToken = await ctx.issuer.sign({
        aud: resource.app.clientId,
        oid: principal.id,
        sub: principal.id,
        upn: principal.userPrincipalName,
        preferred_username: principal.userPrincipalName,
        name: principal.displayName,
        scp: granted.join(' '),
        wids: [...principal.roleTemplateIds],
        azp: app.clientId,
        appid: app.clientId,
        lifetimeSeconds: ACCESS_TOKEN_LIFETIME_S,
      });
      granted = granted.map(
        (s) => `${resource.app.applicationIdUri ?? `api://${resource.app.clientId}`}/${s}`,
      );
      break;
    case 'botframework':
      throw entraErrors.invalidScope(scope);
  }
  const oidc = [...parsed.oidc];
  let refreshToken: string | undefined;
  if (parsed.oidc.has('offline_access')) {
    refreshToken = randomToken(48);
    ctx.refreshTokens.set(refreshToken, {
      clientId: app.clientId,
      principalId: principal.id,
      scope,
      expiresAt: ctx.now() + REFRESH_LIFETIME_MS,
    });
  }
  const idToken = parsed.oidc.has('openid')
    ? await issueIdToken(ctx, principal, app.clientId, nonce)
    : undefined;
  return {
    token_type: 'Bearer',
    scope: [...granted, ...oidc].join(' '),
    expires_in: ACCESS_TOKEN_LIFETIME_S - 1,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S - 1,
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    client_info: clientInfo(principal, principal.tenantId ?? ctx.directory.tenantId),
  };
}
