/**
 * The seams inside the sandbox tenant, so its Graph side (sandbox/graph, sandbox/data) and its identity side
 * (sandbox/identity, sandbox/botframework) can be built and tested apart. The sandbox imports nothing of Sesame's.
 */

/** A directory user as the identity side needs to see it. */
export interface SandboxPrincipal {
  readonly id: string; // Entra object id (oid)
  /** The user's home tenant (the sandbox serves more than one): tokens about the user carry it as tid. */
  readonly tenantId?: string;
  readonly tenantDisplayName?: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly userType: 'Member' | 'Guest';
  readonly accountEnabled: boolean;
  /** Directory role template ids the user holds (active assignments): become the `wids` claim. */
  readonly roleTemplateIds: readonly string[];
}

/** What the identity side reads from the directory (implemented over the sandbox's tenant data). */
export interface SandboxDirectory {
  /** The home tenant. */
  readonly tenantId: string;
  readonly tenantDisplayName: string;
  /** Every tenant the sandbox serves, home first. */
  readonly tenantIds: readonly string[];
  /**
   * The users offered on the sign-in page (members, enabled): of `tenant` when it names one of the sandbox's
   * tenants, of every tenant for 'common', 'organizations' or no tenant.
   */
  listSignInUsers(tenant?: string): readonly SandboxPrincipal[];
  findPrincipal(idOrUpn: string): SandboxPrincipal | undefined;
}

/** An app registration known to the sandbox's Entra stand-in. */
export interface SandboxAppRegistration {
  readonly clientId: string;
  readonly displayName: string;
  /** Confidential clients have a secret; public clients (SPA, tests) do not. */
  readonly clientSecret?: string;
  /** Application ID URI exposing `access_as_user` (SSO audience), e.g. api://localhost/<clientId>. */
  readonly applicationIdUri?: string;
  readonly redirectUris: readonly string[];
  /**
   * Single-page application redirect URIs (Entra's "SPA" platform): a browser page redeems the code itself, with
   * PKCE and no secret, and the token endpoint answers it with CORS. Loopback ones match any port, as Entra's
   * localhost redirect URIs do.
   */
  readonly spaRedirectUris?: readonly string[];
  /** Delegated Graph scopes pre-consented for this app in the tenant (short names, e.g. User.Invite.All). */
  readonly consentedGraphScopes: readonly string[];
}

/** Claims the sandbox puts in (and reads back from) the access tokens it issues, as Entra ID v2 does. */
export interface SandboxAccessClaims {
  readonly iss: string;
  readonly aud: string;
  readonly tid: string;
  readonly oid: string;
  readonly sub: string;
  readonly upn?: string;
  readonly preferred_username?: string;
  readonly name?: string;
  /** Space-separated delegated scopes (short names for Graph, e.g. "User.Read User.Invite.All"). */
  readonly scp?: string;
  /** Application permissions (client credentials). */
  readonly roles?: readonly string[];
  readonly wids?: readonly string[];
  readonly azp?: string;
  readonly appid?: string;
  readonly ver: '2.0' | '1.0';
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
}

/** The identity side's service to the Graph side: validate a bearer token presented to Graph. */
export interface SandboxTokenVerifier {
  /**
   * Verifies signature, issuer, audience (Graph), expiry. Resolves the claims, or rejects with
   * { code: 'InvalidAuthenticationToken', message } which Graph answers as 401.
   */
  verifyGraphToken(bearer: string): Promise<SandboxAccessClaims>;
}

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
