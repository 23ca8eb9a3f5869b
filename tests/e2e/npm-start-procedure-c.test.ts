/**
 * Procedure C completed as a newcomer does it after `npm start`: in the Agents Playground (Chromium), Claire Martin
 * types "compte de service Indio", signs in on the sandbox tenant's page, picks a verified domain, fills the account
 * (the usage location already the tenant's country), creates it and reads the password on that card only, picks a
 * licence with a free Exchange seat, waits for the mailbox (finished from the sandbox console's button), reads why
 * the vendor's EWS step is obsolete, types the app's id, gets the RBAC for Applications PowerShell filled in, then
 * the console moves the shared clock 2 hours on: the propagation reminder arrives by itself, and the tests end the
 * run. Every wait is on what the screen shows, never on a fixed delay.
 */
import { DEFAULT_DOMAIN, VENDOR_APPS } from '../../sandbox/data/seed.js';
import { isPlaygroundChrome } from './playground-stack.js';
import { playgroundSession, STEP } from './playground-session.js';

const ALIAS = 'indio-e2e';
const UPN = `${ALIAS}@${DEFAULT_DOMAIN}`;

describe('npm start: procedure C in the Playground, the mailbox and the clock from the sandbox console (Chromium)', () => {
  const session = playgroundSession({
    name: 'npm-start-procedure-c',
    shotPrefix: 'procedure-c',
    what: 'the npm start procedure C test',
  });
  const { startSignedIn, shot, text, see, pick, clickThen, failures, explained, inConsole, graphWrites } =
    session;

  it(
    'creates the account with its password shown once, licenses it, waits for the mailbox, gives the RBAC PowerShell and the propagation reminder',
    () =>
      explained(async () => {
        const { page, started, requests } = session;
        await startSignedIn('compte de service Indio');

        // The tenant's verified domains, in a list.
        await see('Domaine de l’adresse du compte');
        await see('Cabinet Exemple : pays FR.');
        await pick(DEFAULT_DOMAIN);
        await shot(page, '01-domain');
        await clickThen('Continuer', `alias@${DEFAULT_DOMAIN}`);

        // The form: the usage location is already the tenant's country.
        const usage = page.getByRole('textbox', { name: /Emplacement d’utilisation/ }).last();
        await expect(usage.inputValue()).resolves.toBe('FR');
        await page.getByRole('textbox', { name: /Alias/ }).last().fill(ALIAS);
        await shot(page, '02-account');
        await clickThen('Continuer', `Créer le compte ${UPN}`);
        await clickThen(
          'Créer le compte',
          'Mot de passe du compte de service (copiez-le maintenant dans Indio',
        );
        // The password, once, on this card.
        const shown = text(/^[A-Za-z0-9!#$%&*+\-=?@^_]{24}$/).last();
        await shown.waitFor({ timeout: STEP });
        const password = (await shown.innerText()).trim();
        await expect(page.getByText(password, { exact: true }).count()).resolves.toBe(1);
        await shot(page, '03-password');

        // A licence with a free Exchange seat, then its mailbox.
        await pick('EXCHANGESTANDARD — Exchange Online (Plan 1) — 2 / 3');
        await clickThen('Continuer', 'Attribuer la licence EXCHANGESTANDARD');
        await clickThen('Attribuer', 'n’est pas encore prête (PendingActivation)');
        // The card that showed the password was replaced: it is nowhere on screen now.
        await expect(page.getByText(password).count()).resolves.toBe(0);
        await shot(page, '04-mailbox-wait');

        // Exchange finishes the mailbox: the sandbox console's button, in the browser.
        await inConsole(async (c) => {
          const row = c.locator('section[data-source="mailboxes"] tr', { hasText: UPN });
          await row.getByRole('button', { name: 'Finish provisioning now' }).click({ timeout: STEP });
          await c
            .locator('section[data-source="mailboxes"] tr', { hasText: UPN })
            .waitFor({ state: 'detached', timeout: STEP });
        });
        await clickThen('Vérifier maintenant', 'La fin du guide d’Indio est obsolète');
        await see('EWS est bloqué par défaut depuis le 1er octobre 2026');
        await shot(page, '05-ews-obsolete');

        await clickThen('Compris', 'ID d’application (client)');
        await page
          .getByRole('textbox', { name: /ID d’application/ })
          .last()
          .fill(VENDOR_APPS.indio.appId);
        await clickThen('Préparer les commandes', `New-ServicePrincipal -AppId '${VENDOR_APPS.indio.appId}'`);
        await see(
          `New-ManagementScope -Name 'Sesame - ${ALIAS} mailbox' -RecipientRestrictionFilter 'PrimarySmtpAddress -eq ''${UPN}'''`,
        );
        await see('N’accordez pas aussi la même autorisation d’application Microsoft Graph');
        await shot(page, '06-rbac');
        await clickThen('Commandes exécutées', 'Propagation des droits (jusqu’à 2 heures)');

        // Two hours on the shared clock, nobody typing: the reminder arrives by itself.
        await inConsole(async (c) => {
          const now = c.locator('[data-clock-now]');
          const before = await now.innerText();
          await c.getByRole('spinbutton', { name: 'hours' }).fill('2');
          await c.getByRole('button', { name: 'Advance by hours' }).click();
          await c.waitForFunction(
            (previous) => document.querySelector('[data-clock-now]')?.textContent !== previous,
            before,
            { timeout: STEP },
          );
        });
        await see('Deux heures ont passé depuis l’attribution du rôle');
        await shot(page, '07-reminder');
        await clickThen('Vérifier maintenant', `Get-CASMailbox -Identity '${UPN}' | Format-List MAPIEnabled`);
        await clickThen('Tout est vérifié', 'Procédure terminée');
        await shot(page, '08-done');

        expect(await graphWrites()).toEqual([
          'POST /users 201',
          expect.stringMatching(/^POST \/users\/[^/]+\/assignLicense 200$/),
        ]);
        await expect(page.getByText(password).count()).resolves.toBe(0);
        expect(started.output()).not.toContain(password);
        expect(failures()).toEqual([]);
        expect(requests.offLoopback.filter((url) => !isPlaygroundChrome(url))).toEqual([]);
      }),
    300_000,
  );
});
