/**
 * The one definition of the local stack: the sandbox tenant, Sesame and (optionally) the Microsoft 365 Agents
 * Playground, built from env/.env.local the same way for `npm start`, the test suites, the browser suite and the
 * benchmarks. A caller may change ports, data folders, the base clock and where logs go; nothing that changes
 * behaviour. The Playground's setting (no Bot Framework token on inbound requests, none on the connector) is the
 * local stack's default, because it is what `npm start` runs.
 */
import { type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ILogger } from '@microsoft/teams.common';
import { addBusinessDays } from '../core/calendar/business-days.js';
import { systemClock, type Clock } from '../core/ports/clock.js';
import { startSandbox, type RunningSandbox } from '../sandbox/server.js';
import { loadConfig, type SesameConfig } from '../server/config.js';
import { loadEnvFiles } from '../server/env-files.js';
import { startSesame, type RunningSesame, type SesameDependencies } from '../server/main.js';
import { startPlayground, waitForPort, writePlaygroundConfig } from './playground.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface LocalStackOptions {
  /**
   * Variables that win over env/.env.local (npm start passes process.env). Ports (PORT, SANDBOX_HTTP_PORT,
   * SANDBOX_HTTPS_PORT, SANDBOX_DNS_PORT (UDP, default any free port), PLAYGROUND_PORT; 0 = any free port) and DATA_DIR are the ones meant to change.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly envDir?: string;
  /** The base clock; the sandbox console moves the shared time forward from it. Tests inject a simulated one. */
  readonly clock?: Clock;
  readonly logger?: ILogger;
  /** How the Graph adapter waits out Retry-After (tests pass one that does not wait). */
  readonly graphSleep?: (ms: number) => Promise<void>;
  /** How often due timers are delivered; 0 = only on demand (tests call sesame.timers.dispatchDue()). */
  readonly timerIntervalMs?: number;
  /** Start the Agents Playground too (npm start, the browser suite). */
  readonly playground?: { readonly stdio?: StdioOptions; readonly openBrowser?: boolean };
  /** The procedures Sesame offers (default: the catalogue's); tests add procedures of their own. */
  readonly procedures?: SesameDependencies['procedures'];
}

export interface RunningPlayground {
  readonly url: string;
  readonly process: ChildProcess;
  /** What it printed, when its stdio is piped. */
  output(): string;
}

export interface RunningLocalStack {
  readonly sandbox: RunningSandbox;
  readonly sesame: RunningSesame;
  readonly config: SesameConfig;
  /** The time Sesame and the sandbox share. */
  readonly clock: Clock;
  readonly playground?: RunningPlayground;
  /** What a person opens: the chat, the tab, the sandbox console. */
  readonly urls: {
    readonly chat?: string;
    readonly tab: string;
    readonly console: string;
    readonly sesame: string;
    readonly graph: string;
  };
  stop(): Promise<void>;
}

