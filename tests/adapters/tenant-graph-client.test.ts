import { GraphError } from '../../core/errors.js';
import type { TenantGraph } from '../../core/ports/tenant-graph.js';
import { parseRetryAfter } from '../../adapters/graph/graph-errors.js';
import {
  createGraphTransport,
  createTenantGraph,
  graphBatch,
  odataString,
  tenantGraphOver,
  type GraphRetryOptions,
} from '../../adapters/graph/tenant-graph-client.js';
import { ROLE } from '../../sandbox/data/model.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { recordingSleep, startSandboxFixture, type SandboxFixture, type SeedKey } from './sandbox-fixture.js';

let fx: SandboxFixture;

beforeAll(async () => {
  fx = await startSandboxFixture();
});

afterAll(async () => {
  await fx?.stop();
});

beforeEach(async () => {
  await fx.reset();
});

function graphAs(
  user: SeedKey,
  extra: { retry?: GraphRetryOptions; sleep?: (ms: number) => Promise<void> } = {},
) {
  const rec = recordingSleep();
  const options = {
    baseUrl: fx.sandbox.graphUrl,
    getToken: () => fx.graphToken(user),
    sleep: extra.sleep ?? rec.sleep,
    ...(extra.retry ? { retry: extra.retry } : {}),
  };
  return { graph: createTenantGraph(options), transport: createGraphTransport(options), waits: rec.waits };
}

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(GraphError);
    return e as GraphError;
  }
  throw new Error('expected a GraphError');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('TenantGraph over the sandbox tenant, as a Global Administrator', () => {
  let graph: TenantGraph;
  beforeEach(() => {
    graph = graphAs('globalAdmin').graph;
  });

  it('reads the signed-in admin and the authorization policy, each with its request-id', async () => {
    const me = await graph.getMe();
    expect(me).toMatchObject({
      id: SEED_USERS.globalAdmin.id,
      userPrincipalName: SEED_USERS.globalAdmin.userPrincipalName,
      userType: 'Member',
    });
    expect(me.requestId).toMatch(UUID);
    const policy = await graph.getAuthorizationPolicy();
    expect(['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone']).toContain(
      policy.allowInvitesFrom,
    );
    expect(policy.requestId).toMatch(UUID);
    const log = await fx.log();
    expect(log.map((e) => e.requestId)).toEqual(expect.arrayContaining([me.requestId, policy.requestId]));
  });

  it('invites a guest, finds it by mail with ConsistencyLevel, assigns a role once, then reports the duplicate as a conflict', async () => {
    const email = 'support@vendor-example.fr';
    const invitation = await graph.inviteGuest({
      email,
      redirectUrl: 'https://myapps.microsoft.com',
      sendInvitationMessage: true,
      messageLanguage: 'fr-FR',
    });
    expect(invitation.userId).toMatch(UUID);
    expect(invitation.status).toBe('PendingAcceptance');
    expect(invitation.requestId).toMatch(UUID);

    const guest = await graph.getUser(invitation.userId);
    expect(guest).toMatchObject({
      id: invitation.userId,
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
    });

    const found = await graph.findUsersByMail(email);
    expect(found.users.map((u) => u.id)).toEqual([invitation.userId]);
    // The sandbox refuses $count without `ConsistencyLevel: eventual`: this answer proves the header went out.
    const lookup = (await fx.log()).find(
      (e) => e.url.startsWith('/users?') && e.requestId === found.requestId,
    );
    expect(lookup).toMatchObject({ status: 200 });
    expect(lookup!.url).toContain('$count=true');

    const request = {
      principalId: invitation.userId,
      roleDefinitionId: ROLE.guestInviter,
      directoryScopeId: '/' as const,
    };
    const assignment = await graph.assignDirectoryRole(request);
    expect(assignment).toMatchObject({
      principalId: invitation.userId,
      roleDefinitionId: ROLE.guestInviter,
      directoryScopeId: '/',
    });
    expect(assignment.id).toBeTruthy();

    const again = await failure(graph.assignDirectoryRole(request));
    expect(again.code).toBe('graph_conflict');
    expect(again.status).toBe(400);
    expect(again.message).toMatch(/conflicting object/i);
    expect(again.requestId).toMatch(UUID);

    const listed = await graph.listRoleAssignments({ principalId: invitation.userId });
    expect(listed.assignments).toEqual([
      expect.objectContaining({ id: assignment.id, roleDefinitionId: ROLE.guestInviter }),
    ]);
  });

  it('names the seeded Global Administrators, with their principal type', async () => {
    const holders = await graph.listRoleHolders(ROLE.globalAdministrator);
    expect(holders.roleTemplateId).toBe(ROLE.globalAdministrator);
    expect(holders.requestId).toMatch(UUID);
    expect(holders.holders.map((h) => h.displayName).sort()).toEqual(
      [SEED_USERS.globalAdmin.displayName, SEED_USERS.globalAdmin2.displayName].sort(),
    );
    for (const h of holders.holders) {
      expect(h.principalType).toBe('#microsoft.graph.user');
      expect(h.userPrincipalName).toMatch(/@cabinet-exemple\.fr$/);
      expect(h.assignmentId).toBeTruthy();
    }
    expect((await fx.log()).at(-1)!.url).toContain('$expand=principal');
  });

  it('procedure E: the active Global Administrator, and who may activate the role through PIM', async () => {
    const me = await graph.getMe();
    const active = await graph.listRoleAssignments({
      principalId: me.id,
      roleDefinitionId: ROLE.globalAdministrator,
    });
    expect(active.assignments.map((a) => a.roleDefinitionId)).toEqual([ROLE.globalAdministrator]);
    expect(active.assignments[0]!.directoryScopeId).toBe('/');
    const mine = await graph.listRoleEligibilities({
      principalId: me.id,
      roleDefinitionId: ROLE.globalAdministrator,
    });
    expect(mine.eligibilities).toEqual([]);
    const juliens = await graph.listRoleEligibilities({ principalId: SEED_USERS.userAdmin.id });
    expect(juliens.eligibilities).toEqual([
      expect.objectContaining({
        principalId: SEED_USERS.userAdmin.id,
        roleDefinitionId: ROLE.globalAdministrator,
        directoryScopeId: '/',
        memberType: 'Direct',
        endDateTime: null,
      }),
    ]);
    expect(juliens.requestId).toMatch(UUID);
    const julien = graphAs('userAdmin').graph;
    const own = await julien.listMyRoleEligibilities(ROLE.globalAdministrator);
    expect(own.eligibilities.map((e) => e.principalId)).toEqual([SEED_USERS.userAdmin.id]);
    expect((await julien.listMyRoleEligibilities(ROLE.guestInviter)).eligibilities).toEqual([]);
    const emma = await graphAs('guestInviter').graph.listMyRoleEligibilities();
    expect(emma.eligibilities).toEqual([]);
    const eligible = await graph.listRoleEligibilityHolders(ROLE.globalAdministrator);
    expect(eligible).toMatchObject({
      eligibilities: [
        {
          principalId: SEED_USERS.userAdmin.id,
          displayName: SEED_USERS.userAdmin.displayName,
          userPrincipalName: SEED_USERS.userAdmin.userPrincipalName,
        },
      ],
    });
    expect(juliens.eligibilities[0]!.displayName).toBeNull(); // not expanded
  });

  it('an answer the declaration cannot read is graph_unexpected, naming the operation but not the address', async () => {
    await fx.reset();
    const { transport } = graphAs('globalAdmin');
    const request = (async (method, path, init) => ({
      ...(await transport.request(method, path, init)),
      body: [],
    })) as typeof transport.request;
    const broken = tenantGraphOver({ ...transport, request });
    const e = await failure(broken.getUser(SEED_USERS.plainUser.userPrincipalName));
    expect(e.code).toBe('graph_unexpected');
    expect(e.message).toBe('Graph GET /users/{id}: the answer is not a JSON object');
    expect(e.requestId).toMatch(UUID);
  });

  it('doubles single quotes in OData literals', async () => {
    const found = await graph.findUsersByMail("o'brien@example.com");
    expect(found.users).toEqual([]);
    expect(odataString("o'brien")).toBe("'o''brien'");
    const entry = (await fx.log()).at(-1)!;
    expect(entry.status).toBe(200);
    expect(decodeURIComponent(entry.url.replace(/\+/g, ' '))).toContain("mail eq 'o''brien@example.com'");
  });

  it('follows @odata.nextLink over several pages', async () => {
    await fx.reset({ large: { users: 130, guests: 0 } });
    const { transport } = graphAs('globalAdmin');
    const users = await transport.getAllPages<{ id: string }>('/users?$select=id&$top=50');
    expect(users.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(users.items.map((u) => u.id)).size).toBe(users.items.length);
    expect(users.items.length).toBeGreaterThan(130);

    // 120 more Guest Inviters: listRoleHolders spans two of the sandbox's 100-item pages.
    const graphGa = tenantGraphOver(transport);
    const members = users.items.slice(0, 125).map((u) => u.id);
    for (const principalId of members) {
      await graphGa
        .assignDirectoryRole({ principalId, roleDefinitionId: ROLE.guestInviter, directoryScopeId: '/' })
        .catch((e: GraphError) => {
          if (e.code !== 'graph_conflict') throw e;
        });
    }
    const before = (await fx.log()).length;
    const holders = await graphGa.listRoleHolders(ROLE.guestInviter);
    expect(holders.holders.length).toBeGreaterThan(100);
    expect(new Set(holders.holders.map((h) => h.assignmentId)).size).toBe(holders.holders.length);
    expect(holders.holders.every((h) => h.displayName !== null)).toBe(true);
    const pages = (await fx.log())
      .slice(before)
      .filter((e) => e.url.startsWith('/roleManagement/directory/roleAssignments'));
    expect(pages.length).toBe(2);
    expect(pages[1]!.url).toContain('$skiptoken=');
  });
});

