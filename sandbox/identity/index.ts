import { Hono } from 'hono';
import type { SandboxAppRegistration, SandboxDirectory } from '../contracts.js';
import type { TokenIssuer } from './token-issuer.js';

export interface IdentityAppsOptions {
  readonly directory: SandboxDirectory;
  readonly issuer: TokenIssuer;
  readonly apps: readonly SandboxAppRegistration[];
  /** e.g. http://127.0.0.1:5990 (no trailing slash) */
  readonly httpBaseUrl: string;
  /** e.g. https://127.0.0.1:5991 (no trailing slash); must be the issuer's host */
  readonly httpsBaseUrl: string;
  readonly now?: () => number;
}

export interface IdentityApps {
  readonly httpApp: Hono;
  readonly httpsApp: Hono;
}

/** Work in progress: OpenID discovery and JWKS only. */
export function createIdentityApps(options: IdentityAppsOptions): IdentityApps {
  const { directory, issuer, httpsBaseUrl } = options;
  const httpsApp = new Hono();
  const httpApp = new Hono();
  httpsApp.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const base = `${httpsBaseUrl}/${directory.tenantId}`;
    return c.json({
      issuer: issuer.issuer,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    });
  });
  httpsApp.get('/:tenant/discovery/v2.0/keys', (c) => c.json(issuer.jwks()));
  return { httpApp, httpsApp };
}
