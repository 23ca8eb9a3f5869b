/**
 * Time to the first checklist on screen: the local stack npm start runs (scripts/local-stack.ts, the seeded sandbox
 * tenant), the tab built as production builds it, Debian's Chromium signed in as Claire Martin through the sandbox's
 * authorize page. Measured from navigation to:
 *   - first visit (no snapshot stored): the first area's items on screen, and the live reading done;
 *   - later visits (a snapshot stored): the stored checklist on screen (before any Graph read), and the live reading
 *     done — median of REPEATS reloads.
 * `npx tsx bench/tab-first-checklist.ts`; writes bench/results/tab-first-checklist.json.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SEED_USERS } from '../sandbox/data/seed.js';
import { buildTab } from '../scripts/build-tab.js';
import { launchChromium } from '../scripts/chromium.js';
import { startLocalStack } from '../scripts/local-stack.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(root, 'bench/results/tab-first-checklist.json');
const REPEATS = 7;
const TIMEOUT = 120_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  // The server serves tab/dist: build it as npm start would.
  await buildTab({ outDir: join(root, 'tab/dist') });
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-bench-checklist-'));
  const stack = await startLocalStack({
    env: { PORT: '0', SANDBOX_HTTP_PORT: '0', SANDBOX_HTTPS_PORT: '0', DATA_DIR: dataDir },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await page.goto(stack.urls.tab);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: new RegExp(SEED_USERS.globalAdmin.displayName) }).click();
    await page.waitForURL((url) => url.href === stack.urls.tab, { timeout: TIMEOUT });
    const item = page.locator('li[data-rule]').first();
    const done = page.getByText('À jour : lu à l’instant dans votre tenant.');

    // First visit: nothing stored, the items come from the live reading.
    let start = performance.now();
    await page.reload();
    await item.waitFor({ timeout: TIMEOUT });
    const firstItems = performance.now() - start;
    await done.waitFor({ timeout: TIMEOUT });
    const firstDone = performance.now() - start;

    const stored: number[] = [];
    const live: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      start = performance.now();
      await page.reload();
      await item.waitFor({ timeout: TIMEOUT });
      stored.push(performance.now() - start);
      await done.waitFor({ timeout: TIMEOUT });
      live.push(performance.now() - start);
    }
    const report = {
      benchmark: 'tab-first-checklist',
      measuredAt: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
      method:
        'local stack of npm start (seeded sandbox tenant, no injected latency), production tab build, Chromium; ' +
        'navigation (reload) to the first checklist item visible, and to "up to date" (live reading done)',
      firstVisitMs: { firstItems: Math.round(firstItems), liveDone: Math.round(firstDone) },
      laterVisitsMs: {
        repeats: REPEATS,
        storedChecklistMedian: Math.round(median(stored)),
        liveDoneMedian: Math.round(median(live)),
        storedChecklist: stored.map(Math.round),
      },
    };
    await mkdir(dirname(resultsFile), { recursive: true });
    await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log('Time to the first checklist on screen (Chromium, local stack, seeded tenant)');
    console.log(
      `  first visit, nothing stored: items ${report.firstVisitMs.firstItems} ms, live reading done ${report.firstVisitMs.liveDone} ms`,
    );
    console.log(
      `  later visits (median of ${REPEATS}): stored checklist ${report.laterVisitsMs.storedChecklistMedian} ms, live reading done ${report.laterVisitsMs.liveDoneMedian} ms`,
    );
    console.log(`  → ${resultsFile}`);
  } catch (e) {
    const pages = browser.contexts().flatMap((c) => c.pages());
    for (const p of pages)
      console.error(`page ${p.url()}:\n${(await p.textContent('body').catch(() => ''))?.slice(0, 1500)}`);
    throw e;
  } finally {
    await browser.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
