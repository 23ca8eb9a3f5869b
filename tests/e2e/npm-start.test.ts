/**
 * The quick start, as a newcomer runs it: this suite spawns `npm start` itself (the real script and env file; only
 * ports and the data folder come from the environment), reads the URLs it prints, and in Debian's Chromium
 * completes procedure A in the Agents Playground as Claire Martin (Global Administrator) — signing in on the
 * sandbox's page, playing the vendor in the sandbox console — then shows what Emma Robert (Guest Inviter) and
 * Lucas Moreau (no role) are told. Any 500 in the chat, or a turn left without an answer, fails it.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import {
  chromiumAvailable,
  CHROMIUM,
  isPlaygroundChrome,
  launchChromium,
  loopbackOnly,
  screenshotDir,
} from './playground-stack.js';
import { npmStart, type NpmStart, type PrintedUrls } from './npm-start-process.js';

if (!chromiumAvailable()) {
  throw new Error(
    `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install -y chromium): ` +
      'the npm start test cannot run.',
  );
}

const VENDOR = 'admin@onloop.onmicrosoft.com';
/** Each step waits on Sesame, the sandbox and the Playground's rendering: a silent turn fails after this. */
const STEP = 30_000;

describe('npm start, then procedure A in the Playground (Chromium)', () => {
  let started: NpmStart;
  let urls: PrintedUrls;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requests: { offLoopback: string[] };
  const serverErrors: string[] = [];
  const shots = screenshotDir();
  const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `npm-start-${name}.png`) });

  beforeAll(async () => {
    started = await npmStart('npm-start');
    urls = started.urls;
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

  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exactly = (s: string): RegExp => new RegExp(`^${escape(s)}$`);
  /** The newest button with this name in the chat (older cards may still show the same one). */
  const button = (name: string | RegExp): Locator =>
    page.getByRole('button', { name: typeof name === 'string' ? exactly(name) : name }).last();
  const link = (name: string): Locator => page.getByRole('link', { name: exactly(name) }).last();
  const see = (text: string): Promise<void> =>
    page
      .getByText(new RegExp(escape(text)))
      .last()
      .waitFor({ state: 'visible', timeout: STEP });
  const type = async (text: string) => {
    const box = page.getByRole('textbox').last();
    await box.click();
    await box.pressSequentially(text);
    await box.press('Enter');
  };

  /** What the Playground printed about the bot answering 5xx, and the browser's 5xx answers. */
  function failures(): string[] {
    const logged = started
      .output()
      .split('\n')
      .filter((line) => /\b(message|invoke|conversationUpdate|installationUpdate)\b.*\b5\d\d\b/i.test(line));
    return [...serverErrors, ...logged];
  }

  async function explained(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      await Promise.all(context.pages().map((p, i) => shot(p, `failure-${i}`).catch(() => undefined)));
      console.error(`npm start output:\n${started.output().slice(-6000)}\nScreenshots: ${shots}`);
      throw e;
    }
  }

  /** Types `text` and waits for a new sign-in card (older ones stay in the chat, their links used up). */
  async function askAndGetSignInCard(text: string): Promise<void> {
    const links = page.getByRole('link', { name: exactly('Se connecter') });
    const before = await links.count();
    await type(text);
    const deadline = Date.now() + STEP;
    while ((await links.count()) <= before) {
      if (Date.now() > deadline) throw new Error(`no new sign-in card after "${text}"`);
      await page.waitForTimeout(200);
    }
  }

  /** Follows the sign-in card's link and picks `who` on the sandbox's page; the chat carries on by itself. */
  async function signInAs(who: keyof typeof SEED_USERS, shotName: string): Promise<void> {
    const [signIn] = await Promise.all([
      context.waitForEvent('page', { timeout: STEP }),
      link('Se connecter').click(),
    ]);
    await signIn.waitForLoadState('domcontentloaded');
    expect(new URL(signIn.url()).origin).toBe(new URL(urls.console).origin);
    // The page follows the run's language (French: the admin wrote French).
    await signIn.getByText('Choisissez un compte').waitFor({ timeout: STEP });
    await signIn.getByRole('button', { name: new RegExp(SEED_USERS[who].displayName) }).click();
    await signIn.getByText('Vous pouvez fermer cette fenêtre').waitFor({ timeout: STEP });
    await shot(signIn, shotName);
    await signIn.close();
    await page.bringToFront();
  }

  it(
    'Claire Martin completes procedure A; Emma Robert and Lucas Moreau are told what they lack',
    () =>
      explained(async () => {
        await page.goto(urls.chat);
        await page.getByText(SEED_USERS.globalAdmin.displayName).first().waitFor({ timeout: STEP });
        await page.getByRole('textbox').last().waitFor({ timeout: STEP });

        await type('aide');
        await see('Sesame — procédures d’accès des éditeurs');
        await shot(page, '01-help');

        await askAndGetSignInCard('accès invité Cegid Loop');
        await shot(page, '02-sign-in-card');
        await signInAs('globalAdmin', '03-sign-in-page');

        // No "Je suis connecté" click: the run's first step is already in the chat.
        await see('Adresse e-mail du fournisseur');
        await shot(page, '04-email');
        const email = page.getByRole('textbox', { name: /Adresse e-mail du fournisseur/ }).last();
        if ((await email.inputValue()) !== VENDOR) await email.fill(VENDOR);
        await button('Continuer').click();
        await see(`Inviter ${VENDOR} comme invité ?`);
        await button('Inviter').click();
        await see(`Attribuer le rôle Inviteur à ${VENDOR} ?`);
        await button('Attribuer').click();
        await see(`Vous désigner comme parrain de ${VENDOR} ?`);
        await button('Devenir parrain').click();
        await button('Vérifier maintenant').waitFor({ timeout: STEP });
        await shot(page, '05-waiting');

        // The vendor's side: the waiting card links to the sandbox console, where the invitation is accepted.
        const [consolePage] = await Promise.all([
          context.waitForEvent('page', { timeout: STEP }),
          link('Jouer l’autre partie (console du bac à sable)').click(),
        ]);
        await consolePage.waitForLoadState('domcontentloaded');
        expect(consolePage.url()).toBe(urls.console);
        const row = consolePage.locator('section[data-source="guest-invitations"] tr', { hasText: VENDOR });
        await shot(consolePage, '06-console-pending');
        await row.getByRole('button', { name: 'Accept as the guest' }).click();
        await consolePage
          .locator('section[data-section="guests"] tr', { hasText: VENDOR })
          .getByText('Accepted')
          .waitFor({ timeout: STEP });
        await shot(consolePage, '07-console-accepted');
        // Time, too: the console moves the clock Sesame and the sandbox share to Sesame's next re-check.
        const nowShown = () => consolePage.locator('[data-clock-now]').innerText();
        const before = await nowShown();
        await consolePage.getByRole('button', { name: 'Advance to the next due date' }).click();
        await consolePage.waitForFunction(
          (previous) => document.querySelector('[data-clock-now]')?.textContent !== previous,
          before,
          { timeout: STEP },
        );
        expect(Date.parse(await nowShown())).toBeGreaterThan(Date.parse(before));
        await consolePage.close();
        await page.bringToFront();

        await button('Vérifier maintenant').click();
        await button('Cegid Loop a confirmé').waitFor({ timeout: STEP });
        await button('Cegid Loop a confirmé').click();
        await see('Procédure terminée');
        await shot(page, '08-done');

        // Another admin of the tenant: sign out, start again, sign in as Emma Robert (Guest Inviter).
        await type('déconnexion');
        await see('Vous êtes déconnecté.');
        await askAndGetSignInCard('accès invité Cegid Loop');
        await signInAs('guestInviter', '09-sign-in-emma');
        await see('Vous pouvez commencer, mais ces étapes demanderont quelqu’un d’autre');
        await shot(page, '10-emma');

        // Lucas Moreau holds no directory role: Sesame says so, and who in the tenant can do it.
        await type('déconnexion');
        await see('Vous êtes déconnecté.');
        await askAndGetSignInCard('accès invité Cegid Loop');
        await signInAs('plainUser', '11-sign-in-lucas');
        await see('Droits insuffisants');
        await see('Dans votre organisation');
        await shot(page, '12-lucas');

        // The Playground's log panel lists every call to the bot with its status: none answered 5xx.
        await expect(
          page.getByText(/\b(message|invoke|conversationUpdate|installationUpdate) 5\d\d\b/).count(),
        ).resolves.toBe(0);
        await expect(page.getByText(/\bmessage 200\b/).count()).resolves.toBeGreaterThan(0);
        expect(failures()).toEqual([]);
        expect(requests.offLoopback.filter((url) => !isPlaygroundChrome(url))).toEqual([]);
      }),
    300_000,
  );

  it(
    'the printed tab URL signs in through the sandbox (code + PKCE) and lists the tenant’s runs and audit log',
    () =>
      explained(async () => {
        const tab = await context.newPage();
        await tab.goto(urls.tab);
        // Outside Teams the tab offers the tenant's sign-in (French: the browser's language).
        await tab.getByRole('button', { name: 'Se connecter' }).click();
        await tab.waitForURL((url) => url.origin === new URL(urls.console).origin, { timeout: STEP });
        expect(new URL(tab.url()).pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/);
        await tab.getByText('Choisissez un compte').waitFor({ timeout: STEP });
        await shot(tab, '13-tab-sign-in');
        await tab.getByRole('button', { name: new RegExp(SEED_USERS.globalAdmin.displayName) }).click();

        // Back on the tab, with no code left in the address.
        await tab.waitForURL((url) => url.href === urls.tab, { timeout: STEP });
        await tab
          .getByText(`Connecté en tant que ${SEED_USERS.globalAdmin.displayName}`)
          .waitFor({ timeout: STEP });
        // The checklist comes first; the runs are under Procédures, the audit log under its own section.
        await tab.getByRole('heading', { name: 'Checklist du tenant' }).waitFor({ timeout: STEP });
        await tab.getByRole('tab', { name: 'Procédures' }).click();
        await tab.getByRole('heading', { name: 'Procédures en cours et passées' }).waitFor({ timeout: STEP });
        // The runs of the first test: Claire's finished, Emma's and Lucas's still open.
        const runRows = tab
          .locator('section:has(h2:text("Procédures en cours et passées")) tbody tr')
          .filter({ hasText: 'Accès invité Cegid Loop' });
        await runRows.first().waitFor({ timeout: STEP });
        await expect(runRows.count()).resolves.toBe(3);
        await expect(runRows.filter({ hasText: 'Terminée' }).count()).resolves.toBe(1);
        // Lucas Moreau's run stopped at its rights check: blocked, waiting for someone with a role he lacks.
        const lucas = runRows.filter({ hasText: SEED_USERS.plainUser.displayName });
        await expect(lucas.getByText('Bloquée', { exact: true }).count()).resolves.toBe(1);
        await expect(lucas.textContent()).resolves.toContain(
          'Vérification des droits, avant la première étape',
        );
        await expect(lucas.textContent()).resolves.toContain('Une personne ayant le rôle');
        // The audit log lists the three writes of procedure A (invitation, role, sponsor), by Claire Martin, in words.
        await tab.getByRole('tab', { name: 'Journal d’audit' }).click();
        await tab.getByRole('heading', { name: 'Journal d’audit' }).waitFor({ timeout: STEP });
        const writes = tab.getByRole('row').filter({ hasText: 'Modification du tenant' });
        await writes.first().waitFor({ timeout: STEP });
        await expect(writes.filter({ hasText: SEED_USERS.globalAdmin.displayName }).count()).resolves.toBe(3);
        await expect(writes.filter({ hasText: `Invitation · ${VENDOR}` }).count()).resolves.toBe(1);
        await expect(writes.filter({ hasText: 'Parrain de l’invité' }).count()).resolves.toBe(1);
        const auditText =
          (await tab.locator('section:has(h2:text("Journal d’audit")) tbody').textContent()) ?? '';
        expect(auditText).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-|graph\.write|stepId/);
        await shot(tab, '14-tab');

        // Two hours later on the shared clock (the console's control), the token has expired: the tab asks again.
        const advanced = await fetch(new URL('/_sandbox/clock/advance', urls.console), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hours: 2 }),
        });
        expect(advanced.status).toBe(200);
        await tab.reload();
        await tab.getByRole('button', { name: 'Se connecter' }).waitFor({ timeout: STEP });
        expect(failures()).toEqual([]);
      }),
    120_000,
  );
});
