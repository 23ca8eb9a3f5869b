/**
 * The admin's delegated Microsoft Graph token: Sesame acts in the tenant as the signed-in admin, never as itself.
 *
 * Production: the Teams SSO token (the bot's OAuth card token exchange, or the tab's `getAuthToken`) is exchanged
 * on behalf of the user for a Graph token (adapters/identity/obo-token-source.ts, over `@azure/msal-node`). Local
 * mode runs the same flow against the sandbox tenant's OpenID/OAuth endpoints; nothing in the domain knows which.
 *
 * The token is a bearer credential: it is handed to the Graph adapter and nowhere else. It never reaches a card,
 * a log line, an error message, the audit log or the store.
 */
export interface TokenSourceContext {
  /** The Entra tenant id (`tid`) the user signed in to. */
  readonly tenantId: string;
  /** The user's Entra object id (`oid`; Teams' `from.aadObjectId`). */
  readonly userId: string;
  /**
   * The Teams SSO token for Sesame's own API (audience = its Application ID URI, scope access_as_user), when the
   * turn or the tab request carries one. Without it, only a token already cached for this user can be returned.
   */
  readonly ssoToken?: string;
}

export interface TokenSource {
  /**
   * The admin's delegated Graph token, for the user identified in `ctx`.
   * Rejects with SesameError 'auth_required' when the user must sign in or consent (the bot then shows a sign-in
   * card), or 'auth_failed' when the exchange failed for another reason (configuration, network).
   */
  getGraphToken(ctx: TokenSourceContext): Promise<string>;
}
