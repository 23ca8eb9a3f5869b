/**
 * Procedure D completed as a newcomer does it after `npm start`: in the Agents Playground (Chromium), Claire Martin
 * types "vérifier un domaine", signs in on the sandbox tenant's page, adds a new domain, reads the TXT record on the
 * card, publishes it with the sandbox console's button (the DNS host, played in the browser), verifies the domain,
 * instantiates the LogMeIn gallery app, picks a group and a user (multi-select), types the tenant URL and the secret
 * token, starts provisioning and, once the console moved the shared clock past the first cycle, sees the steady
 * state. Every wait is on what the screen shows, never on a fixed delay.
 */
import { SEED_GROUPS, SEED_USERS } from '../../sandbox/data/seed.js';
import { isPlaygroundChrome } from './playground-stack.js';
import { playgroundSession, STEP } from './playground-session.js';

const DOMAIN = 'cabinet-exemple.net';
const TENANT_URL = 'https://api.logmein.example/scim/v2';
const TOKEN = 'logmein-token-e2e-0123456789abcdef';
const GROUP = SEED_GROUPS[1];
const USER = SEED_USERS.plainUser;

describe('npm start: procedure D in the Playground, DNS from the sandbox console (Chromium)', () => {
  const session = playgroundSession({
    name: 'npm-start-procedure-d',
    shotPrefix: 'procedure-d',
    what: 'the npm start procedure D test',
  });
  const { startSignedIn, shot, button, text, see, clickThen, failures, explained, inConsole, graphWrites } =
    session;

  it(
    'adds and verifies a domain with the console’s DNS, instantiates LogMeIn, assigns, saves the credentials and reaches the steady state',
    () =>
      explained(async () => {
        const { page, started, requests } = session;
        // "vérifier un domaine" finds procedure D; not signed in yet, so the sign-in card comes first.
        await startSignedIn('vérifier un domaine');

        // The tenant's verified domain is offered; the admin adds another one instead.
        await see('Domaine à utiliser');
        await shot(page, '01-domains');
        await clickThen('Ajouter ou vérifier un autre domaine', 'Nom de domaine');
        const domainBox = page.getByRole('textbox', { name: /Nom de domaine/ }).last();
        await domainBox.fill(DOMAIN);
        await clickThen('Continuer', `Ajouter ${DOMAIN} à votre locataire ?`);
        await clickThen('Ajouter', 'C’est publié');
        // The TXT record to publish, on the card.
        const record = text(/^MS=ms[0-9a-f]{8}$/).last();
        await record.waitFor({ timeout: STEP });
        const txt = (await record.innerText()).trim();
        await shot(page, '02-txt-record');

        // The admin publishes it at the DNS host: the sandbox console's button, in the browser.
        await inConsole(async (c) => {
          const row = c.locator('section[data-source="dns-records"] tr', { hasText: DOMAIN });
          await expect(row.innerText()).resolves.toContain(txt);
          await row.getByRole('button', { name: 'Publish the TXT record' }).click();
          await c
            .locator('section[data-source="dns-records"] tr', { hasText: DOMAIN })
            .getByRole('button', { name: 'Withdraw the TXT record' })
            .waitFor({ timeout: STEP });
          await shot(c, '03-console-published');
        });

        // "C'est publié": Microsoft verifies it, and the LogMeIn side comes next, in that domain.
        await clickThen('C’est publié', `ici ${DOMAIN}`);
        await see(`${DOMAIN} est vérifié.`);
        await shot(page, '04-verified');
        await clickThen('C’est fait côté LogMeIn', 'Quelle application de la galerie Microsoft Entra');
        await clickThen('LogMeIn', 'Ajouter LogMeIn à vos applications d’entreprise ?');
        await clickThen('Ajouter', 'Créer la tâche de provisionnement de LogMeIn ?');
        await clickThen('Créer', 'Utilisateurs et groupes à provisionner');
        await shot(page, '05-assignees');

        // Several picked at once: a security group and a member user.
        await page.getByRole('checkbox', { name: GROUP.displayName }).last().check({ timeout: STEP });
        await page
          .getByRole('checkbox', { name: `${USER.displayName} (${USER.userPrincipalName})` })
          .last()
          .check({ timeout: STEP });
        await clickThen('Continuer', 'Attribuer LogMeIn à 2 utilisateur(s) ou groupe(s) ?');
        await clickThen('Attribuer', 'URL du locataire');
        await shot(page, '06-assigned');

        // The tenant URL in a form, then the token in a masked field on the confirm card.
        await page
          .getByRole('textbox', { name: /URL du locataire/ })
          .last()
          .fill(TENANT_URL);
        await clickThen(
          'Continuer',
          `Tester puis enregistrer les identifiants de LogMeIn (URL ${TENANT_URL}) ?`,
        );
        const secret = page.locator('input[type="password"]').last();
        await secret.fill(TOKEN);
        await shot(page, '07-token');
        await clickThen('Tester et enregistrer', 'Démarrer le provisionnement vers LogMeIn ?');
        await see('LogMeIn accepte les identifiants');
        // The token the admin typed is on no card once it is sent.
        await expect(page.getByText(TOKEN).count()).resolves.toBe(0);
        await clickThen('Démarrer', 'Premier cycle en cours');
        await shot(page, '08-watching');

        // The first cycle takes its time at Microsoft: the console moves the shared clock an hour on, and the
        // admin's "check now" reads the job in steady state.
        await inConsole(async (c) => {
          const now = c.locator('[data-clock-now]');
          const before = await now.innerText();
          await c.getByRole('spinbutton', { name: 'hours' }).fill('1');
          await c.getByRole('button', { name: 'Advance by hours' }).click();
          await c.waitForFunction(
            (previous) => document.querySelector('[data-clock-now]')?.textContent !== previous,
            before,
            { timeout: STEP },
          );
        });
        await button('Vérifier maintenant').click({ timeout: STEP });
        // The group and the user of the first cycle, though the job was read after a later cycle.
        await see('Premier cycle terminé : 2 objet(s) provisionné(s) vers LogMeIn.');
        await see('Le provisionnement est en régime établi.');
        await shot(page, '09-steady');

        const writes = await graphWrites();
        expect(
          writes.filter((w) => !w.includes('/synchronization/') && !w.includes('appRoleAssignedTo')),
        ).toEqual([
          'POST /domains 201',
          `POST /domains/${DOMAIN}/verify 200`,
          expect.stringMatching(/^POST \/applicationTemplates\/[^/]+\/instantiate 201$/),
        ]);
        expect(writes.filter((w) => w.includes('appRoleAssignedTo'))).toHaveLength(2);
        expect(
          writes.filter((w) => /validateCredentials|secrets|\/start /.test(w)).map((w) => w.split(' ')[2]),
        ).toEqual(['204', '204', '204']);
        expect(started.output()).not.toContain(TOKEN);
        expect(failures()).toEqual([]);
        expect(requests.offLoopback.filter((url) => !isPlaygroundChrome(url))).toEqual([]);
      }),
    300_000,
  );
});
