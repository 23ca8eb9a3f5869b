import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  createLocalJWKSet,
  type JWK,
  type JWTPayload,
} from 'jose';
import {
  GRAPH_AUDIENCE,
  type SandboxAccessClaims,
  type SandboxPrincipal,
  type SandboxTokenVerifier,
} from '../contracts.js';

export interface TokenIssuerOptions {
  readonly tenantId: string;
  /** Where the identity endpoints are served, e.g. https://127.0.0.1:5991 (no trailing slash). */
  readonly issuerHost: string;
  /** Epoch ms; injectable so tests can expire tokens. */
  readonly now?: () => number;
  /** The tenant a user's object id belongs to (tokens about a user carry its tenant's tid and iss). */
  readonly tenantOf?: (oid: string) => string | undefined;
  /** Every tenant the sandbox serves (tokens of any of them verify). Default: `tenantId` alone. */
  readonly tenantIds?: () => readonly string[];
}

export type ClaimsToSign = Omit<SandboxAccessClaims, 'iss' | 'iat' | 'nbf' | 'exp' | 'ver' | 'tid'> & {
  readonly tid?: string;
  readonly iss?: string;
  readonly lifetimeSeconds?: number;
} & {
  /** Other claims Entra puts in some tokens (nonce, idtyp, serviceurl…). */
  readonly [claim: string]: unknown;
};

export class VerificationError extends Error {
  readonly code = 'InvalidAuthenticationToken';
}

/** Signs RS256 tokens shaped like Entra ID v2 access tokens, and verifies the ones it issued. */
export class TokenIssuer implements SandboxTokenVerifier {
  readonly issuer: string;
  private readonly jwkSet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly options: TokenIssuerOptions,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {
    this.issuer = `${options.issuerHost}/${options.tenantId}/v2.0`;
    this.jwkSet = createLocalJWKSet({ keys: [publicJwk] });
  }

  static async create(options: TokenIssuerOptions): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const publicJwk: JWK = { ...jwk, kid: randomUUID(), use: 'sig', alg: 'RS256', kty: 'RSA' };
    return new TokenIssuer(options, privateKey as CryptoKey, publicJwk);
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** Entra's v2 issuer of a tenant: the tenant id is part of it. */
  issuerOf(tenantId: string): string {
    return `${this.options.issuerHost}/${tenantId}/v2.0`;
  }

  private knownTenants(): readonly string[] {
    return this.options.tenantIds?.() ?? [this.options.tenantId];
  }

  private nowSeconds(): number {
    return Math.floor((this.options.now ?? Date.now)() / 1000);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async sign(claims: ClaimsToSign): Promise<string> {
    const { lifetimeSeconds = 3600, ...rest } = claims;
    const iat = this.nowSeconds();
    const oid = typeof claims.oid === 'string' ? claims.oid : undefined;
    const tid = claims.tid ?? (oid ? this.options.tenantOf?.(oid) : undefined) ?? this.options.tenantId;
    const payload: JWTPayload = {
      ver: '2.0',
      tid,
      iss: this.issuerOf(tid),
      ...rest,
      iat,
      nbf: iat - 60,
      exp: iat + lifetimeSeconds,
      uti: randomUUID(),
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.publicJwk.kid! })
      .sign(this.privateKey);
  }

  /** A delegated Graph token for `principal`, as the on-behalf-of or code grant would issue it. */
  issueGraphToken(principal: SandboxPrincipal, scopes: readonly string[], clientId: string): Promise<string> {
    return this.sign({
      aud: GRAPH_AUDIENCE,
      oid: principal.id,
      sub: principal.id,
      upn: principal.userPrincipalName,
      preferred_username: principal.userPrincipalName,
      name: principal.displayName,
      scp: scopes.join(' '),
      wids: [...principal.roleTemplateIds],
      azp: clientId,
      appid: clientId,
    });
  }

  async verify(token: string, audience: string | readonly string[]): Promise<SandboxAccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.jwkSet, {
        issuer: this.knownTenants().map((t) => this.issuerOf(t)),
        audience: typeof audience === 'string' ? audience : [...audience],
        algorithms: ['RS256'],
        currentDate: new Date(this.nowSeconds() * 1000),
      });
      // Entra's issuer names the tenant: a token whose tid and iss disagree is forged.
      if (typeof payload.tid !== 'string' || payload.iss !== this.issuerOf(payload.tid))
        throw new Error("the token's tid does not match its issuer");
      return payload as unknown as SandboxAccessClaims;
    } catch (e) {
      throw new VerificationError(e instanceof Error ? e.message : 'invalid token');
    }
  }

  verifyGraphToken(bearer: string): Promise<SandboxAccessClaims> {
    const token = bearer.replace(/^Bearer\s+/i, '');
    return this.verify(token, [GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, '00000003-0000-0000-c000-000000000000']);
  }
}
