import { SESAME_SIGN_IN_SCOPES } from '../../core/procedures/catalog.js';
import { AUDITOR_APP_ROLE } from '../../core/run-visibility.js';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  mkdirSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  PackageError,
  buildPackage,
  bundledSchema,
  checkIcons,
  fillPlaceholders,
  loadEnv,
  placeholdersIn,
  validate,
} from '../../scripts/package-app.js';
import { ACCENT, renderColorIcon, renderOutlineIcon } from '../../scripts/make-icons.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifestDir = join(root, 'manifest');
const template = readFileSync(join(manifestDir, 'manifest.json'), 'utf8');
const frTemplate = readFileSync(join(manifestDir, 'fr.json'), 'utf8');

type Json = Record<string, unknown>;

/** The manifest and fr.json filled from env/.env.local, as objects. */
function filledLocal(): { manifest: Json; fr: Json } {
  const { vars } = loadEnv('local', join(root, 'env'));
  const m = fillPlaceholders(template, vars);
  const f = fillPlaceholders(frTemplate, vars);
  expect(m.missing).toEqual([]);
  expect(f.missing).toEqual([]);
  return { manifest: JSON.parse(m.text) as Json, fr: JSON.parse(f.text) as Json };
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-manifest-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('manifest template', () => {
  it('uses a schema version bundled in @microsoft/app-manifest, named the same in $schema', () => {
    const m = JSON.parse(template) as Json;
    expect(m.manifestVersion).toBe('1.29');
    expect(m.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${String(m.manifestVersion)}/MicrosoftTeams.schema.json`,
    );
    expect(bundledSchema(String(m.manifestVersion), 'manifest')).toHaveProperty('properties.manifestVersion');
    const fr = JSON.parse(frTemplate) as Json;
    expect(fr.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${String(m.manifestVersion)}/MicrosoftTeams.Localization.schema.json`,
    );
  });

  it('uses only the Agents Toolkit variables the environments define', () => {
    const used = [...new Set([...placeholdersIn(template), ...placeholdersIn(frTemplate)])].sort();
    expect(used).toEqual([
      'AAD_APP_CLIENT_ID',
      'APP_NAME_SUFFIX',
      'BOT_DOMAIN',
      'BOT_ID',
      'TAB_DOMAIN',
      'TAB_ENDPOINT',
      'TEAMS_APP_ID',
    ]);
    const devFile = readFileSync(join(root, 'env', '.env.dev'), 'utf8');
    for (const name of used) expect(devFile).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('filled with env/.env.local, validates offline against the bundled schema', async () => {
    const { manifest, fr } = filledLocal();
    expect(await validate(manifest, { 'fr.json': fr })).toEqual([]);
  });

  it('declares the bot, both tabs, SSO and the French localization', () => {
    const { manifest, fr } = filledLocal();
    const { vars } = loadEnv('local', join(root, 'env'));
    const bot = (manifest.bots as Json[])[0] as Json;
    expect(bot.botId).toBe(vars.BOT_ID);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.supportsFiles).toBe(false);
    const lists = bot.commandLists as { scopes: string[]; commands: { title: string }[] }[];
    expect(lists.flatMap((l) => l.scopes)).toEqual(expect.arrayContaining(['personal', 'team']));
    for (const list of lists)
      expect(list.commands.map((c) => c.title)).toEqual(['help', 'status', 'cancel', 'resume']);
    lists.forEach((list, i) =>
      list.commands.forEach((_, j) => {
        expect(fr[`bots[0].commandLists[${i}].commands[${j}].title`]).toBeTruthy();
        expect(fr[`bots[0].commandLists[${i}].commands[${j}].description`]).toBeTruthy();
      }),
    );
    const checklist = (manifest.staticTabs as Json[]).find((t) => t.entityId === 'checklist') as Json;
    expect(checklist.contentUrl).toBe(`${vars.TAB_ENDPOINT}/tab/index.html?view=personal`);
    expect(checklist.scopes).toEqual(['personal']);
    const channel = (manifest.configurableTabs as Json[])[0] as Json;
    expect(channel.configurationUrl).toBe(`${vars.TAB_ENDPOINT}/tab/config.html`);
    expect(channel.scopes).toEqual(['team', 'groupChat']);
    expect(channel.canUpdateConfiguration).toBe(true);
    // The resource is built from BOT_DOMAIN and BOT_ID; it must be what the server is told (AAD_APP_ID_URI).
    expect(manifest.webApplicationInfo).toEqual({
      id: vars.AAD_APP_CLIENT_ID,
      resource: vars.AAD_APP_ID_URI,
    });
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(manifest.accentColor).toBe(ACCENT);
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'en-us',
      additionalLanguages: [{ languageTag: 'fr', file: 'fr.json' }],
    });
    expect((manifest.name as Json).short).toBe(`Sesame${vars.APP_NAME_SUFFIX ?? ''}`);
  });
});

