// The one token path of the bot and its timers: the admin's Graph token as the Bot Framework token service keeps
// it. Tokens are real ones from the sandbox tenant; the token service's answer is played by a function, since what
// is under test is which user's token Sesame asks for and what it accepts back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SesameError } from '../../core/errors.js';
import type { Store } from '../../core/ports/store.js';
import { openStore } from '../../adapters/store/open-store.js';
import {
  createBotFrameworkTokenSource,
  teamsUserKey,
  type UserTokenGet,
} from '../../bot/bot-framework-token-source.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startSandboxFixture, type SandboxFixture } from '../adapters/sandbox-fixture.js';

let fx: SandboxFixture;
let store: Store;
let dir: string;

beforeAll(async () => {
  fx = await startSandboxFixture();
  dir = await mkdtemp(join(tmpdir(), 'sesame-tokens-'));
  store = await openStore({ dataDir: dir });
});

afterAll(async () => {
  await store?.close();
  await fx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<SesameError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SesameError);
    return e as SesameError;
  }
  throw new Error('expected a SesameError');
}

describe('the Bot Framework token source', () => {
  const teamsUser = { id: '29:julien', channelId: 'msteams' };

  it('asks the token service for the Teams user of a turn, on the OAuth connection', async () => {
    const token = await fx.graphToken('userAdmin');
    const asked: Parameters<UserTokenGet>[0][] = [];
    const source = createBotFrameworkTokenSource({
      getUserToken: async (request) => {
        asked.push(request);
        return { token };
      },
      connectionName: 'sesame-sso',
      store,
    });
    const tenantId = fx.sandbox.tenantId;
    await expect(source.getGraphToken({ tenantId, teamsUser })).resolves.toBe(token);
    expect(asked).toEqual([{ userId: '29:julien', connectionName: 'sesame-sso', channelId: 'msteams' }]);
  });

  it('finds the Teams user of a timer’s admin in the store, and refuses a token of anyone else', async () => {
    const tenantId = fx.sandbox.tenantId;
    const admin = SEED_USERS.userAdmin.id;
    await store.create('conversation', tenantId, teamsUserKey(admin), {
      teamsUserId: teamsUser.id,
      channelId: teamsUser.channelId,
    });
    let answer = await fx.graphToken('userAdmin');
    const source = createBotFrameworkTokenSource({
      getUserToken: async (request) => {
        expect(request.userId).toBe(teamsUser.id);
        return { token: answer };
      },
      connectionName: 'sesame-sso',
      store,
    });
    await expect(source.getGraphToken({ tenantId, userId: admin })).resolves.toBe(answer);

    answer = await fx.graphToken('plainUser');
    expect((await failure(source.getGraphToken({ tenantId, userId: admin }))).code).toBe('auth_failed');
    answer = await fx.graphToken('userAdmin');
    const otherTenant = '00000000-0000-4000-8000-00000000dead';
    // The same Entra user id in another tenant: no Teams user known there.
    expect((await failure(source.getGraphToken({ tenantId: otherTenant, userId: admin }))).code).toBe(
      'auth_required',
    );
  });

  it('says sign-in is needed when the token service holds nothing, or the user is unknown', async () => {
    const tenantId = fx.sandbox.tenantId;
    const empty = createBotFrameworkTokenSource({
      getUserToken: async () => ({}),
      connectionName: 'sesame-sso',
      store,
    });
    expect((await failure(empty.getGraphToken({ tenantId, teamsUser }))).code).toBe('auth_required');
    const notFound = createBotFrameworkTokenSource({
      getUserToken: async () => Promise.reject(new Error('404 Not Found')),
      connectionName: 'sesame-sso',
      store,
    });
    expect((await failure(notFound.getGraphToken({ tenantId, teamsUser }))).code).toBe('auth_required');
    expect((await failure(notFound.getGraphToken({ tenantId, userId: SEED_USERS.plainUser.id }))).code).toBe(
      'auth_required',
    );
    expect(await notFound.redeemSignInCode(teamsUser, '123456')).toBe(false);
  });

  it('redeems the sign-in card’s code with the token service', async () => {
    const token = await fx.graphToken('globalAdmin');
    const source = createBotFrameworkTokenSource({
      getUserToken: async (request) => (request.code === '654321' ? { token } : {}),
      connectionName: 'sesame-sso',
      store,
    });
    expect(await source.redeemSignInCode(teamsUser, '654321')).toBe(true);
    expect(await source.redeemSignInCode(teamsUser, '000000')).toBe(false);
  });
});
