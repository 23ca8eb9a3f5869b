import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import type { SandboxAppRegistration, SandboxDirectory } from '../contracts.js';
import { BOT_FRAMEWORK_AUDIENCE } from '../identity/scopes.js';
import { mintTeamsSsoToken } from '../identity/teams-sso.js';
import type { TokenIssuer } from '../identity/token-issuer.js';
import { BotFrameworkSigner } from './activity-tokens.js';
import {
  ConnectorRecorder,
  mountConnector,
  mountConnectorAdmin,
  type RecordedActivity,
} from './connector.js';
import { ConnectorLimits } from './connector-limits.js';
import { mountTokenService, UserTokenStore, type SignInNotifier } from './token-service.js';

export { BotFrameworkSigner } from './activity-tokens.js';
export { ConnectorRecorder, type RecordedActivity, type ChannelAccount } from './connector.js';
export type { UserTokenResponse } from './token-service.js';
export { ConnectorLimits, type ConnectorLimitStats } from './connector-limits.js';

/** The values to give the Teams SDK's `withOverrides(PUBLIC, …)` so its App talks to the sandbox. */
export interface SandboxCloudOverrides {
  readonly loginEndpoint: string;
  readonly loginTenant: string;
  readonly botScope: string;
  readonly tokenServiceUrl: string;
  readonly openIdMetadataUrl: string;
  readonly tokenIssuer: string;
  readonly graphScope: string;
}

export function sandboxCloudOverrides(input: {
  readonly httpBaseUrl: string;
  readonly httpsBaseUrl: string;
  readonly tenantId: string;
}): SandboxCloudOverrides {
  return {
    loginEndpoint: input.httpsBaseUrl,
    loginTenant: input.tenantId,
    botScope: `${BOT_FRAMEWORK_AUDIENCE}/.default`,
    tokenServiceUrl: `${input.httpBaseUrl}/botframework/tokens`,
    openIdMetadataUrl: `${input.httpBaseUrl}/botframework/v1/.well-known/openidconfiguration`,
    tokenIssuer: `${input.httpBaseUrl}/botframework`,
    graphScope: 'https://graph.microsoft.com/.default',
  };
}

export interface BotFrameworkOptions {
  readonly directory: SandboxDirectory;
  readonly issuer: TokenIssuer;
  readonly apps: readonly SandboxAppRegistration[];
  readonly httpBaseUrl: string;
  readonly httpsBaseUrl: string;
  readonly now: () => number;
  /** Accept connector and token-service calls that carry no token at all (the Playground's local mode). */
  readonly allowAnonymousConnector?: boolean;
}

/** The Bot Framework stand-ins: channel token signer, connector, user token service, and their admin routes. */
export class BotFrameworkSandbox {
  readonly signer: BotFrameworkSigner;
  readonly recorder: ConnectorRecorder;
  readonly userTokens = new UserTokenStore();
  /** Teams' rate limits (off until switched on) and injected faults, on the connector's activity routes. */
  readonly limits = new ConnectorLimits();
  readonly cloud: SandboxCloudOverrides;
  /** The serviceUrl to put on activities sent to the bot. */
  readonly serviceUrl: string;
  allowAnonymousConnector: boolean;
  /** Each bot registration's messaging endpoint, as set on an Azure Bot resource (app id → URL). */
  private readonly messagingEndpoints = new Map<string, string>();

  constructor(private readonly options: BotFrameworkOptions) {
    this.cloud = sandboxCloudOverrides({
      httpBaseUrl: options.httpBaseUrl,
      httpsBaseUrl: options.httpsBaseUrl,
      tenantId: options.directory.tenantId,
    });
    this.signer = new BotFrameworkSigner(
      this.cloud.tokenIssuer,
      `${options.httpBaseUrl}/botframework/v1/.well-known`,
      options.now,
    );
    this.recorder = new ConnectorRecorder(options.now);
    this.serviceUrl = `${options.httpBaseUrl}/botframework/connector`;
    this.allowAnonymousConnector = options.allowAnonymousConnector ?? false;
  }

  /** The token Teams would put on an activity it posts to the bot `appId`. */
  mintActivityToken(input: { readonly appId: string; readonly serviceUrl?: string }): Promise<string> {
    return this.signer.mintActivityToken({
      appId: input.appId,
      serviceUrl: input.serviceUrl ?? this.serviceUrl,
    });
  }

  /** What Teams' getAuthToken returns to the app `appId` for this user (id or UPN). */
  mintTeamsSsoToken(input: { readonly userIdOrUpn: string; readonly appId: string }): Promise<string> {
    const app = this.options.apps.find((a) => a.clientId.toLowerCase() === input.appId.toLowerCase());
    if (!app) throw new Error(`unknown app '${input.appId}'`);
    return mintTeamsSsoToken(this.options.issuer, this.options.directory, app, input.userIdOrUpn);
  }

  /** Where the sandbox's channel posts to the bot `appId` (undefined: forget it). */
  setMessagingEndpoint(appId: string, url: string | undefined): void {
    if (url === undefined) this.messagingEndpoints.delete(appId.toLowerCase());
    else this.messagingEndpoints.set(appId.toLowerCase(), url);
  }

  messagingEndpoint(appId: string): string | undefined {
    return this.messagingEndpoints.get(appId.toLowerCase());
  }

