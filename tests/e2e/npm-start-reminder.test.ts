/**
 * Procedure A's deadline reminder, as a newcomer sees it from `npm start`: in the Agents Playground (Chromium),
 * Claire Martin runs procedure A up to the wait for Cegid Loop (2 business days); in the sandbox console the shared
 * clock moves 2 business days on; the reminder card arrives by itself in the Playground chat (a proactive send to
 * the conversation reference Sesame stored, through its serviceUrl: the Playground's). Then its buttons: snooze
 * 1 hour (the card says so, and an hour later on the clock the reminder comes back as a new card), "re-check now"
 * while the vendor has not accepted (still waiting), and again once the vendor accepted in the console (the run
 * moves on to Cegid Loop's confirmation, and the chat shows that step's card).
 */
import type { Page } from 'playwright-core';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { isPlaygroundChrome } from './playground-stack.js';
import { playgroundSession, STEP } from './playground-session.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';
const REMINDER_TITLE = 'Rappel — Accès invité Cegid Loop';

describe('npm start: procedure A’s deadline reminder arrives in the Playground (Chromium)', () => {
  const session = playgroundSession({
    name: 'npm-start-reminder',
    shotPrefix: 'reminder',
    what: 'the npm start reminder test',
  });
  const { startSignedIn, shot, button, text, see, failures, explained, inConsole, countAbove } = session;

  /** Clicks one of the console's clock buttons and waits for the time it shows to move. */
  async function advanceClock(consolePage: Page, control: string, amount?: number): Promise<void> {
    const now = consolePage.locator('[data-clock-now]');
    const before = await now.innerText();
    if (amount !== undefined) {
      const field = consolePage.getByRole('spinbutton', {
        name: control === 'Advance by hours' ? 'hours' : 'business days',
      });
      await field.fill(String(amount));
    }
    await consolePage.getByRole('button', { name: control }).click();
    await consolePage.waitForFunction(
      (previous) => document.querySelector('[data-clock-now]')?.textContent !== previous,
      before,
      { timeout: STEP },
    );
    expect(Date.parse(await now.innerText())).toBeGreaterThan(Date.parse(before));
  }

  it(
    'the reminder card comes by itself after 2 business days; snooze, re-check and the vendor’s acceptance work from it',
    () =>
      explained(async () => {
        const { page, requests } = session;
        // Procedure A up to the wait for the vendor.
        await startSignedIn('accès invité Cegid Loop');
        await see('Adresse e-mail du fournisseur');
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
        // No reminder yet: the window is open.
        await expect(text(REMINDER_TITLE).count()).resolves.toBe(0);
        await shot(page, '01-waiting');

        // Two business days later on the shared clock, nobody typing anything: the reminder card arrives.
        await inConsole((c) => advanceClock(c, 'Advance by business days', 2));
        await see(REMINDER_TITLE);
        await see('Le délai de 2 jours ouvrés laissé à Cegid Loop pour l’accès invité de');
        await see('Jours ouvrés comptés sur le calendrier');
        await expect(text(REMINDER_TITLE).count()).resolves.toBe(1);
        await shot(page, '02-reminder-arrived');

        // Snooze 1 hour: the card says until when and by whom, for everyone (it is updated in place).
        await button('Rappeler dans 1 heure').click();
        await see(`par ${SEED_USERS.globalAdmin.displayName}.`);
        await see(/Reporté au /);
        await expect(text(REMINDER_TITLE).count()).resolves.toBe(1);
        await shot(page, '03-snoozed');

        // An hour and a bit later the reminder comes back, once, as a new card.
        await inConsole((c) => advanceClock(c, 'Advance by hours', 2));
        await countAbove(text(REMINDER_TITLE), 1, 'the snoozed reminder back');
        await expect(text(REMINDER_TITLE).count()).resolves.toBe(2);
        await shot(page, '04-snoozed-reminder-back');

        // Re-check now while the vendor has not accepted: still waiting.
        await button('Revérifier maintenant').click();
        await see(/toujours en attente/);
        await shot(page, '05-still-waiting');

        // The vendor accepts in the console; re-check now moves the run on to Cegid Loop's confirmation.
        await inConsole(async (c) => {
          const row = c.locator('section[data-source="guest-invitations"] tr', { hasText: VENDOR });
          await row.getByRole('button', { name: 'Accept as the guest' }).click();
          await c
            .locator('section[data-section="guests"] tr', { hasText: VENDOR })
            .getByText('Accepted')
            .waitFor({ timeout: STEP });
        });
        await button('Revérifier maintenant').click();
        await see(/c’est fait, la procédure passe à l’étape/);
        await button('Cegid Loop a confirmé').waitFor({ timeout: STEP });
        await shot(page, '06-rechecked-moved-on');
        await button('Cegid Loop a confirmé').click();
        await see('Procédure terminée');

        expect(failures()).toEqual([]);
        expect(requests.offLoopback.filter((url) => !isPlaygroundChrome(url))).toEqual([]);
      }),
    300_000,
  );
});
