/**
 * The procedure contract's tenant-built choices and result-based retries, through the real runner, the real
 * SQLite store, the real Graph adapter and the sandbox tenant, on one simulated clock. The procedure is a test
 * fixture written as data, like A and E.
 */
import { runCard } from '../../bot/cards/run-card.js';
import { createTenantGraph } from '../../adapters/graph/tenant-graph-client.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { ROLE } from '../../core/directory-roles.js';
import { graphNeeds } from '../../core/graph/scopes.js';
import { createRunner, type Runner } from '../../core/engine/runner.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { defineCheck, graphCall } from '../../core/procedures/typed-logic.js';
import { checkProcedureModule, type ProcedureModule } from '../../core/procedures/types.js';
import type { SandboxPrincipal } from '../../sandbox/contracts.js';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CONSENTED_SCOPES } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { checkCard } from '../helpers/card-validation.js';
import { deliverDueReminders } from './deliver-due-reminders.js';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const ADMIN = SEED_USERS.globalAdmin;
const GUEST = SEED_USERS.pendingGuest;
const PRINCIPAL: SandboxPrincipal = {
  id: ADMIN.id,
  userPrincipalName: ADMIN.userPrincipalName,
  displayName: ADMIN.displayName,
  userType: 'Member',
  accountEnabled: true,
  roleTemplateIds: [...ADMIN.roles],
};

/** Pick a Global Administrator read from the tenant, then wait for a guest to accept, checking the answer. */
const fixture: ProcedureModule = {
  procedure: {
    id: 'contract-fixture',
    version: 1,
    title: { fr: 'Procédure de test', en: 'Test procedure' },
    summary: { fr: 'Test', en: 'Test' },
    aliases: [],
    vendor: { name: 'Test' },
    requiredScopes: ['RoleManagement.Read.Directory', 'User.Read.All'],
    steps: [
      {
        id: 'pick-admin',
        kind: 'choice',
        title: { fr: 'Approbateur', en: 'Approver' },
        options: [],
        fromTenant: {
          source: 'globalAdmins',
          fact: 'approverId',
          next: 'guest-accepted',
          label: { fr: 'Administrateur général qui approuve', en: 'Approving Global Administrator' },
          none: { fr: 'Aucun administrateur général.', en: 'No Global Administrator.' },
        },
        ...graphNeeds('listRoleHolders'),
      },
      {
        id: 'guest-accepted',
        kind: 'check',
        logic: 'guestAccepted',
        title: { fr: 'Invitation acceptée', en: 'Invitation accepted' },
        retry: {
          on: [],
          initialDelayMs: 60_000,
          factor: 2,
          maxDelayMs: 600_000,
          maxElapsedMs: 3_600_000,
          maxAttempts: 3,
        },
        onGiveUp: {
          messageKey: 'fixture.guest-not-accepted',
          message: {
            fr: '{guest} n’a toujours pas accepté l’invitation : relancez-le.',
            en: '{guest} has still not accepted the invitation: chase them.',
          },
        },
        ...graphNeeds('getUser'),
      },
    ],
  },
  logic: {
    checks: {
      guestAccepted: defineCheck({
        reads: () => ({ guest: graphCall('getUser', GUEST.id) }),
        evaluate(_ctx, { guest }) {
          if (!guest.ok) {
            const reason = { fr: 'Lecture impossible', en: 'Cannot read' };
            return { result: 'stop', reason, summary: reason };
          }
          // Decided by the answer, not by an error code: Graph says 200 while the guest has not redeemed.
          if (guest.data.externalUserState !== 'Accepted') {
            return {
              result: 'not-yet',
              summary: { fr: 'Pas encore accepté.', en: 'Not accepted yet.' },
            };
          }
          return { result: 'pass', summary: { fr: 'Accepté.', en: 'Accepted.' } };
        },
      }),
    },
    actions: {},
    waits: {},
    choices: {
      globalAdmins: {
        reads: () => ({ holders: graphCall('listRoleHolders', ROLE.globalAdministrator) }),
        options(_ctx, results) {
          const r = results.holders;
          if (!r || !r.ok) return { error: { fr: 'Lecture impossible.', en: 'Cannot read.' } };
          const data = r.data as { holders: { principalId: string; displayName: string | null }[] };
          return {
            options: data.holders.map((h) => ({ id: h.principalId, label: h.displayName ?? h.principalId })),
          };
        },
      },
    },
    textParams: () => ({ guest: GUEST.mail }),
  },
};

