/**
 * The runner over the real SQLite store (in memory), the real Graph adapter (adapters/graph) and the sandbox
 * tenant over HTTP, all on one simulated clock (the sandbox's replication lag and the runner's timers read it).
 * What Sesame wrote is checked against the sandbox's own state and request log.
 */
import type { SandboxPrincipal } from '../../sandbox/contracts.js';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CONSENTED_SCOPES } from '../../sandbox/data/seed.js';
import type { LogEntry } from '../../sandbox/runtime.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { createNodeDomainLookup } from '../../adapters/dns/node-domain-lookup.js';
import { createTenantGraph } from '../../adapters/graph/tenant-graph-client.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { addBusinessDays } from '../../core/calendar/index.js';
import { createRunner, type Runner } from '../../core/engine/runner.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { DomainLookup } from '../../core/ports/domain-lookup.js';
import type { Store } from '../../core/ports/store.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';
import { CEGID_LOOP_EMAIL } from '../../core/procedures/vendor-guest-access.js';
import { deliverDueReminders } from './deliver-due-reminders.js';

/** Friday 20 November 2026, 17:00 in Paris. */
const T0 = Date.parse('2026-11-20T16:00:00Z');

const SEED_ADMIN = SEED_USERS.globalAdmin;
const ADMIN = {
  id: SEED_ADMIN.id,
  name: SEED_ADMIN.displayName,
  roleTemplateIds: [...SEED_ADMIN.roles],
  scopes: [...SESAME_CONSENTED_SCOPES],
};
const PRINCIPAL: SandboxPrincipal = {
  id: SEED_ADMIN.id,
  userPrincipalName: SEED_ADMIN.userPrincipalName,
  displayName: SEED_ADMIN.displayName,
  userType: 'Member',
  accountEnabled: true,
  roleTemplateIds: [...SEED_ADMIN.roles],
};
const INVITE = { method: 'POST', path: '/invitations' };
const ASSIGN_ROLE = { method: 'POST', path: '/roleManagement/directory/roleAssignments' };

let sandbox: RunningSandbox;
const clock = new SimulatedClock(T0);

beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', httpPort: 0, httpsPort: 0, now: () => clock.now() });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function admin(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.httpUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** The Graph requests the sandbox answered, oldest first (paths relative to /v1.0). */
async function graphLog(): Promise<LogEntry[]> {
  return ((await admin('GET', '/_sandbox/log')) as { value: LogEntry[] }).value;
}

/** The log's requests to one method and path (query string ignored). */
async function requestsTo(target: { method: string; path: string }): Promise<LogEntry[]> {
  return (await graphLog()).filter((e) => e.method === target.method && e.url.split('?')[0] === target.path);
}

/**
 * A fetch that holds POST /invitations at the network boundary until released, so a test can act while
 * the write is in flight. Everything else, and the held request once released, goes to the sandbox unchanged.
 */
function holdInvitations() {
  let reached!: () => void;
  let release!: () => void;
  const isReached = new Promise<void>((r) => (reached = r));
  const released = new Promise<void>((r) => (release = r));
  const heldFetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (method === 'POST' && url.pathname.endsWith(INVITE.path)) {
      reached();
      await released;
    }
    return fetch(input, init);
  };
  return { fetch: heldFetch, reached: isReached, release };
}

