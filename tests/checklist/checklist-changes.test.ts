/**
 * What a second snapshot says after the tenant changed (from the sandbox console, or by procedure A), accepted
 * exceptions through the API, and the tenant boundary on one store holding two tenants.
 */
import type {
  ChecklistItem,
  ChecklistView,
  ExceptionView,
  RefreshEvent,
} from '../../core/checklist/api-types.js';
import { createChecklistService } from '../../core/checklist/checklist-service.js';
import { ROLE } from '../../core/directory-roles.js';
import type { Run } from '../../core/engine/run.js';
import type { EntraCaller } from '../../adapters/identity/entra-token-verifier.js';
import { addRoleAssignment, SEED_USERS } from '../../sandbox/data/seed.js';
import { CLIENT_TENANT_ID } from '../../sandbox/data/seed-client-tenant.js';
import { createHttpApp } from '../../server/http-app.js';
import { checklistDigestSection } from '../../bot/checklist-digest-section.js';
import { createTabApi } from '../../server/tab-api.js';
import { click, startGuestAccess } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;
const DAY = 86_400_000;

describe('checklist: changes, exceptions, Sesame’s own grants', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function tokenOf(who: Who): Promise<string> {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: SEED_USERS[who].userPrincipalName, appId: stack.config.bot.appId }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  async function call<T>(
    who: Who,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${stack.sesame.url}/api/tab${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await tokenOf(who)}`,
        'accept-language': 'en',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function refresh(who: Who) {
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf(who)}` },
    });
    const events = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RefreshEvent);
    const last = events.at(-1)!;
    if (last.type !== 'done') throw new Error(`refresh did not finish: ${JSON.stringify(last)}`);
    return last;
  }

  const item = (items: readonly ChecklistItem[], id: string) => items.find((i) => i.ruleId === id)!;

  it('after the admin fixes the invite policy and removes the pending guest in the console, the next snapshot lists both as changed', async () => {
    const first = await refresh('globalAdmin');
    expect(item(first.snapshot.items, 'guest-invite-policy').status).toBe('fail');

    const console = stack.sandbox.httpUrl;
    const put = await fetch(`${console}/_sandbox/tenant/invite-policy`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allowInvitesFrom: 'adminsAndGuestInviters' }),
    });
    expect(put.status).toBe(200);
    const del = await fetch(`${console}/_sandbox/tenant/guests/${SEED_USERS.pendingGuest.id}`, {
      method: 'DELETE',
    });
    expect(del.status).toBe(204);

    const second = await refresh('globalAdmin');
    expect(item(second.snapshot.items, 'guest-invite-policy').status).toBe('pass');
    expect(item(second.snapshot.items, 'pending-guests').status).toBe('pass');
    const { changes } = second;
    expect(changes.since).toBe(first.snapshot.takenAt);
    expect(changes.fixed.map((c) => c.ruleId)).toEqual(
      expect.arrayContaining(['guest-invite-policy', 'pending-guests']),
    );
    expect(changes.fixed.find((c) => c.ruleId === 'guest-invite-policy')).toMatchObject({
      from: 'fail',
      to: 'pass',
    });
    expect(
      changes.resolvedFindings.find((f) => f.ruleId === 'pending-guests')?.objects.map((o) => o.id),
    ).toEqual([SEED_USERS.pendingGuest.id]);
    expect(changes.newFailures).toEqual([]);
    // GET shows the same comparison at once.
    const shown = await call<ChecklistView>('globalAdmin', 'GET', '/checklist');
    expect(shown.body.changes?.fixed.map((c) => c.ruleId)).toEqual(changes.fixed.map((c) => c.ruleId));
  });

  it('procedure A’s Guest Inviter grant shows as an accepted exception with its origin and review date; revoked, it fails again', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { email: 'admin@onloop.onmicrosoft.com' },
    });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.confirm');
    const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
    const guestId = [...stack.sandbox.state.users.values()].find(
      (u) => u.mail?.toLowerCase() === 'admin@onloop.onmicrosoft.com',
    )!.id;

    const { snapshot, changes } = await refresh('globalAdmin');
    // The run waits for the admin to confirm the sponsor step: the new guest has no sponsor yet.
    const unsponsored = (items: readonly ChecklistItem[]) =>
      item(items, 'guests-without-sponsor').evidence.objects.map((o) => o.id);
    expect(unsponsored(snapshot.items)).toContain(guestId);
    const roles = item(snapshot.items, 'guests-with-roles');
    expect(roles.status).toBe('fail');
    expect(roles.effectiveStatus).toBe('accepted');
    expect(roles.exceptions).toHaveLength(1);
    const exception = roles.exceptions[0]!;
    expect(exception.origin).toMatchObject({
      runId,
      procedureId: 'vendor-guest-access',
      by: { id: SEED_USERS.globalAdmin.id },
    });
    expect(Date.parse(exception.expiresAt) - Date.parse(exception.origin!.at)).toBe(90 * DAY);
    expect(exception.origin!.why.en).toMatch(/vendor requires the Guest Inviter role/);
    expect(item(snapshot.items, 'guest-inviter-holders').effectiveStatus).toBe('accepted');
    // The new guest and the new grant are listed as changes.
    expect(changes.newGrants.map((g) => g.id)).toContain(roles.evidence.objects[0]!.id);
    expect(changes.newGuests.map((g) => g.name)).toContain('admin@onloop.onmicrosoft.com');

    const audit = await call<{ action: string; actorId: string }[]>('globalAdmin', 'GET', '/audit?limit=200');
    expect(
      audit.body.some((e) => e.action === 'checklist.exception.accepted' && e.actorId === 'sesame'),
    ).toBe(true);

    const revoked = await call<ExceptionView>(
      'globalAdmin',
      'POST',
      `/checklist/exceptions/${encodeURIComponent(exception.id)}/revoke`,
      { reason: 'The vendor no longer needs it' },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const after = await call<ChecklistView>('globalAdmin', 'GET', '/checklist');
    expect(item(after.body.snapshot!.items, 'guests-with-roles').effectiveStatus).toBe('fail');
    // A later snapshot does not bring a revoked grant exception back.
    const again = await refresh('globalAdmin');
    expect(item(again.snapshot.items, 'guests-with-roles').effectiveStatus).toBe('fail');

    const renewed = await call<ExceptionView>(
      'globalAdmin',
      'POST',
      `/checklist/exceptions/${encodeURIComponent(exception.id)}/renew`,
      { expiresAt: new Date(Date.now() + 30 * DAY).toISOString() },
    );
    expect(renewed.body.status).toBe('active');
    const renewedView = await call<ChecklistView>('globalAdmin', 'GET', '/checklist');
    expect(item(renewedView.body.snapshot!.items, 'guests-with-roles').effectiveStatus).toBe('accepted');

    // The admin confirms the sponsor step: the next snapshot no longer lists A's guest as without a sponsor.
    card = await click(stack, party, card, 'run.confirm');
    expect(stack.sandbox.state.sponsors.get(guestId)).toEqual([SEED_USERS.globalAdmin.id]);
    const sponsored = await refresh('globalAdmin');
    expect(unsponsored(sponsored.snapshot.items)).not.toContain(guestId);
    expect(unsponsored(sponsored.snapshot.items).length).toBeGreaterThan(0); // the seed's own unsponsored guests
  });

  it('an administrator accepts a failing rule with a reason; a reader may not; bad input is refused', async () => {
    const body = {
      ruleId: 'users-can-register-apps',
      reason: 'Developers register their test apps until the new process is live',
      expiresAt: new Date(Date.now() + 60 * DAY).toISOString(),
    };
    const refused = await call<{ error: { code: string } }>(
      'globalReader',
      'POST',
      '/checklist/exceptions',
      body,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('checklist_forbidden');
    const past = await call<{ error: { code: string; message: string } }>(
      'globalAdmin',
      'POST',
      '/checklist/exceptions',
      {
        ...body,
        expiresAt: '2000-01-01',
      },
    );
    expect(past.status).toBe(400);
    expect(past.body.error.message).toMatch(/review date is in the past/);
    const unknownRule = await call<{ error: { code: string } }>(
      'globalAdmin',
      'POST',
      '/checklist/exceptions',
      {
        ...body,
        ruleId: 'nope',
      },
    );
    expect(unknownRule.status).toBe(400);

    const accepted = await call<ExceptionView>('globalAdmin', 'POST', '/checklist/exceptions', body);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      ruleId: 'users-can-register-apps',
      status: 'active',
      reason: body.reason,
    });
    const view = await call<ChecklistView>('globalAdmin', 'GET', '/checklist');
    const registered = item(view.body.snapshot!.items, 'users-can-register-apps');
    expect(registered).toMatchObject({ status: 'fail', effectiveStatus: 'accepted' });
    expect(view.body.snapshot!.summary.accepted).toBeGreaterThan(0);
    const audit = await call<{ action: string; actorId: string }[]>('globalAdmin', 'GET', '/audit?limit=50');
    expect(audit.body.find((e) => e.action === 'checklist.exception.accepted')?.actorId).toBe(
      SEED_USERS.globalAdmin.id,
    );
  });

  it('one tenant never reads another’s snapshots or exceptions (one store, two tenants)', async () => {
    const service = createChecklistService({
      store: stack.store,
      clock: { now: () => Date.now() } as never,
      procedureTitle: () => undefined,
      newId: () => 'x',
    });
    const other: EntraCaller = {
      tenantId: CLIENT_TENANT_ID,
      userId: '00000000-0000-4000-8000-0000000000aa',
      name: 'Admin of the client',
      roleTemplateIds: [ROLE.globalAdministrator],
      scopes: [],
      appRoles: [],
    };
    // The real HTTP surface (error handling, the caller from the verified token), the token being the other tenant's.
    const app = createHttpApp({
      tabDir: '/nonexistent',
      tabSettings: {},
      verifyTabToken: async () => other,
      health: async () => ({}),
      logError: () => undefined,
    });
    app.route(
      '/api/tab',
      createTabApi({
        store: stack.store,
        procedures: () => [],
        checklist: {
          service,
          readerFor: () => {
            throw new Error('no Graph here');
          },
          logError: () => undefined,
          now: () => Date.now(),
        },
      }),
    );
    // The seeded tenant has snapshots and exceptions by now (earlier tests).
    const mine = await call<ExceptionView[]>('globalAdmin', 'GET', '/checklist/exceptions');
    expect(mine.body.length).toBeGreaterThan(0);

    const view = (await (await app.request('/api/tab/checklist')).json()) as ChecklistView;
    expect(view.snapshot).toBeNull();
    expect(await (await app.request('/api/tab/checklist/exceptions')).json()).toEqual([]);
    const revoke = await app.request(
      `/api/tab/checklist/exceptions/${encodeURIComponent(mine.body[0]!.id)}/revoke`,
      {
        method: 'POST',
      },
    );
    expect(revoke.status).toBe(404);
    // Still active in its own tenant.
    const still = await call<ExceptionView[]>('globalAdmin', 'GET', '/checklist/exceptions');
    expect(still.body.find((e) => e.id === mine.body[0]!.id)?.status).toBe(mine.body[0]!.status);
  });

  it('the weekly digest’s checklist section says what fails and what changed, in the tenant’s language', async () => {
    const service = createChecklistService({
      store: stack.store,
      clock: { now: () => Date.now() } as never,
      procedureTitle: () => undefined,
      newId: () => 'x',
    });
    const section = checklistDigestSection(service);
    const ctx = {
      tenantId: stack.sandbox.tenantId,
      conversationId: 'c',
      since: Date.now() - 7 * DAY,
      until: Date.now(),
      formatTime: (iso: string) => iso.slice(0, 10),
    };
    const fr = JSON.stringify(await section.build({ ...ctx, locale: 'fr' }));
    expect(fr).toContain('Check-list (état du');
    expect(fr).toContain('**Invités sans parrain**');
    const en = JSON.stringify(await section.build({ ...ctx, locale: 'en' }));
    expect(en).toContain('**Guests without a sponsor**');
    expect(en).not.toContain('Guests holding a directory role'); // accepted (Sesame’s grant, renewed above)
    expect(en).not.toContain('Who can invite guests'); // fixed in the console earlier: not failing any more
    // Another tenant, with no snapshot: nothing to say.
    expect(await section.build({ ...ctx, tenantId: CLIENT_TENANT_ID, locale: 'en' })).toBeUndefined();
  });

  it('a guest whose inviting admin could not add a sponsor stays among the guests without a sponsor', async () => {
    // Sophie Bernard (Privileged Role Administrator) made Guest Inviter too: A runs through, the sponsor by hand.
    const grant = addRoleAssignment(
      stack.sandbox.state,
      SEED_USERS.privilegedRoleAdmin.id,
      ROLE.guestInviter,
    );
    try {
      const vendor = 'support@editeur-sans-parrain.fr';
      const party = stack.party('privilegedRoleAdmin');
      let card = await startGuestAccess(stack, party, 'privilegedRoleAdmin');
      card = await click(stack, party, card, 'run.submit', { inputs: { email: vendor } });
      card = await click(stack, party, card, 'run.confirm');
      card = await click(stack, party, card, 'run.confirm');
      const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
      const run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
      expect(run.stepResults.sponsor?.status).toBe('skipped');
      expect(run.pending?.kind).toBe('wait');
      const guestId = String(run.facts.guestUserId);

      const { snapshot } = await refresh('globalAdmin');
      const rule = item(snapshot.items, 'guests-without-sponsor');
      expect(rule.status).not.toBe('pass');
      expect(rule.evidence.objects.map((o) => o.id)).toContain(guestId);
      expect(stack.sandbox.state.sponsors.get(guestId) ?? []).toEqual([]);
    } finally {
      stack.sandbox.state.roleAssignments.delete(grant.id as string);
    }
  });
});
