import { randomInt, randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { SandboxAppRegistration, SandboxDirectory } from '../contracts.js';
import { randomToken, sameSecret } from '../identity/identity-context.js';
import {
  PAGE_SECURITY_HEADERS,
  pickLanguage,
  renderMessagePage,
  renderSignInPage,
  SIGN_IN_TEXT,
  type PageLanguage,
} from '../identity/sign-in-page.js';
import { ssoAudience } from '../identity/teams-sso.js';
import type { TokenIssuer } from '../identity/token-issuer.js';
import { authenticateBot, type BotCaller } from './bot-auth.js';

/** The Bot Framework's TokenResponse. */
export interface UserTokenResponse {
  readonly channelId: string;
  readonly connectionName: string;
  readonly token: string;
  readonly expiration: string;
}

interface StoredUserToken extends UserTokenResponse {
  readonly appId: string;
  readonly userId: string;
  readonly principalId: string;
  readonly magicCode: string;
  readonly expiresAt: number;
  readonly refreshUntil: number;
}

/** The conversation the sign-in was asked from, as the bot SDK encodes it in the state of GetSignInResource. */
export interface SignInConversationRef {
  readonly serviceUrl: string;
  readonly channelId: string;
  readonly conversation: {
    readonly id: string;
    readonly tenantId?: string;
    readonly conversationType?: string;
  };
  readonly user: { readonly id: string; readonly name?: string; readonly aadObjectId?: string };
  readonly bot?: { readonly id: string; readonly name?: string };
  readonly locale?: string;
}

/** After a sign-in: tell the bot, as the Teams client does with a signin/verifyState invoke. True if it took it. */
export type SignInNotifier = (input: {
  readonly appId: string;
  readonly ref: SignInConversationRef;
  readonly magicCode: string;
}) => Promise<boolean>;

interface PendingBotSignIn {
  readonly id: string;
  readonly csrf: string;
  readonly appId: string;
  readonly connectionName: string;
  readonly userId: string;
  readonly aadObjectId?: string;
  readonly conversationId?: string;
  readonly channelId: string;
  readonly ref?: SignInConversationRef;
  readonly expiresAt: number;
}

const SIGN_IN_LIFETIME_MS = 15 * 60_000;
const USER_TOKEN_LIFETIME_S = 3600;
/** The token service keeps the user's refresh token: an expired access token is renewed, up to 90 days on. */
const REFRESH_LIFETIME_MS = 90 * 86_400_000;
const COOKIE_PREFIX = 'sbx_bf_csrf_';

export interface TokenServiceOptions {
  readonly issuer: TokenIssuer;
  readonly directory: SandboxDirectory;
  readonly apps: readonly SandboxAppRegistration[];
  readonly allowAnonymous: () => boolean;
  /** Where the service is mounted, e.g. http://127.0.0.1:5990/botframework/tokens */
  readonly baseUrl: string;
  readonly now: () => number;
  /** Continues the conversation after a sign-in (the bot's messaging endpoint, when the sandbox knows it). */
  readonly notifySignIn?: SignInNotifier;
}

/** The Bot Framework user token service: OAuth card sign-in, stored user tokens, SSO token exchange. */
export class UserTokenStore {
  private readonly tokens = new Map<string, StoredUserToken>();

  private key(appId: string, userId: string, connectionName: string): string {
    return `${appId.toLowerCase()}|${userId}|${connectionName.toLowerCase()}`;
  }

  put(token: StoredUserToken): void {
    this.tokens.set(this.key(token.appId, token.userId, token.connectionName), token);
  }

  find(
    appId: string | undefined,
    userId: string,
    connectionName: string,
    now: number,
    refreshable = false,
  ): StoredUserToken | undefined {
    const matches = [...this.tokens.values()].filter(
      (t) =>
        t.userId === userId &&
        t.connectionName.toLowerCase() === connectionName.toLowerCase() &&
        (appId === undefined || t.appId.toLowerCase() === appId.toLowerCase()) &&
        (refreshable ? t.refreshUntil > now : t.expiresAt > now),
    );
    return matches[0];
  }

  forUser(appId: string | undefined, userId: string): StoredUserToken[] {
    return [...this.tokens.values()].filter(
      (t) => t.userId === userId && (appId === undefined || t.appId.toLowerCase() === appId.toLowerCase()),
    );
  }

  remove(appId: string | undefined, userId: string, connectionName?: string): void {
    for (const [k, t] of this.tokens) {
      if (
        t.userId === userId &&
        (appId === undefined || t.appId.toLowerCase() === appId.toLowerCase()) &&
        (!connectionName || t.connectionName.toLowerCase() === connectionName.toLowerCase())
      ) {
        this.tokens.delete(k);
      }
    }
  }
}

function conversationRef(
  raw:
    | {
        user?: { id?: string; aadObjectId?: string; name?: string };
        conversation?: { id?: string; tenantId?: string; conversationType?: string };
        channelId?: string;
        serviceUrl?: string;
        bot?: { id?: string; name?: string };
        locale?: string;
      }
    | undefined,
): SignInConversationRef | undefined {
  if (!raw?.serviceUrl || !raw.conversation?.id || !raw.user?.id) return undefined;
  try {
    const u = new URL(raw.serviceUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  } catch {
    return undefined;
  }
  return {
    serviceUrl: raw.serviceUrl,
    channelId: raw.channelId ?? 'msteams',
    conversation: {
      id: raw.conversation.id,
      ...(raw.conversation.tenantId ? { tenantId: raw.conversation.tenantId } : {}),
      ...(raw.conversation.conversationType ? { conversationType: raw.conversation.conversationType } : {}),
    },
    user: {
      id: raw.user.id,
      ...(raw.user.name ? { name: raw.user.name } : {}),
      ...(raw.user.aadObjectId ? { aadObjectId: raw.user.aadObjectId } : {}),
    },
    ...(raw.bot?.id ? { bot: { id: raw.bot.id, ...(raw.bot.name ? { name: raw.bot.name } : {}) } } : {}),
    ...(raw.locale ? { locale: raw.locale } : {}),
  };
}

function tokenError(c: Context, status: 400 | 401 | 404, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

function publicResponse(t: StoredUserToken): UserTokenResponse {
  return {
    channelId: t.channelId,
    connectionName: t.connectionName,
    token: t.token,
    expiration: t.expiration,
  };
}

export function mountTokenService(
  app: Hono,
  prefix: string,
  options: TokenServiceOptions,
  store: UserTokenStore,
): void {
  const { issuer, directory, apps, now } = options;
  const pending = new Map<string, PendingBotSignIn>();
  const callers = new WeakMap<Request, BotCaller>();
  const findApp = (id: string | undefined) =>
    apps.find((a) => a.clientId.toLowerCase() === id?.toLowerCase());

  app.use(`${prefix}/api/*`, async (c, next) => {
    const caller = await authenticateBot(c, issuer, apps, options.allowAnonymous());
    if (caller.kind === 'refused') return tokenError(c, 401, 'Unauthorized', caller.message);
    callers.set(c.req.raw, caller);
    await next();
  });
  const callerAppId = (c: Context): string | undefined => {
    const caller = callers.get(c.req.raw);
    return caller?.kind === 'bot' ? caller.app.clientId : undefined;
  };

  const issueFor = async (
    registration: SandboxAppRegistration,
    principalId: string,
    userId: string,
    connectionName: string,
    channelId: string,
    keep?: StoredUserToken,
  ): Promise<StoredUserToken> => {
    const principal = directory.findPrincipal(principalId);
    if (!principal || !principal.accountEnabled) throw new Error('unknown or disabled user');
    const token = await issuer.issueGraphToken(
      principal,
      registration.consentedGraphScopes,
      registration.clientId,
    );
    const expiresAt = now() + USER_TOKEN_LIFETIME_S * 1000;
    const stored: StoredUserToken = {
      appId: registration.clientId,
      userId,
      principalId: principal.id,
      channelId,
      connectionName,
      token,
      expiration: new Date(expiresAt).toISOString(),
      expiresAt,
      // A renewal keeps the sign-in's magic code and the refresh token's lifetime.
      magicCode: keep?.magicCode ?? String(randomInt(100000, 1000000)),
      refreshUntil: keep?.refreshUntil ?? now() + REFRESH_LIFETIME_MS,
    };
    store.put(stored);
    return stored;
  };

  /** The user's token, renewed with the kept refresh token when the access token has expired. */
  const current = async (appId: string | undefined, userId: string, connectionName: string) => {
    const found = store.find(appId, userId, connectionName, now(), true);
    if (!found || found.expiresAt > now()) return found;
    const registration = findApp(found.appId);
    if (!registration) return undefined;
    return issueFor(
      registration,
      found.principalId,
      found.userId,
      found.connectionName,
      found.channelId,
      found,
    ).catch(() => undefined);
  };

  const getSignInResource = (c: Context, asUrlOnly: boolean) => {
    const rawState = c.req.query('state');
    let state: {
      connectionName?: string;
      msAppId?: string;
      conversation?: {
        user?: { id?: string; aadObjectId?: string; name?: string };
        conversation?: { id?: string; tenantId?: string; conversationType?: string };
        channelId?: string;
        serviceUrl?: string;
        bot?: { id?: string; name?: string };
        locale?: string;
      };
    };
    try {
      state = JSON.parse(Buffer.from(rawState ?? '', 'base64').toString('utf8')) as typeof state;
    } catch {
      return tokenError(c, 400, 'BadArgument', 'The state parameter is not a base64 TokenExchangeState.');
    }
    // Unauthenticated local mode: the SDK may have no app id to put in the state; the bot is then Sesame's
    // registration, the one confidential app of the sandbox.
    const registration =
      findApp(callerAppId(c) ?? state.msAppId) ??
      (callers.get(c.req.raw)?.kind === 'anonymous' ? apps.find((a) => a.clientSecret) : undefined);
    if (!registration) return tokenError(c, 400, 'BadArgument', 'Unknown bot (msAppId).');
    if (callerAppId(c) && state.msAppId && state.msAppId.toLowerCase() !== callerAppId(c)!.toLowerCase()) {
      return tokenError(c, 400, 'BadArgument', 'The state names another bot than the caller.');
    }
    const userId = state.conversation?.user?.id;
    if (!state.connectionName || !userId) {
      return tokenError(c, 400, 'BadArgument', 'The state needs a connectionName and a conversation user.');
    }
    const id = randomToken(24);
    pending.set(id, {
      id,
      csrf: randomToken(24),
      appId: registration.clientId,
      connectionName: state.connectionName,
      userId,
      ...(state.conversation?.user?.aadObjectId ? { aadObjectId: state.conversation.user.aadObjectId } : {}),
      ...(state.conversation?.conversation?.id ? { conversationId: state.conversation.conversation.id } : {}),
      channelId: state.conversation?.channelId ?? 'msteams',
      ...(conversationRef(state.conversation) ? { ref: conversationRef(state.conversation)! } : {}),
      expiresAt: now() + SIGN_IN_LIFETIME_MS,
    });
    const signInLink = `${options.baseUrl}/signin?state=${encodeURIComponent(id)}`;
    if (asUrlOnly) return c.text(signInLink);
    return c.json({
      signInLink,
      tokenExchangeResource: {
        id: randomUUID(),
        uri: ssoAudience(registration),
        providerId: 'sandbox-entra-id',
      },
      tokenPostResource: { sasUrl: `${options.baseUrl}/tokenpost/${encodeURIComponent(id)}` },
    });
  };
  app.get(`${prefix}/api/botsignin/GetSignInResource`, (c) => getSignInResource(c, false));
  app.get(`${prefix}/api/botsignin/GetSignInUrl`, (c) => getSignInResource(c, true));

  const page = (
    c: Context,
    lang: PageLanguage,
    kind: 'error' | 'signedIn',
    message: string,
    status: 200 | 400 | 403,
    code?: string,
  ) => c.html(renderMessagePage(lang, kind, message, code), status, PAGE_SECURITY_HEADERS);
  const expiredText = (lang: PageLanguage) =>
    lang === 'fr'
      ? 'Ce lien de connexion a expiré ou a déjà servi. Redemandez la connexion dans la conversation.'
      : 'This sign-in link has expired or was already used. Ask for sign-in again in the chat.';

  app.get(`${prefix}/signin`, (c) => {
    const lang = pickLanguage(c.req.query('ui_locales'), c.req.header('accept-language'));
    const request = pending.get(c.req.query('state') ?? '');
    if (!request || request.expiresAt <= now()) return page(c, lang, 'error', expiredText(lang), 400);
    const registration = findApp(request.appId)!;
    setCookie(c, `${COOKIE_PREFIX}${request.id}`, request.csrf, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      maxAge: SIGN_IN_LIFETIME_MS / 1000,
    });
    return c.html(
      renderSignInPage({
        lang,
        tenantName: directory.tenantDisplayName,
        appName: registration.displayName,
        users: directory.listSignInUsers(),
        action: `${new URL(options.baseUrl).pathname}/signin`,
        hidden: { state: request.id, csrf: request.csrf, lang },
        ...(request.aadObjectId ? { hintPrincipalId: request.aadObjectId } : {}),
      }),
      200,
      PAGE_SECURITY_HEADERS,
    );
  });

  app.post(`${prefix}/signin`, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const lang: PageLanguage = form.get('lang') === 'fr' ? 'fr' : 'en';
    const request = pending.get(form.get('state') ?? '');
    if (!request) return page(c, lang, 'error', expiredText(lang), 400);
    const cookieName = `${COOKIE_PREFIX}${request.id}`;
    const cookie = getCookie(c, cookieName);
    if (!cookie || !sameSecret(cookie, request.csrf) || !sameSecret(form.get('csrf') ?? '', request.csrf)) {
      return page(
        c,
        lang,
        'error',
        lang === 'fr'
          ? 'Requête refusée (jeton anti-CSRF invalide).'
          : 'Request refused (invalid anti-forgery token).',
        403,
      );
    }
    pending.delete(request.id);
    deleteCookie(c, cookieName, { path: '/' });
    if (request.expiresAt <= now()) return page(c, lang, 'error', expiredText(lang), 400);
    const principalId = form.get('user') ?? '';
    if (!directory.listSignInUsers().some((u) => u.id === principalId)) {
      return page(
        c,
        lang,
        'error',
        lang === 'fr' ? 'Compte inconnu ou désactivé.' : 'Unknown or disabled account.',
        400,
      );
    }
    const registration = findApp(request.appId)!;
    const stored = await issueFor(
      registration,
      principalId,
      request.userId,
      request.connectionName,
      request.channelId,
    );
    // As the Teams client does once the sign-in window closes: the bot hears of it and carries on in the chat.
    const continued =
      request.ref && options.notifySignIn
        ? await options
            .notifySignIn({ appId: registration.clientId, ref: request.ref, magicCode: stored.magicCode })
            .catch(() => false)
        : false;
    if (continued) return page(c, lang, 'signedIn', SIGN_IN_TEXT[lang].signedInBody, 200);
    return page(c, lang, 'signedIn', SIGN_IN_TEXT[lang].signedInBodyWithCode, 200, stored.magicCode);
  });

  app.get(`${prefix}/api/usertoken/GetToken`, async (c) => {
    const { userId, connectionName, code } = c.req.query();
    if (!userId || !connectionName)
      return tokenError(c, 400, 'BadArgument', 'userId and connectionName are required.');
    const found = await current(callerAppId(c), userId, connectionName);
    if (!found) return tokenError(c, 404, 'NotFound', 'No token for this user and connection.');
    // A six-digit magic code (the verifyState path) must be the one the sign-in page showed; other codes are ignored.
    if (code && /^\d{6}$/.test(code) && code !== found.magicCode) {
      return tokenError(c, 404, 'NotFound', 'The magic code does not match.');
    }
    return c.json(publicResponse(found));
  });

  app.post(`${prefix}/api/usertoken/GetAadTokens`, async (c) => {
    const { userId, connectionName } = c.req.query();
    if (!userId || !connectionName)
      return tokenError(c, 400, 'BadArgument', 'userId and connectionName are required.');
    const found = await current(callerAppId(c), userId, connectionName);
    if (!found) return tokenError(c, 404, 'NotFound', 'No token for this user and connection.');
    const params = (await c.req.json().catch(() => ({}))) as { resourceUrls?: string[] };
    const urls = params.resourceUrls?.length ? params.resourceUrls : ['https://graph.microsoft.com'];
    return c.json(Object.fromEntries(urls.map((u) => [u, publicResponse(found)])));
  });

  app.get(`${prefix}/api/usertoken/GetTokenStatus`, (c) => {
    const { userId, include } = c.req.query();
    if (!userId) return tokenError(c, 400, 'BadArgument', 'userId is required.');
    const filter = include
      ?.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const statuses = store
      .forUser(callerAppId(c), userId)
      .filter((t) => !filter?.length || filter.includes(t.connectionName.toLowerCase()))
      .map((t) => ({
        channelId: t.channelId,
        connectionName: t.connectionName,
        hasToken: t.expiresAt > now(),
        serviceProviderDisplayName: 'Sandbox Entra ID',
      }));
    return c.json(statuses);
  });

  app.delete(`${prefix}/api/usertoken/SignOut`, (c) => {
    const { userId, connectionName } = c.req.query();
    if (!userId) return tokenError(c, 400, 'BadArgument', 'userId is required.');
    store.remove(callerAppId(c), userId, connectionName);
    return c.json({});
  });

  app.post(`${prefix}/api/usertoken/exchange`, async (c) => {
    const { userId, connectionName, channelId } = c.req.query();
    if (!userId || !connectionName)
      return tokenError(c, 400, 'BadArgument', 'userId and connectionName are required.');
    const request = (await c.req.json().catch(() => ({}))) as { token?: string; uri?: string };
    if (!request.token) return tokenError(c, 400, 'BadArgument', 'The exchange request carries no token.');
    const candidates = callerAppId(c) ? apps.filter((a) => a.clientId === callerAppId(c)) : apps;
    for (const registration of candidates) {
      const audiences = [ssoAudience(registration), registration.clientId, `api://${registration.clientId}`];
      try {
        const claims = await issuer.verify(request.token, audiences);
        if (!claims.oid || !claims.scp?.split(' ').includes('access_as_user')) {
          return tokenError(
            c,
            400,
            'BadArgument',
            'The token is not a Teams SSO token (scope access_as_user).',
          );
        }
        const stored = await issueFor(
          registration,
          claims.oid,
          userId,
          connectionName,
          channelId ?? 'msteams',
        );
        return c.json(publicResponse(stored));
      } catch {
        // try the next registration
      }
    }
    return tokenError(
      c,
      400,
      'BadArgument',
      'Token exchange failed: the token is not for this bot’s Application ID URI.',
    );
  });
}
