import { SEED_USERS } from '../../sandbox/data/seed.js';
import { GraphHarness, expectGraphError } from './graph-harness.js';

const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin('POST', '/reset');
});

const get = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: 'GET',
  url,
  ...extra,
});

describe('$batch', () => {
  it('runs 20 requests with the outer token, each with its own status, headers and body', async () => {
    const requests = Array.from({ length: 20 }, (_, i) =>
      i === 19
        ? get(String(i), '/users/00000000-0000-0000-0000-000000000009')
        : get(String(i), `/users?$top=1&$select=id&i=${i}`),
    );
    const res = await h.call('POST', '/$batch', { as: 'plainUser', body: { requests } });
    expect(res.status).toBe(200);
    expect(res.body.responses).toHaveLength(20);
    const byId = new Map(res.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId.get('0')).toMatchObject({ status: 200, body: { value: [{ id: expect.any(String) }] } });
    expect(byId.get('19')).toMatchObject({
      status: 404,
      body: { error: { code: 'Request_ResourceNotFound' } },
    });
    expect((byId.get('3') as { headers: Record<string, string> }).headers['request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('refuses 21 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => get(String(i), '/me'));
    expectGraphError(
      await h.call('POST', '/$batch', { as: 'plainUser', body: { requests } }),
      400,
      'BadRequest',
    );
  });

  it('honours dependsOn, 424 after a failed dependency, and the caller’s rights inside', async () => {
    const res = await h.call('POST', '/$batch', {
      as: 'guestInviter',
      body: {
        requests: [
          get('lookup', `/users?$filter=mail eq 'nouveau@cegid.com'&$select=id`, { dependsOn: ['invite'] }),
          {
            id: 'invite',
            method: 'POST',
            url: '/invitations',
            headers: { 'Content-Type': 'application/json' },
            body: {
              invitedUserEmailAddress: 'nouveau@cegid.com',
              inviteRedirectUrl: 'https://myapps.microsoft.com',
            },
          },
          {
            id: 'role',
            method: 'POST',
            url: '/roleManagement/directory/roleAssignments',
            headers: { 'Content-Type': 'application/json' },
            body: {
              principalId: SEED_USERS.plainUser.id,
              roleDefinitionId: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
              directoryScopeId: '/',
            },
          },
          get('after-role', '/me', { dependsOn: ['role'] }),
        ],
      },
    });
    const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId.invite.status).toBe(201);
    expect(byId.lookup.body.value).toEqual([{ id: byId.invite.body.invitedUser.id }]);
    expect(byId.role.status).toBe(403);
    expect(byId['after-role'].status).toBe(424);
  });

  it('refuses a batch without a token and malformed batches', async () => {
    expectGraphError(
      await h.call('POST', '/$batch', { body: { requests: [get('1', '/me')] } }),
      401,
      'InvalidAuthenticationToken',
    );
    expectGraphError(
      await h.call('POST', '/$batch', {
        as: 'plainUser',
        body: { requests: [get('1', '/me'), get('1', '/me')] },
      }),
      400,
      'BadRequest',
    );
    expectGraphError(
      await h.call('POST', '/$batch', {
        as: 'plainUser',
        body: { requests: [get('1', '/me', { dependsOn: ['2'] })] },
      }),
      400,
      'BadRequest',
    );
    expectGraphError(
      await h.call('POST', '/$batch', {
        as: 'plainUser',
        body: { requests: [{ id: '1', method: 'POST', url: '/invitations', body: {} }] },
      }),
      400,
      'BadRequest',
    );
  });
});

describe('faults on demand', () => {
  it('throttles with 429 and Retry-After at rate 1, then recovers', async () => {
    expect((await h.admin('PUT', '/faults', { throttleRate: 1, retryAfterSeconds: 7 })).status).toBe(200);
    const res = await h.call('GET', '/me', { as: 'plainUser' });
    expectGraphError(res, 429, 'TooManyRequests');
    expect(res.headers.get('retry-after')).toBe('7');
    const batch = await h.call('POST', '/$batch', { as: 'plainUser', body: { requests: [get('1', '/me')] } });
    expect(batch.status).toBe(200);
    expect(batch.body.responses[0]).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    expect((await h.admin('DELETE', '/faults')).status).toBe(204);
    expect((await h.call('GET', '/me', { as: 'plainUser' })).status).toBe(200);
  });

  it('answers 503 at unavailableRate 1, only on the chosen paths', async () => {
    await h.admin('PUT', '/faults', { unavailableRate: 1, onlyPaths: ['/subscribedSkus'] });
    expectGraphError(await h.call('GET', '/subscribedSkus', { as: 'plainUser' }), 503, 'ServiceNotAvailable');
    expect((await h.call('GET', '/me', { as: 'plainUser' })).status).toBe(200);
  });

  it('throttles about the share asked for, deterministically', async () => {
    await h.admin('PUT', '/faults', { throttleRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await h.call('GET', '/me', { as: 'plainUser' })).status);
    const throttled = statuses.filter((s) => s === 429).length;
    expect(throttled).toBeGreaterThan(10);
    expect(throttled).toBeLessThan(30);
  });

  it('refuses bad fault settings and logs requests without secrets', async () => {
    expect((await h.admin('PUT', '/faults', { throttleRate: 2 })).status).toBe(400);
    expect((await h.admin('PUT', '/faults', { chaos: true })).status).toBe(400);
    await h.admin('DELETE', '/log');
    const token = await h.token('plainUser');
    await h.call('GET', '/me', { token });
    const log = (await (await h.admin('GET', '/log')).json()) as { value: Record<string, unknown>[] };
    expect(log.value).toHaveLength(1);
    expect(log.value[0]).toMatchObject({
      method: 'GET',
      url: '/me',
      status: 200,
      user: SEED_USERS.plainUser.userPrincipalName,
    });
    expect(JSON.stringify(log)).not.toContain(token);
  });
});
