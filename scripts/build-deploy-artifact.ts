/**
 * Builds what App Service runs (`npm run artifact`): build/deploy/ (the folder teamsapp.yml's zipDeploy uploads) and
 * build/sesame-deploy.zip (the same files, for `az webapp deploy` or any other pipeline).
 *
 * Only what runs goes in: the compiled server (dist/), the tab bundle (tab/dist/), package.json (its scripts reduced
 * to `start`), the lock file, and the production dependencies installed from that lock file for Linux x64. Never
 * the env files, .git, data/, tests, sources or dev dependencies: the folder is assembled from an allow-list, then
 * checked against a deny-list before it is zipped.
 *
 * Dependencies are installed here rather than on App Service (SCM_DO_BUILD_DURING_DEPLOYMENT=false in infra/): the
 * deployed files are then exactly the files tested, the site starts without a build step or registry access, and
 * the only native module (better-sqlite3 13) ships prebuilt Node-API binaries for every platform, so installing on
 * another OS gives the same files; install scripts are not run.
 */
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { buildTab } from './build-tab.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The production start command; infra/main.bicep sets it as the App Service startup command. */
export const START_COMMAND = 'node dist/server/main.js';

export interface DeployArtifact {
  readonly folder: string;
  readonly zip: string;
  /** Every file in the artifact, relative, with forward slashes. */
  readonly files: readonly string[];
  readonly bytes: number;
  readonly millis: number;
}

/** Paths that must never ship, whatever the allow-list says: secrets, local state, sources of truth for dev. */
export const FORBIDDEN: readonly { readonly what: string; readonly test: (path: string) => boolean }[] = [
  { what: 'an env file', test: (p) => p.startsWith('env/') || /^\.env(\.|$)/.test(p.split('/').pop()!) },
  { what: 'a .user secrets file', test: (p) => p.endsWith('.user') },
  { what: 'git metadata', test: (p) => /(^|\/)\.git(\/|$)/.test(p) && !p.startsWith('node_modules/') },
  { what: 'local data', test: (p) => p.startsWith('data/') || /\.db(-\w+)?$/.test(p) },
  {
    what: 'a test',
    test: (p) => p.startsWith('tests/') || (!p.startsWith('node_modules/') && /\.test\.[jt]s$/.test(p)),
  },
  {
    what: 'TypeScript sources',
    test: (p) => !p.startsWith('node_modules/') && /\.tsx?$/.test(p) && !p.endsWith('.d.ts'),
  },
  { what: 'the sandbox tenant', test: (p) => p.startsWith('sandbox/') || p.startsWith('dist/sandbox/') },
];

/**
 * The packages npm installs for development only: the lock file marks them `"dev": true`. A dev dependency of ours
 * that a production dependency also needs (@types/node, through jwks-rsa) is not marked, and ships.
 */
export function devOnlyPackages(lock: { packages?: Record<string, { dev?: boolean }> }): string[] {
  return Object.entries(lock.packages ?? {})
    .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true)
    .map(([path]) => path);
}

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** What is wrong with a list of artifact files (empty when nothing is); `devOnly` from devOnlyPackages(). */
export function artifactProblems(files: readonly string[], devOnly: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const rule = FORBIDDEN.find((r) => r.test(file));
    if (rule) problems.push(`${file} is ${rule.what}`);
  }
  const shipped = new Set(
    files.map((f) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean),
  );
  for (const path of devOnly) if (shipped.has(path)) problems.push(`${path} is a dev dependency`);
  for (const needed of ['package.json', 'package-lock.json', 'dist/server/main.js', 'tab/dist/index.html'])
    if (!files.includes(needed)) problems.push(`${needed} is missing`);
  if (!files.includes('node_modules/better-sqlite3/prebuilds/linux-x64.node'))
    problems.push('node_modules/better-sqlite3 has no Linux x64 binary');
  return problems;
}

const NOT_RUN = /\.(d\.[cm]?ts|map|md|markdown|ts|tsx)$/i;
const KEEP = /^(licen[cs]e|copying|notice|third[-_]party)/i;

/** Removes from node_modules what no production code loads; returns how many files went. */
export function pruneDependencies(dir: string): number {
  let removed = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (NOT_RUN.test(entry.name) && !KEEP.test(entry.name)) {
        rmSync(full);
        removed++;
      }
    }
  };
  walk(dir);
  return removed;
}

