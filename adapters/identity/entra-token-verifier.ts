import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { SesameError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type { HttpsTrust } from './https-trust.js';

/** Who called the tab API, from a verified Entra ID access token. */
export interface EntraCaller {
  readonly tenantId: string;
  readonly userId: string;
  readonly name?: string;
  readonly upn?: string;
  readonly roleTemplateIds: readonly string[];
  readonly scopes: readonly string[];
  /** App roles assigned to the user on Sesame's enterprise app (`roles`), e.g. Sesame.Auditor. */
  readonly appRoles: readonly string[];
}

export interface EntraTokenVerifierOptions {
  /** https://login.microsoftonline.com or the sandbox's HTTPS identity endpoint. */
  readonly authorityHost: string;
  /** Accepted audiences: Sesame's client id and its Application ID URI. */
  readonly audiences: readonly string[];
  /** Tenants allowed to call; undefined = any tenant (multi-tenant app), each seeing only its own data. */
  readonly allowedTenants?: readonly string[];
  readonly trust: HttpsTrust;
  readonly clock: Clock;
  /** How long fetched signing keys are reused. */
  readonly keysTtlMs?: number;
}

/**
 * Verifies bearer tokens sent to Sesame's own API (the tab's SSO token): signature against the authority's keys,
 * audience, issuer matching the token's tenant, expiry. Keys are cached and refetched when a kid is unknown.
 */
export function createEntraTokenVerifier(options: EntraTokenVerifierOptions) {
  let cached: { jwks: ReturnType<typeof createLocalJWKSet>; kids: Set<string>; at: number } | undefined;
  const ttl = options.keysTtlMs ?? 60 * 60 * 1000;

  async function keysFor(tenantId: string, kid: string | undefined) {
    const fresh = cached && options.clock.now() - cached.at < ttl && (!kid || cached.kids.has(kid));
    if (fresh && cached) return cached.jwks;
    const res = await options.trust.fetchJson(`${options.authorityHost}/${tenantId}/discovery/v2.0/keys`);
    if (res.status !== 200)
      throw new SesameError('auth_failed', `signing keys unavailable (HTTP ${res.status})`);
    const set = res.body as JSONWebKeySet;
    cached = {
      jwks: createLocalJWKSet(set),
      kids: new Set(set.keys.map((k) => k.kid).filter((k): k is string => !!k)),
      at: options.clock.now(),
    };
    return cached.jwks;
  }

  return async function verify(authorization: string | undefined): Promise<EntraCaller> {
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token) throw new SesameError('auth_required', 'missing bearer token', { status: 401 });
    let unverified: JWTPayload;
    let kid: string | undefined;
    try {
      unverified = decodeJwt(token);
      kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).kid as
        string | undefined;
    } catch (cause) {
      throw new SesameError('auth_failed', 'malformed token', { status: 401, cause });
    }
    const tid = typeof unverified.tid === 'string' ? unverified.tid : '';
    if (!/^[0-9a-f-]{36}$/i.test(tid))
      throw new SesameError('auth_failed', 'token has no tenant', { status: 401 });
    if (options.allowedTenants && !options.allowedTenants.includes(tid)) {
      throw new SesameError('auth_failed', 'tenant not allowed', { status: 403 });
    }
    try {
      const { payload } = await jwtVerify(token, await keysFor(tid, kid), {
        audience: [...options.audiences],
        issuer: [`${options.authorityHost}/${tid}/v2.0`, `https://sts.windows.net/${tid}/`],
        algorithms: ['RS256'],
        currentDate: new Date(options.clock.now()),
      });
      return {
        tenantId: tid,
        userId: String(payload.oid ?? payload.sub),
        name: typeof payload.name === 'string' ? payload.name : undefined,
        upn:
          typeof payload.upn === 'string' ? payload.upn : (payload.preferred_username as string | undefined),
        roleTemplateIds: Array.isArray(payload.wids) ? (payload.wids as string[]) : [],
        scopes: typeof payload.scp === 'string' ? payload.scp.split(' ') : [],
        appRoles: Array.isArray(payload.roles)
          ? payload.roles.filter((r): r is string => typeof r === 'string')
          : [],
      };
    } catch (cause) {
      if (cause instanceof SesameError) throw cause;
      throw new SesameError('auth_failed', 'invalid token', { status: 401, cause });
    }
  };
}

export type EntraTokenVerify = ReturnType<typeof createEntraTokenVerifier>;
