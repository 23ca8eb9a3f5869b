import { isIP } from 'node:net';
import { ConfigError } from '../core/errors.js';

/** Everything Sesame reads from its environment, read once at start and validated. */
export interface SesameConfig {
  /** local: the sandbox tenant on loopback; production: Entra ID, Graph and the Bot Framework. */
  readonly mode: 'local' | 'production';
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly graphBaseUrl: string;
  /** https://login.microsoftonline.com, or the sandbox's HTTPS identity endpoint. */
  readonly authorityHost: string;
  /** The tenant Sesame's app registration lives in. */
  readonly tenantId: string;
  readonly bot: {
    /** The bot's app id (Teams SDK: CLIENT_ID). In local mode, the sandbox registration's id. */
    readonly appId: string;
    readonly clientSecret?: string;
    /** The Playground sends no token: only ever true in local mode, on loopback. */
    readonly allowUnauthenticated: boolean;
    readonly oauthConnectionName: string;
    /** Where the Bot Framework's own endpoints are, when not the public cloud's (the sandbox stands in for them). */
    readonly cloudOverrides?: {
      readonly loginEndpoint: string;
      readonly loginTenant: string;
      readonly botScope: string;
      readonly tokenServiceUrl: string;
      readonly openIdMetadataUrl: string;
      readonly tokenIssuer: string;
    };
  };
  readonly sso: {
    readonly clientId: string;
    readonly clientSecret?: string;
    readonly applicationIdUri: string;
  };
  /**
   * Local mode: the sandbox console, where a newcomer plays the vendor and the outside world; cards that wait on
   * someone link to it. Unset in production (the real vendor acts in the real world).
   */
  readonly sandboxConsoleUrl?: string;
  /** Local mode with the Agents Playground: where the tab's "fix it in chat" opens the chat (npm start sets it). */
  readonly localChatUrl?: string;
  /**
   * Local mode: how the tab signs in outside Teams (authorization code + PKCE at the sandbox's authorize page, the
   * token redeemed by the page). Inside Teams the tab uses Teams SSO.
   */
  readonly tabSignIn?: { readonly authorizeUrl: string; readonly tokenUrl: string; readonly scope: string };
  /** PEM file of a CA to trust for the identity endpoints (the sandbox's self-made certificate). */
  readonly extraCaFile?: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Reminders: how often each instance looks for due ones, and how long a claim is its alone (ms). */
  readonly reminders: { readonly intervalMs: number; readonly leaseMs: number };
  /**
   * DNS, for procedure B (a domain unknown to Microsoft: does it exist, where does its mail go). `servers` empty:
   * the system's resolvers (production). Local mode: only loopback servers (the sandbox's, set by the local
   * stack); unset there, Sesame has no resolver at all and says DNS could not answer (never the internet).
   */
  readonly dns?: { readonly servers: readonly string[]; readonly timeoutMs: number; readonly tries: number };
  /** Application Insights: OpenTelemetry export is on only when this is set (server/telemetry.ts). */
  readonly telemetryConnectionString?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Validates the environment into a config. Every error names the variable to set and the env file to set it in,
 * e.g. "PORT: must be a port number between 1 and 65535, got 'abc' (set it in env/.env.local)".
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, envFile: string): SesameConfig {
  const fail = (variable: string, problem: string): never => {
    throw new ConfigError(variable, envFile, problem);
  };
  const optional = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const required = (name: string, what: string): string =>
    optional(name) ?? fail(name, `is required (${what})`);
  const url = (name: string, value: string): string => {
    try {
      const u = new URL(value);
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        fail(name, `must be an http(s) URL, got '${value}'`);
      return value.replace(/\/+$/, '');
    } catch {
      return fail(name, `must be a URL, got '${value}'`);
    }
  };
  const guid = (name: string, value: string): string =>
    GUID.test(value)
      ? value
      : fail(name, `must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got '${value}'`);
  const bool = (name: string): boolean => {
    const v = optional(name)?.toLowerCase();
    if (v === undefined || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    return fail(name, `must be true or false, got '${env[name]}'`);
  };

  const modeRaw = optional('SESAME_MODE') ?? 'local';
  if (modeRaw !== 'local' && modeRaw !== 'production')
    fail('SESAME_MODE', `must be 'local' or 'production', got '${modeRaw}'`);
  const mode = modeRaw as 'local' | 'production';

  const host = optional('HOST') ?? '127.0.0.1';
  const portRaw = optional('PORT') ?? '3978';
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail('PORT', `must be a port number between 0 and 65535, got '${portRaw}'`);

  const logLevelRaw = optional('LOG_LEVEL') ?? 'info';
  if (!['error', 'warn', 'info', 'debug'].includes(logLevelRaw))
    fail('LOG_LEVEL', `must be error, warn, info or debug, got '${logLevelRaw}'`);

  const allowUnauthenticated = bool('DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS');
  const graphBaseUrl = url(
    'GRAPH_BASE_URL',
    optional('GRAPH_BASE_URL') ?? 'https://graph.microsoft.com/v1.0',
  );
  const authorityHost = url(
    'AUTHORITY_HOST',
    optional('AUTHORITY_HOST') ?? 'https://login.microsoftonline.com',
  );
  if (!authorityHost.startsWith('https://'))
    fail('AUTHORITY_HOST', 'must be an https URL (MSAL refuses http authorities)');
  const databaseUrl = optional('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    fail('DATABASE_URL', 'must be a postgres:// connection string');

  const duration = (name: string, fallback: number, min: number): number => {
    const raw = optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      fail(name, `must be a whole number of milliseconds ≥ ${min}, got '${raw}'`);
    return value;
  };
  const reminders = {
    intervalMs: duration('REMINDER_INTERVAL_MS', 15_000, 50),
    // Long enough to post a claimed batch within Teams' limits; another instance takes over after it.
    leaseMs: duration('REMINDER_LEASE_MS', 120_000, 2_000),
  };

  const dnsServers = (optional('DNS_SERVERS') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map(
      (v) => dnsServer(v) ?? fail('DNS_SERVERS', `must be IP[:port] entries separated by commas, got '${v}'`),
    );
  const triesRaw = optional('DNS_TRIES') ?? '2';
  const dnsTries = Number(triesRaw);
  if (!Number.isInteger(dnsTries) || dnsTries < 1 || dnsTries > 5)
    fail('DNS_TRIES', `must be a whole number from 1 to 5, got '${triesRaw}'`);
  const dns = {
    servers: dnsServers.map((d) => d.text),
    timeoutMs: duration('DNS_TIMEOUT_MS', 5_000, 100),
    tries: dnsTries,
  };

  const telemetryConnectionString = optional('APPLICATIONINSIGHTS_CONNECTION_STRING');
  if (telemetryConnectionString && !/(^|;)\s*InstrumentationKey=/i.test(telemetryConnectionString))
    fail(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      "must be the resource's connection string (InstrumentationKey=…;IngestionEndpoint=…)",
    );

  // What both modes read the same way.
  const common = {
    mode,
    host,
    port,
    dataDir: optional('DATA_DIR') ?? './data',
    databaseUrl,
    graphBaseUrl,
    authorityHost,
    extraCaFile: optional('EXTRA_CA_FILE'),
    logLevel: logLevelRaw as SesameConfig['logLevel'],
    reminders,
    telemetryConnectionString,
  };
  // Production: the configured resolvers, or the system's. Local: the sandbox's only (below).
  const productionDns = { dns };
  const localDns = (): Pick<SesameConfig, 'dns'> => {
    if (dnsServers.length === 0) return {};
    const outside = dnsServers.find((d) => !isLoopbackHost(d.host));
    if (outside)
      fail(
        'DNS_SERVERS',
        `must point at the sandbox's DNS server on loopback in local mode, got '${outside.text}'`,
      );
    return { dns };
  };
  const oauthConnectionName = optional('OAUTH_CONNECTION_NAME') ?? 'graph';

  if (mode === 'production') {
    // The Playground switch must never reach a real deployment.
    if (allowUnauthenticated) {
      fail(
        'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS',
        'must not be true in production: every request to /api/messages must carry a valid Bot Framework token',
      );
    }
    for (const name of Object.keys(env).filter((n) => n.startsWith('SANDBOX_') && optional(n)))
      fail(name, 'must not be set in production: it points Sesame at the local sandbox tenant');
    if (databaseUrl && optional('DATA_DIR'))
      fail(
        'DATA_DIR',
        'must not be set together with DATABASE_URL: the store is either PostgreSQL or SQLite',
      );
    const secure = (name: string, value: string): string =>
      value.startsWith('https://') || isLoopbackUrl(value)
        ? value
        : fail(name, `must be an https URL in production, got '${value}'`);
    secure('GRAPH_BASE_URL', graphBaseUrl);
    const appId = guid('CLIENT_ID', required('CLIENT_ID', "the bot's Entra app id"));
    const clientSecret = required('CLIENT_SECRET', "the bot's client secret");
    const tenantId = guid('TENANT_ID', required('TENANT_ID', 'the tenant of the bot registration'));
    const publicUrl = secure(
      'PUBLIC_URL',
      url('PUBLIC_URL', required('PUBLIC_URL', 'the https address Teams reaches Sesame at')),
    );
    const ssoClientId = guid('AAD_APP_CLIENT_ID', optional('AAD_APP_CLIENT_ID') ?? appId);
    const ssoSecret = optional('AAD_APP_CLIENT_SECRET');
    // A separate SSO app with the bot's secret would fail only at the first on-behalf-of exchange.
    if (ssoClientId.toLowerCase() !== appId.toLowerCase() && !ssoSecret)
      fail(
        'AAD_APP_CLIENT_SECRET',
        `is required when AAD_APP_CLIENT_ID (${ssoClientId}) is not the bot's CLIENT_ID`,
      );
    const applicationIdUri = checkApplicationIdUri(
      required(
        'AAD_APP_ID_URI',
        'the Application ID URI exposed for Teams SSO, api://<host>/botid-<CLIENT_ID>',
      ),
      appId,
      new URL(publicUrl).host,
      fail,
    );
    return {
      ...common,
      ...productionDns,
      host: optional('HOST') ?? '0.0.0.0',
      publicUrl,
      tenantId,
      bot: {
        appId,
        clientSecret,
        allowUnauthenticated: false,
        oauthConnectionName,
        ...botFrameworkCloud(optional, secure, url, fail, authorityHost, tenantId),
      },
      sso: {
        clientId: ssoClientId,
        clientSecret: ssoSecret ?? clientSecret,
        applicationIdUri,
      },
    };
  }

  // Local mode: the sandbox tenant, on loopback only.
  if (!isLoopbackHost(host))
    fail('HOST', `must be a loopback address in local mode (127.0.0.1), got '${host}'`);
  for (const [name, value] of [
    ['GRAPH_BASE_URL', graphBaseUrl],
    ['AUTHORITY_HOST', authorityHost],
  ] as const) {
    if (!isLoopbackUrl(value))
      fail(name, `must point at the sandbox tenant on loopback in local mode, got '${value}'`);
  }
  // The Teams SDK reads these from the environment on its own; in local mode they would switch it to Azure.
  for (const name of ['CLIENT_ID', 'CLIENT_SECRET', 'TENANT_ID'] as const) {
    if (optional(name))
      fail(
        name,
        'must be unset in local mode (the sandbox registration is BOT_ID); set SESAME_MODE=production to use it',
      );
  }
  const appId = guid('BOT_ID', required('BOT_ID', "the sandbox registration's app id"));
  const tenantId = guid('AAD_APP_TENANT_ID', required('AAD_APP_TENANT_ID', "the sandbox tenant's id"));
  // Without these overrides the Teams SDK would call the public Bot Framework services from a local run.
  const sandboxBotFramework = url(
    'SANDBOX_BOTFRAMEWORK_URL',
    required(
      'SANDBOX_BOTFRAMEWORK_URL',
      "the sandbox's Bot Framework stand-in, e.g. http://127.0.0.1:5990/botframework",
    ),
  );
  if (!isLoopbackUrl(sandboxBotFramework)) {
    fail(
      'SANDBOX_BOTFRAMEWORK_URL',
      `must point at the sandbox tenant on loopback in local mode, got '${sandboxBotFramework}'`,
    );
  }
  const sandboxConsoleUrl = url(
    'SANDBOX_CONSOLE_URL',
    optional('SANDBOX_CONSOLE_URL') ?? new URL('/_sandbox/console', sandboxBotFramework).toString(),
  );
  if (!isLoopbackUrl(sandboxConsoleUrl)) {
    fail(
      'SANDBOX_CONSOLE_URL',
      `must point at the sandbox tenant on loopback in local mode, got '${sandboxConsoleUrl}'`,
    );
  }
  const localChatRaw = optional('LOCAL_CHAT_URL');
  const localChatUrl = localChatRaw ? url('LOCAL_CHAT_URL', localChatRaw) : undefined;
  if (localChatUrl && !isLoopbackUrl(localChatUrl)) {
    fail('LOCAL_CHAT_URL', `must point at the Agents Playground on loopback, got '${localChatUrl}'`);
  }
  const localPublicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const applicationIdUri = required(
    'AAD_APP_ID_URI',
    'the Application ID URI the sandbox issues SSO tokens for',
  );
  // The sandbox's plain-HTTP listener: a browser cannot trust its HTTPS certificate.
  const sandboxHttp = new URL(sandboxBotFramework).origin;
  return {
    ...common,
    ...localDns(),
    sandboxConsoleUrl,
    ...(localChatUrl ? { localChatUrl } : {}),
    tabSignIn: {
      authorizeUrl: `${sandboxHttp}/${tenantId}/oauth2/v2.0/authorize`,
      tokenUrl: `${sandboxHttp}/${tenantId}/oauth2/v2.0/token`,
      scope: `${applicationIdUri}/access_as_user`,
    },
    publicUrl: url('PUBLIC_URL', optional('PUBLIC_URL') ?? localPublicUrl),
    tenantId,
    bot: {
      appId,
      clientSecret: optional('BOT_CLIENT_SECRET'),
      allowUnauthenticated,
      oauthConnectionName,
      cloudOverrides: {
        loginEndpoint: authorityHost,
        loginTenant: tenantId,
        botScope: 'https://api.botframework.com/.default',
        tokenServiceUrl: `${sandboxBotFramework}/tokens`,
        openIdMetadataUrl: `${sandboxBotFramework}/v1/.well-known/openidconfiguration`,
        tokenIssuer: sandboxBotFramework,
      },
    },
    sso: {
      clientId: appId,
      // The tab's on-behalf-of exchange (the checklist's Graph reads) needs the registration's secret; the sandbox
      // registration's is in env/.env.local.
      clientSecret: optional('AAD_APP_CLIENT_SECRET') ?? optional('BOT_CLIENT_SECRET'),
      applicationIdUri,
    },
  };
}

/** One DNS_SERVERS entry: an IP, with a port when not 53 (`127.0.0.1:5353`, `[::1]:5353`, `::1`). */
function dnsServer(text: string): { host: string; text: string } | undefined {
  const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(text) ?? /^([0-9.]+)(?::(\d{1,5}))?$/.exec(text);
  const host = m?.[1] ?? (isIP(text) === 6 ? text : undefined);
  if (!host || isIP(host) === 0) return undefined;
  const port = m?.[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return { host, text };
}

/** The Bot Framework endpoints of a sovereign or private cloud: all three together, or none (the public cloud). */
const BOT_FRAMEWORK_SETTINGS = [
  ['BOT_FRAMEWORK_OPENID_METADATA_URL', 'openIdMetadataUrl'],
  ['BOT_FRAMEWORK_TOKEN_ISSUER', 'tokenIssuer'],
  ['BOT_FRAMEWORK_TOKEN_SERVICE_URL', 'tokenServiceUrl'],
] as const;

function botFrameworkCloud(
  optional: (name: string) => string | undefined,
  secure: (name: string, value: string) => string,
  url: (name: string, value: string) => string,
  fail: (name: string, problem: string) => never,
  authorityHost: string,
  tenantId: string,
): { cloudOverrides?: NonNullable<SesameConfig['bot']['cloudOverrides']> } {
  const given = BOT_FRAMEWORK_SETTINGS.filter(([name]) => optional(name) !== undefined);
  if (given.length === 0) {
    // A non-public AUTHORITY_HOST with the public Bot Framework would sign the bot in where Teams does not look.
    if (authorityHost !== 'https://login.microsoftonline.com')
      fail(
        'BOT_FRAMEWORK_OPENID_METADATA_URL',
        `is required when AUTHORITY_HOST is not the public cloud's (${authorityHost}); set the three BOT_FRAMEWORK_* settings of that cloud`,
      );
    return {};
  }
  const missing = BOT_FRAMEWORK_SETTINGS.find(([name]) => optional(name) === undefined);
  if (missing)
    fail(
      missing[0],
      `is required when ${given[0]![0]} is set (the three BOT_FRAMEWORK_* settings go together)`,
    );
  const value = (name: string) => secure(name, url(name, optional(name)!));
  return {
    cloudOverrides: {
      loginEndpoint: authorityHost,
      loginTenant: tenantId,
      botScope: 'https://api.botframework.com/.default',
      openIdMetadataUrl: value('BOT_FRAMEWORK_OPENID_METADATA_URL'),
      tokenIssuer: value('BOT_FRAMEWORK_TOKEN_ISSUER'),
      tokenServiceUrl: value('BOT_FRAMEWORK_TOKEN_SERVICE_URL'),
    },
  };
}

/**
 * Teams accepts one SSO resource for a bot and a tab: api://<the app's host>/botid-<bot id>. Anything else fails
 * only when an admin signs in, so it is refused at start.
 */
function checkApplicationIdUri(
  uri: string,
  botId: string,
  publicHost: string,
  fail: (name: string, problem: string) => never,
): string {
  const m = /^api:\/\/([^/]+)\/botid-([0-9a-f-]{36})$/i.exec(uri);
  if (!m) return fail('AAD_APP_ID_URI', `must be api://<host>/botid-<CLIENT_ID>, got '${uri}'`);
  if (m[2]!.toLowerCase() !== botId.toLowerCase())
    fail('AAD_APP_ID_URI', `must name the bot's CLIENT_ID (botid-${botId}), got '${uri}'`);
  if (m[1]!.toLowerCase() !== publicHost.toLowerCase())
    fail('AAD_APP_ID_URI', `must name PUBLIC_URL's host (api://${publicHost}/…), got '${uri}'`);
  return uri;
}

const NETWORK_FILE_SYSTEMS = new Set([
  'cifs',
  'smb3',
  'smbfs',
  'nfs',
  'nfs4',
  'fuse.sshfs',
  'fuse.blobfuse',
  'fuse.azureblob',
]);

/**
 * SQLite's WAL mode needs shared memory and reliable locks, which SMB/NFS shares do not give (App Service's /home is
 * an SMB share). Returns the file system type when `dir` sits on such a share, from /proc/mounts' text.
 */
export function networkFileSystemOf(dir: string, procMounts: string): string | undefined {
  let best: { mountPoint: string; type: string } | undefined;
  for (const line of procMounts.split('\n')) {
    const [, rawMountPoint, type] = line.split(' ');
    if (!rawMountPoint || !type) continue;
    // /proc/mounts escapes spaces and the like as octal.
    const mountPoint = rawMountPoint.replace(/\\([0-7]{3})/g, (_, o: string) =>
      String.fromCharCode(parseInt(o, 8)),
    );
    const inside = mountPoint === '/' || dir === mountPoint || dir.startsWith(`${mountPoint}/`);
    if (inside && (!best || mountPoint.length >= best.mountPoint.length)) best = { mountPoint, type };
  }
  return best && NETWORK_FILE_SYSTEMS.has(best.type) ? best.type : undefined;
}
