/**
 * The checklist tab as a newcomer sees it after `npm start` (tests/e2e/npm-start-process.ts: the real script, only
 * ports and the data folder from the environment), in Debian's Chromium: sign in on the sandbox's page as Claire
 * Martin (Global Administrator), see the checklist read live, open an item, accept an exception, follow "fix it in
 * chat" to the Playground and start the procedure there, export the audit log as CSV. Screenshots in light, dark
 * and high-contrast themes go to build/e2e/, and axe-core scans each theme: no serious or critical violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import {
  chromiumAvailable,
  CHROMIUM,
  isPlaygroundChrome,
  launchChromium,
  loopbackOnly,
  screenshotDir,
} from './playground-stack.js';
import { npmStart, type NpmStart } from './npm-start-process.js';

if (!chromiumAvailable()) {
  throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install -y chromium).`);
}

const STEP = 60_000;
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/**
 * Fluent's keyboard handling (Tabster) puts focusable aria-hidden `<i data-tabster-dummy>` bumpers around a
 * TabList: they only hand focus on, by design (microsoft/fluentui#27517, "Resolution: By Design"), and Microsoft's
 * Accessibility Insights drops exactly these nodes from aria-hidden-focus (accessibility-insights-web#7605).
 * Only those nodes of that rule are left out; anything else counts.
 */
const tabsterBumper = (rule: string, node: { html: string }) =>
  rule === 'aria-hidden-focus' && /^<i [^>]*data-tabster-dummy=/.test(node.html);

