/**
 * The built tab in Debian's Chromium, inside the Teams stand-in of tab-harness.ts. Needs /usr/bin/chromium
 * (or CHROMIUM_PATH): never a browser download.
 */
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, startTabHarness, type TabHarness } from '../tab/tab-harness.js';

// This suite runs under `npm run test:e2e`, which needs Debian's Chromium: without it, fail, never skip.
if (!chromiumAvailable()) {
  throw new Error('Chromium not found at /usr/bin/chromium (or CHROMIUM_PATH): apt-get install -y chromium');
}
const describeWithChromium = describe;

interface HostWindow {
  openedLinks: string[];
  appReady?: boolean;
  validity?: boolean;
  savedSettings?: Record<string, unknown>;
  saveResults: string[];
  triggerSave(): void;
}

describeWithChromium('tab in Chromium', () => {
  let harness: TabHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    harness = await startTabHarness();
    browser = await launchChromium();
    // The harness builds the tab first: long on a loaded machine.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  afterEach(async () => {
    await page?.close();
  });

  async function open(url: string, locale = 'en-US'): Promise<FrameLocator> {
    page = await browser.newPage({ locale });
    await page.goto(url);
    return page.frameLocator('#app');
  }

  /** Reads the host page's records (links opened, settings saved...). */
  const host = <T>(read: (w: HostWindow) => T): Promise<T> => page.evaluate(`(${read.toString()})(window)`);

  it('explains, outside Teams, where the tab runs and how to try Sesame locally', async () => {
    page = await browser.newPage({ locale: 'fr-FR' });
    await page.goto(`${harness.origin}/tab/index.html`);
    await page.getByRole('heading', { level: 1, name: 'Ouvrez Sesame dans Microsoft Teams' }).waitFor();
    const body = await page.textContent('body');
    expect(body).toContain('npm start');
    expect(body).toContain('Agents Playground');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.locator('[role="progressbar"]').count()).toBe(0);
  });

  it('lists procedures, runs and audit entries, and starts a procedure in the bot chat from the keyboard', async () => {
    const tab = await open(harness.hosted('/tab/index.html?view=personal', 'data', 'en-US', 'default'));
    await tab.getByRole('tab', { name: 'Procedures' }).click();
    await tab.getByRole('heading', { level: 2, name: 'Procedure runs' }).waitFor();
    await tab.getByRole('cell', { name: 'Waiting for the invitation to be accepted' }).waitFor();
    await tab.getByRole('columnheader', { name: 'Started by' }).waitFor();
    await tab.getByRole('tab', { name: 'Audit log' }).click();
    // Audit entries in words: the step and its target, never the step id, request id or object GUID.
    const write = tab.getByRole('row').filter({ hasText: 'support0@vendor.example' });
    await write.getByRole('cell', { name: /Change to the tenant/ }).waitFor();
    const written = (await write.textContent()) ?? '';
    expect(written).toContain('Invitation · support0@vendor.example');
    expect(written).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|invite\b|inviteGuest/);
    await tab.getByRole('tab', { name: 'Procedures' }).click();
    // Lucas Moreau's run stopped at its rights check: blocked, and what it waits for.
    const blocked = tab.getByRole('row').filter({ hasText: 'Lucas Moreau' });
    await blocked.getByText('Blocked', { exact: true }).waitFor();
    expect(await blocked.textContent()).toContain('Rights check, before the first step');
    expect(await blocked.textContent()).toContain('Someone with the Guest Inviter, User Administrator role');
    expect(await blocked.textContent()).not.toContain('In progress');
    expect(await host((w) => w.appReady)).toBe(true);

    await tab.getByRole('button', { name: 'Start in chat: Vendor guest access (Cegid Loop)' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as HostWindow).openedLinks.length > 0);
    const link = new URL((await host((w) => w.openedLinks))[0]!);
    expect(link.origin + link.pathname).toBe('https://teams.microsoft.com/l/chat/0/0');
    expect(link.searchParams.get('users')).toBe('28:b07c0de1-5e5a-4e1e-8b07-5e5a3e000001');
    expect(link.searchParams.get('message')).toBe('Vendor guest access (Cegid Loop)');
  });

  it('pages back through the audit log until its beginning', async () => {
    const tab = await open(harness.hosted('/tab/index.html', 'data', 'en-US', 'default'));
    await tab.getByRole('tab', { name: 'Audit log' }).click();
    const auditRows = tab.locator('section:has(h2:text("Audit log")) tbody tr');
    await tab.getByRole('button', { name: 'Show older entries' }).click();
    await tab.getByText('This is the beginning of the audit log.').waitFor();
    expect(await auditRows.count()).toBe(62);
    expect(await auditRows.nth(60).textContent()).toContain('support60@vendor.example');
    expect(await auditRows.last().textContent()).toContain('Licence assignment');
  });

  it("shows the server's message in the user's language, and Retry loads the data", async () => {
    const tab = await open(harness.hosted('/tab/index.html', 'flaky', 'fr-FR', 'default'), 'fr-FR');
    await tab.getByRole('tab', { name: 'Procédures' }).click();
    const runs = tab.locator('section:has(h2:text("Procédures en cours et passées"))');
    await runs.getByText('La base de données de Sesame ne répond pas.', { exact: false }).waitFor();
    await runs.getByRole('button', { name: 'Réessayer' }).click();
    await runs.getByRole('cell', { name: 'Camille Martin' }).first().waitFor();
    expect(await runs.getByRole('button', { name: 'Réessayer' }).count()).toBe(0);
  });

  it('follows the Teams theme', async () => {
    const tab = await open(harness.hosted('/tab/index.html', 'empty', 'en-US', 'dark'));
    await tab.getByRole('tab', { name: 'Procedures' }).click();
    await tab.getByText('No procedure run yet — start one from the list.').waitFor();
    const background = await tab
      .locator('.fui-FluentProvider')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(3 * 80);
  });

  it('shows the checklist by area with a summary, then each item’s evidence as text, never as markup', async () => {
    const tab = await open(harness.hosted('/tab/index.html', 'data', 'en-US', 'default'));
    await tab.getByRole('heading', { level: 2, name: 'Tenant checklist' }).waitFor();
    // The stored snapshot first, then the live reading finishes area by area.
    await tab.getByText('Up to date: just read from your tenant.').waitFor();
    const summary = tab.getByRole('list', { name: 'Items by status' });
    expect((await summary.textContent())?.replace(/\s+/g, '')).toBe('1Fail1Warning1Unknown1Accepted2Pass');
    for (const area of ['Guest access', 'Guest accounts', 'Privileged roles', 'Apps and consent', 'Domains'])
      await tab.getByRole('heading', { level: 3, name: area, exact: true }).waitFor();

    await tab.getByRole('button', { name: /Pending and inactive guests/ }).click();
    await tab.getByText('At fault (1)').waitFor();
    // The guest's name is markup: it shows as its characters and runs nothing.
    await tab
      .locator('li[data-rule="pending-guests"]')
      .getByText('<img src=x onerror="window.pwned=1">Support Indio')
      .waitFor();
    const frame = page.frames().find((f) => f.url().includes('/tab/index.html'))!;
    expect(await frame.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await frame.locator('li[data-rule="pending-guests"] img').count()).toBe(0);

    await tab.getByRole('button', { name: /Who can invite guests/ }).click();
    const item = tab.locator('li[data-rule="invite-policy"]');
    await item.getByText('allowInvitesFrom').waitFor();
    await item.getByRole('link', { name: 'CISA SCuBA MS.AAD.8.2v1' }).waitFor();
    // A reference whose address is not http(s) is not a link.
    expect(await item.getByRole('link', { name: /EIDSCA.AP04/ }).count()).toBe(0);
    await item.getByText('Maester EIDSCA EIDSCA.AP04').waitFor();

    // Sesame's own grant: accepted, with where it came from.
    await tab.getByRole('button', { name: /Guests holding a directory role/ }).click();
    await tab
      .getByText(/Granted by the procedure “Cegid Loop guest access”, run by Camille Martin/)
      .waitFor();

    // Filters: failing items only.
    await tab.getByRole('combobox', { name: 'Status' }).selectOption('fail');
    expect(await tab.locator('li[data-rule]').count()).toBe(1);
    await tab.getByRole('button', { name: 'Clear filters' }).click();
    expect(await tab.locator('li[data-rule]').count()).toBe(6);
  }, 60_000);

  it('fixes an item in the bot chat with the procedure’s name, and accepts another as an exception', async () => {
    const tab = await open(harness.hosted('/tab/index.html', 'data', 'fr-FR', 'default'), 'fr-FR');
    await tab.getByText('À jour : lu à l’instant dans votre tenant.').waitFor();
    await tab.getByRole('button', { name: /Qui peut inviter des invités/ }).click();
    await tab
      .getByRole('button', { name: 'Corriger dans la conversation : Accès invité Cegid Loop' })
      .click();
    await page.waitForFunction(() => (window as unknown as HostWindow).openedLinks.length > 0);
    const link = new URL((await host((w) => w.openedLinks))[0]!);
    expect(link.origin + link.pathname).toBe('https://teams.microsoft.com/l/chat/0/0');
    expect(link.searchParams.get('users')).toBe('28:b07c0de1-5e5a-4e1e-8b07-5e5a3e000001');
    expect(link.searchParams.get('message')).toBe('Accès invité Cegid Loop');
    expect(link.searchParams.get('tenantId')).toBe('t');

    await tab.getByRole('button', { name: /Invités en attente et inactifs/ }).click();
    const item = tab.locator('li[data-rule="pending-guests"]');
    await item.getByRole('button', { name: 'Accepter comme exception' }).click();
    // No reason: the form says so and sends nothing.
    await item.getByRole('button', { name: 'Accepter', exact: true }).click();
    await item.getByText('Indiquez pourquoi c’est accepté.').waitFor();
    await item.getByRole('textbox', { name: /Motif/ }).fill('Support Indio arrive lundi.');
    await item.getByRole('button', { name: 'Accepter', exact: true }).click();
    // Reloaded from the server: the item is accepted, with the exception and its reason.
    await item.getByText('Motif : Support Indio arrive lundi.').waitFor();
    expect(await item.locator('button[aria-expanded]').textContent()).toContain('Accepté');
  }, 60_000);

  it('configures the channel tab when Teams saves it', async () => {
    const config = await open(harness.hosted('/tab/config.html', 'data', 'en-US', 'default'));
    await config.getByText('Select Save to add the tab.').waitFor();
    await page.waitForFunction(() => (window as unknown as HostWindow).validity === true);
    await page.evaluate(() => (window as unknown as HostWindow).triggerSave());
    await page.waitForFunction(() => (window as unknown as HostWindow).saveResults.length > 0);
    expect(await host((w) => w.saveResults)).toEqual(['success']);
    expect(await host((w) => w.savedSettings)).toMatchObject({
      contentUrl: `${harness.origin}/tab/index.html?view=channel`,
      websiteUrl: `${harness.origin}/tab/index.html?view=channel`,
      entityId: 'sesame-checklist',
      suggestedDisplayName: 'Sesame',
    });
  });
});