describe('runner (SQLite store, Graph adapter, sandbox tenant, simulated clock)', () => {
  let store: Store;
  let runner: Runner;
  let tenant: string;
  let ids: number;

  async function setUp(
    options: { replicationLagMs?: number; fetch?: typeof fetch; domainLookup?: DomainLookup } = {},
  ): Promise<void> {
    clock.set(T0);
    await admin('POST', '/_sandbox/reset');
    await admin('PUT', '/_sandbox/replication-lag', { ms: options.replicationLagMs ?? 0 });
    tenant = sandbox.tenantId;
    store = await openSqliteStore({ file: ':memory:', now: () => clock.now() });
    const graph = createTenantGraph({
      baseUrl: sandbox.graphUrl,
      getToken: async () =>
        sandbox.issuer.issueGraphToken(PRINCIPAL, SESAME_CONSENTED_SCOPES, SESAME_CLIENT_ID),
      sleep: async () => {},
      now: () => clock.now(),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    ids = 0;
    runner = createRunner({
      store,
      clock,
      graph: () => graph,
      procedures: PROCEDURES,
      newId: () => `run-${++ids}`,
      ...(options.domainLookup ? { domainLookup: options.domainLookup } : {}),
    });
  }

  afterEach(async () => {
    await store?.close();
  });

  async function toInviteConfirm() {
    const started = await runner.start({
      tenantId: tenant,
      conversationId: 'conv-1',
      procedureId: 'vendor-guest-access',
      actor: ADMIN,
      locale: 'fr',
    });
    expect(started.renders.at(-1)).toMatchObject({ pending: 'input', stepId: 'vendor-email' });
    return runner.dispatch(tenant, started.run.id, {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { email: CEGID_LOOP_EMAIL },
      actor: ADMIN,
    });
  }

  it('runs procedure A end to end, persisting, auditing and scheduling reminders', async () => {
    await setUp();
    const atConfirm = await toInviteConfirm();
    expect(atConfirm.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
    expect(atConfirm.renders).toHaveLength(1);

    const invited = await runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion,
      actor: ADMIN,
    });
    expect(invited.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const guestId = String(invited.run.facts.guestUserId);
    const guest = sandbox.state.users.get(guestId.toLowerCase());
    expect(guest).toMatchObject({ userType: 'Guest', externalUserState: 'PendingAcceptance' });
    expect(guest?.mail?.toLowerCase()).toBe(CEGID_LOOP_EMAIL.toLowerCase());
    const roleAssigned = await runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: invited.run.stepVersion,
      actor: ADMIN,
    });
    expect(roleAssigned.run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    const assigned = await runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: roleAssigned.run.stepVersion,
      actor: ADMIN,
    });
    expect(assigned.run.status).toBe('waiting');
    expect(sandbox.state.sponsors.get(guestId.toLowerCase())).toEqual([ADMIN.id]);

    const stored = await runner.get(tenant, 'run-1');
    expect(stored?.value).toEqual(assigned.run);
    expect(stored?.etag).toBe(assigned.etag);
    expect(stored?.partition).toBe('conv-1');

    const audit = await store.listAudit(tenant, { runId: 'run-1' });
    const writesAudited = audit.filter((a) => a.action === 'graph.write');
    expect(writesAudited.map((a) => [a.result, a.details?.op])).toEqual([
      ['ok', 'addSponsor'],
      ['ok', 'assignDirectoryRole'],
      ['ok', 'inviteGuest'],
    ]);
    expect(writesAudited[2]).toMatchObject({ actorId: ADMIN.id, actorName: ADMIN.name });
    // The request-id audited is the one the sandbox gave the invitation.
    const invitations = await requestsTo(INVITE);
    expect(invitations).toHaveLength(1);
    expect((writesAudited[2]?.details?.requestIds as string[])[0]).toBe(invitations[0]!.requestId);
    // The redemption link is the vendor's secret: it never reaches the audit log.
    expect(JSON.stringify(audit)).not.toContain('/_sandbox/redeem/');

    const reminders = await store.listReminders(tenant, 'run-1');
    const due = reminders.find((r) => r.id === 'run-1:vendor-wait:due');
    expect(due?.dueAt).toBe(addBusinessDays(T0, 2));
    expect(new Date(due!.dueAt).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(due?.payload).toMatchObject({ kind: 'run-timer', conversationId: 'conv-1', notify: true });

    // An hour later the poll fires: nothing yet. Then Cegid Loop accepts.
    clock.advance(3_600_000);
    expect(await deliverDueReminders(store, runner, clock)).toEqual(['run-1:vendor-wait:poll']);
    expect((await runner.get(tenant, 'run-1'))?.value.pending?.kind).toBe('wait');
    await admin('POST', `/_sandbox/guests/${guestId}/accept`);
    clock.advance(3_600_000);
    await deliverDueReminders(store, runner, clock);
    const confirmCard = (await runner.get(tenant, 'run-1'))!.value;
    expect(confirmCard.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });

    const done = await runner.dispatch(tenant, 'run-1', {
      type: 'manual-done',
      stepVersion: confirmCard.stepVersion,
      actor: ADMIN,
    });
    expect(done.run.status).toBe('done');
    const after = await store.listReminders(tenant, 'run-1');
    expect(after.filter((r) => r.status === 'scheduled')).toEqual([]);
    const writes = (await graphLog()).filter((e) => e.method !== 'GET' && !e.url.startsWith('/$batch'));
    expect(writes.map((e) => [e.method, e.url.split('?')[0], e.status])).toEqual([
      [INVITE.method, INVITE.path, 201],
      [ASSIGN_ROLE.method, ASSIGN_ROLE.path, 201],
      ['POST', `/users/${guestId}/sponsors/$ref`, 204],
    ]);
    expect(
      [...sandbox.state.roleAssignments.values()].filter(
        (a) => String(a.principalId).toLowerCase() === guestId.toLowerCase(),
      ),
    ).toHaveLength(1);
  });

  it('two simultaneous clicks on the same confirmation write once; the other is reported stale', async () => {
    await setUp();
    const atConfirm = await toInviteConfirm();
    const click = { type: 'confirm' as const, stepVersion: atConfirm.run.stepVersion, actor: ADMIN };
    const [a, b] = await Promise.all([
      runner.dispatch(tenant, 'run-1', click),
      runner.dispatch(tenant, 'run-1', click),
    ]);
    expect(await requestsTo(INVITE)).toHaveLength(1);
    expect([a.refused?.code, b.refused?.code].filter(Boolean)).toEqual(['card_stale']);
    const winner = a.refused ? b : a;
    expect(winner.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const loser = a.refused ? a : b;
    expect(loser.renders).toEqual([]);
  });

  it('retries the role assignment through timers while the new guest replicates', async () => {
    await setUp({ replicationLagMs: 12_000 });
    const atConfirm = await toInviteConfirm();
    const invited = await runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion,
      actor: ADMIN,
    });
    const first = await runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: invited.run.stepVersion,
      actor: ADMIN,
    });
    expect(first.run.pending).toMatchObject({ kind: 'retry', stepId: 'assign-role', attempt: 1 });
    expect(first.renders.at(-1)).toMatchObject({ pending: 'retry' });

    // Nothing is due before the backoff elapses.
    clock.advance(4_000);
    expect(await deliverDueReminders(store, runner, clock)).toEqual([]);
    clock.advance(1_000); // +5 s: second attempt, still lagging
    expect(await deliverDueReminders(store, runner, clock)).toEqual(['run-1:assign-role:retry']);
    expect((await runner.get(tenant, 'run-1'))?.value.pending).toMatchObject({ kind: 'retry', attempt: 2 });
    clock.advance(10_000); // +15 s: replicated
    await deliverDueReminders(store, runner, clock);
    const run = (await runner.get(tenant, 'run-1'))!.value;
    expect(run.stepResults['assign-role']).toMatchObject({ status: 'done' });
    expect(run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    const assignments = await requestsTo(ASSIGN_ROLE);
    expect(assignments.map((e) => e.status)).toEqual([404, 404, 201]);
    const audit = await store.listAudit(tenant, { runId: 'run-1' });
    expect(audit.filter((a) => a.action === 'graph.retry-scheduled')).toHaveLength(2);
  });

  it('audits a write that lands after the run was cancelled', async () => {
    const held = holdInvitations();
    await setUp({ fetch: held.fetch });
    const atConfirm = await toInviteConfirm();
    const confirming = runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion,
      actor: ADMIN,
    });
    // The invitation has left the runner and is on its way to the tenant: cancel now.
    await held.reached;
    const cancelled = await runner.dispatch(tenant, 'run-1', { type: 'cancel', actor: ADMIN });
    expect(cancelled.run.status).toBe('cancelled');
    expect(await requestsTo(INVITE)).toEqual([]);
    held.release();
    const r = await confirming;
    expect(r.run.status).toBe('cancelled');

    // The write did happen in the tenant.
    const invitations = await requestsTo(INVITE);
    expect(invitations.map((e) => e.status)).toEqual([201]);
    const guests = [...sandbox.state.users.values()].filter(
      (u) => u.mail?.toLowerCase() === CEGID_LOOP_EMAIL.toLowerCase(),
    );
    expect(guests).toHaveLength(1);

    const audit = await store.listAudit(tenant, { runId: 'run-1' });
    expect(audit.find((a) => a.action === 'run.cancelled')?.details).toMatchObject({ writeInFlight: true });
    expect(audit.find((a) => a.action === 'graph.write')).toMatchObject({
      result: 'ok',
      actorId: ADMIN.id,
      details: {
        op: 'inviteGuest',
        late: true,
        runStatus: 'cancelled',
        requestIds: [invitations[0]!.requestId],
      },
    });
  });

  it('performs a step’s DNS read with its DomainLookup; without one the read fails dns_unavailable and the step says DNS did not answer', async () => {
    const toDomainCheck = async () => {
      const started = await runner.start({
        tenantId: tenant,
        conversationId: 'conv-dns',
        procedureId: 'client-collaboration-account',
        actor: ADMIN,
        locale: 'en',
      });
      const chosen = await runner.dispatch(tenant, started.run.id, {
        type: 'submit-input',
        stepVersion: started.run.stepVersion,
        values: { choice: 'm365' },
        actor: ADMIN,
      });
      return runner.dispatch(tenant, started.run.id, {
        type: 'submit-input',
        stepVersion: chosen.run.stepVersion,
        values: { domain: 'atelier-durand.frr' },
        actor: ADMIN,
      });
    };
    await setUp();
    const without = await toDomainCheck();
    expect(without.run.currentStepId).toBe('dns-failed');
    expect(without.run.facts.dnsError).toBe('no DNS resolver is configured');
    await store.close();
    await setUp({
      domainLookup: createNodeDomainLookup({ servers: [sandbox.dns.server], timeoutMs: 30_000, tries: 2 }),
    });
    const withDns = await toDomainCheck();
    expect(withDns.run.currentStepId).toBe('no-domain');
    expect(withDns.run.facts.domainExists).toBe(false);
  });

  it('reports an unknown run and refuses stale cards without touching the store', async () => {
    await setUp();
    await expect(runner.dispatch(tenant, 'nope', { type: 'retry' })).rejects.toMatchObject({
      code: 'run_not_found',
    });
    const atConfirm = await toInviteConfirm();
    const stale = await runner.dispatch(tenant, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion - 1,
      actor: ADMIN,
    });
    expect(stale.refused?.code).toBe('card_stale');
    expect(stale.etag).toBe(atConfirm.etag);
    expect((await runner.get(tenant, 'run-1'))?.etag).toBe(atConfirm.etag);
    expect(await requestsTo(INVITE)).toEqual([]);
    // Another tenant cannot see the run.
    expect(await runner.get('tenant-2', 'run-1')).toBeUndefined();
  });
});
