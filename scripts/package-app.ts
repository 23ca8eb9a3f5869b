// Builds the Teams app package for one environment, offline:
//   npm run package                 (env/.env.local)
//   npm run package -- --env dev    (env/.env.dev, then env/.env.dev.user)
// It does what the Agents Toolkit's teamsApp/validateManifest + teamsApp/zipAppPackage do, so the
// package can be built and checked on a machine with no Toolkit and no network: fill every ${{VAR}}
// from the env files, validate against the schema bundled in @microsoft/app-manifest, check the
// icons, and write build/appPackage/ and build/appPackage.<env>.zip.
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Toolkit's placeholder syntax, as its own drivers match it: ${{NAME}}, spaces allowed inside. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Variables that may legitimately be empty (production has no name suffix). */
export const MAY_BE_EMPTY: ReadonlySet<string> = new Set(['APP_NAME_SUFFIX']);

/** The files that go into the zip besides manifest.json, in the manifest's own folder. */
export const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } };

export type EnvVars = Record<string, string>;

export class PackageError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(`${message}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

export interface LoadedEnv {
  vars: EnvVars;
  /** Files actually read, in order (later ones override earlier ones). */
  files: string[];
  /** The file a person should edit to set a missing variable. */
  primaryFile: string;
}

/**
 * Reads env/.env.<name> then env/.env.<name>.user (secrets, ignored by git), like the Toolkit does.
 * The process environment is not consulted: a package must be reproducible from the files.
 */
export function loadEnv(envName: string, envDir = join(ROOT, 'env')): LoadedEnv {
  if (!/^[A-Za-z0-9_-]+$/.test(envName)) {
    throw new PackageError(`Invalid environment name "${envName}"`, ['use letters, digits, - or _']);
  }
  const primaryFile = join(envDir, `.env.${envName}`);
  if (!existsSync(primaryFile)) {
    throw new PackageError(`No environment file for "${envName}"`, [`create ${primaryFile}`]);
  }
  const vars: EnvVars = {};
  const files: string[] = [];
  for (const file of [primaryFile, `${primaryFile}.user`]) {
    if (!existsSync(file)) continue;
    for (const [k, v] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
      if (v !== undefined) vars[k] = v;
    }
    files.push(file);
  }
  return { vars, files, primaryFile };
}

export interface FillResult {
  text: string;
  /** Placeholder names with no value (or an empty one where empty is not allowed), sorted, unique. */
  missing: string[];
}

/**
 * Replaces every ${{VAR}} in a template. Values are JSON-escaped so that a value with a quote or a
 * backslash cannot break (or inject into) the JSON it lands in.
 */
export function fillPlaceholders(
  template: string,
  vars: Readonly<Record<string, string | undefined>>,
  mayBeEmpty: ReadonlySet<string> = MAY_BE_EMPTY,
): FillResult {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined || (value === '' && !mayBeEmpty.has(name))) {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  return { text, missing: [...missing].sort() };
}

/** Placeholders a template uses, so an env file can be checked against it. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))].sort();
}

const appManifestEntry = createRequire(import.meta.url).resolve('@microsoft/app-manifest');

function appManifestSchemaDir(): string {
  return join(dirname(appManifestEntry), 'json-schemas', 'teams');
}

interface AjvError {
  instancePath: string;
  message?: string;
  params?: unknown;
}
type CompiledSchema = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
interface AjvInstance {
  compile(schema: object): CompiledSchema;
}

/**
 * @microsoft/app-manifest 1.1.2 cannot be imported: its entry point requires `fs-extra`, which it
 * does not declare as a dependency (only @types/fs-extra), so `AppManifestUtils` throws
 * MODULE_NOT_FOUND. We therefore run the exact validator its `validateAgainstSchema` builds for
 * the Teams schemas (draft-04 Ajv, allErrors, strictTypes off, uri/email/regex formats), loaded
 * from the package's own dependency tree, against the schema files it bundles.
 */
function compileBundled(schema: object, kind: 'manifest' | 'localization'): CompiledSchema {
  const req = createRequire(appManifestEntry);
  const AjvDraft04 = (req('ajv-draft-04') as { default: new (o: object) => AjvInstance }).default;
  const addFormats = (req('ajv-formats') as { default: (a: AjvInstance, f: string[]) => void }).default;
  // Microsoft's localization schema has a pattern (`\b]` in activities.activityTypes) that is not a
  // valid Unicode-mode regular expression, so that one schema is compiled with Ajv's legacy regexes.
  const ajv = new AjvDraft04({ allErrors: true, strictTypes: false, unicodeRegExp: kind === 'manifest' });
  addFormats(ajv, ['uri', 'email', 'regex']);
  return ajv.compile(schema);
}

const compiled = new Map<string, CompiledSchema>();

/** Same message shape as AppManifestUtils.validateAgainstSchema: "<path> <message>. Details: <params>". */
export function validateAgainstBundledSchema(
  document: unknown,
  manifestVersion: string,
  kind: 'manifest' | 'localization',
): string[] {
  const key = `${manifestVersion}/${kind}`;
  let check = compiled.get(key);
  if (!check) {
    check = compileBundled(bundledSchema(manifestVersion, kind), kind);
    compiled.set(key, check);
  }
  if (check(JSON.parse(JSON.stringify(document)))) return [];
  return (check.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? ''}. Details: ${e.params ? JSON.stringify(e.params) : ''}`,
  );
}

