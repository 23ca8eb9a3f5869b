/**
 * Builds the Teams tab (tab/src → tab/dist): one bundle per page, minified, the two HTML pages pointing at them.
 * `npm run build:tab`; tests and the bundle benchmark call `buildTab()` with their own output directory.
 */
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { build, type Metafile } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The pages the server serves under /tab/, each with the bundle it loads (`./<entry>.js` in the HTML). */
export const TAB_PAGES = [
  { entry: 'index', source: 'tab/src/index.tsx', html: 'tab/public/index.html' },
  { entry: 'config', source: 'tab/src/config.tsx', html: 'tab/public/config.html' },
] as const;

export interface TabBundle {
  readonly entry: string;
  /** File name inside the output directory, content-hashed ("index-3F2A1B.js"). */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface TabBuildResult {
  readonly outDir: string;
  readonly bundles: readonly TabBundle[];
  readonly pages: readonly string[];
  readonly millis: number;
  /** esbuild's metafile, for size breakdowns (bench/tab-bundle.ts). */
  readonly metafile: Metafile;
}

export interface TabBuildOptions {
  /** Where to write; `tab/dist` by default. Emptied first. */
  readonly outDir?: string;
  /** Off only for debugging the bundle. */
  readonly minify?: boolean;
}

export async function buildTab(options: TabBuildOptions = {}): Promise<TabBuildResult> {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? join(repoRoot, 'tab/dist'));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries(TAB_PAGES.map((page) => [page.entry, page.source])),
    outdir: outDir,
    // Hashed names: the server can cache the bundles for ever; only the two small HTML pages change.
    entryNames: '[name]-[hash]',
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? true,
    sourcemap: 'external',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    // Module scripts are always decoded as UTF-8: no need to escape the French texts.
    charset: 'utf8',
    metafile: true,
    logLevel: 'silent',
  });

  const bundles: TabBundle[] = [];
  const pages: string[] = [];
  for (const page of TAB_PAGES) {
    const file = outputFor(result.metafile, page.source, outDir);
    const code = await readFile(join(outDir, file));
    bundles.push({
      entry: page.entry,
      file,
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
    });

    const template = await readFile(join(repoRoot, page.html), 'utf8');
    const placeholder = `src="./${page.entry}.js"`;
    if (!template.includes(placeholder))
      throw new Error(`${page.html} must load its bundle with ${placeholder}`);
    const htmlName = basename(page.html);
    await writeFile(join(outDir, htmlName), template.replace(placeholder, `src="./${file}"`));
    pages.push(htmlName);
  }
  return {
    outDir,
    bundles,
    pages,
    millis: Math.round(performance.now() - started),
    metafile: result.metafile,
  };
}

/** The JS file esbuild wrote for an entry point (its name carries a hash, so look it up in the metafile). */
function outputFor(metafile: Metafile, source: string, outDir: string): string {
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (output.entryPoint === source && path.endsWith('.js'))
      return relative(outDir, resolve(repoRoot, path));
  }
  throw new Error(`esbuild wrote no bundle for ${source}`);
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  try {
    const result = await buildTab();
    console.log(`Tab built into ${relative(process.cwd(), result.outDir) || '.'} in ${result.millis} ms`);
    for (const bundle of result.bundles) {
      console.log(
        `  ${bundle.file.padEnd(24)} ${formatKiB(bundle.bytes).padStart(10)} raw  ${formatKiB(bundle.gzipBytes).padStart(10)} gzip`,
      );
    }
  } catch (error) {
    // esbuild's own errors carry file and line; print them as esbuild would.
    const errors = (
      error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }
    ).errors;
    if (errors?.length) {
      for (const e of errors)
        console.error(`✘ ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
