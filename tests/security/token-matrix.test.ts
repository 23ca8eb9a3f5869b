import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { CLIENT_TENANT_ID, CLIENT_USERS } from '../../sandbox/data/seed-client-tenant.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity } from '../helpers/teams-activities.js';
import { recordFigures } from './figures.js';

/** The signing keys of the sandbox's stand-ins: what a forger would need, used here to vary one claim at a time. */
interface Keys {
  readonly privateKey: KeyObject | CryptoKey;
  readonly kid: string;
}

const unsignedJwt = (payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
    JSON.stringify(payload),
  ).toString('base64url')}.`;

async function sign(keys: Keys, payload: Record<string, unknown>): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
    .sign(keys.privateKey);
}

const attacker: Keys = (() => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, kid: 'attacker' };
})();

/**
 * Production mode (Bot Framework tokens required), the sandbox standing in for the Bot Framework and Entra ID:
 * every forged or unfit token is refused by /api/messages and /api/tab/*; a well-formed one is accepted (control).
 */
describe('token matrix', () => {
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

  it('/api/messages and /api/tab/* refuse every unfit token', async () => {
    const bf = (
      stack.sandbox.identity.botFramework as unknown as {
        signer: { privateKey: KeyObject; tokenIssuer: string; jwks(): { keys: JWK[] } };
      }
    ).signer;
    const bfKeys: Keys = { privateKey: bf.privateKey, kid: bf.jwks().keys[0]!.kid! };
    const party = stack.party('globalAdmin');
    const now = Math.floor(Date.now() / 1000);
    const activityClaims = {
      iss: bf.tokenIssuer,
      aud: stack.config.bot.appId,
      serviceurl: party.serviceUrl,
      iat: now,
      nbf: now - 60,
      exp: now + 3600,
    };
    const messageCases: Record<string, string> = {
      'wrong audience': await sign(bfKeys, {
        ...activityClaims,
        aud: '11111111-2222-4333-8444-555555555555',
      }),
      'wrong issuer': await sign(bfKeys, { ...activityClaims, iss: 'https://api.botframework.com' }),
      'wrong signature': await sign({ ...attacker, kid: bfKeys.kid }, activityClaims),
      'alg none': unsignedJwt(activityClaims),
      expired: await sign(bfKeys, { ...activityClaims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
      'not yet valid': await sign(bfKeys, { ...activityClaims, nbf: now + 3600, exp: now + 7200 }),
      'wrong service url': await sign(bfKeys, { ...activityClaims, serviceurl: 'https://evil.example/' }),
    };
    const valid = await sign(bfKeys, activityClaims);
    expect(
      (await stack.post(messageActivity(party, 'aide'), { authorization: `Bearer ${valid}` })).status,
    ).toBe(200);
    let messagesRejected = 0;
    for (const [name, token] of Object.entries(messageCases)) {
      const res = await stack.post(messageActivity(party, 'aide'), { authorization: `Bearer ${token}` });
      if (res.status === 401 || res.status === 403) messagesRejected += 1;
      else throw new Error(`/api/messages accepted a token with ${name}: ${res.status}`);
    }

    const entra = stack.sandbox.issuer as unknown as { privateKey: CryptoKey; publicJwk: JWK };
    const entraKeys: Keys = { privateKey: entra.privateKey, kid: entra.publicJwk.kid! };
    const home = stack.sandbox.tenantId;
    const tabClaims = (tid: string, oid: string) => ({
      iss: `${stack.sandbox.httpsUrl}/${tid}/v2.0`,
      aud: stack.config.sso.clientId,
      tid,
      oid,
      sub: oid,
      scp: 'access_as_user',
      name: 'x',
      ver: '2.0',
      iat: now,
      nbf: now - 60,
      exp: now + 3600,
    });
    const tab = tabClaims(home, SEED_USERS.globalAdmin.id);
    const tabCases: Record<string, string> = {
      'wrong audience': await sign(entraKeys, { ...tab, aud: 'https://graph.microsoft.com' }),
      'wrong issuer': await sign(entraKeys, { ...tab, iss: `https://login.evil.example/${home}/v2.0` }),
      'another tenant': await sign(entraKeys, tabClaims(CLIENT_TENANT_ID, CLIENT_USERS.globalAdmin.id)),
      'tid not the issuer’s': await sign(entraKeys, { ...tab, tid: CLIENT_TENANT_ID }),
      'wrong signature': await sign({ ...attacker, kid: entraKeys.kid }, tab),
      'alg none': unsignedJwt(tab),
      expired: await sign(entraKeys, { ...tab, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
      'not yet valid': await sign(entraKeys, { ...tab, nbf: now + 3600, exp: now + 7200 }),
    };
    const tabGet = (path: string, token: string) =>
      fetch(`${stack.sesame.url}/api/tab/${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await tabGet('me', await sign(entraKeys, tab))).status).toBe(200);
    let tabRejected = 0;
    let tabProbes = 0;
    for (const [name, token] of Object.entries(tabCases)) {
      for (const path of ['me', 'runs', 'audit']) {
        tabProbes += 1;
        const res = await tabGet(path, token);
        if (res.status === 401 || res.status === 403) tabRejected += 1;
        else throw new Error(`/api/tab/${path} accepted a token with ${name}: ${res.status}`);
      }
    }
    recordFigures(
      'token matrix',
      {
        messagesCases: Object.keys(messageCases).length,
        messagesRejected,
        tabProbes,
        tabRejected,
      },
      'every unfit token rejected',
    );
    expect(messagesRejected).toBe(Object.keys(messageCases).length);
    expect(tabRejected).toBe(tabProbes);
  });
});