/** The bundled schema for a manifest version, read from disk so validation never goes to the network. */
export function bundledSchema(manifestVersion: string, kind: 'manifest' | 'localization'): object {
  const file = join(
    appManifestSchemaDir(),
    `v${manifestVersion}`,
    kind === 'manifest' ? 'MicrosoftTeams.schema.json' : 'MicrosoftTeams.Localization.schema.json',
  );
  if (!existsSync(file)) {
    throw new PackageError(`Manifest version ${manifestVersion} is not bundled in @microsoft/app-manifest`, [
      `no ${file}`,
    ]);
  }
  // The package's own loader does the same clean-up: some schemas carry \a and \v escapes JSON lacks.
  const raw = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(raw) as object;
}

type Json = Record<string, unknown>;

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

function hostAllowed(host: string, validDomains: string[]): boolean {
  return validDomains.some((d) => {
    const domain = d.toLowerCase().replace(/:\d+$/, '');
    if (domain.startsWith('*.')) return host.endsWith(domain.slice(1));
    return host === domain;
  });
}

/**
 * Rules Teams enforces at upload that the JSON schema cannot express. Each was a real upload failure
 * in someone's project: a page outside validDomains, SSO pointing at another app, a translated
 * command that no longer lines up with the manifest.
 */
function semanticProblems(manifest: Json, localizations: Record<string, Json>): string[] {
  const problems: string[] = [];
  const validDomains = (manifest.validDomains as string[] | undefined) ?? [];
  const pages: string[] = [];
  for (const tab of asArray(manifest.staticTabs)) {
    for (const key of ['contentUrl', 'websiteUrl']) if (typeof tab[key] === 'string') pages.push(tab[key]);
  }
  for (const tab of asArray(manifest.configurableTabs)) {
    if (typeof tab.configurationUrl === 'string') pages.push(tab.configurationUrl);
  }
  for (const page of pages) {
    let url: URL;
    try {
      url = new URL(page);
    } catch {
      problems.push(`${page} is not a URL`);
      continue;
    }
    if (url.protocol !== 'https:') problems.push(`${page}: Teams loads tabs over https only`);
    if (!hostAllowed(url.hostname.toLowerCase(), validDomains)) {
      problems.push(`${page}: host ${url.hostname} is not in validDomains`);
    }
  }
  const bot = asArray(manifest.bots)[0];
  const sso = manifest.webApplicationInfo as Json | undefined;
  if (sso) {
    // Teams gets the SSO token for `resource`; with a bot in the app it must be the bot-style
    // Application ID URI api://<domain>/botid-<botId>, on a domain the app declares.
    const resource = String(sso.resource ?? '');
    const m = /^api:\/\/([^/]+)\/(?:botid-)?(.+)$/.exec(resource);
    if (!m) {
      problems.push(`webApplicationInfo.resource ${resource} is not an api://<domain>/... URI`);
    } else {
      if (!hostAllowed((m[1] as string).toLowerCase(), validDomains)) {
        problems.push(`webApplicationInfo.resource ${resource}: ${m[1]} is not in validDomains`);
      }
      if (bot && resource !== `api://${m[1]}/botid-${String(bot.botId)}`) {
        problems.push(
          `webApplicationInfo.resource ${resource} must be api://${m[1]}/botid-${String(bot.botId)}`,
        );
      }
    }
  }
  const info = manifest.localizationInfo as Json | undefined;
  for (const lang of asArray(info?.additionalLanguages)) {
    const file = String(lang.file);
    const strings = localizations[file];
    if (!strings) {
      problems.push(`localization file ${file} is missing`);
      continue;
    }
    for (const key of Object.keys(strings)) {
      const m = /^bots\[0\]\.commandLists\[(\d+)\]\.commands\[(\d+)\]\.(title|description)$/.exec(key);
      if (m) {
        const list = asArray(bot?.commandLists)[Number(m[1])];
        const command = asArray(list?.commands)[Number(m[2])];
        if (!command) problems.push(`${file}: ${key} translates a command the manifest does not have`);
      }
      const t = /^staticTabs\[(\d+)\]\.name$/.exec(key);
      if (t && !asArray(manifest.staticTabs)[Number(t[1])]?.name) {
        problems.push(`${file}: ${key} translates a tab with no name`);
      }
    }
  }
  return problems;
}