function port(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name}: must be a port number between 0 and 65535, got '${raw}'`);
  return n;
}

/** A free loopback port, for the Playground (it has no "port 0"). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject()));
    });
  });
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  const envDir = options.envDir ?? join(root, 'env');
  const { env: fileEnv, files } = loadEnvFiles('local', { envDir, processEnv: {} });
  const env = { ...fileEnv, ...(options.env ?? {}) };
  const envFile = files[0] ?? 'env/.env.local';
  const base = options.clock ?? systemClock;

  const sandbox = await startSandbox({
    host: env.SANDBOX_HOST?.trim() || '127.0.0.1',
    httpPort: port(env, 'SANDBOX_HTTP_PORT', 5990),
    httpsPort: port(env, 'SANDBOX_HTTPS_PORT', 5991),
    dnsPort: port(env, 'SANDBOX_DNS_PORT', 0),
    now: () => base.now(),
  });
  const clock: Clock = { now: () => sandbox.now() };
  let sesame: RunningSesame | undefined;
  let playground: RunningPlayground | undefined;
  // Chosen before Sesame starts: the tab's "fix it in chat" opens the Playground (LOCAL_CHAT_URL).
  const playgroundPort = options.playground
    ? port(env, 'PLAYGROUND_PORT', 56150) || (await freePort())
    : undefined;
  try {
    // The sandbox was just started here: Sesame points at where it actually listens (ports may be ephemeral).
    const config = loadConfig(
      {
        ...env,
        GRAPH_BASE_URL: sandbox.graphUrl,
        AUTHORITY_HOST: sandbox.httpsUrl,
        SANDBOX_BOTFRAMEWORK_URL: `${sandbox.httpUrl}/botframework`,
        SANDBOX_CONSOLE_URL: sandbox.consoleUrl,
        AAD_APP_TENANT_ID: sandbox.tenantId,
        // Procedure B's DNS reads go to the sandbox's DNS server, never the internet.
        DNS_SERVERS: sandbox.dns.server,
        ...(playgroundPort ? { LOCAL_CHAT_URL: `http://127.0.0.1:${playgroundPort}` } : {}),
      },
      envFile,
    );
    // The Playground sends no token and reads none: the sandbox's connector and token service follow Sesame's mode.
    sandbox.identity.botFramework.allowAnonymousConnector = config.bot.allowUnauthenticated;

    mkdirSync(config.dataDir, { recursive: true });
    // For `npm run serve` started by hand against this sandbox (EXTRA_CA_FILE).
    writeFileSync(join(config.dataDir, 'sandbox-ca.pem'), sandbox.caCertPem);

    sesame = await startSesame(config, {
      clock,
      extraCaPem: sandbox.caCertPem,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.graphSleep ? { graphSleep: options.graphSleep } : {}),
      ...(options.timerIntervalMs !== undefined ? { timerIntervalMs: options.timerIntervalMs } : {}),
      ...(options.procedures ? { procedures: options.procedures } : {}),
    });
    const running = sesame;
    // Like an Azure Bot's messaging endpoint: where the channel posts (the sign-in's verifyState, for one).
    sandbox.identity.botFramework.setMessagingEndpoint(config.bot.appId, `${running.url}/api/messages`);

    if (options.playground && playgroundPort) {
      const cwd = join(config.dataDir, 'playground');
      // Its config file puts the chat in the sandbox tenant as Claire Martin (Global Administrator): Sesame refuses
      // a conversation whose tenant is not the signed-in admin's. Its devTools/ log folder goes there too.
      writePlaygroundConfig(cwd, { tenantId: sandbox.tenantId, botId: config.bot.appId });
      const child = startPlayground({
        endpoint: `${running.url}/api/messages`,
        port: playgroundPort,
        cwd,
        ...(options.playground.stdio ? { stdio: options.playground.stdio } : {}),
        ...(options.playground.openBrowser !== undefined
          ? { openBrowser: options.playground.openBrowser }
          : {}),
      });
      const output: string[] = [];
      child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
      playground = {
        url: `http://127.0.0.1:${playgroundPort}`,
        process: child,
        output: () => output.join(''),
      };
      await waitForPort(playgroundPort, child);
    }

    const urls = {
      ...(playground ? { chat: playground.url } : {}),
      tab: `${running.url}/tab/index.html`,
      console: sandbox.consoleUrl,
      sesame: running.url,
      graph: sandbox.graphUrl,
    };
    sandbox.runtime.consoleHooks = {
      // Every tenant the sandbox serves: a procedure run in the client's tenant has its timers there.
      async nextDue() {
        const lists = await Promise.all(
          sandbox.runtime.tenants.map((t) => running.store.listReminders(t.tenantId)),
        );
        const due = lists
          .flat()
          .filter((r) => r.status === 'scheduled')
          .map((r) => r.dueAt);
        return due.length ? Math.min(...due) : undefined;
      },
      // The procedures' calendar: Europe/Paris, French public holidays.
      addBusinessDays: (from, days) => addBusinessDays(from, days, { holidays: 'fr' }),
      async afterClockChange() {
        await running.timers.dispatchDue();
      },
      links: [
        ...(urls.chat ? [{ label: 'Chat (Agents Playground)', url: urls.chat }] : []),
        { label: 'Tab', url: urls.tab },
      ],
    };

    let stopped = false;
    return {
      sandbox,
      sesame: running,
      config,
      clock,
      ...(playground ? { playground } : {}),
      urls,
      async stop() {
        if (stopped) return;
        stopped = true;
        if (playground) await stopProcess(playground.process);
        await running.close();
        await sandbox.stop();
      },
    };
  } catch (e) {
    if (playground) await stopProcess(playground.process);
    await sesame?.close();
    await sandbox.stop();
    throw e;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
