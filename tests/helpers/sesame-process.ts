/**
 * Sesame as its own OS process (`server/main.ts`, the real entry point, through tsx), against a sandbox tenant
 * running in the test process: what a crash test needs to `kill -9` the server and start it again on the same
 * data folder. Configured like `npm start` (env/.env.local); only ports, the data folder and the sandbox's
 * addresses differ.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Store } from '../../core/ports/store.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { loadEnvFiles } from '../../server/env-files.js';
import type { LocalStack } from './local-stack.js';
import { recordedActivities, signInThroughSandboxPage } from './sandbox-chat.js';
import { postActivity, type ConversationParty } from './teams-activities.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOT_ID = loadEnvFiles('local', { envDir: join(ROOT, 'env'), processEnv: {} }).env.BOT_ID ?? '';

export interface SesameProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it printed so far. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  /** SIGTERM, as Ctrl-C or a deploy would. */
  stop(): Promise<void>;
}

export interface CrashHarness {
  readonly sandbox: RunningSandbox;
  readonly dataDir: string;
  /** A second connection to Sesame's SQLite file (the store supports several processes on one file). */
  readonly store: Store;
  /** The Sesame process currently running, if any. */
  current?: SesameProcess;
  start(): Promise<SesameProcess>;
  /** Enough of the in-process LocalStack for the card-click helpers (post, sent, signIn) against the process. */
  stack(): LocalStack;
  party(who: keyof typeof SEED_USERS, locale?: string): ConversationParty;
  close(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startCrashHarness(): Promise<CrashHarness> {
  const sandbox = await startSandbox({ host: '127.0.0.1', httpPort: 0, httpsPort: 0 });
  // The Playground's setting, as `npm start` runs it: no Bot Framework token either way.
  sandbox.identity.botFramework.allowAnonymousConnector = true;
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-crash-'));
  const caFile = join(dataDir, 'sandbox-ca.pem');
  writeFileSync(caFile, sandbox.caCertPem);
  const store = await openSqliteStore({ file: join(dataDir, 'sesame.db') });
  const serviceUrl = `${sandbox.httpUrl}/botframework/connector`;

  const harness: CrashHarness = {
    sandbox,
    dataDir,
    store,
    async start() {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dataDir,
        SESAME_ENV: 'local',
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        GRAPH_BASE_URL: sandbox.graphUrl,
        AUTHORITY_HOST: sandbox.httpsUrl,
        SANDBOX_BOTFRAMEWORK_URL: `${sandbox.httpUrl}/botframework`,
        AAD_APP_TENANT_ID: sandbox.tenantId,
        EXTRA_CA_FILE: caFile,
      };
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: string[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => out.push(d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Sesame did not start:\n${out.join('')}`)), 60_000);
        const look = () => {
          const m = /Sesame listening on (http:\/\/[^\s]+)/.exec(out.join(''));
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', look);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Sesame exited with ${code}:\n${out.join('')}`));
        });
      });
      // Like an Azure Bot's messaging endpoint: where the channel posts the sign-in's verifyState.
      sandbox.identity.botFramework.setMessagingEndpoint(BOT_ID, `${url}/api/messages`);
      const proc: SesameProcess = {
        url,
        child,
        output: () => out.join(''),
        async kill9() {
          child.kill('SIGKILL');
          await exited(child);
        },
        async stop() {
          child.kill('SIGTERM');
          await exited(child);
        },
      };
      harness.current = proc;
      return proc;
    },
    stack() {
      const current = () => {
        if (!harness.current) throw new Error('Sesame is not running');
        return harness.current;
      };
      const partial: Pick<LocalStack, 'post' | 'sent' | 'signIn' | 'sandbox' | 'store'> = {
        sandbox,
        store,
        post: (activity, headers) => postActivity(current().url, activity, headers),
        sent: (conversationId) => recordedActivities(sandbox.httpUrl, conversationId),
        signIn: signInThroughSandboxPage,
      };
      return partial as LocalStack;
    },
    party(who, locale = 'fr-FR') {
      const user = SEED_USERS[who];
      return {
        serviceUrl,
        tenantId: sandbox.tenantId,
        conversationId: `a:${who}-${Math.random().toString(36).slice(2)}`,
        botId: BOT_ID,
        user: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
        locale,
      };
    },
    async close() {
      if (harness.current) await harness.current.kill9();
      await store.close();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs` with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
