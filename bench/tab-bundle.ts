/**
 * Tab bundle size: builds the tab as production does and reports each page's bundle, raw and gzip, with the
 * packages that weigh most. `npx tsx bench/tab-bundle.ts`; writes bench/results/tab-bundle.json.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { buildTab, formatKiB } from '../scripts/build-tab.js';

const resultsFile = resolve(dirname(fileURLToPath(import.meta.url)), 'results/tab-bundle.json');

/** Bytes each package (or our own source folder) contributes to one output file, largest first. */
function weightByPackage(
  metafile: Metafile,
  outputFile: string,
  top = 10,
): { name: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(`/${outputFile}`))?.[1];
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match?.[1] ?? dirname(path);
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/** The gzip size of each page in the last results written, to say how much this build adds. */
async function previousGzip(): Promise<Map<string, number>> {
  try {
    const last = JSON.parse(await readFile(resultsFile, 'utf8')) as {
      bundles?: { entry: string; gzipBytes: number }[];
    };
    return new Map((last.bundles ?? []).map((b) => [b.entry, b.gzipBytes]));
  } catch {
    return new Map();
  }
}

async function main(): Promise<void> {
  const before = await previousGzip();
  const outDir = await mkdtemp(join(tmpdir(), 'sesame-tab-bench-'));
  try {
    const result = await buildTab({ outDir });
    const bundles = result.bundles.map((bundle) => ({
      entry: bundle.entry,
      bytes: bundle.bytes,
      gzipBytes: bundle.gzipBytes,
      heaviest: weightByPackage(result.metafile, bundle.file),
      ...(before.has(bundle.entry) ? { gzipBytesBefore: before.get(bundle.entry) } : {}),
    }));
    const report = {
      benchmark: 'tab-bundle',
      measuredAt: new Date().toISOString(),
      node: process.version,
      buildMillis: result.millis,
      bundles,
    };
    await mkdir(dirname(resultsFile), { recursive: true });
    await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);

    console.log(`Tab bundle size (minified, ES2020, production React), built in ${result.millis} ms`);
    for (const bundle of bundles) {
      console.log(
        `  ${`${bundle.entry}.html`.padEnd(12)} ${formatKiB(bundle.bytes).padStart(10)} raw ${formatKiB(bundle.gzipBytes).padStart(10)} gzip` +
          (bundle.gzipBytesBefore !== undefined
            ? `  (${bundle.gzipBytes >= bundle.gzipBytesBefore ? '+' : '-'}${formatKiB(Math.abs(bundle.gzipBytes - bundle.gzipBytesBefore))} gzip since the last results)`
            : ''),
      );
      console.log(
        `  ${''.padEnd(12)} heaviest: ${bundle.heaviest
          .slice(0, 5)
          .map((p) => `${p.name} ${formatKiB(p.bytes)}`)
          .join(', ')}`,
      );
    }
    console.log(`Written to ${resultsFile}`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

await main();
