import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { startSesame, type RunningSesame } from '../../server/main.js';

const production = {
  SESAME_MODE: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  CLIENT_ID: 'b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
  CLIENT_SECRET: 'not-a-real-secret-but-still-secret',
  TENANT_ID: 'c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40',
  PUBLIC_URL: 'https://sesame.example.com',
  AAD_APP_ID_URI: 'api://sesame.example.com/botid-b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
};

describe('activity correlation in the logs', () => {
  let sesame: RunningSesame;
  const lines: string[] = [];
  beforeAll(async () => {
    const config = loadConfig(production, 'env/.env.test');
    sesame = await startSesame(config, {
      store: await openSqliteStore({ file: ':memory:' }),
      logger: createLogger('info', {
        format: 'json',
        secrets: [production.CLIENT_SECRET],
        write: (l) => lines.push(l),
      }),
      timerIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await sesame.close();
  });

  it('writes one line per activity with its id, conversation, tenant and answer, and every line of the turn carries them', async () => {
    const activity = {
      id: 'activity-42',
      type: 'message',
      text: 'aide',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
      from: { id: '29:x' },
      recipient: { id: `28:${production.CLIENT_ID}` },
      conversation: { id: 'a:conv-1', tenantId: production.TENANT_ID },
    };
    const res = await fetch(`${sesame.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${production.CLIENT_SECRET}` },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(401);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const turn = records.filter((r) => r.activityId === 'activity-42');
    expect(turn.length).toBeGreaterThan(0);
    for (const r of turn)
      expect(r).toEqual(
        expect.objectContaining({ conversationId: 'a:conv-1', tenantId: production.TENANT_ID }),
      );
    expect(turn.find((r) => r.msg === 'activity')).toEqual(
      expect.objectContaining({ activityType: 'message', status: 401 }),
    );
    // The bearer value (here the secret itself) never reaches the log.
    expect(lines.join('\n')).not.toContain(production.CLIENT_SECRET);
  });
});