  /**
   * What the Teams client does once the user signed in from an OAuth card: a signin/verifyState invoke to the bot,
   * in the conversation the sign-in was asked from (the bot then finds the token with the state as magic code).
   * Signed as the channel, like every activity Teams posts; a bot in local unauthenticated mode ignores the token.
   */
  readonly notifySignIn: SignInNotifier = async ({ appId, ref, magicCode }) => {
    const endpoint = this.messagingEndpoint(appId);
    if (!endpoint) return false;
    const activity = {
      type: 'invoke',
      name: 'signin/verifyState',
      id: randomUUID(),
      timestamp: new Date(this.options.now()).toISOString(),
      channelId: ref.channelId,
      serviceUrl: ref.serviceUrl,
      from: ref.user,
      recipient: ref.bot ?? { id: `28:${appId}` },
      conversation: ref.conversation,
      ...(ref.conversation.tenantId ? { channelData: { tenant: { id: ref.conversation.tenantId } } } : {}),
      ...(ref.locale ? { locale: ref.locale } : {}),
      value: { state: magicCode },
    };
    const token = await this.mintActivityToken({ appId, serviceUrl: ref.serviceUrl });
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(activity),
    });
    await res.body?.cancel();
    return res.ok;
  };

  activities(conversationId: string): readonly RecordedActivity[] {
    return this.recorder.activities(conversationId);
  }

  mount(app: Hono): void {
    const { issuer, apps, directory, now } = this.options;
    app.get('/botframework/v1/.well-known/openidconfiguration', (c) => c.json(this.signer.openIdMetadata()));
    app.get('/botframework/v1/.well-known/keys', (c) => c.json(this.signer.jwks()));
    const allowAnonymous = () => this.allowAnonymousConnector;
    mountConnector(app, '/botframework/connector', {
      issuer,
      apps,
      directory,
      recorder: this.recorder,
      allowAnonymous,
      serviceUrl: this.serviceUrl,
      limits: this.limits,
    });
    mountTokenService(
      app,
      '/botframework/tokens',
      {
        issuer,
        directory,
        apps,
        allowAnonymous,
        baseUrl: this.cloud.tokenServiceUrl,
        now,
        notifySignIn: this.notifySignIn,
      },
      this.userTokens,
    );
    mountConnectorAdmin(app, '/_sandbox/botframework', this.recorder);
    /** The bot registration's messaging endpoint: { "url": "http://127.0.0.1:3978/api/messages" } (null forgets). */
    app.put('/_sandbox/botframework/bots/:appId/messaging-endpoint', async (c) => {
      const appId = c.req.param('appId');
      if (!this.options.apps.some((a) => a.clientId.toLowerCase() === appId.toLowerCase()))
        return c.json({ error: { code: 'NotFound', message: `No bot registration ${appId}.` } }, 404);
      const body = (await c.req.json().catch(() => ({}))) as { url?: unknown };
      if (body.url === null) {
        this.setMessagingEndpoint(appId, undefined);
        return c.json({ appId, url: null });
      }
      const url = typeof body.url === 'string' ? body.url : '';
      if (!/^https?:\/\//.test(url))
        return c.json({ error: { code: 'BadArgument', message: 'url must be an http(s) URL.' } }, 400);
      this.setMessagingEndpoint(appId, url);
      return c.json({ appId, url });
    });
    app.get('/_sandbox/botframework/limits', (c) => c.json(this.limits.stats()));
    app.put('/_sandbox/botframework/limits', async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { enabled?: unknown; reset?: unknown };
      if (typeof body.enabled !== 'boolean')
        return c.json({ error: { code: 'BadArgument', message: 'enabled (boolean) is required.' } }, 400);
      if (body.reset === true) this.limits.reset();
      this.limits.enabled = body.enabled;
      return c.json(this.limits.stats());
    });
    app.post('/_sandbox/botframework/faults', async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
      try {
        this.limits.addFault({
          status: Number(body.status),
          count: body.count === undefined ? 1 : Number(body.count),
          ...(body.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: Number(body.retryAfterSeconds) }
            : {}),
        });
      } catch (e) {
        return c.json({ error: { code: 'BadArgument', message: (e as Error).message } }, 400);
      }
      return c.body(null, 204);
    });
    app.post('/_sandbox/botframework/activity-token', async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { appId?: unknown; serviceUrl?: unknown };
      if (typeof body.appId !== 'string' || !body.appId) {
        return c.json({ error: { code: 'BadArgument', message: 'appId is required.' } }, 400);
      }
      const serviceUrl =
        typeof body.serviceUrl === 'string' && body.serviceUrl ? body.serviceUrl : this.serviceUrl;
      return c.json({ token: await this.mintActivityToken({ appId: body.appId, serviceUrl }), serviceUrl });
    });
  }

  /** `POST /_sandbox/teams-sso-token` {userId | upn, appId}: mounted on both listeners. */
  mountSsoAdmin(app: Hono): void {
    app.post('/_sandbox/teams-sso-token', async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as {
        userId?: unknown;
        upn?: unknown;
        appId?: unknown;
      };
      const user =
        typeof body.userId === 'string' ? body.userId : typeof body.upn === 'string' ? body.upn : undefined;
      if (!user || typeof body.appId !== 'string') {
        return c.json(
          { error: { code: 'BadArgument', message: 'userId (or upn) and appId are required.' } },
          400,
        );
      }
      try {
        return c.json({ token: await this.mintTeamsSsoToken({ userIdOrUpn: user, appId: body.appId }) });
      } catch (e) {
        return c.json(
          { error: { code: 'NotFound', message: e instanceof Error ? e.message : 'not found' } },
          404,
        );
      }
    });
  }
}
