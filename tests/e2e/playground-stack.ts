/**
 * The sandbox tenant, Sesame and the Microsoft 365 Agents Playground, as `npm start` runs them but on ephemeral
 * loopback ports, plus Debian's Chromium with every request off loopback blocked and recorded.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { startPlayground, waitForPort, writePlaygroundConfig } from '../../scripts/playground.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { CHROMIUM, chromiumAvailable, launchChromium } from '../../scripts/chromium.js';

export { CHROMIUM, chromiumAvailable, launchChromium };

/**
 * The Playground's own page asks Microsoft's CDN for the Segoe UI web fonts and Fluent's "flair" animation worklet.
 * Those requests are blocked like any other, but they are the Playground's, not Sesame's: they do not fail a test.
 * Anything else off loopback does (a card image, a link Sesame renders, a script).
 */
export function isPlaygroundChrome(url: string): boolean {
  const u = new URL(url);
  return (
    u.protocol === 'https:' &&
    u.hostname === 'res-1.cdn.office.net' &&
    /^\/files\/fabric-cdn-prod_\d{8}\.\d{3}\/assets\/(fonts|animations)\//.test(u.pathname)
  );
}

/** Lets through requests to loopback only; records the others (they are aborted). */
export async function loopbackOnly(context: BrowserContext): Promise<{ offLoopback: string[] }> {
  const record = { offLoopback: [] as string[] };
  await context.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    async (route) => {
      record.offLoopback.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  return record;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject()));
    });
  });
}

export interface PlaygroundStack {
  readonly stack: LocalStack;
  /** The Playground's page, e.g. http://127.0.0.1:41234 */
  readonly playgroundUrl: string;
  /** What the Playground printed (stdout and stderr), for failure messages. */
  readonly playgroundOutput: () => string;
  stop(): Promise<void>;
}

export async function startPlaygroundStack(): Promise<PlaygroundStack> {
  const stack = await startLocalStack();
  const cwd = mkdtempSync(join(tmpdir(), 'sesame-playground-'));
  let child: ChildProcess | undefined;
  try {
    writePlaygroundConfig(cwd, { tenantId: stack.sandbox.tenantId, botId: stack.config.bot.appId });
    const port = await freePort();
    child = startPlayground({
      endpoint: `${stack.sesame.url}/api/messages`,
      port,
      cwd,
      openBrowser: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    await waitForPort(port, child);
    const running = child;
    return {
      stack,
      playgroundUrl: `http://127.0.0.1:${port}`,
      playgroundOutput: () => output.join(''),
      async stop() {
        if (running.exitCode === null && running.signalCode === null) {
          const exited = new Promise((resolve) => running.once('exit', resolve));
          running.kill('SIGTERM');
          await exited;
        }
        await stack.stop();
        rmSync(cwd, { recursive: true, force: true });
      },
    };
  } catch (e) {
    child?.kill('SIGTERM');
    await stack.stop();
    rmSync(cwd, { recursive: true, force: true });
    throw e;
  }
}

/** Where screenshots go (git-ignored). */
export function screenshotDir(): string {
  const dir = join(process.cwd(), 'build/e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}
