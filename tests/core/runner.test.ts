/**
 * The runner over the real SQLite store (in memory) and a simulated clock. Graph is a small in-memory
 * TenantGraph double written here; the adapter over the sandbox tenant is exercised in its own tests.
 */
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { addBusinessDays } from '../../core/calendar/index.js';
import { ROLE } from '../../core/directory-roles.js';
import { createRunner, type Runner } from '../../core/engine/runner.js';
import { GraphError } from '../../core/errors.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import type {
  AssignDirectoryRoleRequest,
  DirectoryUser,
  InviteGuestRequest,
  RoleAssignment,
  RoleAssignmentQuery,
  TenantGraph,
} from '../../core/ports/tenant-graph.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';
import { CEGID_LOOP_EMAIL } from '../../core/procedures/vendor-guest-access.js';

const SCOPES = ['Policy.Read.All', 'User.Read.All', 'User.Invite.All', 'RoleManagement.ReadWrite.Directory'];
const ADMIN = {
  id: 'u-alice',
  name: 'Alice Martin',
  roleTemplateIds: [ROLE.globalAdministrator],
  scopes: SCOPES,
};
const TENANT = 'tenant-1';

/** An in-memory tenant with Graph's answers for procedure A, including replication lag on new guests. */
class InMemoryTenantGraph implements TenantGraph {
  users: (DirectoryUser & { visibleToRolesAt: number })[] = [];
  assignments: RoleAssignment[] = [];
  calls: string[] = [];
  /** Runs while an invitation is being created (to interleave another request). */
  duringInvite?: () => Promise<void>;
  allowInvitesFrom = 'adminsAndGuestInviters';
  private seq = 0;
  constructor(
    private readonly clock: SimulatedClock,
    /** How long a new guest stays unknown to role management. */
    private readonly replicationLagMs = 0,
  ) {}
  private rid(): string {
    this.seq += 1;
    return `req-${this.seq}`;
  }
  private fail(code: 'graph_not_found' | 'graph_conflict', status: number, message: string): never {
    throw new GraphError(code, message, {
      status,
      graphCode: 'Request_ResourceNotFound',
      requestId: this.rid(),
    });
  }
  private plain(u: DirectoryUser & { visibleToRolesAt: number }): DirectoryUser {
    const { visibleToRolesAt: _ignored, ...user } = u;
    return user;
  }
  async getMe() {
    this.calls.push('getMe');
    return {
      id: ADMIN.id,
      displayName: ADMIN.name,
      userPrincipalName: 'alice@cabinet.fr',
      userType: 'Member',
      mail: null,
      requestId: this.rid(),
    };
  }
  async getAuthorizationPolicy() {
    this.calls.push('getAuthorizationPolicy');
    return {
      id: 'authorizationPolicy',
      allowInvitesFrom: this.allowInvitesFrom,
      guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
      allowEmailVerifiedUsersToJoinOrganization: false,
      allowedToSignUpEmailBasedSubscriptions: false,
      defaultUserRolePermissions: null,
      requestId: this.rid(),
    };
  }
  async findUsersByMail(mail: string) {
    this.calls.push('findUsersByMail');
    return {
      users: this.users.filter((u) => u.mail === mail).map((u) => this.plain(u)),
      requestId: this.rid(),
    };
  }
  async getUser(id: string) {
    this.calls.push('getUser');
    const u = this.users.find((x) => x.id === id);
    if (!u) this.fail('graph_not_found', 404, `Resource '${id}' does not exist`);
    return { ...this.plain(u), requestId: this.rid() };
  }
  async inviteGuest(request: InviteGuestRequest) {
    this.calls.push('inviteGuest');
    await this.duringInvite?.();
    const id = `guest-${this.users.length + 1}`;
    this.users.push({
      id,
      displayName: request.email,
      mail: request.email,
      userPrincipalName: `${request.email.replace('@', '_')}#EXT#@cabinet.onmicrosoft.com`,
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
      externalUserStateChangeDateTime: null,
      createdDateTime: new Date(this.clock.now()).toISOString(),
      visibleToRolesAt: this.clock.now() + this.replicationLagMs,
    });
    return {
      invitationId: `inv-${id}`,
      userId: id,
      status: 'PendingAcceptance',
      redeemUrl: 'https://redeem',
      requestId: this.rid(),
    };
  }
  async listRoleAssignments(query: RoleAssignmentQuery) {
    this.calls.push('listRoleAssignments');
    return {
      assignments: this.assignments.filter(
        (a) =>
          (!query.principalId || a.principalId === query.principalId) &&
          (!query.roleDefinitionId || a.roleDefinitionId === query.roleDefinitionId),
      ),
      requestId: this.rid(),
    };
  }
  async assignDirectoryRole(request: AssignDirectoryRoleRequest) {
    this.calls.push('assignDirectoryRole');
    const u = this.users.find((x) => x.id === request.principalId);
    if (!u || this.clock.now() < u.visibleToRolesAt) {
      this.fail(
        'graph_not_found',
        404,
        `Resource '${request.principalId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    if (
      this.assignments.some(
        (a) => a.principalId === request.principalId && a.roleDefinitionId === request.roleDefinitionId,
      )
    ) {
      this.fail(
        'graph_conflict',
        400,
        'A conflicting object with one or more of the specified property values is present in the directory.',
      );
    }
    const a = { id: `ra-${this.assignments.length + 1}`, ...request };
    this.assignments.push(a);
    return { ...a, requestId: this.rid() };
  }
  async listRoleHolders(roleTemplateId: string) {
    this.calls.push('listRoleHolders');
    return { roleTemplateId, holders: [], requestId: this.rid() };
  }
}

/** Friday 20 November 2026, 17:00 in Paris. */
const T0 = Date.parse('2026-11-20T16:00:00Z');

describe('runner (SQLite store, simulated clock)', () => {
  let store: Store;
  let clock: SimulatedClock;
  let graph: InMemoryTenantGraph;
  let runner: Runner;
  let ids: number;

  async function setUp(replicationLagMs = 0): Promise<void> {
    clock = new SimulatedClock(T0);
    store = await openSqliteStore({ file: ':memory:', now: () => clock.now() });
    graph = new InMemoryTenantGraph(clock, replicationLagMs);
    ids = 0;
    runner = createRunner({
      store,
      clock,
      graph: () => graph,
      procedures: PROCEDURES,
      newId: () => `run-${++ids}`,
    });
  }

  afterEach(async () => {
    await store.close();
  });

  async function toInviteConfirm() {
    const started = await runner.start({
      tenantId: TENANT,
      conversationId: 'conv-1',
      procedureId: 'vendor-guest-access',
      actor: ADMIN,
      locale: 'fr',
    });
    expect(started.renders.at(-1)).toMatchObject({ pending: 'input', stepId: 'vendor-email' });
    return runner.dispatch(TENANT, started.run.id, {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { email: CEGID_LOOP_EMAIL },
      actor: ADMIN,
    });
  }

  /** Claims due reminders at the clock's time and delivers them, as the bot's scheduler does. */
  async function fireDueReminders(): Promise<string[]> {
    const claimed = await store.claimDueReminders({
      now: clock.now(),
      owner: 'test',
      leaseMs: 60_000,
      limit: 10,
    });
    for (const r of claimed) {
      await runner.deliverReminder(r);
      await store.completeReminder(r.id, 'test');
    }
    return claimed.map((r) => r.id);
  }

  it('runs procedure A end to end, persisting, auditing and scheduling reminders', async () => {
    await setUp();
    const atConfirm = await toInviteConfirm();
    expect(atConfirm.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
    expect(atConfirm.renders).toHaveLength(1);

    const invited = await runner.dispatch(TENANT, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion,
      actor: ADMIN,
    });
    expect(invited.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const assigned = await runner.dispatch(TENANT, 'run-1', {
      type: 'confirm',
      stepVersion: invited.run.stepVersion,
      actor: ADMIN,
    });
    expect(assigned.run.status).toBe('waiting');

    const stored = await runner.get(TENANT, 'run-1');
    expect(stored?.value).toEqual(assigned.run);
    expect(stored?.etag).toBe(assigned.etag);
    expect(stored?.partition).toBe('conv-1');

    const audit = await store.listAudit(TENANT, { runId: 'run-1' });
    const writesAudited = audit.filter((a) => a.action === 'graph.write');
    expect(writesAudited.map((a) => [a.result, a.details?.op])).toEqual([
      ['ok', 'assignDirectoryRole'],
      ['ok', 'inviteGuest'],
    ]);
    expect(writesAudited[1]).toMatchObject({ actorId: 'u-alice', actorName: 'Alice Martin' });
    expect((writesAudited[1]?.details?.requestIds as string[])[0]).toMatch(/^req-/);
    expect(JSON.stringify(audit)).not.toContain('https://redeem');

    const reminders = await store.listReminders(TENANT, 'run-1');
    const due = reminders.find((r) => r.id === 'run-1:vendor-wait:due');
    expect(due?.dueAt).toBe(addBusinessDays(T0, 2));
    expect(new Date(due!.dueAt).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(due?.payload).toMatchObject({ kind: 'run-timer', conversationId: 'conv-1', notify: true });

    // An hour later the poll fires: nothing yet. Then Cegid Loop accepts.
    clock.advance(3_600_000);
    expect(await fireDueReminders()).toEqual(['run-1:vendor-wait:poll']);
    expect((await runner.get(TENANT, 'run-1'))?.value.pending?.kind).toBe('wait');
    graph.users[0] = { ...graph.users[0]!, externalUserState: 'Accepted' };
    clock.advance(3_600_000);
    await fireDueReminders();
    const confirmCard = (await runner.get(TENANT, 'run-1'))!.value;
    expect(confirmCard.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });

    const done = await runner.dispatch(TENANT, 'run-1', {
      type: 'manual-done',
      stepVersion: confirmCard.stepVersion,
      actor: ADMIN,
    });
    expect(done.run.status).toBe('done');
    const after = await store.listReminders(TENANT, 'run-1');
    expect(after.filter((r) => r.status === 'scheduled')).toEqual([]);
    expect(graph.calls.filter((c) => c === 'inviteGuest' || c === 'assignDirectoryRole')).toEqual([
      'inviteGuest',
      'assignDirectoryRole',
    ]);
  });

  it('two simultaneous clicks on the same confirmation write once; the other is reported stale', async () => {
    await setUp();
    const atConfirm = await toInviteConfirm();
    const click = { type: 'confirm' as const, stepVersion: atConfirm.run.stepVersion, actor: ADMIN };
    const [a, b] = await Promise.all([
      runner.dispatch(TENANT, 'run-1', click),
      runner.dispatch(TENANT, 'run-1', click),
    ]);
    expect(graph.calls.filter((c) => c === 'inviteGuest')).toHaveLength(1);
    expect([a.refused?.code, b.refused?.code].filter(Boolean)).toEqual(['card_stale']);
    const winner = a.refused ? b : a;
    expect(winner.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const loser = a.refused ? a : b;
    expect(loser.renders).toEqual([]);
  });

  it('retries the role assignment through timers while the new guest replicates', async () => {
    await setUp(12_000);
    const atConfirm = await toInviteConfirm();
    const invited = await runner.dispatch(TENANT, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion,
      actor: ADMIN,
    });
    const first = await runner.dispatch(TENANT, 'run-1', {
      type: 'confirm',
      stepVersion: invited.run.stepVersion,
      actor: ADMIN,
    });
    expect(first.run.pending).toMatchObject({ kind: 'retry', stepId: 'assign-role', attempt: 1 });
    expect(first.renders.at(-1)).toMatchObject({ pending: 'retry' });

    // Nothing is due before the backoff elapses.
    clock.advance(4_000);
    expect(await fireDueReminders()).toEqual([]);
    clock.advance(1_000); // +5 s: second attempt, still lagging
    expect(await fireDueReminders()).toEqual(['run-1:assign-role:retry']);
    expect((await runner.get(TENANT, 'run-1'))?.value.pending).toMatchObject({ kind: 'retry', attempt: 2 });
    clock.advance(10_000); // +15 s: replicated
    await fireDueReminders();
    const run = (await runner.get(TENANT, 'run-1'))!.value;
    expect(run.stepResults['assign-role']).toMatchObject({ status: 'done' });
    expect(run.stepResults.verify).toMatchObject({ status: 'done' });
    expect(run.pending?.kind).toBe('wait');
    expect(graph.calls.filter((c) => c === 'assignDirectoryRole')).toHaveLength(3);
    const audit = await store.listAudit(TENANT, { runId: 'run-1' });
    expect(audit.filter((a) => a.action === 'graph.retry-scheduled')).toHaveLength(2);
  });

  it('audits a write that lands after the run was cancelled', async () => {
    await setUp();
    const atConfirm = await toInviteConfirm();
    graph.duringInvite = async () => {
      const c = await runner.dispatch(TENANT, 'run-1', { type: 'cancel', actor: ADMIN });
      expect(c.run.status).toBe('cancelled');
    };
    const r = await runner.dispatch(TENANT, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion,
      actor: ADMIN,
    });
    expect(r.run.status).toBe('cancelled');
    const audit = await store.listAudit(TENANT, { runId: 'run-1' });
    expect(audit.find((a) => a.action === 'run.cancelled')?.details).toMatchObject({ writeInFlight: true });
    expect(audit.find((a) => a.action === 'graph.write')).toMatchObject({
      result: 'ok',
      actorId: 'u-alice',
      details: { op: 'inviteGuest', late: true, runStatus: 'cancelled' },
    });
  });

  it('reports an unknown run and refuses stale cards without touching the store', async () => {
    await setUp();
    await expect(runner.dispatch(TENANT, 'nope', { type: 'retry' })).rejects.toMatchObject({
      code: 'run_not_found',
    });
    const atConfirm = await toInviteConfirm();
    const stale = await runner.dispatch(TENANT, 'run-1', {
      type: 'confirm',
      stepVersion: atConfirm.run.stepVersion - 1,
      actor: ADMIN,
    });
    expect(stale.refused?.code).toBe('card_stale');
    expect(stale.etag).toBe(atConfirm.etag);
    expect(graph.calls).not.toContain('inviteGuest');
    // Another tenant cannot see the run.
    expect(await runner.get('tenant-2', 'run-1')).toBeUndefined();
  });
});
