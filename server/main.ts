import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { App } from '@microsoft/teams.apps';
import type { ILogger } from '@microsoft/teams.common';
import type { Hono } from 'hono';
import { createEntraTokenVerifier } from '../adapters/identity/entra-token-verifier.js';
import { httpsTrust } from '../adapters/identity/https-trust.js';
import { openStore } from '../adapters/store/open-store.js';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { randomUUID } from 'node:crypto';
import { createGraphTransport, createTenantGraph } from '../adapters/graph/tenant-graph-client.js';
import { createGraphReader } from '../adapters/graph/graph-reader.js';
import { createOboTokenSource } from '../adapters/identity/obo-token-source.js';
import { createChecklistService } from '../core/checklist/checklist-service.js';
import { SesameError } from '../core/errors.js';
import { createMsalNetworkModule } from '../adapters/identity/msal-network.js';
import { loadCardSigner } from '../bot/card-signing.js';
import { HonoTeamsAdapter } from '../bot/hono-teams-adapter.js';
import { createBotFrameworkTokenSource } from '../bot/bot-framework-token-source.js';
import { createProcedureConversation } from '../bot/procedure-conversation.js';
import { createRunRecovery, thisInstance, type RecoveryReport } from '../bot/run-recovery.js';
import { storeInFlightJournal } from '../core/engine/in-flight.js';
import { createFirstContact } from '../bot/first-contact.js';
import { createConversationReferences } from '../bot/conversation-references.js';
import { createReminderConversation } from '../bot/reminder-conversation.js';
import { createReminderScheduler, type ReminderScheduler } from '../bot/reminder-scheduler.js';
import { createWeeklyDigest } from '../bot/weekly-digest.js';
import { checklistDigestSection } from '../bot/checklist-digest-section.js';
import { createTenantCalendars } from '../bot/tenant-calendar.js';
import { createTeamsMessenger } from '../adapters/messenger/teams-messenger.js';
import { createSesameBot } from '../bot/sesame-bot.js';
import {
  matchProcedureText,
  newestVersions,
  PROCEDURE_VERSIONS,
  procedureListing,
} from '../core/procedures/catalog.js';
import { systemClock, type Clock } from '../core/ports/clock.js';
import { createCryptoSecretSource } from '../adapters/secrets/crypto-secret-source.js';
import { createNodeDomainLookup } from '../adapters/dns/node-domain-lookup.js';
import type { Store } from '../core/ports/store.js';
import { ConfigError } from '../core/errors.js';
import { inertText } from '../core/i18n/inert-text.js';
import { appRoot } from './app-root.js';
import { loadConfig, networkFileSystemOf, type SesameConfig } from './config.js';
import { readServerEnvironment } from './env-files.js';
import { createHttpApp } from './http-app.js';
import { correlateActivity } from './correlation.js';
import { createLogger, type LogSink } from './logger.js';
import { createTabApi } from './tab-api.js';
import { startTelemetry } from './telemetry.js';
import { createLiveSecrets, holdTurnSecrets, maskingLiveSecrets } from './turn-secrets.js';
import type { ProcedureModule } from '../core/procedures/types.js';

export interface SesameDependencies {
  readonly clock?: Clock;
  readonly store?: Store;
  readonly logger?: ILogger;
  /** PEM of a CA to trust for identity endpoints (tests pass the sandbox's directly). */
  readonly extraCaPem?: string;
  readonly tabDir?: string;
  /** How the Graph adapter waits out Retry-After (tests pass one that does not wait). */
  readonly graphSleep?: (ms: number) => Promise<void>;
  /** Where log records also go (OpenTelemetry export, server/telemetry.ts). */
  readonly logSink?: LogSink;
  /** How often due reminders are looked for; 0 = never on its own (tests call timers.dispatchDue()). */
  readonly timerIntervalMs?: number;
  /** This instance's name for reminder leases (default: pid and a random suffix). */
  readonly instanceName?: string;
  /** How long a reminder claim lasts before another instance may take it over. */
  readonly reminderLeaseMs?: number;
  /**
   * The procedures offered, with earlier versions for the runs still on them (default: the catalogue's,
   * core/procedures/catalog.ts PROCEDURE_VERSIONS); admins start the newest version of each.
   */
  readonly procedures?: readonly ProcedureModule[];
}

