/**
 * Procedure A through the pure engine: plain JSON in and out, a simulated clock (a number), and every run
 * re-serialised through JSON between steps to prove runs are plain data. Graph answers come from a small
 * tenant description in this file (the engine never calls Graph itself: it only emits `graph` effects).
 */
import { addBusinessDays } from '../../core/calendar/index.js';
import { ROLE } from '../../core/directory-roles.js';
import type { CallResult } from '../../core/engine/call-result.js';
import type { Effect, EventActor, GraphEffect, RunEvent } from '../../core/engine/events.js';
import { computePreflight } from '../../core/engine/preflight.js';
import { createRun, type Run } from '../../core/engine/run.js';
import { IN_FLIGHT_GRACE_MS, transition, type TransitionResult } from '../../core/engine/transition.js';
import type { DirectoryUser, RoleAssignment } from '../../core/ports/tenant-graph.js';
import { checkProcedureModule, type ProcedureModule } from '../../core/procedures/types.js';
import {
  CEGID_LOOP_EMAIL,
  vendorGuestAccessModule as A,
  vendorGuestAccessV1Module as A1,
} from '../../core/procedures/vendor-guest-access.js';

const SCOPES = [
  'Policy.Read.All',
  'User.Read',
  'User.Read.All',
  'User.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
];
const GLOBAL_ADMIN = {
  id: 'u-alice',
  name: 'Alice Martin',
  roleTemplateIds: [ROLE.globalAdministrator],
  scopes: SCOPES,
};
const GUEST_INVITER = {
  id: 'u-gina',
  name: 'Gina Inviteuse',
  roleTemplateIds: [ROLE.guestInviter],
  scopes: SCOPES,
};
const PRIV_ROLE_ADMIN = {
  id: 'u-paul',
  name: 'Paul Roles',
  roleTemplateIds: [ROLE.privilegedRoleAdministrator],
  scopes: SCOPES,
};

/** Friday 20 November 2026, 17:00 in Paris. */
const T0 = Date.parse('2026-11-20T16:00:00Z');

interface Tenant {
  allowInvitesFrom: string;
  users: DirectoryUser[];
  assignments: RoleAssignment[];
  /** How many times a role assignment answers 404 before the guest has replicated. */
  lagging404s: number;
  duplicateAs: 'graph_conflict' | 'graph_bad_request';
  /** Guest id → its sponsors' ids. */
  sponsors: Record<string, string[]>;
  /** addSponsor answers 403 (the admin's roles do not allow it, and their token did not say). */
  sponsorForbidden?: boolean;
  writes: string[];
  seq: number;
}

function tenant(overrides: Partial<Tenant> = {}): Tenant {
  return {
    allowInvitesFrom: 'adminsAndGuestInviters',
    users: [],
    assignments: [],
    lagging404s: 0,
    duplicateAs: 'graph_conflict',
    sponsors: {},
    writes: [],
    seq: 0,
    ...overrides,
  };
}

function guest(id: string, state: string): DirectoryUser {
  return {
    id,
    displayName: 'Cegid Loop',
    mail: CEGID_LOOP_EMAIL,
    userPrincipalName: `admin_onloop.onmicrosoft.com#EXT#@cabinet.onmicrosoft.com`,
    userType: 'Guest',
    externalUserState: state,
    externalUserStateChangeDateTime: null,
    createdDateTime: '2026-11-01T10:00:00Z',
  };
}

function fail(code: 'graph_not_found' | 'graph_conflict' | 'graph_bad_request', message: string): CallResult {
  return {
    ok: false,
    error: { code, message, status: code === 'graph_not_found' ? 404 : 400, requestId: 'req-err' },
  };
}