describe('Graph failures become one GraphError', () => {
  it('403 for a plain user, with Graph code and request-id', async () => {
    const { graph } = graphAs('plainUser');
    const e = await failure(
      graph.assignDirectoryRole({
        principalId: SEED_USERS.plainUser.id,
        roleDefinitionId: ROLE.guestInviter,
        directoryScopeId: '/',
      }),
    );
    expect(e.code).toBe('graph_forbidden');
    expect(e.status).toBe(403);
    expect(e.graphCode).toBe('Authorization_RequestDenied');
    expect(e.requestId).toMatch(UUID);
    const entry = (await fx.log()).find((l) => l.requestId === e.requestId);
    expect(entry).toMatchObject({ method: 'POST', status: 403 });
  });

  it('404 for an unknown user', async () => {
    const { graph } = graphAs('globalAdmin');
    const e = await failure(graph.getUser('00000000-0000-4000-8000-000000000404'));
    expect(e.code).toBe('graph_not_found');
    expect(e.status).toBe(404);
    expect(e.graphCode).toBe('Request_ResourceNotFound');
    expect(e.requestId).toMatch(UUID);
  });

  it('401 for a token Graph does not accept', async () => {
    const graph = createTenantGraph({ baseUrl: fx.sandbox.graphUrl, getToken: async () => 'not-a-token' });
    const e = await failure(graph.getMe());
    expect(e.code).toBe('graph_unauthorized');
    expect(e.graphCode).toBe('InvalidAuthenticationToken');
    expect(e.message).not.toContain('not-a-token');
  });

  it('400 for a query Graph refuses: $count without ConsistencyLevel', async () => {
    const { transport } = graphAs('globalAdmin');
    const e = await failure(transport.request('GET', "/users?$filter=mail%20eq%20'x%40y.fr'&$count=true"));
    expect(e.code).toBe('graph_bad_request');
    expect(e.graphCode).toBe('Request_UnsupportedQuery');
  });

  it('no answer at all: graph_network', async () => {
    const closed = fx.sandbox.httpUrl.replace(/:\d+$/, ':9'); // discard port: nothing listens there
    const graph = createTenantGraph({
      baseUrl: `${closed}/v1.0`,
      getToken: async () => 'x',
      retry: { maxRetries: 0 },
    });
    const e = await failure(graph.getMe());
    expect(e.code).toBe('graph_network');
    expect(e.graphCode).toBe('NetworkError');
  });

  it('the token source failing is passed through as is', async () => {
    const { SesameError } = await import('../../core/errors.js');
    const graph = createTenantGraph({
      baseUrl: fx.sandbox.graphUrl,
      getToken: async () => {
        throw new SesameError('auth_required', 'sign in');
      },
    });
    await expect(graph.getMe()).rejects.toMatchObject({ code: 'auth_required' });
  });
});