/** axe-core injected in the page: the violations that matter (serious, critical), with where they are. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as AxeViolation[])
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !tabsterBumper(v.id, n)) }))
    .filter((v) => v.nodes.length > 0)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${JSON.stringify(v.nodes.map((n) => [n.target, n.failureSummary]).slice(0, 5))}`,
    );
}

describe('npm start: the checklist tab (Chromium)', () => {
  let started: NpmStart;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let requests: { offLoopback: string[] };
  const serverErrors: string[] = [];
  const shots = screenshotDir();
  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(shots, `checklist-${name}.png`), fullPage: true });

  beforeAll(async () => {
    started = await npmStart('npm-start-checklist');
    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    requests = await loopbackOnly(context);
    context.on('response', (r) => {
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    tab = await context.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await started?.stop();
  }, 60_000);

  async function explained(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      await Promise.all(context.pages().map((p, i) => shot(p, `failure-${i}`).catch(() => undefined)));
      console.error(`npm start output:\n${started.output().slice(-6000)}\nScreenshots: ${shots}`);
      throw e;
    }
  }

  it(
    'signs in, reads the checklist, accepts an exception, fixes an item in chat and exports the audit log',
    () =>
      explained(async () => {
        const { urls } = started;
        await tab.goto(urls.tab);
        await tab.getByRole('button', { name: 'Se connecter' }).click();
        await tab.getByText('Choisissez un compte').waitFor({ timeout: STEP });
        await tab.getByRole('button', { name: new RegExp(SEED_USERS.globalAdmin.displayName) }).click();
        await tab.waitForURL((url) => url.href === urls.tab, { timeout: STEP });

        // No snapshot yet: the first reading shows its progress, area by area, then the checklist.
        await tab.getByRole('heading', { level: 2, name: 'Checklist du tenant' }).waitFor({ timeout: STEP });
        await tab.getByText('À jour : lu à l’instant dans votre tenant.').waitFor({ timeout: STEP });
        const summary = tab.getByRole('list', { name: 'Points par état' });
        expect(await summary.textContent()).toMatch(/\d+Échec/);
        for (const area of [
          'Accès invités',
          'Comptes invités',
          'Rôles privilégiés',
          'Applications et consentement',
        ])
          await tab.getByRole('heading', { level: 3, name: area, exact: true }).waitFor();

        // The seeded tenant lets everyone invite guests: failing, with the value read and its references.
        const policy = tab.locator('li[data-rule="guest-invite-policy"]');
        await expect(policy.locator('button[aria-expanded]').textContent()).resolves.toContain('Échec');
        await policy.locator('button[aria-expanded]').click();
        await policy.getByText('everyone').first().waitFor();
        await policy.getByRole('link', { name: /MS\.AAD\.8\.2v1/ }).waitFor();
        await shot(tab, 'light');
        expect(await axeViolations(tab)).toEqual([]);

        // Accepted as an exception: the item reads "Accepté" after the server recomputed it.
        await policy.getByRole('button', { name: 'Accepter comme exception' }).click();
        await policy
          .getByRole('textbox', { name: /Motif/ })
          .fill('Ouvert le temps de la migration de Cegid Loop.');
        await policy.getByRole('button', { name: 'Accepter', exact: true }).click();
        await policy
          .getByText('Motif : Ouvert le temps de la migration de Cegid Loop.')
          .waitFor({ timeout: STEP });
        await expect(policy.locator('button[aria-expanded]').textContent()).resolves.toContain('Accepté');

        // "Fix it in chat" on the pending invitations: the Playground opens; the message given starts the procedure.
        const pending = tab.locator('li[data-rule="pending-guests"]');
        await pending.locator('button[aria-expanded]').click();
        const [chat] = await Promise.all([
          context.waitForEvent('page', { timeout: STEP }),
          pending.getByRole('button', { name: /^Corriger dans la conversation/ }).click(),
        ]);
        await chat.waitForLoadState('domcontentloaded');
        expect(new URL(chat.url()).origin).toBe(new URL(urls.chat).origin);
        const message = (await tab.locator('[data-chat-message]').textContent()) ?? '';
        expect(message).toBe('Accès invité Cegid Loop');
        const box = chat.getByRole('textbox').last();
        await box.waitFor({ timeout: STEP });
        await box.click();
        await box.pressSequentially(message);
        await box.press('Enter');
        // The procedure starts: Sesame asks to sign in for it.
        await chat.getByRole('link', { name: 'Se connecter' }).last().waitFor({ timeout: STEP });
        await chat.close();

        // The procedures and runs section (screenshot).
        await tab.getByRole('tab', { name: 'Procédures' }).click();
        await tab.getByRole('heading', { name: 'Procédures en cours et passées' }).waitFor({ timeout: STEP });
        await shot(tab, 'procedures-light');

        // The audit log holds the exception, in words with its rule; its CSV export says so in French.
        await tab.getByRole('tab', { name: 'Journal d’audit' }).click();
        const accepted = tab.getByRole('row').filter({ hasText: 'Exception acceptée' }).first();
        await accepted.waitFor({ timeout: STEP });
        await expect(accepted.textContent()).resolves.toContain('Qui peut inviter des invités');
        await shot(tab, 'audit-light');
        const [download] = await Promise.all([
          tab.waitForEvent('download', { timeout: STEP }),
          tab.getByRole('button', { name: 'Exporter en CSV' }).click(),
        ]);
        expect(download.suggestedFilename()).toMatch(/^sesame-audit-\d{4}-\d{2}-\d{2}\.csv$/);
        const csv = readFileSync((await download.path())!, 'utf8');
        expect(csv.split('\r\n')[0]).toBe(
          '\uFEFFDate (UTC),Qui,Procédure,Action,Résultat,Détails,Code de l’action,Exécution,Identifiants de requête Graph',
        );
        expect(csv).toContain('Exception acceptée');
        expect(csv).toContain(
          'Qui peut inviter des invités · motif : Ouvert le temps de la migration de Cegid Loop.',
        );

        // Dark and high contrast follow the system outside Teams.
        await tab.getByRole('tab', { name: 'Checklist' }).click();
        for (const [name, media] of [
          ['dark', { colorScheme: 'dark' }],
          // Windows' dark contrast themes (the common ones, like Teams' own high contrast: light text on black).
          ['contrast', { forcedColors: 'active', colorScheme: 'dark' }],
        ] as const) {
          await tab.emulateMedia(media);
          await tab.reload();
          await tab.getByText('À jour : lu à l’instant dans votre tenant.').waitFor({ timeout: STEP });
          await tab.locator('li[data-rule="guest-invite-policy"] button[aria-expanded]').click();
          await shot(tab, name);
          expect(await axeViolations(tab)).toEqual([]);
          await tab.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
        }

        expect(serverErrors).toEqual([]);
        // Off loopback, blocked here: the Playground's fonts, and teams-js' list of Teams origins (app.initialize
        // asks its CDN, then falls back to the copy it bundles). Nothing else.
        const teamsJsOrigins = 'https://res.cdn.office.net/teams-js/validDomains/json/validDomains.json';
        expect(requests.offLoopback.filter((u) => !isPlaygroundChrome(u) && u !== teamsJsOrigins)).toEqual(
          [],
        );
      }),
    300_000,
  );
});
