/**
 * `npm start`: the sandbox tenant, Sesame and the Microsoft 365 Agents Playground, all on loopback, no account,
 * no tunnel, no cloud. Ctrl-C stops all three.
 */
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../sandbox/server.js';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from '../server/config.js';
import { loadEnvFiles } from '../server/env-files.js';
import { startSesame } from '../server/main.js';
import { buildTab } from './build-tab.js';
import {
  startPlayground as launchPlayground,
  writePlaygroundConfig,
  type PlaygroundIdentity,
} from './playground.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const { env, files } = loadEnvFiles('local', { envDir: join(root, 'env') });
  const envFile = files[0] ?? 'env/.env.local';
  const config = loadConfig(env, envFile);

  if (!existsSync(join(root, 'tab/dist/index.html'))) {
    console.log('Building the tab…');
    await buildTab({ outDir: join(root, 'tab/dist') });
  }

  const sandbox = await startSandbox({
    host: env.SANDBOX_HOST ?? '127.0.0.1',
    httpPort: Number(env.SANDBOX_HTTP_PORT ?? 5990),
    httpsPort: Number(env.SANDBOX_HTTPS_PORT ?? 5991),
  });
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(join(config.dataDir, 'sandbox-ca.pem'), sandbox.caCertPem);

  const sesame = await startSesame(config, { extraCaPem: sandbox.caCertPem });
  const playgroundPort = Number(env.PLAYGROUND_PORT ?? 56150);
  const playground = startPlayground(
    `${sesame.url}/api/messages`,
    playgroundPort,
    { tenantId: sandbox.tenantId, botId: config.bot.appId },
    join(config.dataDir, 'playground'),
  );

  console.log('');
  console.log('Sesame is running on this machine only (loopback):');
  console.log(`  Chat with the bot (Agents Playground):  http://127.0.0.1:${playgroundPort}`);
  console.log(
    `  Sesame server:                          ${sesame.url}  (bot: /api/messages, health: /healthz)`,
  );
  console.log(`  Tab:                                    ${sesame.url}/tab/index.html`);
  console.log(`  Sandbox tenant (Graph v1.0):            ${sandbox.graphUrl}`);
  console.log('');
  console.log(
    'In the Playground, type "aide" (French) or "help" (English), then start "accès invité Cegid Loop".',
  );
  console.log(
    'When the bot asks you to sign in, pick a user of the sandbox tenant "Cabinet Exemple": Claire Martin',
  );
  console.log(
    '(Global Administrator) completes every step; Emma Robert (Guest Inviter) and Lucas Moreau (no role)',
  );
  console.log('show what Sesame says when rights are missing. Ctrl-C stops everything.');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping…`);
    playground.kill('SIGTERM');
    await sesame.close();
    await sandbox.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  playground.once('exit', (code) => {
    if (!stopping) {
      console.error(`The Agents Playground exited (code ${code ?? 'none'}).`);
      void stop('Playground exit');
    }
  });
}

function startPlayground(
  endpoint: string,
  port: number,
  identity: PlaygroundIdentity,
  dir: string,
): ChildProcess {
  // Its config file puts the chat in the sandbox tenant, as Claire Martin (Global Administrator): Sesame refuses a
  // conversation whose tenant is not the signed-in admin's. Its devTools/ log folder goes there too.
  writePlaygroundConfig(dir, identity);
  return launchPlayground({ endpoint, port, cwd: dir });
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) console.error(`Sesame cannot start: ${e.message}`);
  else console.error('npm start failed:', e);
  process.exit(1);
});