/**
 * Validates a filled manifest (and its localization files) against the schemas bundled in
 * @microsoft/app-manifest, plus the upload rules above. Returns the problems; empty means valid.
 */
export async function validate(manifest: Json, localizations: Record<string, Json> = {}): Promise<string[]> {
  const problems: string[] = [];
  const version = manifest.manifestVersion;
  if (typeof version !== 'string') return ['manifestVersion is missing'];
  problems.push(
    ...validateAgainstBundledSchema(manifest, version, 'manifest').map((e) => `manifest.json ${e}`),
  );
  for (const [file, strings] of Object.entries(localizations)) {
    problems.push(
      ...validateAgainstBundledSchema(strings, version, 'localization').map((e) => `${file} ${e}`),
    );
  }
  const leftovers = JSON.stringify({ manifest, localizations }).match(PLACEHOLDER);
  if (leftovers) problems.push(`unfilled placeholders: ${[...new Set(leftovers)].join(', ')}`);
  problems.push(...semanticProblems(manifest, localizations));
  return problems;
}

/**
 * Teams rejects a package whose colour icon is not 192×192, whose outline icon is not 32×32, or
 * whose outline has any pixel that is neither white nor fully transparent.
 */
export function checkIcons(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const read = (name: string, data: Buffer): PNG | undefined => {
    try {
      return PNG.sync.read(data);
    } catch (e) {
      problems.push(`${name} is not a readable PNG (${(e as Error).message})`);
      return undefined;
    }
  };
  const c = read(ICONS.color.file, color);
  if (c && (c.width !== ICONS.color.size || c.height !== ICONS.color.size)) {
    problems.push(`${ICONS.color.file} is ${c.width}×${c.height}, Teams needs 192×192`);
  }
  const o = read(ICONS.outline.file, outline);
  if (o) {
    if (o.width !== ICONS.outline.size || o.height !== ICONS.outline.size) {
      problems.push(`${ICONS.outline.file} is ${o.width}×${o.height}, Teams needs 32×32`);
    }
    let offending = 0;
    let opaque = 0;
    for (let i = 0; i < o.data.length; i += 4) {
      const alpha = o.data[i + 3] as number;
      if (alpha === 0) continue;
      opaque++;
      if (o.data[i] !== 255 || o.data[i + 1] !== 255 || o.data[i + 2] !== 255) offending++;
    }
    if (offending > 0) {
      problems.push(`${ICONS.outline.file} has ${offending} pixels that are neither white nor transparent`);
    }
    if (opaque === 0) problems.push(`${ICONS.outline.file} is fully transparent`);
  }
  return problems;
}

export interface BuildOptions {
  envName: string;
  root?: string;
  envDir?: string;
  manifestDir?: string;
  outDir?: string;
}

export interface BuildResult {
  zipPath: string;
  manifestPath: string;
  envFiles: string[];
  manifest: Json;
  entries: string[];
  zipBytes: number;
}

