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
import { mountTokenService, UserTokenStore } from './token-service.js';

export { BotFrameworkSigner } from './activity-tokens.js';
export { ConnectorRecorder, type RecordedActivity, type ChannelAccount } from './connector.js';
export type { UserTokenResponse } from './token-service.js';

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
  readonly cloud: SandboxCloudOverrides;
  /** The serviceUrl to put on activities sent to the bot. */
  readonly serviceUrl: string;
  allowAnonymousConnector: boolean;

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
    });
    mountTokenService(
      app,
      '/botframework/tokens',
      { issuer, directory, apps, allowAnonymous, baseUrl: this.cloud.tokenServiceUrl, now },
      this.userTokens,
    );
    mountConnectorAdmin(app, '/_sandbox/botframework', this.recorder);
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
