import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { loadConfig } from '../../server/config.js';
import { MemoryLogger } from '../../server/logger.js';
import { startSesame, type RunningSesame } from '../../server/main.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity } from '../helpers/teams-activities.js';

const production = {
  SESAME_MODE: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  CLIENT_ID: 'b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
  CLIENT_SECRET: 'not-a-real-secret',
  TENANT_ID: 'c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40',
  PUBLIC_URL: 'https://sesame.example.com',
  AAD_APP_ID_URI: 'api://sesame.example.com/botid-b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
  LOG_LEVEL: 'error',
};

describe('inbound authentication with production settings', () => {
  let sesame: RunningSesame;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sesame-prod-'));
    const config = loadConfig({ ...production, DATA_DIR: dataDir }, 'env/.env.test');
    sesame = await startSesame(config, {
      store: await openSqliteStore({ file: ':memory:' }),
      logger: new MemoryLogger(),
    });
  });
  afterAll(async () => {
    await sesame.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const activity = {
    type: 'message',
    text: 'aide',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/teams/',
    from: { id: '29:x' },
    recipient: { id: '28:b07c0de1-5e5a-4e1e-8b07-5e5a3e000001' },
    conversation: { id: 'a:1' },
  };

  it('refuses a request to /api/messages without a Bot Framework token (401)', async () => {
    const res = await fetch(`${sesame.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(401);
  });

  it('refuses a malformed token (401)', async () => {
    const res = await fetch(`${sesame.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-jwt' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(401);
  });
});

/** The production code path, offline: the sandbox signs inbound activities and issues the bot's own token. */
describe('authenticated mode against the sandbox Bot Framework', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      env: {
        DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'false',
        BOT_CLIENT_SECRET: 'sandbox-secret-not-for-production',
      },
    });
    stack.sandbox.identity.botFramework.allowAnonymousConnector = false;
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('refuses an unsigned activity and answers a signed one, replying with its own token', async () => {
    const party = stack.party('globalAdmin');
    const unsigned = await stack.post(messageActivity(party, 'help'));
    expect(unsigned.status).toBe(401);

    const token = await stack.sandbox.identity.botFramework.mintActivityToken({
      appId: stack.config.bot.appId,
      serviceUrl: party.serviceUrl,
    });
    const signed = await stack.post(messageActivity(party, 'help'), { authorization: `Bearer ${token}` });
    expect(signed.status).toBe(200);
    const cards = cardsIn(await stack.sent(party.conversationId));
    expect(JSON.stringify(cards[0])).toContain('Sesame — vendor access procedures');
  });

  it('refuses a token minted for another bot', async () => {
    const party = stack.party('globalAdmin');
    const token = await stack.sandbox.identity.botFramework.mintActivityToken({
      appId: '11111111-2222-4333-8444-555555555555',
      serviceUrl: party.serviceUrl,
    });
    const res = await stack.post(messageActivity(party, 'help'), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
  });
});
