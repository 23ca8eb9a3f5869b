import type { Context } from 'hono';
import type { SandboxAppRegistration } from '../contracts.js';
import { BOT_FRAMEWORK_AUDIENCE } from '../identity/scopes.js';
import type { TokenIssuer } from '../identity/token-issuer.js';

export type BotCaller =
  { readonly kind: 'bot'; readonly app: SandboxAppRegistration } | { readonly kind: 'anonymous' };

/**
 * Who calls the connector or the token service: a bot presenting the token it got by client credentials
 * (audience https://api.botframework.com), or nobody at all when the sandbox allows the Playground-style
 * unauthenticated mode. A bad token is always refused, even in that mode.
 */
export async function authenticateBot(
  c: Context,
  issuer: TokenIssuer,
  apps: readonly SandboxAppRegistration[],
  allowAnonymous: boolean,
): Promise<BotCaller | { readonly kind: 'refused'; readonly message: string }> {
  const header = c.req.header('authorization');
  // A bot with no credentials (the Teams SDK in the Playground's mode) sends "Bearer" with nothing, or
  // "Bearer undefined": that is no token at all, not a bad one.
  const empty = !header || /^Bearer\s*(undefined|null)?\s*$/i.test(header);
  if (empty) {
    return allowAnonymous
      ? { kind: 'anonymous' }
      : { kind: 'refused', message: 'Authorization has been denied for this request: no bearer token.' };
  }
  const token = header.replace(/^Bearer\s+/i, '');
  try {
    const claims = await issuer.verify(token, [BOT_FRAMEWORK_AUDIENCE, `${BOT_FRAMEWORK_AUDIENCE}/`]);
    const appId = claims.appid ?? claims.azp;
    const app = apps.find((a) => a.clientId.toLowerCase() === appId?.toLowerCase());
    if (!app)
      return { kind: 'refused', message: `Authorization has been denied: unknown bot '${appId ?? ''}'.` };
    return { kind: 'bot', app };
  } catch (e) {
    return {
      kind: 'refused',
      message: `Authorization has been denied for this request: ${e instanceof Error ? e.message : 'invalid token'}.`,
    };
  }
}
