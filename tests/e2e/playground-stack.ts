/**
 * The sandbox tenant, Sesame and the Microsoft 365 Agents Playground, as `npm start` runs them but on ephemeral
 * loopback ports, plus Debian's Chromium with every request off loopback blocked and recorded.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
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

export interface PlaygroundStack {
  readonly stack: LocalStack;
  /** The Playground's page, e.g. http://127.0.0.1:41234 */
  readonly playgroundUrl: string;
  /** What the Playground printed (stdout and stderr), for failure messages. */
  readonly playgroundOutput: () => string;
  stop(): Promise<void>;
}

/** The local stack with its Playground (scripts/local-stack.ts, as `npm start`), on ephemeral ports. */
export async function startPlaygroundStack(): Promise<PlaygroundStack> {
  const stack = await startLocalStack({
    playground: { openBrowser: false, stdio: ['ignore', 'pipe', 'pipe'] },
  });
  const playground = stack.playground!;
  return {
    stack,
    playgroundUrl: playground.url,
    playgroundOutput: () => playground.output(),
    stop: () => stack.stop(),
  };
}

/** Where screenshots go (git-ignored). */
export function screenshotDir(): string {
  const dir = join(process.cwd(), 'build/e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}