describe('retries', () => {
  it('a 429 on every request: retried after Retry-After, then graph_throttled after maxRetries', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { throttleRate: 1, retryAfterSeconds: 2 });
    const { graph, waits } = graphAs('globalAdmin', { retry: { maxRetries: 3 } });
    const e = await failure(graph.getMe());
    expect(e.code).toBe('graph_throttled');
    expect(e.status).toBe(429);
    expect(e.retryAfterSeconds).toBe(2);
    expect(e.requestId).toMatch(UUID);
    expect(waits).toEqual([2000, 2000, 2000]);
    const tries = (await fx.log()).filter((l) => l.url.startsWith('/me'));
    expect(tries.map((l) => l.status)).toEqual([429, 429, 429, 429]);
  });

  it('a 429 on some requests: the operation succeeds', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { throttleRate: 0.5, retryAfterSeconds: 1 });
    const { graph, waits } = graphAs('globalAdmin', { retry: { maxRetries: 8 } });
    for (let i = 0; i < 6; i++) expect((await graph.getMe()).id).toBe(SEED_USERS.globalAdmin.id);
    const statuses = (await fx.log()).filter((l) => l.url.startsWith('/me')).map((l) => l.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBe(6);
    expect(waits.length).toBe(statuses.filter((s) => s === 429).length);
    expect(waits.every((w) => w === 1000)).toBe(true);
  });

  it('503 is retried for a write too, then graph_unavailable', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { unavailableRate: 1, onlyPaths: ['/roleManagement'] });
    const { graph, waits } = graphAs('globalAdmin', { retry: { maxRetries: 2 } });
    const e = await failure(
      graph.assignDirectoryRole({
        principalId: SEED_USERS.plainUser.id,
        roleDefinitionId: ROLE.guestInviter,
        directoryScopeId: '/',
      }),
    );
    expect(e.code).toBe('graph_unavailable');
    expect(e.status).toBe(503);
    expect(waits.length).toBe(2);
    expect((await fx.log()).filter((l) => l.method === 'POST').length).toBe(3);
  });

  it('does not wait less than Graph asks: a Retry-After above the cap fails at once with it', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { throttleRate: 1, retryAfterSeconds: 120 });
    const { graph, waits } = graphAs('globalAdmin', { retry: { maxRetries: 3, maxDelaySeconds: 30 } });
    const e = await failure(graph.getMe());
    expect(e.code).toBe('graph_throttled');
    expect(e.retryAfterSeconds).toBe(120);
    expect(waits).toEqual([]);
    expect((await fx.log()).length).toBe(1);
  });

  it('bounds the total wait too: a wait that would pass it is not started', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { throttleRate: 1, retryAfterSeconds: 20 });
    const { graph, waits } = graphAs('globalAdmin', { retry: { maxRetries: 5, maxTotalWaitSeconds: 45 } });
    const e = await failure(graph.getMe());
    expect(e.code).toBe('graph_throttled');
    expect(e.retryAfterSeconds).toBe(20);
    expect(waits).toEqual([20_000, 20_000]);
    expect(e.details).toMatchObject({ attempts: 3, waitedSeconds: 40 });
    expect((await fx.log()).length).toBe(3);
  });

  it('without Retry-After, backs off exponentially with jitter', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { unavailableRate: 1 });
    const withoutRetryAfter: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete('retry-after');
      return new Response(res.body, { status: res.status, headers });
    };
    const draws = [0, 0.5, 1];
    const rec: number[] = [];
    const graph = createTenantGraph({
      baseUrl: fx.sandbox.graphUrl,
      getToken: () => fx.graphToken('globalAdmin'),
      fetch: withoutRetryAfter,
      random: () => draws.shift() ?? 0,
      sleep: async (ms) => {
        rec.push(ms);
      },
    });
    expect((await failure(graph.getMe())).code).toBe('graph_unavailable');
    // 1 s, 2 s, 4 s ceilings; half of each is fixed, half drawn.
    expect(rec).toEqual([500, 1500, 4000]);
  });

  it('a throttled page of a paged read is retried, and the read completes', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { throttleRate: 0.5, retryAfterSeconds: 1 });
    const { transport, waits } = graphAs('globalAdmin', { retry: { maxRetries: 10 } });
    const pages = await transport.getAllPages<{ id: string }>('/users?$top=2&$select=id');
    expect(pages.pages).toBeGreaterThan(2);
    expect(new Set(pages.items.map((u) => u.id)).size).toBe(pages.items.length);
    const log = (await fx.log()).filter((l) => l.url.startsWith('/users'));
    expect(log.filter((l) => l.status === 429).length).toBe(waits.length);
    expect(waits.length).toBeGreaterThan(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('$batch', () => {
  it('25 independent reads go out as 2 batch requests, answers in order, a 404 failing only itself', async () => {
    const { transport } = graphAs('globalAdmin');
    const ids = Object.values(SEED_USERS).map((u) => u.id);
    const reads = Array.from({ length: 25 }, (_, i) => ({
      url:
        i === 7
          ? '/users/00000000-0000-4000-8000-000000000404'
          : `/users/${ids[i % ids.length]}?$select=id,displayName`,
    }));
    const results = await graphBatch<{ id: string }>(transport, reads);
    expect(results).toHaveLength(25);
    results.forEach((r, i) => {
      if (i === 7) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('graph_not_found');
      } else {
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.body.id).toBe(ids[i % ids.length]);
          expect(r.requestId).toMatch(UUID);
        }
      }
    });
    const batches = (await fx.log()).filter((l) => l.url.startsWith('/$batch'));
    expect(batches.length).toBe(2);
  });

  it('a throttled read inside a batch is retried in a later batch, then reported throttled', async () => {
    await fx.admin('PUT', '/_sandbox/faults', { throttleRate: 1, retryAfterSeconds: 3, onlyPaths: ['/me'] });
    const { transport, waits } = graphAs('globalAdmin', { retry: { maxRetries: 2 } });
    const results = await graphBatch(transport, [
      { url: '/me' },
      { url: `/users/${SEED_USERS.plainUser.id}` },
    ]);
    expect(results[1]!.ok).toBe(true);
    expect(results[0]!.ok).toBe(false);
    if (!results[0]!.ok) {
      expect(results[0]!.error.code).toBe('graph_throttled');
      expect(results[0]!.error.retryAfterSeconds).toBe(3);
    }
    expect(waits).toEqual([3000, 3000]);
    expect((await fx.log()).filter((l) => l.url.startsWith('/$batch')).length).toBe(3);
  });
});

describe('the mapping table', () => {
  it('follows the port', async () => {
    const { graphErrorCode } = await import('../../adapters/graph/graph-errors.js');
    expect(graphErrorCode(401, '')).toBe('graph_unauthorized');
    expect(graphErrorCode(403, '')).toBe('graph_forbidden');
    expect(graphErrorCode(404, '')).toBe('graph_not_found');
    expect(graphErrorCode(409, '')).toBe('graph_conflict');
    expect(
      graphErrorCode(
        400,
        'A conflicting object with one or more of the specified property values is present in the directory.',
      ),
    ).toBe('graph_conflict');
    expect(graphErrorCode(400, 'Invalid filter clause')).toBe('graph_bad_request');
    expect(graphErrorCode(429, '')).toBe('graph_throttled');
    for (const s of [502, 503, 504]) expect(graphErrorCode(s, '')).toBe('graph_unavailable');
    expect(graphErrorCode(500, '')).toBe('graph_unexpected');
  });
});
