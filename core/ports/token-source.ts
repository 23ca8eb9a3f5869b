/**
 * The admin's delegated Microsoft Graph token: Sesame acts in the tenant as the signed-in admin, never as itself.
 *
 * Two implementations, one port: the bot and its timers read the token the Bot Framework token service keeps for
 * the admin (the OAuth connection's Teams SSO exchange; bot/bot-framework-token-source.ts); the tab's
 * `getAuthToken` token is exchanged on behalf of the user (adapters/identity/obo-token-source.ts, over
 * `@azure/msal-node`). Local mode runs the same flows against the sandbox tenant; nothing in the domain knows which.
 *
 * The token is a bearer credential: it is handed to the Graph adapter and nowhere else. It never reaches a card,
 * a log line, an error message, the audit log or the store.
 */
export interface TokenSourceContext {
  /** The Entra tenant id (`tid`) the user signed in to. */
  readonly tenantId: string;
  /**
   * The user's Entra object id (`oid`). A timer knows it from the run; a chat turn may not before the first token.
   * When given, a token for anyone else is refused.
   */
  readonly userId?: string;
  /** The user as Teams knows them (`from.id` and the channel): the key of their token in the bot's token service. */
  readonly teamsUser?: { readonly id: string; readonly channelId: string };
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
