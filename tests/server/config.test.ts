import { ConfigError } from '../../core/errors.js';
import { loadConfig } from '../../server/config.js';
import { loadEnvFiles } from '../../server/env-files.js';

const ENV_FILE = 'env/.env.test';
const local = {
  SESAME_MODE: 'local',
  BOT_ID: 'b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
  AAD_APP_TENANT_ID: 'c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40',
  AAD_APP_ID_URI: 'api://localhost/botid-b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
  GRAPH_BASE_URL: 'http://127.0.0.1:5990/v1.0',
  AUTHORITY_HOST: 'https://127.0.0.1:5991',
  SANDBOX_BOTFRAMEWORK_URL: 'http://127.0.0.1:5990/botframework',
  DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'true',
};
const production = {
  SESAME_MODE: 'production',
  CLIENT_ID: '11111111-2222-4333-8444-555555555555',
  CLIENT_SECRET: 'not-a-real-secret',
  TENANT_ID: '66666666-7777-4888-9999-000000000000',
  PUBLIC_URL: 'https://sesame.example.com',
  AAD_APP_ID_URI: 'api://sesame.example.com/botid-11111111-2222-4333-8444-555555555555',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, ENV_FILE);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('reads the committed local environment file into a valid local config', () => {
    const { env, files } = loadEnvFiles('local', { processEnv: {} });
    expect(files).toEqual(['env/.env.local']);
    const config = loadConfig(env, files[0]!);
    expect(config.mode).toBe('local');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3978);
    expect(config.bot.allowUnauthenticated).toBe(true);
    expect(config.graphBaseUrl).toBe('http://127.0.0.1:5990/v1.0');
  });

  it('names the variable and the env file for a missing value', () => {
    const { BOT_ID: _, ...withoutBot } = local;
    const e = configError(withoutBot);
    expect(e.variable).toBe('BOT_ID');
    expect(e.message).toContain('BOT_ID');
    expect(e.message).toContain(ENV_FILE);
  });

  it('rejects malformed values with what was received', () => {
    expect(configError({ ...local, PORT: 'abc' }).message).toMatch(
      /PORT: must be a port number.*'abc'.*env\/\.env\.test/,
    );
    expect(configError({ ...local, BOT_ID: 'not-a-guid' }).variable).toBe('BOT_ID');
    expect(configError({ ...local, SESAME_MODE: 'staging' }).variable).toBe('SESAME_MODE');
    expect(configError({ ...local, AUTHORITY_HOST: 'http://127.0.0.1:5991' }).variable).toBe(
      'AUTHORITY_HOST',
    );
    expect(configError({ ...local, DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'yes' }).variable).toBe(
      'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS',
    );
  });

  it('keeps local mode on loopback and off Azure credentials', () => {
    expect(configError({ ...local, HOST: '0.0.0.0' }).variable).toBe('HOST');
    expect(configError({ ...local, GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0' }).variable).toBe(
      'GRAPH_BASE_URL',
    );
    // The Teams SDK would pick these up on its own and talk to Azure.
    expect(configError({ ...local, CLIENT_ID: production.CLIENT_ID }).variable).toBe('CLIENT_ID');
  });

  it('refuses to start with production settings and unauthenticated requests switched on', () => {
    const e = configError({ ...production, DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'true' });
    expect(e.variable).toBe('DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS');
    expect(e.message).toMatch(/must not be true in production/);
  });

  it('requires the bot registration in production and defaults to the public cloud', () => {
    expect(configError({ ...production, CLIENT_SECRET: '' }).variable).toBe('CLIENT_SECRET');
    expect(configError({ ...production, PUBLIC_URL: '' }).variable).toBe('PUBLIC_URL');
    const config = loadConfig(production, ENV_FILE);
    expect(config.bot.allowUnauthenticated).toBe(false);
    expect(config.graphBaseUrl).toBe('https://graph.microsoft.com/v1.0');
    expect(config.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.sso.clientId).toBe(production.CLIENT_ID);
  });

  it('DNS: production uses the system resolvers unless DNS_SERVERS names others; local mode only the sandbox’s, on loopback, or none', () => {
    expect(loadConfig(production, ENV_FILE).dns).toEqual({ servers: [], timeoutMs: 5000, tries: 2 });
    expect(
      loadConfig(
        { ...production, DNS_SERVERS: '10.0.0.53, [2001:db8::53]:5353', DNS_TIMEOUT_MS: '2000' },
        ENV_FILE,
      ).dns,
    ).toEqual({ servers: ['10.0.0.53', '[2001:db8::53]:5353'], timeoutMs: 2000, tries: 2 });
    // Local mode without DNS_SERVERS has no resolver at all: it never asks the internet.
    expect(loadConfig(local, ENV_FILE).dns).toBeUndefined();
    expect(loadConfig({ ...local, DNS_SERVERS: '127.0.0.1:41053', DNS_TRIES: '1' }, ENV_FILE).dns).toEqual({
      servers: ['127.0.0.1:41053'],
      timeoutMs: 5000,
      tries: 1,
    });
    const outside = configError({ ...local, DNS_SERVERS: '8.8.8.8' });
    expect(outside.variable).toBe('DNS_SERVERS');
    expect(outside.message).toContain("on loopback in local mode, got '8.8.8.8'");
    const malformed = configError({ ...production, DNS_SERVERS: 'dns.example.com' });
    expect(malformed.variable).toBe('DNS_SERVERS');
    expect(malformed.message).toContain("got 'dns.example.com'");
    expect(configError({ ...production, DNS_SERVERS: '10.0.0.53:70000' }).variable).toBe('DNS_SERVERS');
    expect(configError({ ...production, DNS_TRIES: '0' }).variable).toBe('DNS_TRIES');
    expect(configError({ ...production, DNS_TIMEOUT_MS: 'soon' }).variable).toBe('DNS_TIMEOUT_MS');
  });

  it('lets the process environment override env files', () => {
    const { env } = loadEnvFiles('local', { processEnv: { PORT: '4000' } });
    expect(loadConfig(env, 'env/.env.local').port).toBe(4000);
  });

  it('local mode links the sandbox console and the tab sign-in; production has neither', () => {
    const localConfig = loadConfig(local, ENV_FILE);
    expect(localConfig.sandboxConsoleUrl).toBe('http://127.0.0.1:5990/_sandbox/console');
    expect(localConfig.tabSignIn).toEqual({
      authorizeUrl: 'http://127.0.0.1:5990/c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40/oauth2/v2.0/authorize',
      tokenUrl: 'http://127.0.0.1:5990/c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40/oauth2/v2.0/token',
      scope: 'api://localhost/botid-b07c0de1-5e5a-4e1e-8b07-5e5a3e000001/access_as_user',
    });
    expect(configError({ ...local, SANDBOX_CONSOLE_URL: 'https://console.example.com/' }).variable).toBe(
      'SANDBOX_CONSOLE_URL',
    );
    const productionConfig = loadConfig(production, ENV_FILE);
    expect(productionConfig.sandboxConsoleUrl).toBeUndefined();
    expect(productionConfig.tabSignIn).toBeUndefined();
  });
});