/** Loads, fills, validates, checks and writes the package. Throws PackageError listing every problem. */
export async function buildPackage(options: BuildOptions): Promise<BuildResult> {
  const root = options.root ?? ROOT;
  const manifestDir = options.manifestDir ?? join(root, 'manifest');
  const outDir = options.outDir ?? join(root, 'build');
  const env = loadEnv(options.envName, options.envDir ?? join(root, 'env'));

  const manifestTemplate = readFileSync(join(manifestDir, 'manifest.json'), 'utf8');
  const filledManifest = fillPlaceholders(manifestTemplate, env.vars);
  const templateManifest = JSON.parse(manifestTemplate) as Json;
  const languageFiles = asArray(
    (templateManifest.localizationInfo as Json | undefined)?.additionalLanguages,
  ).map((l) => String(l.file));
  const filledLocalizations: Record<string, string> = {};
  const missing = new Set(filledManifest.missing);
  for (const file of languageFiles) {
    const path = join(manifestDir, file);
    if (!existsSync(path)) throw new PackageError('Localization file missing', [`${path} does not exist`]);
    const filled = fillPlaceholders(readFileSync(path, 'utf8'), env.vars);
    filled.missing.forEach((m) => missing.add(m));
    filledLocalizations[file] = filled.text;
  }
  if (missing.size > 0) {
    const where = relative(process.cwd(), env.primaryFile) || env.primaryFile;
    throw new PackageError(
      `Missing ${missing.size === 1 ? 'a variable' : 'variables'} for environment "${options.envName}": set ${[
        ...missing,
      ]
        .sort()
        .join(', ')} in ${where}`,
      [...missing]
        .sort()
        .map(
          (m) =>
            `${m} is used by the manifest but has no value in ${env.files.map((f) => relative(process.cwd(), f) || f).join(' or ')}`,
        ),
    );
  }

  const manifest = JSON.parse(filledManifest.text) as Json;
  // The bot and the tab usually share one host; Teams tolerates the duplicate but the store review does not.
  if (Array.isArray(manifest.validDomains)) manifest.validDomains = [...new Set(manifest.validDomains)];
  const localizations = Object.fromEntries(
    Object.entries(filledLocalizations).map(([f, text]) => [f, JSON.parse(text) as Json]),
  );

  const color = readFileSync(join(manifestDir, ICONS.color.file));
  const outline = readFileSync(join(manifestDir, ICONS.outline.file));
  const problems = [...(await validate(manifest, localizations)), ...checkIcons(color, outline)];
  if (problems.length > 0) {
    throw new PackageError(`The "${options.envName}" package is not valid`, problems);
  }

  const packageDir = join(outDir, 'appPackage');
  mkdirSync(packageDir, { recursive: true });
  const files: Record<string, Buffer | string> = {
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    [ICONS.color.file]: color,
    [ICONS.outline.file]: outline,
  };
  for (const [file, strings] of Object.entries(localizations))
    files[file] = `${JSON.stringify(strings, null, 2)}\n`;

  // A fixed timestamp makes the zip byte-for-byte reproducible from the same inputs.
  const stamp = new Date('2026-01-01T00:00:00Z');
  const zip = new JSZip();
  for (const [name, data] of Object.entries(files)) {
    writeFileSync(join(packageDir, name), data);
    zip.file(name, data, { date: stamp });
  }
  const zipBuffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  const zipPath = join(outDir, `appPackage.${options.envName}.zip`);
  writeFileSync(zipPath, zipBuffer);
  return {
    zipPath,
    manifestPath: join(packageDir, 'manifest.json'),
    envFiles: env.files,
    manifest,
    entries: Object.keys(files),
    zipBytes: zipBuffer.length,
  };
}

function parseArgs(argv: string[]): { envName: string } {
  let envName = 'local';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--env' || arg === '-e') envName = argv[++i] ?? '';
    else if (arg.startsWith('--env=')) envName = arg.slice('--env='.length);
    else throw new PackageError(`Unknown argument ${arg}`, ['usage: npm run package -- [--env local|dev]']);
  }
  return { envName };
}

async function main(): Promise<void> {
  const { envName } = parseArgs(process.argv.slice(2));
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  const result = await buildPackage({ envName });
  const m = result.manifest;
  console.log(`Sesame app package, environment "${envName}"`);
  console.log(`  env files:  ${result.envFiles.map(rel).join(', ')}`);
  console.log(`  manifest:   v${String(m.manifestVersion)} (bundled schema, offline), app ${String(m.id)}`);
  console.log(`  checks:     schema, localization, validDomains, SSO resource, icons 192/32: OK`);
  console.log(`  wrote:      ${rel(result.manifestPath)}`);
  console.log(
    `  wrote:      ${rel(result.zipPath)} (${result.zipBytes} bytes: ${result.entries.join(', ')})`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof PackageError ? e.message : e);
    process.exitCode = 1;
  });
}
