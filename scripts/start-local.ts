/**
 * `npm start`: the sandbox tenant, Sesame and the Microsoft 365 Agents Playground, all on loopback, no account,
 * no tunnel, no cloud (scripts/local-stack.ts, the same stack the tests run). Ports and the data folder come from
 * env/.env.local unless the environment sets them: PORT, SANDBOX_HTTP_PORT, SANDBOX_HTTPS_PORT, PLAYGROUND_PORT,
 * DATA_DIR. Ctrl-C stops all three.
 */
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { buildTab } from './build-tab.js';
import { startLocalStack } from './local-stack.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time of the files under `dir` (0 if none). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** The tab as its sources are now: built when missing or older than what it is built from (tab/src, core). */
function tabIsStale(): boolean {
  const built = join(root, 'tab/dist/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return newest(join(root, 'tab/src')) > builtAt || newest(join(root, 'core')) > builtAt;
}

async function main(): Promise<void> {
  if (tabIsStale()) {
    console.log('Building the tab…');
    await buildTab({ outDir: join(root, 'tab/dist') });
  }

  const stack = await startLocalStack({ env: process.env, playground: {} });
  const { urls } = stack;

  console.log('');
  console.log('Sesame is running on this machine only (loopback):');
  console.log(`  Chat with the bot (Agents Playground):  ${urls.chat}`);
  console.log(`  Tab (checklist, runs, audit log):       ${urls.tab}`);
  console.log(`  Sandbox console (vendor, DNS, time):    ${urls.console}`);
  console.log(
    `  Sesame server:                          ${urls.sesame}  (bot: /api/messages, health: /healthz)`,
  );
  console.log(`  Sandbox tenant (Graph v1.0):            ${urls.graph}`);
  console.log(`  Sandbox DNS server (UDP, procedure B):  ${stack.sandbox.dns.server}`);
  console.log('');
  console.log('In the chat, type "aide" (French) or "help" (English), then start "accès invité Cegid Loop".');
  console.log(
    'When the bot asks you to sign in, pick a user of the sandbox tenant "Cabinet Exemple": Claire Martin',
  );
  console.log(
    '(Global Administrator) completes every step; Emma Robert (Guest Inviter) and Lucas Moreau (no role)',
  );
  console.log(
    'show what Sesame says when rights are missing. Once signed in, the conversation carries on by itself.',
  );
  console.log('Play the vendor (accept the invitation) and move time forward in the sandbox console.');
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping…`);
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  stack.playground?.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`The Agents Playground exited (code ${code ?? 'none'}).`);
      void stop('Playground exit');
    }
  });
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) console.error(`Sesame cannot start: ${e.message}`);
  else console.error('npm start failed:', e);
  process.exit(1);
});