describe('fillPlaceholders', () => {
  it('reports every missing variable by name, once', () => {
    const result = fillPlaceholders('{"a":"${{BOT_ID}}","b":"${{BOT_ID}}","c":"${{ TAB_ENDPOINT }}"}', {});
    expect(result.missing).toEqual(['BOT_ID', 'TAB_ENDPOINT']);
    expect(result.text).toContain('${{BOT_ID}}');
  });

  it('treats an empty value as missing, except for the name suffix', () => {
    const result = fillPlaceholders('"${{BOT_ID}}${{APP_NAME_SUFFIX}}"', { BOT_ID: '', APP_NAME_SUFFIX: '' });
    expect(result.missing).toEqual(['BOT_ID']);
    expect(fillPlaceholders('"Sesame${{APP_NAME_SUFFIX}}"', { APP_NAME_SUFFIX: '' }).text).toBe('"Sesame"');
  });

  it('escapes values so they cannot break or inject into the JSON', () => {
    const result = fillPlaceholders('{"name":"${{X}}"}', { X: 'a", "id": "evil\\' });
    expect(JSON.parse(result.text)).toEqual({ name: 'a", "id": "evil\\' });
  });
});

describe('validate (must fail)', () => {
  it('rejects a bot without scopes', async () => {
    const { manifest, fr } = filledLocal();
    delete ((manifest.bots as Json[])[0] as Json).scopes;
    const problems = await validate(manifest, { 'fr.json': fr });
    expect(problems.join('\n')).toMatch(/\/bots\/0 must have required property 'scopes'/);
  });

  it('rejects an app id and a bot id that are not GUIDs', async () => {
    const { manifest, fr } = filledLocal();
    manifest.id = 'sesame-app';
    ((manifest.bots as Json[])[0] as Json).botId = '1234';
    const problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/manifest\.json \/id must match pattern/);
    expect(problems).toMatch(/manifest\.json \/bots\/0\/botId must match pattern/);
  });

  it('rejects a tab served from a host outside validDomains, and plain http', async () => {
    const { manifest, fr } = filledLocal();
    ((manifest.configurableTabs as Json[])[0] as Json).configurationUrl = 'http://elsewhere.example/config';
    const problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/elsewhere\.example is not in validDomains/);
    expect(problems).toMatch(/https only/);
  });

  it('rejects an SSO resource that does not name the bot, or sits outside validDomains', async () => {
    const { manifest, fr } = filledLocal();
    const sso = manifest.webApplicationInfo as Json;
    sso.resource = 'api://localhost/botid-00000000-0000-0000-0000-000000000000';
    let problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/must be api:\/\/localhost\/botid-b07c0de1-/);
    sso.resource = 'https://localhost/botid-x';
    problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/is not an api:\/\/<domain>/);
    sso.resource = `api://other.example/botid-${String(((manifest.bots as Json[])[0] as Json).botId)}`;
    problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/other\.example is not in validDomains/);
  });

  it('rejects leftover placeholders and a translation of a command that does not exist', async () => {
    const { manifest, fr } = filledLocal();
    (manifest.name as Json).short = 'Sesame${{SUFFIX}}';
    fr['bots[0].commandLists[0].commands[9].title'] = 'fantôme';
    const problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/unfilled placeholders: \$\{\{SUFFIX\}\}/);
    expect(problems).toMatch(/commands\[9\]\.title translates a command the manifest does not have/);
  });

  it('rejects a localization file that breaks its schema', async () => {
    const { manifest, fr } = filledLocal();
    delete fr['description.short'];
    fr['name.short'] = 'x'.repeat(31);
    const problems = (await validate(manifest, { 'fr.json': fr })).join('\n');
    expect(problems).toMatch(/fr\.json \/ must have required property 'description.short'/);
    expect(problems).toMatch(/fr\.json \/name\.short must NOT have more than 30 characters/);
  });
});