/** Graph as this tenant would answer (the subset procedure A uses). */
function answer(t: Tenant, e: GraphEffect): CallResult {
  t.seq += 1;
  const requestId = `req-${t.seq}`;
  const ok = (data: object): CallResult => ({ ok: true, data: { ...data, requestId }, requestId });
  switch (e.op) {
    case 'getAuthorizationPolicy':
      return ok({ id: 'authorizationPolicy', allowInvitesFrom: t.allowInvitesFrom });
    case 'findUsersByMail': {
      const [mail] = e.args as [string];
      return ok({ users: t.users.filter((u) => u.mail === mail) });
    }
    case 'getUser': {
      const [id] = e.args as [string];
      const u = t.users.find((x) => x.id === id);
      return u ? ok(u) : fail('graph_not_found', 'Resource not found');
    }
    case 'inviteGuest': {
      const [req] = e.args as [{ email: string }];
      t.writes.push('inviteGuest');
      let u = t.users.find((x) => x.mail === req.email);
      if (!u) {
        u = { ...guest(`g-${t.seq}`, 'PendingAcceptance'), mail: req.email };
        t.users.push(u);
      }
      return ok({
        invitationId: `inv-${t.seq}`,
        userId: u.id,
        status: 'PendingAcceptance',
        redeemUrl: 'https://x',
      });
    }
    case 'listRoleAssignments': {
      const [q] = e.args as [{ principalId?: string; roleDefinitionId?: string }];
      return ok({
        assignments: t.assignments.filter(
          (a) =>
            (!q.principalId || a.principalId === q.principalId) &&
            (!q.roleDefinitionId || a.roleDefinitionId === q.roleDefinitionId),
        ),
      });
    }
    case 'assignDirectoryRole': {
      const [req] = e.args as [{ principalId: string; roleDefinitionId: string }];
      t.writes.push('assignDirectoryRole');
      if (t.lagging404s > 0) {
        t.lagging404s -= 1;
        return fail('graph_not_found', `Resource '${req.principalId}' does not exist`);
      }
      if (
        t.assignments.some(
          (a) => a.principalId === req.principalId && a.roleDefinitionId === req.roleDefinitionId,
        )
      ) {
        return fail(
          t.duplicateAs,
          'A conflicting object with one or more of the specified property values is present in the directory.',
        );
      }
      const a = { id: `ra-${t.seq}`, ...req, directoryScopeId: '/' };
      t.assignments.push(a);
      return ok(a);
    }
    case 'listSponsors': {
      const [id] = e.args as [string];
      return t.users.some((u) => u.id === id)
        ? ok({ sponsorIds: t.sponsors[id] ?? [] })
        : fail('graph_not_found', 'Resource not found');
    }
    case 'addSponsor': {
      const [id, sponsorId] = e.args as [string, string];
      t.writes.push('addSponsor');
      if (t.sponsorForbidden)
        return {
          ok: false,
          error: {
            code: 'graph_forbidden',
            message: 'Insufficient privileges to complete the operation.',
            status: 403,
            requestId: `req-${t.seq}`,
          },
        };
      const sponsors = t.sponsors[id] ?? [];
      if (sponsors.includes(sponsorId))
        return fail(
          'graph_bad_request',
          "One or more added object references already exist for the following modified properties: 'sponsors'.",
        );
      t.sponsors[id] = [...sponsors, sponsorId];
      return ok({});
    }
    case 'listRoleHolders': {
      const [role] = e.args as [string];
      return ok({
        roleTemplateId: role,
        holders: [
          {
            principalId: `holder-${role.slice(0, 4)}`,
            displayName: `Holder of ${role.slice(0, 4)}`,
            userPrincipalName: `holder-${role.slice(0, 4)}@cabinet.fr`,
            principalType: '#microsoft.graph.user',
            assignmentId: `a-${role.slice(0, 4)}`,
          },
        ],
      });
    }
    case 'getMe':
      return ok({
        id: 'u-alice',
        displayName: 'Alice',
        userPrincipalName: 'alice@cabinet.fr',
        userType: 'Member',
      });
    case 'listMyRoleEligibilities':
    case 'listRoleEligibilityHolders':
      return ok({ eligibilities: [] });
    default:
      throw new Error(`procedure A does not use ${e.op}`);
  }
}

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** One transition, checking purity: the input run is untouched and the output survives JSON. */
function apply(run: Run, event: RunEvent, now: number, module: ProcedureModule = A): TransitionResult {
  const before = JSON.stringify(run);
  const frozen = roundTrip(run);
  const result = transition(module, frozen, roundTrip(event), now);
  expect(JSON.stringify(frozen)).toBe(before);
  // Same input, same output: no clock or randomness inside.
  expect(JSON.stringify(transition(module, roundTrip(run), roundTrip(event), now))).toBe(
    JSON.stringify(result),
  );
  return { ...result, run: roundTrip(result.run), effects: roundTrip(result.effects) };
}

interface Driven {
  run: Run;
  effects: Effect[];
}

/** Applies an event, then answers every Graph effect from the tenant until the run needs someone. */
function drive(t: Tenant, run: Run, event: RunEvent, now: number, module: ProcedureModule = A): Driven {
  const first = apply(run, event, now, module);
  if (first.refused) throw new Error(`refused: ${first.refused.reason}`);
  let current = first.run;
  const all: Effect[] = [...first.effects];
  const queue = first.effects.filter((e): e is GraphEffect => e.type === 'graph');
  while (queue.length > 0) {
    const e = queue.shift()!;
    const next = apply(
      current,
      { type: 'effect-result', callId: e.callId, result: answer(t, e) },
      now,
      module,
    );
    if (next.refused) throw new Error(`refused: ${next.refused.reason}`);
    current = next.run;
    all.push(...next.effects);
    queue.push(...next.effects.filter((x): x is GraphEffect => x.type === 'graph'));
  }
  return { run: current, effects: all };
}

function newRun(version = A.procedure.version): Run {
  return createRun({
    id: 'run-1',
    procedureId: 'vendor-guest-access',
    procedureVersion: version,
    tenantId: 'tenant-1',
    conversationId: 'conv-1',
    locale: 'fr',
    startedBy: { id: GLOBAL_ADMIN.id, name: GLOBAL_ADMIN.name },
    now: T0,
  });
}

const audits = (effects: Effect[]) => effects.filter((e) => e.type === 'audit');
const writes = (effects: Effect[]) =>
  effects.filter((e) => e.type === 'graph' && e.purpose === 'write') as GraphEffect[];

/** Starts as `actor` and submits the default email: the run then stands at the first action or a branch. */
function upToLookup(t: Tenant, actor: EventActor = GLOBAL_ADMIN): Driven {
  const started = drive(t, newRun(), { type: 'start', actor, locale: 'fr' }, T0);
  expect(started.run.pending).toMatchObject({
    kind: 'input',
    stepId: 'vendor-email',
    values: { email: CEGID_LOOP_EMAIL },
  });
  const submitted = drive(
    t,
    started.run,
    {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { email: ` ${CEGID_LOOP_EMAIL.toUpperCase()} ` },
    },
    T0 + 1000,
  );
  return { run: submitted.run, effects: [...started.effects, ...submitted.effects] };
}

/** Confirms the sponsor step when the run asks for it (the admin becomes the new guest's sponsor). */
function sponsored(t: Tenant, d: Driven, now: number): Driven {
  if (d.run.pending?.kind !== 'confirm' || d.run.pending.stepId !== 'sponsor') return d;
  const s = drive(t, d.run, { type: 'confirm', stepVersion: d.run.stepVersion }, now);
  return { run: s.run, effects: [...d.effects, ...s.effects] };
}

describe('procedure A data', () => {
  it('is wired: every logic name and step reference resolves', () => {
    expect(checkProcedureModule(A)).toEqual([]);
  });

  it('is plain JSON', () => {
    expect(roundTrip(A.procedure)).toEqual(A.procedure);
  });
});