/** Waits for a provisioned account; the poll's answer can say it failed (here: the account is gone). */
const failingWait: ProcedureModule = {
  procedure: {
    id: 'failing-wait-fixture',
    version: 1,
    title: { fr: 'Attente', en: 'Wait' },
    summary: { fr: 'Test', en: 'Test' },
    aliases: [],
    vendor: { name: 'Test' },
    requiredScopes: ['User.Read.All'],
    steps: [
      {
        id: 'provisioned',
        kind: 'wait',
        logic: 'accountProvisioned',
        title: { fr: 'Provisionnement', en: 'Provisioning' },
        due: { durationMs: 86_400_000 },
        pollEveryMs: 3_600_000,
        reminders: [
          {
            id: 'due',
            at: 'due',
            messageKey: 'fixture.due',
            message: { fr: 'Échéance.', en: 'Due.' },
          },
        ],
        onFailure: {
          messageKey: 'fixture.provisioning-failed',
          message: {
            fr: 'Le provisionnement de {guest} a échoué : le compte n’existe plus.',
            en: 'Provisioning {guest} failed: the account no longer exists.',
          },
        },
        ...graphNeeds('getUser'),
      },
    ],
  },
  logic: {
    checks: {},
    actions: {},
    waits: {
      accountProvisioned: {
        poll: () => ({ user: graphCall('getUser', GUEST.id) }),
        interpretPoll(_ctx, results) {
          const r = results.user;
          if (r && !r.ok && r.error.code === 'graph_not_found') {
            return {
              satisfied: false,
              failed: true,
              summary: { fr: 'Compte supprimé.', en: 'Account deleted.' },
            };
          }
          return { satisfied: false, summary: { fr: 'En cours.', en: 'In progress.' } };
        },
      },
    },
    textParams: () => ({ guest: GUEST.mail }),
  },
};

let sandbox: RunningSandbox;
let store: Store;
let runner: Runner;
const clock = new SimulatedClock(T0);
const actor = {
  id: ADMIN.id,
  name: ADMIN.displayName,
  roleTemplateIds: [...ADMIN.roles],
  scopes: [...SESAME_CONSENTED_SCOPES],
};

beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', httpPort: 0, httpsPort: 0, now: () => clock.now() });
});
afterAll(async () => {
  await sandbox?.stop();
});
beforeEach(async () => {
  clock.set(T0);
  await fetch(`${sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
  store = await openSqliteStore({ file: ':memory:', now: () => clock.now() });
  const graph = createTenantGraph({
    baseUrl: sandbox.graphUrl,
    getToken: async () =>
      sandbox.issuer.issueGraphToken(PRINCIPAL, SESAME_CONSENTED_SCOPES, SESAME_CLIENT_ID),
    sleep: async () => {},
    now: () => clock.now(),
  });
  let ids = 0;
  runner = createRunner({
    store,
    clock,
    graph: () => graph,
    procedures: [fixture, failingWait],
    newId: () => `run-${++ids}`,
  });
});
afterEach(async () => {
  await store?.close();
});

async function start() {
  return runner.start({
    tenantId: sandbox.tenantId,
    conversationId: 'conv-1',
    procedureId: 'contract-fixture',
    actor,
    locale: 'fr',
  });
}

async function pickFirstAdmin() {
  const started = await start();
  const p = started.run.pending;
  if (p?.kind !== 'choice' || !p.offered) throw new Error(`no tenant choice: ${JSON.stringify(p)}`);
  return runner.dispatch(sandbox.tenantId, started.run.id, {
    type: 'submit-input',
    stepVersion: started.run.stepVersion,
    values: { choice: p.offered[0]!.id },
    actor,
  });
}

describe('choices built from the tenant', () => {
  it('is soundly wired', () => {
    expect(checkProcedureModule(fixture)).toEqual([]);
  });

  it('offers what Graph answered, renders it as a ChoiceSet, and refuses anything not offered', async () => {
    const started = await start();
    const p = started.run.pending;
    expect(p?.kind).toBe('choice');
    const offered = p?.kind === 'choice' ? (p.offered ?? []) : [];
    expect(offered.map((o) => o.label).sort()).toEqual(['Claire Martin', 'Paul Durand']);

    for (const locale of ['fr', 'en'] as const) {
      const card = runCard(fixture, started.run, {
        locale,
        sign: () => 'sig',
        params: { guest: GUEST.mail },
        formatTime: (iso) => iso,
      });
      const check = checkCard(card);
      expect(check.schemaErrors).toEqual([]);
      expect(check.parseErrors).toEqual([]);
      const set = (card.body as Record<string, unknown>[]).find((b) => b.type === 'Input.ChoiceSet');
      expect(set?.choices).toEqual(offered.map((o) => ({ title: o.label, value: o.id })));
    }

    // A member who is not a Global Administrator was not offered: refused, nothing changes.
    const refused = await runner.dispatch(sandbox.tenantId, started.run.id, {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { choice: SEED_USERS.plainUser.id },
      actor,
    });
    expect(refused.refused?.code).toBe('input_invalid');
    expect(refused.run.stepVersion).toBe(started.run.stepVersion);
    expect(refused.run.facts.approverId).toBeUndefined();

    const paul = offered.find((o) => o.label === 'Paul Durand')!;
    const chosen = await runner.dispatch(sandbox.tenantId, started.run.id, {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { choice: paul.id },
      actor,
    });
    expect(chosen.refused).toBeUndefined();
    expect(chosen.run.facts).toEqual(
      expect.objectContaining({ approverId: SEED_USERS.globalAdmin2.id, approverIdLabel: 'Paul Durand' }),
    );
    expect(chosen.run.currentStepId).toBe('guest-accepted');
  });
});

describe('retries decided by the result', () => {
  it('checks again on its schedule while the answer says "not yet", then goes on once it says yes', async () => {
    const after = await pickFirstAdmin();
    expect(after.run.pending).toEqual(
      expect.objectContaining({
        kind: 'retry',
        attempt: 1,
        notYet: { fr: 'Pas encore accepté.', en: 'Not accepted yet.' },
      }),
    );
    clock.advance(60_000);
    expect(await deliverDueReminders(store, runner, clock)).toHaveLength(1);
    let run = (await runner.get(sandbox.tenantId, after.run.id))!.value;
    expect(run.pending).toEqual(expect.objectContaining({ kind: 'retry', attempt: 2 }));

    await fetch(`${sandbox.httpUrl}/_sandbox/guests/${GUEST.id}/accept`, { method: 'POST' });
    clock.advance(120_000);
    await deliverDueReminders(store, runner, clock);
    run = (await runner.get(sandbox.tenantId, after.run.id))!.value;
    expect(run.status).toBe('done');
    expect(run.stepResults['guest-accepted']?.summary?.en).toBe('Accepted.');
  });

  it('stops within its budget, fails the step and sends a reminder to the admin', async () => {
    const after = await pickFirstAdmin();
    for (const wait of [60_000, 120_000]) {
      clock.advance(wait);
      await deliverDueReminders(store, runner, clock);
    }
    const run = (await runner.get(sandbox.tenantId, after.run.id))!.value;
    expect(run.pending).toEqual(expect.objectContaining({ kind: 'error', stepId: 'guest-accepted' }));
    const reminders = await store.listReminders(sandbox.tenantId, run.id);
    const failure = reminders.find((r) => r.payload.messageKey === 'fixture.guest-not-accepted');
    expect(failure).toEqual(
      expect.objectContaining({
        status: 'scheduled',
        dueAt: clock.now(),
        payload: expect.objectContaining({
          notify: true,
          text: {
            fr: `${GUEST.mail} n’a toujours pas accepté l’invitation : relancez-le.`,
            en: `${GUEST.mail} has still not accepted the invitation: chase them.`,
          },
        }),
      }),
    );
    const audit = await store.listAudit(sandbox.tenantId, { runId: run.id, limit: 100 });
    // Two attempts said "not yet" within the budget; the third spent it.
    const notYet = audit.filter((a) => a.action === 'check.not-yet').map((a) => a.result);
    expect(notYet.sort()).toEqual(['failed', 'ok', 'ok']);
    expect(audit.some((a) => a.action === 'reminder.on-failure')).toBe(true);
    // No further attempt was scheduled: the budget is spent.
    const gets = reminders.filter((r) => r.status === 'scheduled' && r.payload.notify === false);
    expect(gets).toEqual([]);
  });
});

describe('reminders on failure, not only on time', () => {
  it('stops waiting and tells the admin at once when a poll says the awaited thing failed', async () => {
    const started = await runner.start({
      tenantId: sandbox.tenantId,
      conversationId: 'conv-1',
      procedureId: 'failing-wait-fixture',
      actor,
      locale: 'fr',
    });
    expect(started.run.pending?.kind).toBe('wait');
    sandbox.state.users.delete(GUEST.id);
    clock.advance(3_600_000);
    await deliverDueReminders(store, runner, clock);
    const run = (await runner.get(sandbox.tenantId, started.run.id))!.value;
    expect(run.pending).toEqual(expect.objectContaining({ kind: 'error', stepId: 'provisioned' }));
    const reminders = await store.listReminders(sandbox.tenantId, run.id);
    const scheduled = reminders.filter((r) => r.status === 'scheduled');
    // The poll and the due-time reminder are cancelled; only the failure message is left, due now.
    expect(scheduled.map((r) => r.payload.messageKey)).toEqual(['fixture.provisioning-failed']);
    expect(scheduled[0]).toEqual(
      expect.objectContaining({
        dueAt: clock.now(),
        payload: expect.objectContaining({
          notify: true,
          text: {
            fr: `Le provisionnement de ${GUEST.mail} a échoué : le compte n’existe plus.`,
            en: `Provisioning ${GUEST.mail} failed: the account no longer exists.`,
          },
        }),
      }),
    );
  });
});