describe('icons', () => {
  const color = readFileSync(join(manifestDir, 'color.png'));
  const outline = readFileSync(join(manifestDir, 'outline.png'));

  it('are 192×192 (colour) and 32×32 (outline), the outline only white or transparent', () => {
    const c = PNG.sync.read(color);
    const o = PNG.sync.read(outline);
    expect([c.width, c.height]).toEqual([192, 192]);
    expect([o.width, o.height]).toEqual([32, 32]);
    let white = 0;
    for (let i = 0; i < o.data.length; i += 4) {
      const [r, g, b, a] = [o.data[i], o.data[i + 1], o.data[i + 2], o.data[i + 3]];
      if (a === 0) continue;
      expect([r, g, b]).toEqual([255, 255, 255]);
      white++;
    }
    expect(white).toBeGreaterThan(100);
    expect(checkIcons(color, outline)).toEqual([]);
  });

  it('are what scripts/make-icons.ts draws (the committed PNGs are not stale)', () => {
    expect(PNG.sync.write(renderColorIcon()).equals(color)).toBe(true);
    expect(PNG.sync.write(renderOutlineIcon()).equals(outline)).toBe(true);
  });

  it('rejects a wrong size and a coloured outline (must fail)', () => {
    const small = PNG.sync.write(renderColorIcon(96));
    const tinted = PNG.sync.read(outline);
    const firstOpaque = tinted.data.findIndex((_, i) => i % 4 === 3 && tinted.data[i] === 255) - 3;
    tinted.data[firstOpaque] = 0x15;
    const problems = checkIcons(small, PNG.sync.write(tinted)).join('\n');
    expect(problems).toMatch(/color\.png is 96×96, Teams needs 192×192/);
    expect(problems).toMatch(/outline\.png has 1 pixels that are neither white nor transparent/);
  });
});

describe('buildPackage', () => {
  it('writes a zip with the four files and a manifest with no placeholder left', async () => {
    const outDir = tempDir();
    const result = await buildPackage({ envName: 'local', root, outDir });
    expect(result.zipPath).toBe(join(outDir, 'appPackage.local.zip'));
    const zip = await JSZip.loadAsync(readFileSync(result.zipPath));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'fr.json', 'manifest.json', 'outline.png']);
    const manifestText = await zip.file('manifest.json')!.async('string');
    const frText = await zip.file('fr.json')!.async('string');
    expect(manifestText).not.toContain('${{');
    expect(frText).not.toContain('${{');
    expect(manifestText).toBe(readFileSync(join(outDir, 'appPackage', 'manifest.json'), 'utf8'));
    const manifest = JSON.parse(manifestText) as Json;
    const domains = manifest.validDomains as string[];
    expect(domains).toEqual([...new Set(domains)]);
    expect(domains).toContain('token.botframework.com');
    expect(await validate(manifest, { 'fr.json': JSON.parse(frText) as Json })).toEqual([]);
    expect(
      (await zip.file('color.png')!.async('nodebuffer')).equals(readFileSync(join(manifestDir, 'color.png'))),
    ).toBe(true);
  });

  it('is reproducible byte for byte', async () => {
    const a = await buildPackage({ envName: 'local', root, outDir: tempDir() });
    const b = await buildPackage({ envName: 'local', root, outDir: tempDir() });
    expect(readFileSync(a.zipPath).equals(readFileSync(b.zipPath))).toBe(true);
  });

  it('fails naming the missing variables and the env file to set them in (must fail)', async () => {
    const envDir = tempDir();
    const outDir = tempDir();
    const local = readFileSync(join(root, 'env', '.env.local'), 'utf8');
    writeFileSync(
      join(envDir, '.env.broken'),
      local
        .split('\n')
        .filter((l) => !l.startsWith('BOT_ID=') && !l.startsWith('TAB_ENDPOINT='))
        .join('\n'),
    );
    const attempt = buildPackage({ envName: 'broken', root, envDir, outDir });
    await expect(attempt).rejects.toBeInstanceOf(PackageError);
    await expect(attempt).rejects.toThrow(/set BOT_ID, TAB_ENDPOINT in .*\.env\.broken/);
    expect(existsSync(join(outDir, 'appPackage.broken.zip'))).toBe(false);
  });

  it('lets env/.env.<name>.user override env/.env.<name>', () => {
    const envDir = tempDir();
    copyFileSync(join(root, 'env', '.env.local'), join(envDir, '.env.mine'));
    writeFileSync(join(envDir, '.env.mine.user'), 'APP_NAME_SUFFIX=-mine\nSECRET_X=s3cret\n');
    const env = loadEnv('mine', envDir);
    expect(env.vars.APP_NAME_SUFFIX).toBe('-mine');
    expect(env.files).toEqual([join(envDir, '.env.mine'), join(envDir, '.env.mine.user')]);
  });

  it('refuses an environment with no file, or a name that is a path', () => {
    const envDir = tempDir();
    mkdirSync(join(envDir, 'sub'));
    expect(() => loadEnv('nowhere', envDir)).toThrow(/No environment file for "nowhere"/);
    expect(() => loadEnv('../etc', envDir)).toThrow(/Invalid environment name/);
  });
});

