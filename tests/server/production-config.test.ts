import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { loadConfig, networkFileSystemOf } from '../../server/config.js';
import { APP_SETTINGS_SOURCE, readServerEnvironment } from '../../server/env-files.js';

const SOURCE = APP_SETTINGS_SOURCE;
const production = {
  SESAME_MODE: 'production',
  PUBLIC_URL: 'https://sesame.example.com',
  CLIENT_ID: '11111111-2222-4333-8444-555555555555',
  CLIENT_SECRET: 'bot-secret',
  TENANT_ID: '66666666-7777-4888-9999-000000000000',
  AAD_APP_CLIENT_ID: '22222222-3333-4444-8555-666666666666',
  AAD_APP_CLIENT_SECRET: 'sso-secret',
  AAD_APP_ID_URI: 'api://sesame.example.com/botid-11111111-2222-4333-8444-555555555555',
  DATABASE_URL: 'postgres://u:p@db.example.com:5432/sesame',
};

function variableOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env, SOURCE);
  } catch (e) {
    if (e instanceof ConfigError) {
      expect(e.message).toContain(e.variable);
      expect(e.message).toContain(SOURCE);
      return e.variable;
    }
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('production settings', () => {
  it('refuses contradictory settings, naming the one to change', () => {
    expect(
      variableOf({ ...production, SANDBOX_BOTFRAMEWORK_URL: 'http://127.0.0.1:5990/botframework' }),
    ).toBe('SANDBOX_BOTFRAMEWORK_URL');
    expect(variableOf({ ...production, DATA_DIR: '/home/data' })).toBe('DATA_DIR');
    expect(variableOf({ ...production, AAD_APP_CLIENT_SECRET: '' })).toBe('AAD_APP_CLIENT_SECRET');
    // Teams' one SSO resource for a bot and a tab: api://<the app's host>/botid-<bot id>.
    expect(
      variableOf({
        ...production,
        AAD_APP_ID_URI: 'api://sesame.example.com/botid-22222222-3333-4444-8555-666666666666',
      }),
    ).toBe('AAD_APP_ID_URI');
    expect(
      variableOf({
        ...production,
        AAD_APP_ID_URI: 'api://other.example.com/botid-11111111-2222-4333-8444-555555555555',
      }),
    ).toBe('AAD_APP_ID_URI');
    expect(variableOf({ ...production, PUBLIC_URL: 'http://sesame.example.com' })).toBe('PUBLIC_URL');
    expect(
      variableOf({ ...production, APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string' }),
    ).toBe('APPLICATIONINSIGHTS_CONNECTION_STRING');
  });

  it('takes another cloud only whole: the three Bot Framework endpoints together, with its authority', () => {
    const cloud = {
      AUTHORITY_HOST: 'https://login.example.net',
      BOT_FRAMEWORK_OPENID_METADATA_URL:
        'https://login.botframework.example.net/v1/.well-known/openidconfiguration',
      BOT_FRAMEWORK_TOKEN_ISSUER: 'https://api.botframework.example.net',
      BOT_FRAMEWORK_TOKEN_SERVICE_URL: 'https://token.botframework.example.net',
    };
    const config = loadConfig({ ...production, ...cloud }, SOURCE);
    expect(config.bot.cloudOverrides).toEqual({
      loginEndpoint: cloud.AUTHORITY_HOST,
      loginTenant: production.TENANT_ID,
      botScope: 'https://api.botframework.com/.default',
      openIdMetadataUrl: cloud.BOT_FRAMEWORK_OPENID_METADATA_URL,
      tokenIssuer: cloud.BOT_FRAMEWORK_TOKEN_ISSUER,
      tokenServiceUrl: cloud.BOT_FRAMEWORK_TOKEN_SERVICE_URL,
    });
    const { BOT_FRAMEWORK_TOKEN_ISSUER: _, ...partial } = cloud;
    expect(variableOf({ ...production, ...partial })).toBe('BOT_FRAMEWORK_TOKEN_ISSUER');
    expect(variableOf({ ...production, AUTHORITY_HOST: cloud.AUTHORITY_HOST })).toBe(
      'BOT_FRAMEWORK_OPENID_METADATA_URL',
    );
    expect(
      variableOf({
        ...production,
        ...cloud,
        BOT_FRAMEWORK_TOKEN_ISSUER: 'http://api.botframework.example.net',
      }),
    ).toBe('BOT_FRAMEWORK_TOKEN_ISSUER');
    expect(loadConfig({ ...production }, SOURCE).bot.cloudOverrides).toBeUndefined();
  });
});

describe('where the server reads its settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-env-'));
    mkdirSync(join(dir, 'env'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('in production, from the process environment only, even with env/.env.local on disk', () => {
    writeFileSync(
      join(dir, 'env', '.env.local'),
      'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS=true\nBOT_ID=x\n',
    );
    const { env, source } = readServerEnvironment({
      envDir: join(dir, 'env'),
      processEnv: { ...production },
    });
    expect(source).toBe(APP_SETTINGS_SOURCE);
    expect(env.DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS).toBeUndefined();
    expect(loadConfig(env, source).mode).toBe('production');
  });

  it('locally, from env/.env.<SESAME_ENV> (default local), the process environment winning', () => {
    writeFileSync(join(dir, 'env', '.env.local'), 'PORT=4000\nLOG_LEVEL=debug\n');
    const { env, source } = readServerEnvironment({
      envDir: join(dir, 'env'),
      processEnv: { LOG_LEVEL: 'warn' },
    });
    expect(source).toBe(join(dir, 'env', '.env.local'));
    expect([env.PORT, env.LOG_LEVEL]).toEqual(['4000', 'warn']);
  });

  it('with neither a mode nor an env file (a deployment without its settings), asks for SESAME_MODE', () => {
    let error: unknown;
    try {
      readServerEnvironment({ envDir: join(dir, 'env'), processEnv: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('SESAME_MODE');
  });
});

describe('SQLite on a network share', () => {
  // What /proc/mounts shows on App Service for Linux: /home is an SMB (CIFS) share.
  const appService = [
    'overlay / overlay rw,relatime 0 0',
    '//10.0.0.4/volume-37-default/abc /home cifs rw,relatime,vers=3.1.1 0 0',
    'tmpfs /tmp tmpfs rw 0 0',
    '/dev/sdb1 /mnt/local\\040disk ext4 rw 0 0',
  ].join('\n');

  it('finds the file system of the deepest mount holding the folder', () => {
    expect(networkFileSystemOf('/home/data', appService)).toBe('cifs');
    expect(networkFileSystemOf('/home', appService)).toBe('cifs');
    expect(networkFileSystemOf('/tmp/sesame', appService)).toBeUndefined();
    expect(networkFileSystemOf('/homework', appService)).toBeUndefined();
    expect(networkFileSystemOf('/mnt/local disk/data', appService)).toBeUndefined();
    expect(networkFileSystemOf('/srv/data', 'server:/export /srv nfs4 rw 0 0\n/dev/sda1 / ext4 rw 0 0')).toBe(
      'nfs4',
    );
  });
});
