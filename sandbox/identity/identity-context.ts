import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxAppRegistration, SandboxDirectory, SandboxPrincipal } from '../contracts.js';
import type { ResourceRequest } from './scopes.js';
import type { TokenIssuer } from './token-issuer.js';

/** An authorize request waiting for the user to pick an account. */
export interface PendingAuthorization {
  readonly id: string;
  readonly csrf: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly responseMode: 'query' | 'fragment' | 'form_post';
  readonly scope: string;
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
  readonly lang: 'fr' | 'en';
  readonly expiresAt: number;
}

export interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly principalId: string;
  readonly scope: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
  readonly expiresAt: number;
}

export interface RefreshGrant {
  readonly clientId: string;
  readonly principalId: string;
  readonly scope: string;
  readonly expiresAt: number;
}

export const PENDING_LIFETIME_MS = 10 * 60_000;
/** Entra's codes live about 10 minutes; shorter here so tests that advance the clock see them expire. */
export const CODE_LIFETIME_MS = 5 * 60_000;
export const REFRESH_LIFETIME_MS = 24 * 3600_000;
export const ACCESS_TOKEN_LIFETIME_S = 3600;

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Everything the identity routes share: configuration and the in-memory grant stores. */
export class IdentityContext {
  readonly pending = new Map<string, PendingAuthorization>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  /** Codes already redeemed, so a replay gets Entra's "already redeemed" rather than "invalid". */
  readonly redeemedCodes = new Set<string>();
  private readonly appsById: Map<string, SandboxAppRegistration>;

  constructor(
    readonly directory: SandboxDirectory,
    readonly issuer: TokenIssuer,
    readonly apps: readonly SandboxAppRegistration[],
    readonly httpBaseUrl: string,
    readonly httpsBaseUrl: string,
    readonly now: () => number,
  ) {
    this.appsById = new Map(apps.map((a) => [a.clientId.toLowerCase(), a]));
  }

  findApp(clientId: string | undefined): SandboxAppRegistration | undefined {
    return clientId ? this.appsById.get(clientId.toLowerCase()) : undefined;
  }

  /** Path segments Entra accepts for this tenant: its id, the multi-tenant aliases, and the Bot Framework's. */
  isKnownTenant(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return (
      this.directory.tenantIds.some((id) => id.toLowerCase() === t) ||
      t === 'common' ||
      t === 'organizations' ||
      t === 'botframework.com'
    );
  }

  signInUser(principalId: string): SandboxPrincipal | undefined {
    const principal = this.directory.findPrincipal(principalId);
    return principal && principal.accountEnabled ? principal : undefined;
  }

  /** Drops what has expired, so a long-running sandbox does not grow without bound. */
  sweep(): void {
    const now = this.now();
    for (const [k, v] of this.pending) if (v.expiresAt <= now) this.pending.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.expiresAt <= now) this.refreshTokens.delete(k);
  }
}

export type { ResourceRequest };
