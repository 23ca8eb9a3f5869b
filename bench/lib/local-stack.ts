/**
 * The sandbox tenant and Sesame's real server, both in this process on ephemeral loopback ports, configured from
 * env/.env.local the way `npm start` runs them (local mode: no Bot Framework token on inbound activities).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { loadConfig, type SesameConfig } from '../../server/config.js';
import { loadEnvFiles } from '../../server/env-files.js';
import { startSesame, type RunningSesame } from '../../server/main.js';
import type { Party } from './activities.js';

export type SeededUser = keyof typeof SEED_USERS;

export interface BenchStack {
  readonly sandbox: RunningSandbox;
  readonly sesame: RunningSesame;
  readonly config: SesameConfig;
  /** A personal chat between the seeded user `who` and Sesame. */
  party(who: SeededUser, conversationId: string, locale?: string): Party;
  /** Signs `who` in through the sandbox's sign-in page, as following the sign-in card's link does. */
  signIn(signInLink: string, who: SeededUser): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, allowAnonymousConnector: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
  let sesame: RunningSesame | undefined;
  try {
    const { env } = loadEnvFiles('local', { processEnv: {} });
    const config = loadConfig(
      {
        ...env,
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        GRAPH_BASE_URL: sandbox.graphUrl,
        AUTHORITY_HOST: sandbox.httpsUrl,
        SANDBOX_BOTFRAMEWORK_URL: `${sandbox.httpUrl}/botframework`,
        AAD_APP_TENANT_ID: sandbox.tenantId,
      },
      'env/.env.local',
    );
    // Timers off: nothing but the benchmark's own turns runs in Sesame.
    sesame = await startSesame(config, { extraCaPem: sandbox.caCertPem, timerIntervalMs: 0 });
    const running = sesame;
    const serviceUrl = sandbox.identity.botFramework.serviceUrl;
    return {
      sandbox,
      sesame: running,
      config,
      party(who, conversationId, locale = 'fr-FR') {
        const user = SEED_USERS[who];
        return {
          serviceUrl,
          tenantId: sandbox.tenantId,
          conversationId,
          botId: config.bot.appId,
          user: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
          locale,
        };
      },
      async signIn(signInLink, who) {
        const page = await fetch(signInLink);
        const html = await page.text();
        const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
        const unescape = (s: string) => s.replace(/&amp;/g, '&');
        const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
        if (!action) throw new Error('the sandbox sign-in page has no form');
        const form = new URLSearchParams();
        for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
          form.set(name!, unescape(value!));
        form.set('user', SEED_USERS[who].id);
        const done = await fetch(new URL(unescape(action), signInLink), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: form.toString(),
        });
        if (done.status !== 200) throw new Error(`sandbox sign-in answered ${done.status}`);
      },
      async stop() {
        await running.close();
        await sandbox.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await sesame?.close();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