describe('Agents Toolkit files', () => {
  const yml = readFileSync(join(root, 'teamsapp.yml'), 'utf8');
  const aad = JSON.parse(readFileSync(join(root, 'aad.manifest.json'), 'utf8')) as Json;

  it('teamsapp.yml declares its schema version and the lifecycle actions, in order', () => {
    expect(yml).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.11\//,
    );
    expect(yml).toMatch(/^version: v1\.11$/m);
    expect(yml).toMatch(/^environmentFolderPath: \.\/env$/m);
    const uses = [...yml.matchAll(/^\s+- uses: (\S+)/gm)].map((m) => m[1]);
    const provision = uses.slice(0, uses.indexOf('cli/runNpmCommand'));
    expect(provision).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'aadApp/create',
      'arm/deploy',
      'aadApp/update',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(uses).toContain('azureAppService/zipDeploy');
    // The Azure Bot resource (infra/main.bicep) registers the bot; a second registration of the same id fails.
    expect(uses).not.toContain('botFramework/create');
    expect(yml).toMatch(/artifactFolder: \.\/build\/deploy\n/);
    expect(yml).toMatch(/args: run artifact\n/);
    expect(uses[uses.length - 1]).toBe('teamsApp/publishAppPackage');
    expect(yml).toContain('generateClientSecret: true');
    // Secrets only ever go to SECRET_* variables (the .user file); the bot app is single-tenant.
    const secrets = [...yml.matchAll(/^\s+clientSecret: (\S+)/gm)].map((m) => m[1]);
    expect(secrets).toEqual(['SECRET_BOT_PASSWORD', 'SECRET_AAD_APP_CLIENT_SECRET']);
    expect([...yml.matchAll(/signInAudience: (\S+)/g)].map((m) => m[1])).toEqual([
      'AzureADMyOrg',
      'AzureADMyOrg',
    ]);
    expect(yml).toMatch(/clientId: BOT_ID/);
    expect(yml).toMatch(/generateServicePrincipal: true/);
  });

  it('aad.manifest.json declares the Sesame.Auditor app role the tab API reads from the token', () => {
    const roles = aad.appRoles as Json[];
    expect(roles.map((r) => r.value)).toEqual([AUDITOR_APP_ROLE]);
    expect(roles[0]).toMatchObject({ allowedMemberTypes: ['User'], isEnabled: true });
    expect(String(roles[0]?.id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('aad.manifest.json exposes access_as_user to the Teams, Microsoft 365 and Outlook clients under the bot-style URI', () => {
    expect(aad.identifierUris).toEqual(['api://${{BOT_DOMAIN}}/botid-${{BOT_ID}}']);
    const scopes = aad.oauth2Permissions as Json[];
    expect(scopes.map((s) => s.value)).toEqual(['access_as_user']);
    const pre = (aad.preAuthorizedApplications as Json[]).map((p) => p.appId);
    // Microsoft's list ("Configure your tab app in Microsoft Entra ID"): Teams desktop/mobile and web, Microsoft 365
    // web, desktop and mobile (the last also Outlook desktop), Outlook web and mobile.
    expect(pre).toEqual([
      '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
      '5e3ce6c0-2b1f-4285-8d4b-75ee78787346',
      '4765445b-32c6-49b0-83e6-1d93765276ca',
      '0ec893e0-5785-4de6-99da-4ed124e5296c',
      'd3590ed6-52b3-4102-aeff-aad2292ab01c',
      'bc59ab01-8403-45c6-8796-ac3ef710b3e3',
      '27922004-5251-4030-b22d-91ecd9a37ea4',
    ]);
    const graph = (aad.requiredResourceAccess as Json[]).find(
      (r) => r.resourceAppId === 'Microsoft Graph',
    ) as Json;
    // Exactly the scopes Sesame's operations need (tests/contract/sesame-scopes.test.ts).
    expect((graph.resourceAccess as Json[]).map((r) => r.id).sort()).toEqual(
      [...SESAME_SIGN_IN_SCOPES].sort(),
    );
    expect(aad.name).toBe('Sesame${{APP_NAME_SUFFIX}}');
    expect(yml).toMatch(
      /uses: aadApp\/create\n\s+with:\n\s+#[^\n]*\n\s+name: Sesame\$\{\{APP_NAME_SUFFIX\}\}\n/,
    );
  });

  it('env/.env.dev holds no secret', () => {
    const dev = readFileSync(join(root, 'env', '.env.dev'), 'utf8');
    expect(dev).not.toMatch(/^SECRET_\w*=\S/m);
    expect(dev).not.toMatch(/^(CLIENT_SECRET|AAD_APP_CLIENT_SECRET)=\S/m);
  });
});
