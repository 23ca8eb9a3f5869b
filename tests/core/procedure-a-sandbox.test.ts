/**
 * Procedure A end to end with the real pieces: the runner, the SQLite store (in memory), the Graph adapter
 * (adapters/graph) and the sandbox tenant over HTTP, all on one simulated clock (the sandbox's replication lag
 * and the runner's retry timers both read it).
 */
import type { SandboxPrincipal } from '../../sandbox/contracts.js';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CONSENTED_SCOPES } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { createTenantGraph } from '../../adapters/graph/tenant-graph-client.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { createRunner, type Runner } from '../../core/engine/runner.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { PROCEDURE_VERSIONS, PROCEDURES } from '../../core/procedures/catalog.js';
import { CEGID_LOOP_EMAIL, vendorGuestAccessV1Module } from '../../core/procedures/vendor-guest-access.js';
import type { TenantGraph } from '../../core/ports/tenant-graph.js';
import { deliverDueReminders } from './deliver-due-reminders.js';

type SeedKey = keyof typeof SEED_USERS;

/** Friday 20 November 2026, 17:00 in Paris. */
const T0 = Date.parse('2026-11-20T16:00:00Z');

let sandbox: RunningSandbox;
const clock = new SimulatedClock(T0);

beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', httpPort: 0, httpsPort: 0, now: () => clock.now() });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function admin(method: 'PUT' | 'POST', path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${sandbox.httpUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

function actor(key: SeedKey) {
  const u = SEED_USERS[key];
  return {
    id: u.id,
    name: u.displayName,
    roleTemplateIds: [...u.roles],
    scopes: [...SESAME_CONSENTED_SCOPES],
  };
}

