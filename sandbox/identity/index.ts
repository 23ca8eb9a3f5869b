import { Hono } from 'hono';
import { BotFrameworkSandbox } from '../botframework/index.js';
import type { SandboxAppRegistration, SandboxDirectory } from '../contracts.js';
import { mountAuthorize, mountEntra, mountToken } from './entra-app.js';
import { IdentityContext } from './identity-context.js';
import type { TokenIssuer } from './token-issuer.js';

export { TokenIssuer, VerificationError } from './token-issuer.js';
export { EntraError } from './entra-errors.js';
export { ROLE_NAMES, roleName, escapeHtml } from './sign-in-page.js';
export { TEAMS_CLIENT_ID, mintTeamsSsoToken } from './teams-sso.js';
export { BOT_FRAMEWORK_AUDIENCE } from './scopes.js';
export { servicePrincipalId, openIdConfiguration } from './entra-app.js';
export {
  BotFrameworkSandbox,
  sandboxCloudOverrides,
  type SandboxCloudOverrides,
} from '../botframework/index.js';

export interface IdentityAppsOptions {
  readonly directory: SandboxDirectory;
  readonly issuer: TokenIssuer;
  readonly apps: readonly SandboxAppRegistration[];
  /** e.g. http://127.0.0.1:5990 (no trailing slash) */
  readonly httpBaseUrl: string;
  /** e.g. https://127.0.0.1:5991 (no trailing slash); the issuer's host */
  readonly httpsBaseUrl: string;
  /** Epoch ms; injectable so tests can expire codes and tokens. */
  readonly now?: () => number;
  /** Connector and token service accept calls with no token (Playground-style local mode). Default false. */
  readonly allowAnonymousConnector?: boolean;
}

export interface IdentityApps {
  /** Mount at the root of the HTTPS listener: Entra ID v2 endpoints (MSAL refuses http authorities). */
  readonly httpsApp: Hono;
  /** Mount at the root of the HTTP listener: the sign-in page again (no certificate warning) and the Bot Framework. */
  readonly httpApp: Hono;
  /** Mint activity and SSO tokens, read what bots sent, the cloud overrides for the Teams SDK. */
  readonly botFramework: BotFrameworkSandbox;
}

/** The sandbox tenant's identity side: Entra ID v2 and the Bot Framework services, as two Hono apps. */
export function createIdentityApps(options: IdentityAppsOptions): IdentityApps {
  const now = options.now ?? Date.now;
  const strip = (url: string) => url.replace(/\/+$/, '');
  const httpBaseUrl = strip(options.httpBaseUrl);
  const httpsBaseUrl = strip(options.httpsBaseUrl);
  const ctx = new IdentityContext(
    options.directory,
    options.issuer,
    options.apps,
    httpBaseUrl,
    httpsBaseUrl,
    now,
  );

  const httpsApp = new Hono();
  mountEntra(httpsApp, ctx);
  mountAuthorize(httpsApp, ctx, true);

  const botFramework = new BotFrameworkSandbox({
    directory: options.directory,
    issuer: options.issuer,
    apps: options.apps,
    httpBaseUrl,
    httpsBaseUrl,
    now,
    ...(options.allowAnonymousConnector !== undefined
      ? { allowAnonymousConnector: options.allowAnonymousConnector }
      : {}),
  });
  const httpApp = new Hono();
  mountAuthorize(httpApp, ctx, false);
  mountToken(httpApp, ctx);
  botFramework.mount(httpApp);
  botFramework.mountSsoAdmin(httpApp);
  botFramework.mountSsoAdmin(httpsApp);
  return { httpApp, httpsApp, botFramework };
}
