/**
 * `npm start` as a newcomer runs it, for the browser suites: the real script and env file, only ports and the data
 * folder from the environment (ephemeral ports, a temporary folder), its output kept, the URLs it prints read back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/local-stack.js';

/** What `npm start` prints for a newcomer to open. */
export interface PrintedUrls {
  readonly chat: string;
  readonly tab: string;
  readonly console: string;
}

export interface NpmStart {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly urls: PrintedUrls;
  /** SIGTERM to the whole process group (npm, Sesame, the sandbox, the Playground), then the data folder goes. */
  stop(): Promise<void>;
}

/** `npm start` in its own process group (so it and its children stop together), with its output kept. */
function spawnNpmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const chunks: string[] = [];
  const child = spawn('npm', ['start'], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  return { child, output: () => chunks.join('') };
}

async function printedUrls(output: () => string, child: ChildProcess): Promise<PrintedUrls> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const text = output();
    const url = (label: string) => new RegExp(`${label}[^\\n]*?(http://\\S+)`).exec(text)?.[1];
    const chat = url('Chat with the bot');
    const tab = url('Tab \\(');
    const consoleUrl = url('Sandbox console');
    if (chat && tab && consoleUrl) return { chat, tab, console: consoleUrl };
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${text}`);
    if (Date.now() > deadline) throw new Error(`npm start printed no URLs:\n${text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts `npm start` on free ports with a fresh data folder and waits for the URLs it prints. */
export async function npmStart(name: string): Promise<NpmStart> {
  const dataDir = mkdtempSync(join(tmpdir(), `sesame-${name}-`));
  const [port, http, https, playground] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const { child, output } = spawnNpmStart({
    PORT: String(port),
    SANDBOX_HTTP_PORT: String(http),
    SANDBOX_HTTPS_PORT: String(https),
    PLAYGROUND_PORT: String(playground),
    DATA_DIR: dataDir,
    // The Playground's own switch: it does not open the machine's browser (the test drives Chromium).
    TEAMSAPPTESTER_BROWSER: 'none',
  });
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    return { child, output, urls: await printedUrls(output, child), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