describe('procedure A against the sandbox tenant', () => {
  let store: Store;
  let runner: Runner;
  let graph: TenantGraph;
  let actingAs: SeedKey;

  beforeEach(async () => {
    clock.set(T0);
    await admin('POST', '/_sandbox/reset');
    store = await openSqliteStore({ file: ':memory:', now: () => clock.now() });
    actingAs = 'globalAdmin';
    graph = createTenantGraph({
      baseUrl: sandbox.graphUrl,
      getToken: async () => {
        const u = SEED_USERS[actingAs];
        const principal: SandboxPrincipal = {
          id: u.id,
          userPrincipalName: u.userPrincipalName,
          displayName: u.displayName,
          userType: 'Member',
          accountEnabled: true,
          roleTemplateIds: [...u.roles],
        };
        return sandbox.issuer.issueGraphToken(principal, SESAME_CONSENTED_SCOPES, SESAME_CLIENT_ID);
      },
      sleep: async () => {},
      now: () => clock.now(),
    });
    runner = createRunner({ store, clock, graph: () => graph, procedures: PROCEDURES });
  });

  afterEach(async () => {
    await store.close();
  });

  it('a Global Administrator completes it, riding out replication lag on the new guest', async () => {
    await admin('PUT', '/_sandbox/replication-lag', { ms: 20_000 });
    const started = await runner.start({
      tenantId: sandbox.tenantId,
      conversationId: 'conv-1',
      procedureId: 'vendor-guest-access',
      actor: actor('globalAdmin'),
      locale: 'fr',
    });
    expect(started.run.preflight?.feasibility).toBe('full');
    expect(started.run.pending?.kind).toBe('input');
    const runId = started.run.id;

    const atInvite = await runner.dispatch(sandbox.tenantId, runId, {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { email: CEGID_LOOP_EMAIL },
    });
    expect(atInvite.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });

    const atAssign = await runner.dispatch(sandbox.tenantId, runId, {
      type: 'confirm',
      stepVersion: atInvite.run.stepVersion,
    });
    expect(atAssign.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const guestId = String(atAssign.run.facts.guestUserId);
    expect(sandbox.state.users.get(guestId.toLowerCase())?.externalUserState).toBe('PendingAcceptance');

    let run = (
      await runner.dispatch(sandbox.tenantId, runId, {
        type: 'confirm',
        stepVersion: atAssign.run.stepVersion,
      })
    ).run;
    let rounds = 0;
    while (run.pending?.kind === 'retry' && rounds < 20) {
      clock.set(Date.parse(run.pending.retryAt));
      await deliverDueReminders(store, runner, clock);
      run = (await runner.get(sandbox.tenantId, runId))!.value;
      rounds += 1;
    }
    expect(rounds).toBeGreaterThan(0);
    expect(run.stepResults['assign-role']?.status).toBe('done');
    expect(run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    run = (await runner.dispatch(sandbox.tenantId, runId, { type: 'confirm', stepVersion: run.stepVersion }))
      .run;
    expect(run.stepResults.sponsor?.status).toBe('done');
    expect(run.stepResults.verify?.status).toBe('done');
    expect(run.pending?.kind).toBe('wait');

    await admin('POST', `/_sandbox/guests/${guestId}/accept`);
    clock.advance(3_600_000);
    await deliverDueReminders(store, runner, clock);
    run = (await runner.get(sandbox.tenantId, runId))!.value;
    expect(run.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });

    const done = await runner.dispatch(sandbox.tenantId, runId, {
      type: 'manual-done',
      stepVersion: run.stepVersion,
    });
    expect(done.run.status).toBe('done');
    const audit = await store.listAudit(sandbox.tenantId, { runId });
    expect(
      audit.filter((a) => a.action === 'graph.write' && a.result === 'ok').map((a) => a.details?.op),
    ).toEqual(['addSponsor', 'assignDirectoryRole', 'inviteGuest']);

    // Running it again changes nothing in the tenant: everything is found already done.
    clock.advance(60_000);
    const second = await runner.start({
      tenantId: sandbox.tenantId,
      conversationId: 'conv-1',
      procedureId: 'vendor-guest-access',
      actor: actor('globalAdmin'),
      locale: 'en',
    });
    const again = await runner.dispatch(sandbox.tenantId, second.run.id, {
      type: 'submit-input',
      stepVersion: second.run.stepVersion,
      values: { email: CEGID_LOOP_EMAIL },
    });
    expect(again.run.stepResults['assign-role']).toMatchObject({ status: 'done', already: true });
    expect(again.run.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });
  });

  it('a run started before an upgrade goes on under the version it started with', async () => {
    // Sesame before the upgrade knew only version 1 of A: the run reaches the sponsor step's confirmation.
    const before = createRunner({
      store,
      clock,
      graph: () => graph,
      procedures: [vendorGuestAccessV1Module],
    });
    const started = await before.start({
      tenantId: sandbox.tenantId,
      conversationId: 'conv-3',
      procedureId: 'vendor-guest-access',
      actor: actor('globalAdmin'),
      locale: 'fr',
    });
    const runId = started.run.id;
    let run = (
      await before.dispatch(sandbox.tenantId, runId, {
        type: 'submit-input',
        stepVersion: started.run.stepVersion,
        values: { email: CEGID_LOOP_EMAIL },
      })
    ).run;
    run = (await before.dispatch(sandbox.tenantId, runId, { type: 'confirm', stepVersion: run.stepVersion }))
      .run;
    run = (await before.dispatch(sandbox.tenantId, runId, { type: 'confirm', stepVersion: run.stepVersion }))
      .run;
    expect(run.procedureVersion).toBe(1);
    expect(run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });

    // After the upgrade: without version 1 the run could not move; with it (the catalogue's), it goes on.
    const newestOnly = createRunner({ store, clock, graph: () => graph, procedures: PROCEDURES });
    await expect(
      newestOnly.dispatch(sandbox.tenantId, runId, { type: 'confirm', stepVersion: run.stepVersion }),
    ).rejects.toMatchObject({ code: 'procedure_unknown' });
    const after = createRunner({ store, clock, graph: () => graph, procedures: PROCEDURE_VERSIONS });
    run = (await after.dispatch(sandbox.tenantId, runId, { type: 'confirm', stepVersion: run.stepVersion }))
      .run;
    expect(run.procedureVersion).toBe(1);
    expect(run.stepResults.sponsor?.status).toBe('done');
    expect(run.pending).toMatchObject({ kind: 'wait', stepId: 'vendor-wait' });
    expect(sandbox.state.sponsors.get(String(run.facts.guestUserId).toLowerCase())).toEqual([
      SEED_USERS.globalAdmin.id,
    ]);
    // New runs start on the newest version.
    const fresh = await after.start({
      tenantId: sandbox.tenantId,
      conversationId: 'conv-4',
      procedureId: 'vendor-guest-access',
      actor: actor('globalAdmin'),
      locale: 'fr',
    });
    expect(fresh.run.procedureVersion).toBe(2);
  });

  it('a plain user is told who holds the roles it lacks', async () => {
    actingAs = 'plainUser';
    const started = await runner.start({
      tenantId: sandbox.tenantId,
      conversationId: 'conv-2',
      procedureId: 'vendor-guest-access',
      actor: actor('plainUser'),
      locale: 'fr',
    });
    expect(started.run.preflight?.feasibility).toBe('none');
    expect(started.run.pending).toMatchObject({ kind: 'blocked', stepId: null });
    const named = Object.fromEntries(
      (started.run.preflight?.holders ?? []).map((h) => [h.roleName.en, h.holders.map((x) => x.displayName)]),
    );
    expect(named).toEqual({
      'Guest Inviter': ['Emma Robert'],
      'User Administrator': ['Julien Petit'],
      'Global Administrator': expect.arrayContaining(['Claire Martin', 'Paul Durand']),
      'Privileged Role Administrator': ['Sophie Bernard'],
      'Directory Writers': [],
    });
    expect(started.run.stepResults).toEqual({});
  });
});
