/**
 * infra/main.bicep against what the server reads and what the runbook lists. The template cannot be compiled here
 * (see tests/infra/bicep-template.ts), so it is held to the server's own configuration code instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { START_COMMAND } from '../../scripts/build-deploy-artifact.js';
import { loadConfig } from '../../server/config.js';
import { runbookSettings } from '../helpers/runbook.js';
import { envFileNames, readBicep, readParameters, resourceBlock } from './bicep-template.js';

const bicep = readBicep();
const parameters = readParameters();
const BOT_ID = '11111111-2222-4333-8444-555555555555';
const HOST = 'sesamedev-abc123.azurewebsites.net';

/** The values App Service would hold once Key Vault references are resolved. */
const resolved: Record<string, string> = {
  SESAME_MODE: 'production',
  PUBLIC_URL: `https://${HOST}`,
  CLIENT_ID: BOT_ID,
  CLIENT_SECRET: 'bot-secret-from-key-vault',
  TENANT_ID: '66666666-7777-4888-9999-000000000000',
  AAD_APP_CLIENT_ID: '22222222-3333-4444-8555-666666666666',
  AAD_APP_CLIENT_SECRET: 'sso-secret-from-key-vault',
  AAD_APP_ID_URI: `api://${HOST}/botid-${BOT_ID}`,
  OAUTH_CONNECTION_NAME: 'sesame-sso',
  DATABASE_URL:
    'postgres://sesameadmin:pw@sesamedev-abc123-pg.postgres.database.azure.com:5432/sesame?sslmode=verify-full',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000000',
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false',
};

