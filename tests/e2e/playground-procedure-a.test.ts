/**
 * Procedure A (Cegid Loop guest access) completed the way a newcomer does it after `npm start`: in the Microsoft 365
 * Agents Playground's web page, in Debian's Chromium, signing in on the sandbox tenant's page. The sandbox tenant,
 * Sesame and the Playground run for real on loopback; the browser may not reach anything else.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Run } from '../../core/engine/run.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import {
  chromiumAvailable,
  CHROMIUM,
  isPlaygroundChrome,
  launchChromium,
  loopbackOnly,
  screenshotDir,
  startPlaygroundStack,
  type PlaygroundStack,
} from './playground-stack.js';

// `npm run test:e2e` needs Debian's Chromium: without it this suite fails, loudly, in CI and everywhere else.
if (!chromiumAvailable()) {
  throw new Error(
    `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install -y chromium): ` +
      'the Agents Playground test cannot run.',
  );
}

const VENDOR = 'admin@onloop.onmicrosoft.com';
const GUEST_INVITER_ROLE = '95e79109-95c0-4d8e-aee3-d01accf2d47b';
/** Each step waits on Sesame, the sandbox (Graph, sign-in) and the Playground's rendering. */
const STEP = 30_000;

describe('procedure A in the Agents Playground (Chromium)', () => {
  let env: PlaygroundStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requests: { offLoopback: string[] };
  const shots = screenshotDir();
  const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `playground-a-${name}.png`) });

  beforeAll(async () => {
    env = await startPlaygroundStack();
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1400, height: 1000 } });
    requests = await loopbackOnly(context);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  }, 60_000);

  /**
   * A French label. The Playground stamps every activity with locale en-US (hard-coded in its dist/index.js), but
   * the admin writes French ("aide", "accès invité Cegid Loop"), and Sesame answers — and keeps the run — in the
   * language the admin wrote: the English label must not appear. (The English text is kept to document the pair.)
   */
  const either = (fr: string, _en: string): RegExp => new RegExp(`^(${escape(fr)})$`);
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** The newest button with this name in the chat (older cards may still show the same one). */
  const button = (name: RegExp): Locator => page.getByRole('button', { name }).last();
  /** The Playground renders Action.OpenUrl as a link, not a button. */
  const signInLink = (): Locator => page.getByRole('link', { name: SIGN_IN }).last();
  const see = (fr: string, _en: string): Promise<void> =>
    page
      .getByText(new RegExp(escape(fr)))
      .last()
      .waitFor({ state: 'visible', timeout: STEP });

  /** On failure: a screenshot of every open page, and the end of the Playground's and Sesame's logs. */
  async function explained(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      await Promise.all(context.pages().map((p, i) => shot(p, `failure-${i}`).catch(() => undefined)));
      const logs = [
        `Playground output:\n${env.playgroundOutput().slice(-4000)}`,
        `Sesame log:\n${env.stack.logger.lines.slice(-40).join('\n')}`,
        `Screenshots: ${shots}`,
      ];
      console.error(logs.join('\n\n'));
      throw e;
    }
  }

  const SIGN_IN = either('Se connecter', 'Sign in');
  const CHECK_NOW = either('Vérifier maintenant', 'Check now');
  const CONFIRMED = either('Cegid Loop a confirmé', 'Cegid Loop confirmed');

  it(
    'invites Cegid Loop, assigns Guest Inviter, waits for acceptance and finishes',
    () =>
      explained(async () => {
        const { stack } = env;
        await page.goto(env.playgroundUrl);
        // The Playground shows the chat user from its config file: the sandbox's Global Administrator.
        await page.getByText(SEED_USERS.globalAdmin.displayName).first().waitFor({ timeout: STEP });
        const box = page.getByRole('textbox').last();
        await box.waitFor({ timeout: STEP });
        await shot(page, '1-welcome');

        // "aide" shows the procedure card in French, whatever locale the Playground sends.
        await box.click();
        await box.pressSequentially('aide');
        await box.press('Enter');
        await see('Sesame — procédures d’accès des éditeurs', 'Sesame — vendor access procedures');

        // Start the procedure by name; not signed in yet, so Sesame answers with its sign-in card.
        await box.click();
        await box.pressSequentially('accès invité Cegid Loop');
        await box.press('Enter');
        await signInLink().waitFor({ timeout: STEP });
        await shot(page, '2-sign-in-card');

        // "Se connecter" opens the sandbox's sign-in page in a new window: pick Claire Martin there.
        const [signIn] = await Promise.all([
          context.waitForEvent('page', { timeout: STEP }),
          signInLink().click(),
        ]);
        await signIn.waitForLoadState('domcontentloaded');
        expect(new URL(signIn.url()).origin).toBe(new URL(stack.sandbox.httpUrl).origin);
        await signIn.getByRole('button', { name: new RegExp(SEED_USERS.globalAdmin.displayName) }).click();
        await signIn
          .getByText(/Connecté|Signed in/)
          .first()
          .waitFor({ timeout: STEP });
        await shot(signIn, '3-signed-in');
        await signIn.close();

        // Back in the chat: the procedure started by itself once signed in (no "Je suis connecté" click).
        await page.bringToFront();
        await see('Adresse e-mail du fournisseur', 'Vendor email address');
        await shot(page, '4-email');

        const email = page
          .getByRole('textbox', { name: /Adresse e-mail du fournisseur|Vendor email address/ })
          .last();
        if ((await email.inputValue()) !== VENDOR) await email.fill(VENDOR);
        await button(either('Continuer', 'Continue')).click();
        await see(`Inviter ${VENDOR} comme invité ?`, `Invite ${VENDOR} as a guest?`);
        await shot(page, '5-invite');

        await button(either('Inviter', 'Invite')).click();
        await see(`Attribuer le rôle Inviteur à ${VENDOR} ?`, `Give ${VENDOR} the Guest Inviter role?`);
        await shot(page, '6-assign');

        await button(either('Attribuer', 'Assign')).click();
        // The admin becomes the guest's sponsor (Entra ID), once confirmed.
        await see(`Vous désigner comme parrain de ${VENDOR} ?`, `Make yourself the sponsor of ${VENDOR}?`);
        await button(either('Devenir parrain', 'Become the sponsor')).click();
        await button(CHECK_NOW).waitFor({ timeout: STEP });
        await shot(page, '7-waiting');

        // The tenant now holds the guest and its role; the vendor accepts the invitation (sandbox admin route).
        const guest = [...stack.sandbox.state.users.values()].find((u) => u.mail?.toLowerCase() === VENDOR);
        expect(guest?.userType).toBe('Guest');
        const assignments = [...stack.sandbox.state.roleAssignments.values()].filter(
          (a) => a.principalId === guest!.id && a.roleDefinitionId === GUEST_INVITER_ROLE,
        );
        expect(assignments).toHaveLength(1);
        expect(stack.sandbox.state.sponsors.get(guest!.id)).toHaveLength(1);
        const accepted = await fetch(`${stack.sandbox.httpUrl}/_sandbox/guests/${guest!.id}/accept`, {
          method: 'POST',
        });
        expect(accepted.ok).toBe(true);

        await button(CHECK_NOW).click();
        await button(CONFIRMED).waitFor({ timeout: STEP });
        await shot(page, '8-accepted');

        await button(CONFIRMED).click();
        await see('Procédure terminée', 'Procedure complete');
        await shot(page, '9-done');
        // Earlier steps' results fold behind an Action.ToggleVisibility, which the Playground runs in the page.
        await button(/^(Détail des étapes précédentes|Details of earlier steps) \(\d+\)$/).click();
        await see(`${VENDOR} est invité`, `${VENDOR} is invited`);
        await shot(page, '10-details');

        // Each click's invoke response replaced the run card in place: one run card from first step to last.
        await expect(
          page
            .getByRole('heading', { name: either('Accès invité Cegid Loop', 'Cegid Loop guest access') })
            .count(),
        ).resolves.toBe(1);
        // One invitation and one role assignment reached the tenant, whatever the Playground re-sent.
        const log = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`)).json()) as {
          value: { method: string; url: string; status: number }[];
        };
        expect(
          log.value
            .filter((e) => e.method !== 'GET')
            .map((e) => `${e.method} ${new URL(e.url, 'http://x').pathname} ${e.status}`),
        ).toEqual([
          'POST /invitations 201',
          'POST /roleManagement/directory/roleAssignments 201',
          `POST /users/${guest!.id}/sponsors/$ref 204`,
        ]);

        const runs = await stack.store.list<Run>('run', stack.sandbox.tenantId, { limit: 10 });
        expect(runs.map((r) => r.value.status)).toEqual(['done']);
        expect(runs[0]!.value.startedBy.id).toBe(SEED_USERS.globalAdmin.id);

        // The browser tried to reach nothing off loopback but the Playground's own CDN fonts and animation.
        expect(requests.offLoopback.filter((url) => !isPlaygroundChrome(url))).toEqual([]);
      }),
    300_000,
  );
});
