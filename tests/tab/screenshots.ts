/**
 * Screenshots of the tab in each state, in Debian's Chromium against the Teams stand-in of tab-harness.ts.
 * `npx tsx tests/tab/screenshots.ts [outDir]` (the assertions live in tab-browser.test.ts).
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium, startTabHarness } from './tab-harness.js';

async function main(): Promise<void> {
  const shotsDir = resolve(process.argv[2] ?? join(tmpdir(), 'sesame-tab-screens'));
  await mkdir(shotsDir, { recursive: true });
  const harness = await startTabHarness();
  const browser = await launchChromium();
  const { origin, hosted } = harness;
  const scenarios: { name: string; url: string; locale: string; wait: string; width?: number }[] = [
    { name: 'outside-teams-fr', url: `${origin}/tab/index.html`, locale: 'fr-FR', wait: 'Ouvrez Sesame' },
    {
      name: 'personal-en-light',
      url: hosted('/tab/index.html?view=personal', 'data', 'en-US', 'default'),
      locale: 'en-US',
      wait: 'Last change',
    },
    {
      name: 'channel-fr-dark',
      url: hosted('/tab/index.html?view=channel', 'data', 'fr-FR', 'dark'),
      locale: 'fr-FR',
      wait: 'Dernière modification',
    },
    {
      name: 'empty-en',
      url: hosted('/tab/index.html?view=personal', 'empty', 'en-US', 'default'),
      locale: 'en-US',
      wait: 'No procedure run yet',
    },
    {
      name: 'error-fr',
      url: hosted('/tab/index.html?view=personal', 'error', 'fr-FR', 'default'),
      locale: 'fr-FR',
      wait: 'Réessayer',
    },
    {
      name: 'narrow-fr',
      url: hosted('/tab/index.html?view=personal', 'data', 'fr-FR', 'default'),
      locale: 'fr-FR',
      wait: 'Début',
      width: 420,
    },
    {
      name: 'config-en-contrast',
      url: hosted('/tab/config.html', 'data', 'en-US', 'contrast'),
      locale: 'en-US',
      wait: 'Select Save',
    },
  ];
  try {
    for (const scenario of scenarios) {
      const width = scenario.width ?? 1280;
      const page = await browser.newPage({ viewport: { width, height: 900 }, locale: scenario.locale });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(scenario.url);
      const frame = scenario.url.includes('/host.html') ? page.frameLocator('#app') : page;
      await frame.getByText(scenario.wait).first().waitFor({ timeout: 15_000 });
      if (scenario.name === 'personal-en-light') {
        await frame.getByRole('button', { name: /Start in chat: Vendor guest access/ }).click();
        await page.waitForFunction(
          () => (window as unknown as { openedLinks: string[] }).openedLinks.length > 0,
        );
        const links = await page.evaluate(() => (window as unknown as { openedLinks: string[] }).openedLinks);
        console.log(`  deep link opened: ${links[0] ?? '(none)'}`);
        const ready = await page.evaluate(() => (window as unknown as { appReady?: boolean }).appReady);
        console.log(`  told Teams it is ready (notifySuccess): ${String(ready)}`);
        const older = frame.getByRole('button', { name: 'Show older entries' });
        await older.click();
        await frame.getByText('This is the beginning of the audit log.').waitFor({ timeout: 10_000 });
        const rows = await frame.locator('tbody tr').count();
        console.log(`  table rows after "Show older entries": ${rows} (4 runs + 62 audit entries)`);
        await frame.getByText('This is the beginning of the audit log.').scrollIntoViewIfNeeded();
        const end = join(shotsDir, 'personal-en-light-audit-end.png');
        await page.screenshot({ path: end });
        console.log(`personal-en-light (end of the audit log): ${end}`);
        await frame.locator('h1').scrollIntoViewIfNeeded();
      }
      if (scenario.name.startsWith('config')) {
        const validity = await page.evaluate(() => (window as unknown as { validity?: boolean }).validity);
        console.log(`  save enabled (setValidityState): ${String(validity)}`);
      }
      const file = join(shotsDir, `${scenario.name}.png`);
      await page.screenshot({ path: file });
      console.log(`${scenario.name}: ${file}${errors.length ? `  page errors: ${errors.join('; ')}` : ''}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await harness.close();
  }
}

await main();
