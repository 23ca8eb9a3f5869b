import { decodeJwt } from 'jose';
import { SesameError } from '../core/errors.js';
import type { Store } from '../core/ports/store.js';
import type { TokenSource, TokenSourceContext } from '../core/ports/token-source.js';

/** Where a user's token lives in the Bot Framework token service: their Teams id and channel. */
export interface TeamsUserRef {
  readonly teamsUserId: string;
  readonly channelId: string;
}

/** The Teams SDK's user-token call (`app.api.users.token.get`), as much of it as Sesame uses. */
export type UserTokenGet = (request: {
  readonly userId: string;
  readonly connectionName: string;
  readonly channelId: string;
  readonly code?: string;
}) => Promise<{ readonly token?: string }>;

export interface BotFrameworkTokenSourceOptions {
  readonly getUserToken: UserTokenGet;
  readonly connectionName: string;
  /** Keeps, per tenant, which Teams user an Entra user is (`conversation` / `user:<oid>`), for timers. */
  readonly store: Store;
}

export interface BotFrameworkTokenSource extends TokenSource {
  /** The sign-in card's code (signin/verifyState) redeemed for the user's token; false when it is not valid. */
  redeemSignInCode(
    teamsUser: { readonly id: string; readonly channelId: string },
    code: string,
  ): Promise<boolean>;
}

/** The store key under which a tenant remembers the Teams user of an Entra user. */
export const teamsUserKey = (userId: string): string => `user:${userId}`;

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The admin's Graph token as the Bot Framework token service keeps it (the OAuth connection signs in, exchanges
 * Teams SSO and refreshes the token): one path for the chat turns and for the timers acting later. A chat turn
 * names the Teams user; a timer names the Entra user, looked up in the store, and a token issued to anyone else
 * than that user in that tenant is refused.
 */
export function createBotFrameworkTokenSource(
  options: BotFrameworkTokenSourceOptions,
): BotFrameworkTokenSource {
  async function teamsUserOf(ctx: TokenSourceContext): Promise<{ id: string; channelId: string }> {
    if (ctx.teamsUser) return ctx.teamsUser;
    const ref = ctx.userId
      ? await options.store.get<TeamsUserRef>('conversation', ctx.tenantId, teamsUserKey(ctx.userId))
      : undefined;
    if (!ref)
      throw new SesameError('auth_required', 'Sesame does not know this user in Teams yet: sign-in needed');
    return { id: ref.value.teamsUserId, channelId: ref.value.channelId };
  }

  return {
    async getGraphToken(ctx) {
      const user = await teamsUserOf(ctx);
      let token: string | undefined;
      try {
        token = (
          await options.getUserToken({
            userId: user.id,
            connectionName: options.connectionName,
            channelId: user.channelId,
          })
        ).token;
      } catch (e) {
        // The token service answers 404 when it holds no token for the user: a sign-in is what fixes it.
        throw new SesameError(
          'auth_required',
          'The token service has no token for this user: sign-in needed',
          {
            cause: e instanceof Error ? { name: e.name } : undefined,
          },
        );
      }
      if (!token) throw new SesameError('auth_required', 'The token service has no token for this user');
      let claims: { tid?: unknown; oid?: unknown };
      try {
        claims = decodeJwt(token);
      } catch {
        throw new SesameError('auth_failed', 'The token service returned a token that is not a JWT');
      }
      const tid = typeof claims.tid === 'string' ? claims.tid : '';
      const oid = typeof claims.oid === 'string' ? claims.oid : '';
      // A turn checks the tenant itself, to say "signed in to another tenant"; a timer names whom it acts for.
      if (ctx.userId !== undefined && (!sameId(tid, ctx.tenantId) || !sameId(oid, ctx.userId))) {
        throw new SesameError('auth_failed', 'The token service returned a token for another user or tenant');
      }
      return token;
    },

    async redeemSignInCode(teamsUser, code) {
      try {
        const res = await options.getUserToken({
          userId: teamsUser.id,
          connectionName: options.connectionName,
          channelId: teamsUser.channelId,
          code,
        });
        return Boolean(res.token);
      } catch {
        return false;
      }
    },
  };
}