export interface RunningSesame {
  /** http://host:port the server listens on. */
  readonly url: string;
  readonly http: Hono;
  readonly bot: App;
  readonly store: Store;
  /** The reminder scheduler (run timers, reminder cards, digests); runs on its own, or on demand in tests. */
  readonly timers: ReminderScheduler;
  /** The composition root's logger (JSON lines in production). */
  readonly logger: ILogger;
  /**
   * Runs whose Graph calls were in flight when a previous process stopped, reconciled once at start (this
   * resolves when that pass is over) and again on every timer tick.
   */
  readonly recovered: Promise<RecoveryReport>;
  recoverInterruptedRuns(): Promise<RecoveryReport>;
  close(): Promise<void>;
}

const TAB_DIR = join(appRoot(), 'tab', 'dist');

/**
 * The composition root: the only place that builds store, clock, identity, Graph access and the bot, and wires
 * them together. Everything else receives what it needs.
 */
export async function startSesame(
  config: SesameConfig,
  deps: SesameDependencies = {},
): Promise<RunningSesame> {
  const clock = deps.clock ?? systemClock;
  // Every version a run may be on goes to what moves runs (the conversation, timers, recovery); admins start and
  // see the newest version of each procedure.
  const versions = deps.procedures ?? PROCEDURE_VERSIONS;
  const procedures = newestVersions(versions);
  const listProcedures = () => procedures.map((m) => procedureListing(m.procedure));
  // The secrets of every turn in progress (generated passwords, tokens typed on a card): the store refuses them
  // and every log line masks them, whoever writes it (the Teams SDK gets this logger too).
  const liveSecrets = createLiveSecrets();
  const logger = maskingLiveSecrets(
    deps.logger ??
      createLogger(config.logLevel, {
        format: config.mode === 'production' ? 'json' : 'text',
        secrets: [config.bot.clientSecret, config.sso.clientSecret].filter((s): s is string => !!s),
        sink: deps.logSink,
      }),
    liveSecrets,
  );
  if (!config.databaseUrl && !deps.store) {
    await mkdir(config.dataDir, { recursive: true });
    const share = existsSync('/proc/mounts')
      ? networkFileSystemOf(realpathSync(config.dataDir), readFileSync('/proc/mounts', 'utf8'))
      : undefined;
    if (share)
      throw new ConfigError(
        'DATA_DIR',
        'the server settings',
        `${config.dataDir} is on a ${share} network share, where SQLite's write-ahead log is not safe; set DATABASE_URL (PostgreSQL) instead`,
      );
  }
  const store =
    deps.store ??
    (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, now: () => clock.now() }));
  const trust = httpsTrust({
    caPem: deps.extraCaPem,
    caFile: deps.extraCaPem ? undefined : config.extraCaFile,
  });

  const verifyTabToken = createEntraTokenVerifier({
    authorityHost: config.authorityHost,
    audiences: [config.sso.clientId, config.sso.applicationIdUri],
    allowedTenants: config.mode === 'local' ? [config.tenantId] : undefined,
    trust,
    clock,
  });

  const http = createHttpApp({
    tabDir: deps.tabDir ?? TAB_DIR,
    tabSettings: {
      botId: config.bot.appId,
      appId: config.sso.clientId,
      ...(config.localChatUrl ? { chatUrl: config.localChatUrl } : {}),
      ...(config.tabSignIn
        ? {
            signInAuthorizeUrl: config.tabSignIn.authorizeUrl,
            signInTokenUrl: config.tabSignIn.tokenUrl,
            signInScope: config.tabSignIn.scope,
          }
        : {}),
    },
    verifyTabToken,
    health: async () => ({
      store: await store.list('run', '00000000-0000-0000-0000-000000000000', { limit: 1 }).then(
        () => true,
        () => false,
      ),
    }),
    logError: (message, error) => logger.error(message, error),
  });
  // The tab's Graph token: its SSO token exchanged on behalf of the user (the checklist reads with it).
  const tabTokens = config.sso.clientSecret
    ? createOboTokenSource({
        authorityHost: config.authorityHost,
        ...(config.mode === 'local' ? { tenantId: config.tenantId } : {}),
        clientId: config.sso.clientId,
        clientSecret: config.sso.clientSecret,
        scopes: ['https://graph.microsoft.com/.default'],
        trust,
        ...(config.mode === 'local' ? { allowedOrigins: [config.authorityHost] } : {}),
      })
    : undefined;
  const checklist = createChecklistService({
    store,
    clock,
    procedureTitle: (id) => listProcedures().find((p) => p.id === id)?.title,
    newId: () => randomUUID(),
  });
  http.route(
    '/api/tab',
    createTabApi({
      store,
      procedures: listProcedures,
      checklist: {
        service: checklist,
        now: () => clock.now(),
        logError: (message, error) => logger.error(message, error),
        readerFor: (caller, ssoToken) => {
          if (!tabTokens)
            throw new SesameError(
              'auth_failed',
              'the tab cannot read Graph: AAD_APP_CLIENT_SECRET (the on-behalf-of secret) is not set',
            );
          return createGraphReader(
            createGraphTransport({
              baseUrl: config.graphBaseUrl,
              getToken: () =>
                tabTokens.getGraphToken({ tenantId: caller.tenantId, userId: caller.userId, ssoToken }),
              now: () => clock.now(),
              ...(deps.graphSleep ? { sleep: deps.graphSleep } : {}),
            }),
          );
        },
      },
    }),
  );
  http.use('/api/messages', holdTurnSecrets(liveSecrets));
  http.use('/api/messages', correlateActivity(logger));

  const graphFor = (getToken: () => Promise<string>) =>
    createTenantGraph({
      baseUrl: config.graphBaseUrl,
      getToken,
      now: () => clock.now(),
      ...(deps.graphSleep ? { sleep: deps.graphSleep } : {}),
    });
  // Runs with Graph calls in flight are noted before the calls go out, so the next start finds them.
  const instance = thisInstance();
  const journal = storeInFlightJournal(store, instance, () => clock.now());
  const signer = await loadCardSigner(store);
  // Production: the system's resolvers (or DNS_SERVERS); npm start: the sandbox's DNS server; else none.
  const domainLookup = config.dns ? createNodeDomainLookup(config.dns) : undefined;
  const calendars = createTenantCalendars(store);
  const conversation = createProcedureConversation({
    calendarOf: calendars.get,
    store,
    clock,
    secrets: createCryptoSecretSource(),
    ...(domainLookup ? { domainLookup } : {}),
    liveSecrets,
    procedures: versions,
    signer,
    graphFor,
    logger,
    journal,
    ...(config.sandboxConsoleUrl ? { outsideWorldUrl: config.sandboxConsoleUrl } : {}),
  });

  const conversations = createConversationReferences({ store, clock });
  const messenger = createTeamsMessenger({
    // The bot's token comes with the Teams SDK's HTTP client, there once the bot is built below.
    http: () => bot.api.http,
    // Teams' rate limits are in wall-clock time, whatever clock the tenant's domain runs on.
    now: () => Date.now(),
  });
  const reminders = createReminderConversation({
    store,
    clock,
    procedures: versions,
    signer,
    messenger,
    conversations,
    conversation,
    logger,
    // The reminder's message is a paragraph with the vendor's address in it: longer than a name.
    inert: (text) => inertText(text, { maxLength: 1000 }),
  });
  const digest = createWeeklyDigest({
    calendarOf: calendars.get,
    store,
    clock,
    messenger,
    conversations,
    procedures: versions,
    inert: inertText,
    sections: [checklistDigestSection(checklist)],
  });

  const credentials =
    config.bot.allowUnauthenticated || !config.bot.clientSecret
      ? undefined
      : { clientId: config.bot.appId, clientSecret: config.bot.clientSecret, tenantId: config.tenantId };
  // One token path: the admin's Graph token as the OAuth connection's token service keeps it, for the chat and
  // the timers (`bot` is assigned below, before any turn or timer can ask).
  const tokenSource = createBotFrameworkTokenSource({
    getUserToken: (request) =>
      bot.api.users.token.get(request as Parameters<typeof bot.api.users.token.get>[0]),
    connectionName: config.bot.oauthConnectionName,
    store,
  });
  const bot = createSesameBot({
    adapter: new HonoTeamsAdapter(http),
    logger,
    allowUnauthenticated: config.bot.allowUnauthenticated,
    credentials,
    cloudOverrides: config.bot.cloudOverrides,
    // Against the sandbox the SDK's own MSAL client cannot trust the loopback certificate: fetch the bot's token here.
    botToken:
      credentials && config.bot.cloudOverrides ? botTokenProvider(config, credentials, trust) : undefined,
    oauthConnectionName: config.bot.oauthConnectionName,
    tokenSource,
    procedures,
    matchProcedure: (text) => matchProcedureText(text, procedures),
    conversation,
    claimWelcome: createFirstContact(store, clock),
    conversations,
    reminders,
    digest,
    calendars,
    signInMode: config.mode === 'production' ? 'oauth-card' : 'link',
  });
  await bot.initialize();

  /** An admin's Graph token for work done outside their turn (recovery), through the same token source. */
  const tokenFor = (tenantId: string, userId: string): Promise<string | undefined> =>
    tokenSource.getGraphToken({ tenantId, userId }).catch(() => undefined);

  const timers = createReminderScheduler({
    store,
    clock,
    procedures: versions,
    graphFor,
    logger,
    messenger,
    conversations,
    reminders,
    digest,
    owner: deps.instanceName ?? `sesame-${instance.pid}-${instance.id.slice(0, 8)}`,
    leaseMs: deps.reminderLeaseMs ?? config.reminders.leaseMs,
    tokenSource,
    journal,
    ...(domainLookup ? { domainLookup } : {}),
  });
  const recovery = createRunRecovery({
    store,
    clock,
    procedures: versions,
    journal,
    instance,
    graphFor,
    tokenFor,
    logger,
    ...(domainLookup ? { domainLookup } : {}),
  });
  const recover = () =>
    recovery.recoverAll().catch((e: unknown) => {
      logger.error('recovering interrupted runs failed', e);
      return { reconciled: 0, awaitingSignIn: 0, leftInFlight: 0 };
    });
  const recovered = recover();
  let recoveryTimer: NodeJS.Timeout | undefined;
  if (deps.timerIntervalMs !== 0) {
    timers.start(deps.timerIntervalMs ?? config.reminders.intervalMs);
    recoveryTimer = setInterval(() => void recover(), deps.timerIntervalMs ?? 15_000);
    recoveryTimer.unref();
  }

  const server = await listen(http, config.host, config.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closed = false;
  return {
    url,
    http,
    bot,
    store,
    timers,
    logger,
    recovered,
    recoverInterruptedRuns: recover,
    async close() {
      if (closed) return;
      closed = true;
      if (recoveryTimer) clearInterval(recoveryTimer);
      await recovered;
      await timers.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/**
 * The bot's own Bot Framework token by client credentials when the cloud is not the public one (the sandbox, a
 * private cloud): MSAL told the authority is known, so it does no instance discovery on the public cloud.
 */
function botTokenProvider(
  config: SesameConfig,
  credentials: { clientId: string; clientSecret: string; tenantId: string },
  trust: ReturnType<typeof httpsTrust>,
) {
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      authority: `${config.authorityHost}/${credentials.tenantId}`,
      knownAuthorities: [new URL(config.authorityHost).host],
    },
    system: { networkClient: createMsalNetworkModule({ trust, allowedOrigins: [config.authorityHost] }) },
  });
  return async (scope: string | string[]) => {
    const result = await msal.acquireTokenByClientCredential({
      scopes: Array.isArray(scope) ? scope : [scope],
    });
    if (!result?.accessToken) throw new Error(`no bot token from ${config.authorityHost}`);
    return result.accessToken;
  };
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * `npm run serve` and the production entry (`node dist/server/main.js`): reads the settings (server/env-files.ts), starts,
 * stops cleanly on SIGINT/SIGTERM.
 */
export async function main(): Promise<void> {
  let config: SesameConfig;
  try {
    const { env, source } = readServerEnvironment();
    config = loadConfig(env, source);
    // Read once, into config. Left in the environment, the Teams SDK would take CLIENT_SECRET from there itself and
    // ignore the token provider Sesame gives it for a non-public cloud; and no child process inherits a secret.
    for (const name of ['CLIENT_SECRET', 'AAD_APP_CLIENT_SECRET', 'DATABASE_URL']) delete process.env[name];
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Sesame cannot start: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  // Before the server starts, so its first requests are traced; nothing is loaded when no connection string is set.
  const telemetry = await startTelemetry(config.telemetryConnectionString);
  let sesame: RunningSesame;
  try {
    sesame = await startSesame(config, { logSink: telemetry.sink });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Sesame cannot start: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const log = sesame.logger;
  log.info(`Sesame listening on ${sesame.url} (${config.mode} mode)`, { telemetry: telemetry.enabled });
  log.info(`  bot endpoint: ${sesame.url}/api/messages`);
  log.info(`  tab:          ${sesame.url}/tab/index.html`);
  const stop = async (signal: string) => {
    log.info(`${signal}: stopping Sesame…`);
    await sesame.close();
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const invokedDirectly =
  process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  main().catch((e: unknown) => {
    console.error('Sesame failed to start:', e);
    process.exit(1);
  });
}
