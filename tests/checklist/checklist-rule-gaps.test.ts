/**
 * Two findings the first rules missed, on the seeded sandbox through the tab API: a guest eligible for a directory
 * role through PIM (one activation away from it) counts as a guest with a role, and an accepted guest who never
 * signed in (signInActivity null, invited 150 days ago) is inactive — Graph's `lastSignInDateTime le` skips it.
 */
import type { ChecklistItem, RefreshEvent } from '../../core/checklist/api-types.js';
import { ROLE } from '../../core/directory-roles.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;

describe('checklist: PIM-eligible guests and guests who never signed in', () => {
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

  async function refresh(who: Who) {
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf(who)}` },
    });
    const last = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RefreshEvent)
      .at(-1)!;
    if (last.type !== 'done') throw new Error(`refresh did not finish: ${JSON.stringify(last)}`);
    return last;
  }

  const item = (items: readonly ChecklistItem[], id: string) => items.find((i) => i.ruleId === id)!;

  it('an accepted guest who never signed in since being invited 150 days ago is inactive; a recent one is not', async () => {
    const { snapshot } = await refresh('globalAdmin');
    const inactive = item(snapshot.items, 'inactive-guests');
    expect(inactive.status).toBe('warn');
    expect(inactive.evidence.values).toMatchObject({ inactiveGuests: 1, neverSignedIn: 1 });
    expect(inactive.evidence.objects.map((o) => o.id).sort()).toEqual(
      [SEED_USERS.inactiveGuest.id, SEED_USERS.dormantGuest.id].sort(),
    );
    const dormant = inactive.evidence.objects.find((o) => o.id === SEED_USERS.dormantGuest.id)!;
    expect(dormant.detail).toEqual({
      fr: 'Jamais connecté, invité il y a 150 jours',
      en: 'Never signed in, invited 150 days ago',
    });
    expect(inactive.verdict.en).toBe('2 guest(s) without a sign-in for 90 days, 1 never signed in.');

    // Invited 40 days ago and never signed in either: not inactive yet.
    const guest = stack.sandbox.state.users.get(SEED_USERS.dormantGuest.id)!;
    guest.createdDateTime = new Date(Date.now() - 40 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const later = await refresh('globalAdmin');
    const after = item(later.snapshot.items, 'inactive-guests');
    expect(after.evidence.objects.map((o) => o.id)).toEqual([SEED_USERS.inactiveGuest.id]);
    expect(after.evidence.values).toMatchObject({ neverSignedIn: 0 });
  });

  it('a guest eligible for Global Administrator through PIM fails the rule; removing the eligibility in the console fixes it', async () => {
    const before = await refresh('globalAdmin');
    expect(item(before.snapshot.items, 'guests-with-roles').status).toBe('pass');

    const made = await fetch(`${stack.sandbox.httpUrl}/_sandbox/tenant/role-eligibilities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        principalId: SEED_USERS.acceptedGuest.id,
        roleDefinitionId: ROLE.globalAdministrator,
      }),
    });
    expect(made.status).toBe(201);
    const { id: eligibilityId } = (await made.json()) as { id: string };

    const { snapshot, changes } = await refresh('globalAdmin');
    const roles = item(snapshot.items, 'guests-with-roles');
    expect(roles).toMatchObject({
      status: 'fail',
      evidence: { values: { guestRoleAssignments: 0, guestRoleEligibilities: 1 } },
    });
    expect(roles.evidence.objects).toEqual([
      expect.objectContaining({
        id: SEED_USERS.acceptedGuest.id,
        kind: 'guest',
        detail: { fr: 'Administrateur général (éligible, PIM)', en: 'Global Administrator (eligible, PIM)' },
      }),
    ]);
    expect(changes.newFailures.map((c) => c.ruleId)).toContain('guests-with-roles');

    // The console lists the eligibility with its remove button, which the admin clicks.
    const html = await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/console`)).text();
    const section = html.slice(html.indexOf('data-section="eligibilities"'));
    expect(section).toContain(`data-path="/_sandbox/tenant/role-eligibilities/${eligibilityId}"`);
    expect(section).toContain('guest eligible for a role');
    const removed = await fetch(
      `${stack.sandbox.httpUrl}/_sandbox/tenant/role-eligibilities/${eligibilityId}`,
      {
        method: 'DELETE',
      },
    );
    expect(removed.status).toBe(204);
    const fixed = await refresh('globalAdmin');
    expect(item(fixed.snapshot.items, 'guests-with-roles').status).toBe('pass');
    expect(fixed.changes.fixed.map((c) => c.ruleId)).toContain('guests-with-roles');
  });

  it('a viewer who may not read PIM eligibilities gets unknown naming what is missing, never a pass', async () => {
    const { snapshot } = await refresh('guestInviter');
    const roles = item(snapshot.items, 'guests-with-roles');
    expect(roles.status).toBe('unknown');
    expect(roles.missing?.scopes).toEqual(['RoleEligibilitySchedule.Read.Directory']);
    expect(roles.missing?.roles.map((r) => r.en)).toContain('Privileged Role Administrator');
  });
});