function run(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(
      `${[command, ...args].join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
}

/** npm's own CLI, run by the Node that runs this script (npm_execpath when started through npm). */
function npm(args: readonly string[], cwd: string): void {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli)) run(process.execPath, [cli, ...args], cwd);
  else run('npm', args, cwd);
}

export async function buildDeployArtifact(
  options: { outDir?: string; log?: (line: string) => void } = {},
): Promise<DeployArtifact> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const outDir = resolve(options.outDir ?? join(repoRoot, 'build'));
  const folder = join(outDir, 'deploy');
  const zipPath = join(outDir, 'sesame-deploy.zip');
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });

  log('compiling the server (tsconfig.build.json)');
  run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      join(folder, 'dist'),
    ],
    repoRoot,
  );
  log('bundling the tab');
  await buildTab({ outDir: join(folder, 'tab', 'dist') });

  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  > & {
    devDependencies?: Record<string, string>;
  };
  // Only `start`: App Service (and a person) running `npm start` in the artifact gets the production server.
  await writeFile(
    join(folder, 'package.json'),
    `${JSON.stringify({ ...pkg, scripts: { start: START_COMMAND } }, null, 2)}\n`,
  );
  await cp(join(repoRoot, 'package-lock.json'), join(folder, 'package-lock.json'));

  log('installing production dependencies for linux x64 (npm ci --omit=dev)');
  npm(
    [
      'ci',
      '--omit=dev',
      '--ignore-scripts',
      '--os=linux',
      '--cpu=x64',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ],
    folder,
  );
  // Other platforms' binaries of the one native module, and what npm leaves for itself.
  const prebuilds = join(folder, 'node_modules/better-sqlite3/prebuilds');
  if (existsSync(prebuilds))
    for (const f of readdirSync(prebuilds)) if (f !== 'linux-x64.node') rmSync(join(prebuilds, f));
  rmSync(join(folder, 'node_modules/.package-lock.json'), { force: true });
  // Type declarations, source maps and docs of the dependencies do not run; half the files, a much faster deploy.
  // Licence and notice files stay, whatever their extension.
  const pruned = pruneDependencies(join(folder, 'node_modules'));
  log(`left out ${pruned} type declaration, source map and documentation files of the dependencies`);
  // Source maps of the server stay (stack traces in logs); those of the tab are for debugging a browser only.
  for (const f of readdirSync(join(folder, 'tab', 'dist')))
    if (f.endsWith('.map')) rmSync(join(folder, 'tab', 'dist', f));

  const files = listFiles(folder);
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as Parameters<
    typeof devOnlyPackages
  >[0];
  const problems = artifactProblems(files, devOnlyPackages(lock));
  if (problems.length)
    throw new Error(`The deploy artifact is not safe to ship:\n  ${problems.join('\n  ')}`);

  log(`zipping ${files.length} files`);
  const zip = new JSZip();
  for (const file of files) zip.file(file, await readFile(join(folder, file)), { unixPermissions: 0o644 });
  const data = await zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 6 },
    platform: 'UNIX',
  });
  await writeFile(zipPath, data);

  return {
    folder,
    zip: zipPath,
    files,
    bytes: statSync(zipPath).size,
    millis: Math.round(performance.now() - started),
  };
}

/** Unpacks an artifact zip into `dir` (which should be empty), as App Service's zip deploy does. */
export async function unpackArtifact(zipPath: string, dir: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const names: string[] = [];
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const target = resolve(dir, entry.name);
    if (!target.startsWith(resolve(dir) + sep))
      throw new Error(`zip entry escapes the folder: ${entry.name}`);
    await mkdir(resolve(target, '..'), { recursive: true });
    await writeFile(target, await entry.async('nodebuffer'));
    names.push(entry.name);
  }
  return names.sort();
}

async function main(): Promise<void> {
  const artifact = await buildDeployArtifact({ log: (line) => console.log(`- ${line}`) });
  console.log(
    `Deploy artifact: ${relative(process.cwd(), artifact.folder)}/ and ${relative(process.cwd(), artifact.zip)}`,
  );
  console.log(
    `  ${artifact.files.length} files, ${(artifact.bytes / 1024 / 1024).toFixed(1)} MiB zipped, ${artifact.millis} ms`,
  );
  console.log(`  start command: ${START_COMMAND}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