describe('infra/main.bicep', () => {
  it('sets exactly the App Service settings the runbook lists, plus the Application Insights connection', () => {
    expect([...bicep.appSettings.keys()].sort()).toEqual(
      [...runbookSettings('app-settings'), 'APPLICATIONINSIGHTS_CONNECTION_STRING'].sort(),
    );
    expect(runbookSettings('optional-settings')).toContain('APPLICATIONINSIGHTS_CONNECTION_STRING');
  });

  it('sets only settings the server reads (or the platform: SCM_DO_BUILD_DURING_DEPLOYMENT)', () => {
    const serverCode = ['server/config.ts', 'server/telemetry.ts']
      .map((f) => readFileSync(join(import.meta.dirname, '..', '..', f), 'utf8'))
      .join('\n');
    const unread = [...bicep.appSettings.keys()].filter(
      (name) => name !== 'SCM_DO_BUILD_DURING_DEPLOYMENT' && !serverCode.includes(`'${name}'`),
    );
    expect(unread).toEqual([]);
  });

  it('gives the server a production configuration it accepts, each setting landing where it belongs', () => {
    const config = loadConfig(resolved, 'the App Service application settings');
    expect(config.mode).toBe('production');
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBe(resolved.PUBLIC_URL);
    expect(config.bot.appId).toBe(resolved.CLIENT_ID);
    expect(config.bot.clientSecret).toBe(resolved.CLIENT_SECRET);
    expect(config.tenantId).toBe(resolved.TENANT_ID);
    expect(config.sso).toEqual({
      clientId: resolved.AAD_APP_CLIENT_ID,
      clientSecret: resolved.AAD_APP_CLIENT_SECRET,
      applicationIdUri: resolved.AAD_APP_ID_URI,
    });
    expect(config.bot.oauthConnectionName).toBe('sesame-sso');
    expect(config.databaseUrl).toBe(resolved.DATABASE_URL);
    expect(config.bot.cloudOverrides).toBeUndefined();
  });

  it('leaves out no setting the server needs: without each required one it stops, naming it', () => {
    for (const name of [
      'SESAME_MODE',
      'PUBLIC_URL',
      'CLIENT_ID',
      'CLIENT_SECRET',
      'TENANT_ID',
      'AAD_APP_CLIENT_SECRET',
      'AAD_APP_ID_URI',
    ]) {
      const { [name]: _, ...without } = resolved;
      let error: unknown;
      try {
        loadConfig(without, 'the App Service application settings');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      // Without SESAME_MODE the server is in local mode, which refuses the public cloud's endpoints.
      if (name !== 'SESAME_MODE') expect([name, (error as ConfigError).variable]).toEqual([name, name]);
    }
  });

  it('keeps secrets in Key Vault: the secret settings are Key Vault references, secret parameters are @secure', () => {
    for (const name of ['CLIENT_SECRET', 'AAD_APP_CLIENT_SECRET', 'DATABASE_URL'])
      expect([name, bicep.appSettings.get(name)]).toEqual([
        name,
        expect.stringMatching(/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\.properties\.secretUri\}\)'$/),
      ]);
    for (const [param, value] of Object.entries(parameters)) {
      if (/\$\{\{SECRET_/.test(value))
        expect([param, bicep.params.get(param)?.secure]).toEqual([param, true]);
    }
    // A secure parameter is never an output, and never written into the template's own text.
    for (const [name, p] of bicep.params)
      if (p.secure) expect([...bicep.outputs.values()].join(' ')).not.toContain(name);
    expect(bicep.text).not.toMatch(/(password|secret)\w*: '[^$'][^']*'/i);
    const site = resourceBlock(bicep.text, 'site').body;
    expect(site).toMatch(/keyVaultReferenceIdentity: identity\.id/);
    expect(site).toMatch(/type: 'UserAssigned'/);
  });

  it('takes every parameter from env/.env.dev or, for secrets, env/.env.dev.user', () => {
    const dev = envFileNames('env/.env.dev');
    for (const [name, p] of bicep.params)
      if (!p.hasDefault) expect([name, parameters[name] !== undefined]).toEqual([name, true]);
    for (const [param, value] of Object.entries(parameters)) {
      expect([param, bicep.params.has(param)]).toEqual([param, true]);
      for (const m of value.matchAll(/\$\{\{(\w+)\}\}/g)) {
        const variable = m[1]!;
        expect([param, variable, variable.startsWith('SECRET_') || dev.has(variable)]).toEqual([
          param,
          variable,
          true,
        ]);
      }
    }
    // What the Toolkit writes back from the outputs is declared in env/.env.dev.
    for (const output of bicep.outputs.keys()) expect([output, dev.has(output)]).toEqual([output, true]);
  });

  it('runs the build on Linux, Node 24 LTS, HTTPS only, with /healthz as health check and the artifact start command', () => {
    const site = resourceBlock(bicep.text, 'site');
    expect(site.type).toMatch(/^Microsoft\.Web\/sites@/);
    expect(site.body).toContain("kind: 'app,linux'");
    expect(site.body).toContain("linuxFxVersion: 'NODE|24-lts'");
    expect(site.body).toContain("healthCheckPath: '/healthz'");
    expect(site.body).toContain('httpsOnly: true');
    expect(site.body).toContain('appCommandLine: startCommand');
    expect(bicep.vars.get('startCommand')).toBe(START_COMMAND);
    expect(resourceBlock(bicep.text, 'plan').body).toContain('reserved: true');
  });

  it('registers an Azure-managed, single-tenant Azure Bot with the Teams channel at the App Service endpoint', () => {
    const bot = resourceBlock(bicep.text, 'bot');
    expect(bot.type).toMatch(/^Microsoft\.BotService\/botServices@/);
    expect(bot.body).toContain("kind: 'azurebot'");
    expect(bot.body).toContain("msaAppType: 'SingleTenant'");
    expect(bot.body).toContain('msaAppId: botAadAppClientId');
    expect(bot.body).toContain('msaAppTenantId: botAadAppTenantId');
    expect(bot.body).toContain("endpoint: 'https://${publicHost}/api/messages'");
    const teams = resourceBlock(bicep.text, 'teamsChannel');
    expect(teams.type).toMatch(/^Microsoft\.BotService\/botServices\/channels@/);
    expect(teams.body).toContain("channelName: 'MsTeamsChannel'");
    expect(bicep.outputs.get('BOT_ENDPOINT')).toBe("'https://${publicHost}'");
    expect(bicep.outputs.get('BOT_DOMAIN')).toBe('publicHost');
    expect(parameters.botAadAppClientId).toBe('${{BOT_ID}}');
    expect(parameters.botAadAppTenantId).toBe('${{BOT_TENANT_ID}}');
  });

  it('makes PostgreSQL the store: DATABASE_URL names the Flexible Server database over verified TLS', () => {
    expect(resourceBlock(bicep.text, 'postgres').type).toMatch(
      /^Microsoft\.DBforPostgreSQL\/flexibleServers@/,
    );
    const secret = resourceBlock(bicep.text, 'databaseUrlSecret').body;
    expect(secret).toMatch(
      /value: 'postgres:\/\/\$\{postgresAdminLogin\}:\$\{uriComponent\(postgresAdminPassword\)\}@\$\{postgres\.properties\.fullyQualifiedDomainName\}:5432\/\$\{database\.name\}\?sslmode=verify-full'/,
    );
  });
});