describe('procedure A, happy path as a Global Administrator', () => {
  it('invites, assigns Guest Inviter, verifies, waits 2 business days and completes on confirmation', () => {
    const t = tenant();
    const s1 = drive(t, newRun(), { type: 'start', actor: GLOBAL_ADMIN, locale: 'fr' }, T0);
    expect(s1.run.preflight?.feasibility).toBe('full');
    expect(s1.run.stepResults['invite-policy']).toMatchObject({ status: 'done', requestIds: ['req-1'] });
    expect(s1.run.stepResults['invite-policy']?.notes?.[0]?.en).toMatch(/cross-tenant access settings/i);
    expect(s1.run.pending?.kind).toBe('input');
    expect(s1.effects.at(-1)).toEqual({
      type: 'render',
      stepId: 'vendor-email',
      stepVersion: s1.run.stepVersion,
      pending: 'input',
    });

    const s2 = drive(
      t,
      s1.run,
      { type: 'submit-input', stepVersion: s1.run.stepVersion, values: { email: CEGID_LOOP_EMAIL } },
      T0 + 1000,
    );
    expect(s2.run.inputs.email).toBe(CEGID_LOOP_EMAIL);
    expect(s2.run.stepResults['existing-guest']?.status).toBe('done');
    expect(s2.run.currentStepId).toBe('invite');
    expect(s2.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
    expect(writes(s2.effects)).toHaveLength(0);

    const s3 = drive(
      t,
      s2.run,
      { type: 'confirm', stepVersion: s2.run.stepVersion, actor: GLOBAL_ADMIN },
      T0 + 2000,
    );
    const [invite] = writes(s3.effects);
    expect(invite).toMatchObject({
      op: 'inviteGuest',
      purpose: 'write',
      attempt: 1,
      args: [
        {
          email: CEGID_LOOP_EMAIL,
          redirectUrl: 'https://myapps.microsoft.com',
          sendInvitationMessage: true,
          messageLanguage: 'fr-FR',
        },
      ],
    });
    expect(s3.run.facts.guestUserId).toMatch(/^g-/);
    expect(JSON.stringify(s3.run)).not.toContain('redeem');
    expect(s3.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    expect(audits(s3.effects)).toContainEqual(
      expect.objectContaining({
        action: 'graph.write',
        result: 'ok',
        actor: { id: 'u-alice', name: 'Alice Martin' },
      }),
    );

    const assigned = drive(t, s3.run, { type: 'confirm', stepVersion: s3.run.stepVersion }, T0 + 3000);
    expect(writes(assigned.effects).map((w) => w.op)).toEqual(['assignDirectoryRole']);
    expect(writes(assigned.effects)[0]?.args).toEqual([
      { principalId: s3.run.facts.guestUserId, roleDefinitionId: ROLE.guestInviter, directoryScopeId: '/' },
    ]);
    // The acting admin becomes the new guest's sponsor, once confirmed (the probe found no sponsor).
    expect(assigned.run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    const s4 = drive(t, assigned.run, { type: 'confirm', stepVersion: assigned.run.stepVersion }, T0 + 3000);
    expect(writes(s4.effects).map((w) => w.op)).toEqual(['addSponsor']);
    expect(writes(s4.effects)[0]?.args).toEqual([s3.run.facts.guestUserId, 'u-alice']);
    expect(t.sponsors[String(s3.run.facts.guestUserId)]).toEqual(['u-alice']);
    expect(s4.run.stepResults.verify).toMatchObject({ status: 'done' });
    expect(s4.run.status).toBe('waiting');
    const due = addBusinessDays(T0 + 3000, 2, { timeZone: 'Europe/Paris', holidays: 'fr' });
    expect(new Date(due).toISOString()).toBe('2026-11-24T16:00:03.000Z'); // Tuesday 17:00 Paris
    expect(s4.run.pending).toMatchObject({
      kind: 'wait',
      stepId: 'vendor-wait',
      dueAt: new Date(due).toISOString(),
    });
    expect(s4.effects).toContainEqual(
      expect.objectContaining({
        type: 'schedule-reminder',
        id: 'run-1:vendor-wait:due',
        dueAt: due,
        notify: true,
        messageKey: 'vendor-guest-access.vendor-window-over',
      }),
    );
    const dueReminder = s4.effects.find((e) => e.type === 'schedule-reminder' && e.notify);
    expect(dueReminder?.type === 'schedule-reminder' && dueReminder.text).toEqual({
      fr: expect.stringContaining(
        'admin@onloop.onmicrosoft.com est écoulé (mardi 24 novembre à 17:00 UTC+1)',
      ),
      en: expect.stringContaining('(Tuesday 24 November at 17:00 CET)'),
    });
    expect(s4.effects).toContainEqual(
      expect.objectContaining({
        type: 'schedule-reminder',
        id: 'run-1:vendor-wait:poll',
        notify: false,
        dueAt: T0 + 3000 + 3_600_000,
      }),
    );
    expect(s4.run.reminders).toEqual(['run-1:vendor-wait:due', 'run-1:vendor-wait:poll']);

    // An hour later the poll timer fires; the guest has still not accepted.
    const s5 = drive(t, s4.run, { type: 'timer-due', reminderId: 'run-1:vendor-wait:poll' }, T0 + 3_603_000);
    expect(s5.run.pending?.kind).toBe('wait');
    expect(s5.effects.filter((e) => e.type === 'render')).toHaveLength(0);

    // Cegid Loop accepts; the next poll moves on to the manual confirmation, the due reminder stays armed.
    t.users = t.users.map((u) => ({ ...u, externalUserState: 'Accepted' }));
    const s6 = drive(t, s5.run, { type: 'timer-due', reminderId: 'run-1:vendor-wait:poll' }, T0 + 7_203_000);
    expect(s6.run.stepResults['vendor-wait']).toMatchObject({
      status: 'done',
      dueAt: new Date(due).toISOString(),
    });
    expect(s6.run.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });
    expect(s6.run.reminders).toEqual(['run-1:vendor-wait:due']);
    // The poll timer just fired, so there is nothing left to cancel for it.
    expect(s6.effects.filter((e) => e.type === 'cancel-reminder')).toEqual([]);

    const s7 = drive(t, s6.run, { type: 'manual-done', stepVersion: s6.run.stepVersion }, T0 + 7_300_000);
    expect(s7.run.status).toBe('done');
    expect(s7.run.pending).toBeUndefined();
    expect(s7.effects).toContainEqual({ type: 'cancel-reminder', id: 'run-1:vendor-wait:due' });
    expect(audits(s7.effects).map((a) => a.action)).toEqual(['manual.done', 'run.completed']);
    expect(t.writes).toEqual(['inviteGuest', 'assignDirectoryRole', 'addSponsor']);
    expect(s7.run.history.length).toBeGreaterThan(5);
  });
});

describe('procedure A branches', () => {
  it('stops when invitations are off for everyone, and resumes on retry once the policy allows it', () => {
    const t = tenant({ allowInvitesFrom: 'none' });
    const s1 = drive(t, newRun(), { type: 'start', actor: GLOBAL_ADMIN }, T0);
    expect(s1.run.status).toBe('failed');
    expect(s1.run.outcome?.stepId).toBe('invite-policy');
    expect(s1.run.outcome?.reason.fr).toMatch(/désactivées/);
    expect(s1.run.outcome?.reason.en).toMatch(/turned off/);
    expect(audits(s1.effects)).toContainEqual(
      expect.objectContaining({ action: 'check.evaluated', result: 'failed' }),
    );
    expect(apply(s1.run, { type: 'confirm', stepVersion: s1.run.stepVersion }, T0).refused?.code).toBe(
      'card_stale',
    );

    t.allowInvitesFrom = 'adminsAndGuestInviters';
    const s2 = drive(t, s1.run, { type: 'retry', stepVersion: s1.run.stepVersion }, T0 + 60_000);
    expect(s2.run.status).toBe('active');
    expect(s2.run.outcome).toBeUndefined();
    expect(s2.run.pending?.kind).toBe('input');
  });

  it('stops when only admins and Guest Inviters may invite and the admin is neither', () => {
    const t = tenant({ allowInvitesFrom: 'adminsAndGuestInviters' });
    const s1 = drive(t, newRun(), { type: 'start', actor: PRIV_ROLE_ADMIN }, T0);
    expect(s1.run.preflight?.feasibility).toBe('partial');
    expect(s1.run.status).toBe('failed');
    expect(s1.run.outcome?.reason.en).toMatch(/neither Guest Inviter nor User Administrator/);
  });

  it('passes when all members may invite', () => {
    const t = tenant({ allowInvitesFrom: 'adminsGuestInvitersAndAllMembers' });
    const s1 = drive(t, newRun(), { type: 'start', actor: PRIV_ROLE_ADMIN }, T0);
    expect(s1.run.stepResults['invite-policy']?.summary?.en).toMatch(/all members/);
    expect(s1.run.pending?.kind).toBe('input');
  });

  it('reuses a guest that already accepted and does not assign the role twice', () => {
    const t = tenant({
      users: [guest('g-old', 'Accepted')],
      assignments: [
        { id: 'ra-old', principalId: 'g-old', roleDefinitionId: ROLE.guestInviter, directoryScopeId: '/' },
      ],
      sponsors: { 'g-old': ['u-alice'] },
    });
    const s = upToLookup(t);
    expect(s.run.stepResults.sponsor).toMatchObject({ status: 'done', already: true, objectIds: ['g-old'] });
    expect(s.run.stepResults.invite).toBeUndefined();
    expect(s.run.stepResults['assign-role']).toMatchObject({
      status: 'done',
      already: true,
      objectIds: ['ra-old'],
    });
    expect(audits(s.effects)).toContainEqual(
      expect.objectContaining({
        action: 'action.skipped',
        result: 'skipped',
        details: expect.objectContaining({ stepId: 'assign-role' }),
      }),
    );
    expect(s.run.pending?.kind).toBe('manual'); // accepted already: straight to the vendor's confirmation
    expect(t.writes).toEqual([]);
  });

  it('offers to re-invite a guest whose invitation is pending', () => {
    const t = tenant({ users: [guest('g-pend', 'PendingAcceptance')] });
    const s1 = upToLookup(t);
    expect(s1.run.pending).toEqual({ kind: 'choice', stepId: 'reinvite-choice' });
    expect(s1.run.facts.guestUserId).toBe('g-pend');

    const again = drive(
      t,
      s1.run,
      { type: 'submit-input', stepVersion: s1.run.stepVersion, values: { choice: 'reinvite' } },
      T0 + 5000,
    );
    expect(again.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
    const sent = drive(t, again.run, { type: 'confirm', stepVersion: again.run.stepVersion }, T0 + 6000);
    expect(t.writes).toEqual(['inviteGuest']);
    expect(sent.run.facts.reinvitedAt).toBeDefined();
    expect(sent.run.facts.guestUserId).toBe('g-pend');
    expect(sent.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });

    const keep = drive(
      t,
      s1.run,
      { type: 'submit-input', stepVersion: s1.run.stepVersion, values: { choice: 'keep' } },
      T0 + 5000,
    );
    expect(keep.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    expect(keep.run.stepResults.invite).toBeUndefined();
  });

  it('refuses an unknown choice from tampered card data', () => {
    const t = tenant({ users: [guest('g-pend', 'PendingAcceptance')] });
    const s1 = upToLookup(t);
    const r = apply(
      s1.run,
      { type: 'submit-input', stepVersion: s1.run.stepVersion, values: { choice: 'drop-tables' } },
      T0,
    );
    expect(r.refused?.code).toBe('input_invalid');
    expect(r.effects).toEqual([]);
  });

  it('stops when the address belongs to a member of the tenant', () => {
    const member = {
      ...guest('m-1', 'Accepted'),
      userType: 'Member',
      externalUserState: null,
      userPrincipalName: 'loop@cabinet.fr',
    };
    const t = tenant({ users: [member] });
    const s = upToLookup(t);
    expect(s.run.status).toBe('failed');
    expect(s.run.outcome?.reason.en).toMatch(/member account of your tenant \(loop@cabinet.fr\)/);
  });

  it('rejects a malformed address with field-level messages and changes nothing else', () => {
    const t = tenant();
    const s1 = drive(t, newRun(), { type: 'start', actor: GLOBAL_ADMIN }, T0);
    const bad = apply(
      s1.run,
      { type: 'submit-input', stepVersion: s1.run.stepVersion, values: { email: 'admin@onloop' } },
      T0,
    );
    expect(bad.refused).toBeUndefined();
    expect(bad.run.pending).toMatchObject({ kind: 'input', values: { email: 'admin@onloop' } });
    const errors = bad.run.pending?.kind === 'input' ? bad.run.pending.errors : undefined;
    expect(errors?.email?.fr).toMatch(/n’est pas une adresse e-mail valide/);
    expect(errors?.email?.en).toMatch(/is not a valid email address/);
    expect(bad.effects.filter((e) => e.type === 'graph')).toEqual([]);
    expect(bad.run.inputs).toEqual({});
    expect(bad.run.stepVersion).toBeGreaterThan(s1.run.stepVersion);
    expect(audits([...bad.effects])).toContainEqual(
      expect.objectContaining({ action: 'input.rejected', result: 'refused' }),
    );
  });

  it('goes back to the address from the confirmation with "change"', () => {
    const t = tenant();
    const s = upToLookup(t);
    const back = apply(s.run, { type: 'change', stepVersion: s.run.stepVersion }, T0 + 2000);
    expect(back.run.pending).toEqual({
      kind: 'input',
      stepId: 'vendor-email',
      values: { email: CEGID_LOOP_EMAIL },
    });
    const other = drive(
      t,
      back.run,
      { type: 'submit-input', stepVersion: back.run.stepVersion, values: { email: 'ops@onloop.fr' } },
      T0 + 3000,
    );
    expect(other.run.inputs.email).toBe('ops@onloop.fr');
    expect(other.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
  });

  it('cancels: reminders cancelled, later clicks refused', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inv = drive(t, s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    const assigned = sponsored(
      t,
      drive(t, inv.run, { type: 'confirm', stepVersion: inv.run.stepVersion }, T0),
      T0,
    );
    expect(assigned.run.reminders).toHaveLength(2);
    const c = apply(assigned.run, { type: 'cancel', actor: GLOBAL_ADMIN }, T0 + 10);
    expect(c.run.status).toBe('cancelled');
    expect(c.run.outcome?.reason.fr).toBe('Procédure annulée par Alice Martin.');
    expect(c.effects.filter((e) => e.type === 'cancel-reminder')).toHaveLength(2);
    expect(c.run.reminders).toEqual([]);
    expect(
      apply(c.run, { type: 'timer-due', reminderId: 'run-1:vendor-wait:poll' }, T0 + 20).refused?.code,
    ).toBe('card_stale');
    expect(apply(c.run, { type: 'retry' }, T0 + 20).refused?.code).toBe('card_stale');
  });

  it('marks the wait overdue when the due reminder fires', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inv = drive(t, s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    const w = sponsored(t, drive(t, inv.run, { type: 'confirm', stepVersion: inv.run.stepVersion }, T0), T0);
    const due = apply(w.run, { type: 'timer-due', reminderId: 'run-1:vendor-wait:due' }, T0 + 5 * 86_400_000);
    expect(due.run.stepResults['vendor-wait']?.overdue).toBe(true);
    expect(due.run.pending?.kind).toBe('wait');
    expect(audits([...due.effects])).toContainEqual(
      expect.objectContaining({ action: 'reminder.due', actor: 'sesame' }),
    );
  });

  it('stops polling after two weeks but still checks on demand', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inv = drive(t, s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    const w = sponsored(t, drive(t, inv.run, { type: 'confirm', stepVersion: inv.run.stepVersion }, T0), T0);
    const twoWeeksLater = T0 + 14 * 86_400_000;
    const last = drive(t, w.run, { type: 'timer-due', reminderId: 'run-1:vendor-wait:poll' }, twoWeeksLater);
    expect(last.run.pending).toMatchObject({ kind: 'wait', stepId: 'vendor-wait' });
    expect(last.run.pending?.kind === 'wait' && last.run.pending.nextPollAt).toBeFalsy();
    expect(last.run.reminders).toEqual(['run-1:vendor-wait:due']);
    expect(last.run.stepResults['vendor-wait']?.pollingStopped).toBe(true);
    expect(audits(last.effects)).toContainEqual(expect.objectContaining({ action: 'wait.polling-stopped' }));
    expect(last.effects.some((e) => e.type === 'render')).toBe(true);

    t.users = t.users.map((u) => ({ ...u, externalUserState: 'Accepted' }));
    const now = drive(
      t,
      last.run,
      { type: 'retry', stepVersion: last.run.stepVersion },
      twoWeeksLater + 1000,
    );
    expect(now.run.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });
  });

  it('accepts a poll result pushed by the bot ("check now")', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inv = drive(t, s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    const w = sponsored(t, drive(t, inv.run, { type: 'confirm', stepVersion: inv.run.stepVersion }, T0), T0);
    const id = String(w.run.facts.guestUserId);
    const r = apply(
      w.run,
      { type: 'poll-result', results: { user: { ok: true, data: { ...guest(id, 'Accepted') } } } },
      T0 + 100,
    );
    expect(r.run.pending).toEqual({ kind: 'manual', stepId: 'vendor-confirmed' });
  });
});

describe('idempotence and staleness', () => {
  it('double confirm yields one write: the second click is stale', () => {
    const t = tenant();
    const s = upToLookup(t);
    const clicked = s.run.stepVersion;
    const first = apply(s.run, { type: 'confirm', stepVersion: clicked }, T0 + 10);
    expect(writes([...first.effects])).toHaveLength(1);
    // The same card clicked again while the write is in flight…
    const second = apply(first.run, { type: 'confirm', stepVersion: clicked }, T0 + 11);
    expect(second.refused?.code).toBe('card_stale');
    expect(second.effects).toEqual([]);
    expect(second.run).toEqual(first.run);
    // …and after it finished.
    const done = drive(
      t,
      first.run,
      {
        type: 'effect-result',
        callId: writes([...first.effects])[0]!.callId,
        result: answer(t, writes([...first.effects])[0]!),
      },
      T0 + 12,
    );
    expect(apply(done.run, { type: 'confirm', stepVersion: clicked }, T0 + 13).refused?.code).toBe(
      'card_stale',
    );
    expect(t.writes).toEqual(['inviteGuest']);
  });

  it('ignores a result for a call it is not waiting for', () => {
    const t = tenant();
    const s = upToLookup(t);
    const r = apply(s.run, { type: 'effect-result', callId: 'c999', result: { ok: true, data: {} } }, T0);
    expect(r.refused?.code).toBe('card_stale');
  });

  it('refuses a retry while the Graph calls of the step are still in flight', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inflight = apply(s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    expect(
      apply(inflight.run, { type: 'retry', stepVersion: inflight.run.stepVersion }, T0 + 5_000).refused?.code,
    ).toBe('card_stale');
  });

  it('re-probes instead of re-writing when retried with a write in flight (crash recovery)', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inflight = apply(s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    // The process died after Graph created the invitation but before the result was saved.
    answer(t, writes([...inflight.effects])[0]!);
    const resumed = drive(t, inflight.run, { type: 'retry' }, T0 + IN_FLIGHT_GRACE_MS + 1_000);
    expect(t.writes).toEqual(['inviteGuest']);
    expect(resumed.run.stepResults.invite).toMatchObject({ status: 'done', already: true });
    expect(resumed.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
  });

  it('recovers an interrupted write by probing: found done, it audits what it found and moves on', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inflight = apply(s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    answer(t, writes([...inflight.effects])[0]!);
    // At once, not after the grace period: the recovery knows the process that sent the write is gone.
    const recovered = drive(t, inflight.run, { type: 'recover', reachable: true }, T0 + 2_000);
    expect(t.writes).toEqual(['inviteGuest']);
    expect(audits(recovered.effects)).toContainEqual(
      expect.objectContaining({
        action: 'graph.write.reconciled',
        details: expect.objectContaining({ stepId: 'invite', op: 'inviteGuest', found: 'done' }),
      }),
    );
    expect(recovered.run.stepResults.invite?.notes?.[0]?.en).toContain('Sesame was interrupted');
    expect(recovered.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
  });

  it('recovers an interrupted write that never reached Graph by asking again, never by writing', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inflight = apply(s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    const recovered = drive(t, inflight.run, { type: 'recover', reachable: true }, T0 + 2_000);
    expect(t.writes).toEqual([]);
    expect(audits(recovered.effects)).toContainEqual(
      expect.objectContaining({
        action: 'graph.write.reconciled',
        details: expect.objectContaining({ found: 'not-done' }),
      }),
    );
    expect(recovered.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
  });

  it('without a token, an interrupted run says so; a retry later reconciles it', () => {
    const t = tenant();
    const s = upToLookup(t);
    const inflight = apply(s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
    answer(t, writes([...inflight.effects])[0]!);
    const interrupted = apply(inflight.run, { type: 'recover', reachable: false }, T0 + 2_000);
    expect(interrupted.effects.filter((e) => e.type === 'graph')).toEqual([]);
    expect(interrupted.run.pending).toMatchObject({
      kind: 'error',
      stepId: 'invite',
      stage: 'write',
      error: { code: 'run_interrupted' },
    });
    const resumed = drive(t, interrupted.run, { type: 'retry', actor: GLOBAL_ADMIN }, T0 + 3_000);
    expect(t.writes).toEqual(['inviteGuest']);
    expect(resumed.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    // Nothing was in flight any more: a second recovery is refused and changes nothing.
    expect(apply(resumed.run, { type: 'recover', reachable: true }, T0 + 4_000).refused?.code).toBe(
      'card_stale',
    );
  });

  it.each(['graph_conflict', 'graph_bad_request'] as const)(
    'treats a duplicate role assignment (%s "conflicting object") as done',
    (duplicateAs) => {
      const t = tenant({ duplicateAs });
      const s = upToLookup(t);
      const inv = drive(t, s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0);
      // Someone assigns the role by hand between the probe and the confirmation.
      t.assignments.push({
        id: 'ra-hand',
        principalId: String(inv.run.facts.guestUserId),
        roleDefinitionId: ROLE.guestInviter,
        directoryScopeId: '/',
      });
      const a = sponsored(
        t,
        drive(t, inv.run, { type: 'confirm', stepVersion: inv.run.stepVersion }, T0 + 1),
        T0 + 1,
      );
      expect(a.run.stepResults['assign-role']).toMatchObject({ status: 'done', already: true });
      expect(audits(a.effects)).toContainEqual(
        expect.objectContaining({
          action: 'graph.write',
          result: 'skipped',
          details: expect.objectContaining({ reason: 'already done' }),
        }),
      );
      expect(a.run.stepResults.verify?.status).toBe('done');
      expect(t.assignments).toHaveLength(1);
    },
  );
});

describe('replication lag', () => {
  function toAssignConfirm(t: Tenant): Run {
    const s = upToLookup(t);
    return drive(t, s.run, { type: 'confirm', stepVersion: s.run.stepVersion }, T0).run;
  }

  it('retries a 404 on the just-created guest with backoff, then succeeds', () => {
    const t = tenant({ lagging404s: 2 });
    const r0 = toAssignConfirm(t);
    let now = T0 + 1000;
    const a1 = drive(t, r0, { type: 'confirm', stepVersion: r0.stepVersion }, now);
    expect(a1.run.pending).toMatchObject({
      kind: 'retry',
      stepId: 'assign-role',
      stage: 'write',
      attempt: 1,
    });
    expect(a1.effects).toContainEqual(
      expect.objectContaining({
        type: 'schedule-reminder',
        id: 'run-1:assign-role:retry',
        dueAt: now + 5000,
        notify: false,
      }),
    );
    expect(audits(a1.effects)).toContainEqual(
      expect.objectContaining({
        action: 'graph.write',
        result: 'failed',
        details: expect.objectContaining({ code: 'graph_not_found', retrying: true }),
      }),
    );

    now += 5000;
    const a2 = drive(t, a1.run, { type: 'timer-due', reminderId: 'run-1:assign-role:retry' }, now);
    expect(writes(a2.effects)[0]?.attempt).toBe(2);
    expect(a2.run.pending).toMatchObject({ kind: 'retry', attempt: 2 });
    expect(a2.effects).toContainEqual(
      expect.objectContaining({ type: 'schedule-reminder', dueAt: now + 10_000 }),
    );

    now += 10_000;
    const a3 = drive(t, a2.run, { type: 'timer-due', reminderId: 'run-1:assign-role:retry' }, now);
    expect(writes(a3.effects)[0]?.attempt).toBe(3);
    expect(a3.run.stepResults['assign-role']?.status).toBe('done');
    expect(a3.run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    expect(t.writes.filter((w) => w === 'assignDirectoryRole')).toHaveLength(3);
  });

  it('gives up after about five minutes and says so', () => {
    const t = tenant({ lagging404s: 100 });
    const r0 = toAssignConfirm(t);
    let now = T0 + 1000;
    let d = drive(t, r0, { type: 'confirm', stepVersion: r0.stepVersion }, now);
    let rounds = 0;
    while (d.run.pending?.kind === 'retry') {
      now = Date.parse(d.run.pending.retryAt);
      d = drive(t, d.run, { type: 'timer-due', reminderId: d.run.pending.reminderId }, now);
      rounds += 1;
    }
    expect(now - (T0 + 1000)).toBeLessThanOrEqual(300_000);
    expect(rounds).toBeGreaterThan(3);
    expect(d.run.pending).toMatchObject({
      kind: 'error',
      stepId: 'assign-role',
      stage: 'write',
      error: { code: 'graph_not_found' },
    });
    expect(d.run.stepResults['assign-role']?.status).toBe('failed');
    // A retry re-probes first, then asks to confirm again.
    t.lagging404s = 0;
    const again = drive(t, d.run, { type: 'retry', stepVersion: d.run.stepVersion }, now + 1000);
    expect(again.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
  });
});

describe('blocked steps', () => {
  it('a Guest Inviter can invite but is stopped at the role assignment until someone who can takes over', () => {
    const t = tenant();
    const s = upToLookup(t, GUEST_INVITER);
    expect(s.run.preflight?.feasibility).toBe('partial');
    // Reading the guest and its role back needs no role: the verification is not blocked. Nor is the sponsor step:
    // its write is left to the admin by hand.
    expect(s.run.preflight?.blockedSteps).toEqual(['assign-role']);
    expect(s.run.preflight?.byHandSteps).toEqual(['sponsor']);
    const inv = drive(
      t,
      s.run,
      { type: 'confirm', stepVersion: s.run.stepVersion, actor: GUEST_INVITER },
      T0,
    );
    expect(inv.run.pending).toEqual({
      kind: 'blocked',
      stepId: 'assign-role',
      missingRoles: [ROLE.privilegedRoleAdministrator, ROLE.globalAdministrator],
      missingScopes: [],
    });
    expect(audits(inv.effects)).toContainEqual(
      expect.objectContaining({ action: 'step.blocked', result: 'refused' }),
    );
    // Retrying as the same person changes nothing…
    const same = drive(
      t,
      inv.run,
      { type: 'retry', stepVersion: inv.run.stepVersion, actor: GUEST_INVITER },
      T0 + 1,
    );
    expect(same.run.pending?.kind).toBe('blocked');
    // …a Privileged Role Administrator in the same chat can carry on.
    const paul = drive(
      t,
      same.run,
      { type: 'retry', stepVersion: same.run.stepVersion, actor: PRIV_ROLE_ADMIN },
      T0 + 2,
    );
    expect(paul.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    expect(paul.run.admin.id).toBe('u-paul');
  });

  it('a plain user is stopped before anything runs, with the holders of the roles named', () => {
    const t = tenant();
    const plain = { id: 'u-bob', name: 'Bob', roleTemplateIds: [], scopes: SCOPES };
    const s = drive(t, newRun(), { type: 'start', actor: plain }, T0);
    const lookups = s.effects.filter((e): e is GraphEffect => e.type === 'graph').map((e) => e.args[0]);
    expect(lookups.sort()).toEqual(
      [
        ROLE.guestInviter,
        ROLE.userAdministrator,
        ROLE.globalAdministrator,
        ROLE.privilegedRoleAdministrator,
        ROLE.directoryWriters,
      ].sort(),
    );
    expect(s.run.pending).toMatchObject({ kind: 'blocked', stepId: null });
    expect(s.run.preflight?.feasibility).toBe('none');
    expect(
      s.run.preflight?.holders.find((h) => h.roleTemplateId === ROLE.privilegedRoleAdministrator),
    ).toMatchObject({
      known: true,
      roleName: { en: 'Privileged Role Administrator' },
      holders: [{ userPrincipalName: 'holder-e861@cabinet.fr' }],
    });
    expect(s.run.stepResults).toEqual({});
  });
});

describe('a sponsor the admin may not add (optional write)', () => {
  const INVITER_AND_ROLES = {
    id: 'u-ines',
    name: 'Inès Roles',
    roleTemplateIds: [ROLE.guestInviter, ROLE.privilegedRoleAdministrator],
    scopes: SCOPES,
  };

  /** Invites and assigns the role as `actor`: the run then stands at the sponsor step's outcome. */
  function upToSponsor(t: Tenant, actor: EventActor, run = newRun(), module = A): Driven {
    const started = drive(t, run, { type: 'start', actor, locale: 'fr' }, T0, module);
    const submitted = drive(
      t,
      started.run,
      { type: 'submit-input', stepVersion: started.run.stepVersion, values: { email: CEGID_LOOP_EMAIL } },
      T0 + 1000,
      module,
    );
    const invited = drive(
      t,
      submitted.run,
      { type: 'confirm', stepVersion: submitted.run.stepVersion },
      T0 + 2000,
      module,
    );
    expect(invited.run.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const assigned = drive(
      t,
      invited.run,
      { type: 'confirm', stepVersion: invited.run.stepVersion },
      T0 + 3000,
      module,
    );
    return {
      run: assigned.run,
      effects: [...started.effects, ...submitted.effects, ...invited.effects, ...assigned.effects],
    };
  }

  it('with Guest Inviter and Privileged Role Administrator: not asked, not written, said, and the run goes on', () => {
    const t = tenant();
    const d = upToSponsor(t, INVITER_AND_ROLES);
    expect(d.run.preflight).toMatchObject({
      feasibility: 'full',
      blockedSteps: [],
      byHandSteps: ['sponsor'],
    });
    // The probe ran (already the sponsor would be done), then nothing was asked or sent.
    expect(t.writes).toEqual(['inviteGuest', 'assignDirectoryRole']);
    const sponsor = d.run.stepResults.sponsor;
    expect(sponsor?.status).toBe('skipped');
    expect(sponsor?.summary?.fr).toBe(
      `Sesame n’a pas pu faire de vous le parrain de ${CEGID_LOOP_EMAIL} : vos rôles ne permettent pas ` +
        'd’ajouter un parrain (il faut l’un de ceux-ci : Administrateur d’utilisateurs, Enregistreurs de ' +
        'répertoire, Administrateur général). Rien n’a été écrit.',
    );
    expect(sponsor?.summary?.en).toBe(
      `Sesame could not make you the sponsor of ${CEGID_LOOP_EMAIL}: your roles do not allow adding a sponsor ` +
        '(it takes one of these: User Administrator, Directory Writers, Global Administrator). Nothing was written.',
    );
    expect(sponsor?.notes?.[0]?.fr).toContain(`Utilisateurs > Tous les utilisateurs > ${CEGID_LOOP_EMAIL}`);
    expect(sponsor?.notes?.[0]?.en).toContain('or ask a User Administrator');
    expect(audits(d.effects)).toContainEqual(
      expect.objectContaining({
        action: 'action.not-allowed',
        result: 'skipped',
        details: expect.objectContaining({ stepId: 'sponsor', op: 'addSponsor' }),
      }),
    );
    // On to the verification and the vendor's wait in the turn of the role's confirmation: nothing was asked.
    expect(d.run.stepResults.verify?.status).toBe('done');
    expect(d.run.pending).toMatchObject({ kind: 'wait', stepId: 'vendor-wait' });
  });

  it('whose token did not say its roles: Graph’s 403 on the write ends the step the same way', () => {
    const t = tenant({ sponsorForbidden: true });
    const unknownRoles = { id: 'u-uma', name: 'Uma', scopes: SCOPES };
    const d = upToSponsor(t, unknownRoles);
    expect(d.run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    const s = drive(t, d.run, { type: 'confirm', stepVersion: d.run.stepVersion }, T0 + 4000);
    expect(writes(s.effects).map((w) => w.op)).toEqual(['addSponsor']);
    expect(s.run.stepResults.sponsor).toMatchObject({
      status: 'skipped',
      error: { code: 'graph_forbidden' },
    });
    expect(s.run.stepResults.sponsor?.summary?.en).toMatch(/^Sesame could not make you the sponsor/);
    expect(audits(s.effects).map((a) => `${a.action} ${a.result}`)).toEqual(
      expect.arrayContaining(['graph.write failed', 'action.not-allowed skipped']),
    );
    expect(s.run.pending).toMatchObject({ kind: 'wait', stepId: 'vendor-wait' });
  });

  it('under version 1, where the write was required, the same admin is blocked at the step as before', () => {
    const t = tenant();
    const d = upToSponsor(t, INVITER_AND_ROLES, newRun(A1.procedure.version), A1);
    expect(A1.procedure.version).toBe(1);
    expect(d.run.procedureVersion).toBe(1);
    expect(d.run.pending).toEqual({
      kind: 'blocked',
      stepId: 'sponsor',
      missingRoles: [ROLE.userAdministrator, ROLE.directoryWriters, ROLE.globalAdministrator],
      missingScopes: [],
    });
    expect(t.writes).toEqual(['inviteGuest', 'assignDirectoryRole']);
    // Someone who may add a sponsor carries it on under version 1: asked, then written.
    const alice = drive(
      t,
      d.run,
      { type: 'retry', stepVersion: d.run.stepVersion, actor: GLOBAL_ADMIN },
      T0 + 5000,
      A1,
    );
    expect(alice.run.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    const s = drive(t, alice.run, { type: 'confirm', stepVersion: alice.run.stepVersion }, T0 + 6000, A1);
    expect(t.sponsors[String(s.run.facts.guestUserId)]).toEqual(['u-alice']);
    expect(s.run.pending).toMatchObject({ kind: 'wait', stepId: 'vendor-wait' });
  });
});

describe('preflight as an event, and versions', () => {
  it('accepts a preflight report computed by the caller instead of its own lookups', () => {
    const t = tenant({ allowInvitesFrom: 'adminsGuestInvitersAndAllMembers' });
    const plain = { id: 'u-bob', name: 'Bob', roleTemplateIds: [], scopes: SCOPES };
    const started = apply(newRun(), { type: 'start', actor: plain }, T0);
    expect(started.run.pending).toMatchObject({ kind: 'graph', stage: 'preflight' });
    const report = computePreflight({
      procedure: A.procedure,
      roleTemplateIds: [ROLE.guestInviter],
      scopes: SCOPES,
    });
    const r = drive(t, started.run, { type: 'preflight-result', report }, T0 + 1);
    expect(r.run.preflight).toEqual(report);
    expect(r.run.pending?.kind).toBe('input');
    // A late lookup result is no longer awaited.
    const late = started.effects.find((e): e is GraphEffect => e.type === 'graph');
    expect(
      apply(r.run, { type: 'effect-result', callId: late!.callId, result: answer(t, late!) }, T0 + 2).refused
        ?.code,
    ).toBe('card_stale');
  });

  it('refuses to move a run under another version of its procedure', () => {
    const run = { ...newRun(), procedureVersion: 0 };
    const r = transition(A, run, { type: 'start', actor: GLOBAL_ADMIN }, T0);
    expect(r.refused?.code).toBe('procedure_unknown');
    expect(r.run).toBe(run);
  });
});
