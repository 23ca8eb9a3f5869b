/**
 * One `npm start` driven in the Agents Playground with Debian Chromium, as the procedure and reminder browser tests
 * use it: the process and the browser started before the file's tests and stopped after them, a French context that
 * records 5xx answers and requests leaving the machine, and the helpers that act on what the chat shows (the newest
 * button, link or text of that name; typing a message; the Playground's drop-down lists; the sandbox console in a
 * tab of its own). Call it inside `describe`: it registers the file's `beforeAll` and `afterAll`.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM,
  launchChromium,
  loopbackOnly,
  screenshotDir,
} from './playground-stack.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { npmStart, type NpmStart } from './npm-start-process.js';

/** Each step waits on Sesame, the sandbox and the Playground's rendering: a silent turn fails after this. */
export const STEP = 30_000;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A name matched whole (a button named "Retry" is not "Retry later"). */
export const exactly = (s: string): RegExp => new RegExp(`^${escape(s)}$`);

export interface PlaygroundSessionOptions {
  /** The npm start instance's name (its data and log folder). */
  readonly name: string;
  /** Screenshots are build/e2e/<prefix>-<name>.png. */
  readonly shotPrefix: string;
  /** Said when Chromium is missing: which test cannot run. */
  readonly what: string;
}

export interface PlaygroundSession {
  /** Set once the file's beforeAll ran. */
  readonly started: NpmStart;
  readonly context: BrowserContext;
  /** The chat's page. */
  readonly page: Page;
  /** Requests the browser made to anything but this machine. */
  readonly requests: { offLoopback: string[] };
  shot(p: Page, name: string): Promise<Buffer>;
  /** The newest button with this name in the chat (older cards may still show the same one). */
  button(name: string): Locator;
  link(name: string): Locator;
  text(t: string | RegExp): Locator;
  see(t: string | RegExp): Promise<void>;
  /** Types a message in the chat's box and sends it. */
  type(t: string): Promise<void>;
  /** Opens the newest drop-down list (the Playground's own, not a <select>) and picks `option`. */
  pick(option: string): Promise<void>;
  /** Clicks the newest button with this name, then waits for `next` on screen. */
  clickThen(name: string, next: string | RegExp): Promise<void>;
  /** 5xx answers the browser saw and turns npm start logged with a 5xx. */
  failures(): string[];
  /** Runs `body`; on failure, screenshots of every tab and the end of npm start's output. */
  explained(body: () => Promise<void>): Promise<void>;
  /** The sandbox console in its own tab: `act` on it, then back to the chat. */
  inConsole(act: (consolePage: Page) => Promise<void>): Promise<void>;
  /** Waits until `locator` matches more than `before` elements. */
  countAbove(locator: Locator, before: number, what: string): Promise<void>;
  /** Graph's writes as Sesame made them, from the sandbox's request log: "METHOD /path status" ($batch left out). */
  graphWrites(): Promise<string[]>;
  /**
   * Opens the chat and types `sentence`, which starts a procedure before anyone signed in: the sign-in card comes,
   * and the Global Administrator signs in through the sandbox's page in the window it opens.
   */
  startSignedIn(sentence: string): Promise<void>;
}

export function playgroundSession(options: PlaygroundSessionOptions): PlaygroundSession {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install -y chromium): ` +
        `${options.what} cannot run.`,
    );
  }
  let started: NpmStart | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let requests: { offLoopback: string[] } | undefined;
  const serverErrors: string[] = [];
  const shots = screenshotDir();
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Playground session is used before its beforeAll ran');
    return value;
  };

  beforeAll(async () => {
    started = await npmStart(options.name);
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 1000 } });
    requests = await loopbackOnly(context);
    context.on('response', (r) => {
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page = await context.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await started?.stop();
  }, 60_000);

  const session: PlaygroundSession = {
    get started() {
      return ready(started);
    },
    get context() {
      return ready(context);
    },
    get page() {
      return ready(page);
    },
    get requests() {
      return ready(requests);
    },
    shot: (p, name) => p.screenshot({ path: join(shots, `${options.shotPrefix}-${name}.png`) }),
    button: (name) => session.page.getByRole('button', { name: exactly(name) }).last(),
    link: (name) => session.page.getByRole('link', { name: exactly(name) }).last(),
    text: (t) => session.page.getByText(typeof t === 'string' ? new RegExp(escape(t)) : t),
    see: (t) => session.text(t).last().waitFor({ state: 'visible', timeout: STEP }),
    async type(t) {
      const box = session.page.getByRole('textbox').last();
      await box.click();
      await box.pressSequentially(t);
      await box.press('Enter');
    },
    async pick(option) {
      await session.page.getByRole('combobox').last().click({ timeout: STEP });
      await session.page
        .getByRole('option', { name: exactly(option) })
        .last()
        .click({ timeout: STEP });
    },
    async clickThen(name, next) {
      await session.button(name).click({ timeout: STEP });
      await session.see(next);
    },
    failures() {
      const logged = session.started
        .output()
        .split('\n')
        .filter((line) =>
          /\b(message|invoke|conversationUpdate|installationUpdate)\b.*\b5\d\d\b/i.test(line),
        );
      return [...serverErrors, ...logged];
    },
    async explained(body) {
      try {
        await body();
      } catch (e) {
        await Promise.all(
          session.context.pages().map((p, i) => session.shot(p, `failure-${i}`).catch(() => undefined)),
        );
        console.error(`npm start output:\n${session.started.output().slice(-6000)}\nScreenshots: ${shots}`);
        throw e;
      }
    },
    async inConsole(act) {
      const consolePage = await session.context.newPage();
      await consolePage.goto(session.started.urls.console);
      await act(consolePage);
      await consolePage.close();
      await session.page.bringToFront();
    },
    async countAbove(locator, before, what) {
      const deadline = Date.now() + STEP;
      while ((await locator.count()) <= before) {
        if (Date.now() > deadline) throw new Error(`${what}: still ${before} after ${STEP} ms`);
        await session.page.waitForTimeout(200);
      }
    },
    async startSignedIn(sentence) {
      const { page, context } = session;
      await page.goto(session.started.urls.chat);
      await page.getByText(SEED_USERS.globalAdmin.displayName).first().waitFor({ timeout: STEP });
      await page.getByRole('textbox').last().waitFor({ timeout: STEP });
      const signInLinks = page.getByRole('link', { name: exactly('Se connecter') });
      const links = await signInLinks.count();
      await session.type(sentence);
      await session.countAbove(signInLinks, links, 'sign-in card');
      const [signIn] = await Promise.all([
        context.waitForEvent('page', { timeout: STEP }),
        session.link('Se connecter').click(),
      ]);
      await signIn.waitForLoadState('domcontentloaded');
      await signIn
        .getByRole('button', { name: new RegExp(SEED_USERS.globalAdmin.displayName) })
        .click({ timeout: STEP });
      await signIn.getByText('Vous pouvez fermer cette fenêtre').waitFor({ timeout: STEP });
      await signIn.close();
      await page.bringToFront();
    },
    async graphWrites() {
      const consoleOrigin = new URL(session.started.urls.console).origin;
      const res = await fetch(`${consoleOrigin}/_sandbox/log`);
      const log = ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
      return log
        .filter((e) => e.method !== 'GET' && !e.url.startsWith('/$batch'))
        .map((e) => `${e.method} ${decodeURIComponent(new URL(e.url, 'http://graph').pathname)} ${e.status}`);
    },
  };
  return session;
}
