/**
 * The checklist's tab API against the local stack (sandbox tenant + Sesame, as `npm start` runs them): the viewer's
 * SSO token is exchanged on their behalf, Graph is read with their rights, snapshots are stored per tenant.
 */
import type { ChecklistItem, ChecklistView, RefreshEvent } from '../../core/checklist/api-types.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;

describe('/api/tab/checklist', () => {
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

  async function refresh(who: Who): Promise<RefreshEvent[]> {
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf(who)}`, 'accept-language': 'en' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    return (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RefreshEvent);
  }

  const item = (items: readonly ChecklistItem[], id: string) => items.find((i) => i.ruleId === id)!;

  async function get<T>(who: Who, path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${stack.sesame.url}/api/tab${path}`, {
      headers: { authorization: `Bearer ${await tokenOf(who)}`, 'accept-language': 'fr' },
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  const done = (events: RefreshEvent[]) => {
    const last = events.at(-1)!;
    if (last.type !== 'done') throw new Error(`refresh did not finish: ${JSON.stringify(last)}`);
    return last;
  };

  it('a Global Administrator gets the seeded tenant’s findings area by area, then the stored snapshot at once', async () => {
    const events = await refresh('globalAdmin');
    expect(events[0]).toMatchObject({ type: 'started' });
    const areas = events.filter((e) => e.type === 'area').map((e) => (e as { area: string }).area);
    expect([...areas].sort()).toEqual(['apps', 'domains', 'guest-access', 'guests', 'roles']);
    const { snapshot, changes } = done(events);
    const items = snapshot.items;
    expect(item(items, 'guest-invite-policy')).toMatchObject({
      status: 'fail',
      evidence: { values: { allowInvitesFrom: 'everyone' } },
    });
    expect(item(items, 'global-admin-count')).toMatchObject({
      status: 'pass',
      evidence: { values: { globalAdministrators: 2 } },
    });
    const pending = item(items, 'pending-guests');
    expect(pending.status).toBe('warn');
    expect(pending.evidence.objects.map((o) => o.name)).toEqual([SEED_USERS.pendingGuest.mail]);
    expect(pending.fix?.procedureId).toBe('vendor-guest-access');
    // Last signed in 120 days ago, and accepted 150 days ago without ever signing in.
    expect(
      item(items, 'inactive-guests')
        .evidence.objects.map((o) => o.id)
        .sort(),
    ).toEqual([SEED_USERS.inactiveGuest.id, SEED_USERS.dormantGuest.id].sort());
    expect(
      item(items, 'guests-without-sponsor')
        .evidence.objects.map((o) => o.id)
        .sort(),
    ).toEqual([SEED_USERS.pendingGuest.id, SEED_USERS.inactiveGuest.id].sort());
    expect(item(items, 'guests-owning-apps').evidence.objects.map((o) => o.id)).toEqual([
      SEED_USERS.inactiveGuest.id,
    ]);
    expect(item(items, 'admin-consent-workflow').status).toBe('fail');
    expect(item(items, 'app-credentials-expiry')).toMatchObject({
      status: 'fail',
      evidence: { values: { expired: 1, expiring: 1 } },
    });
    expect(item(items, 'guest-invite-domains').status).toBe('unknown');
    // Nothing read is a silent pass: only the domain allow-list (not in Graph v1.0) is unknown.
    expect(items.filter((i) => i.status === 'unknown').map((i) => i.ruleId)).toEqual([
      'guest-invite-domains',
    ]);
    expect(snapshot.takenBy.id).toBe(SEED_USERS.globalAdmin.id);
    expect(snapshot.roundTrips).toBe(1);
    expect(changes.since).toBeNull();

    const shown = await get<ChecklistView>('globalAdmin', '/checklist');
    expect(shown.status).toBe(200);
    expect(shown.body.snapshot?.id).toBe(snapshot.id);
    expect(shown.body.snapshot?.items.map((i) => i.effectiveStatus)).toEqual(
      items.map((i) => i.effectiveStatus),
    );
    expect(shown.body.canManageExceptions).toBe(true);
  });

  it('a Guest Inviter reads what their rights allow and sees “unknown: needs …” for the rest', async () => {
    const { snapshot } = done(await refresh('guestInviter'));
    const policy = item(snapshot.items, 'guest-invite-policy');
    expect(policy.status).toBe('unknown');
    expect(policy.missing?.scopes).toEqual(['Policy.Read.All']);
    expect(policy.missing?.roles.map((r) => r.en)).toContain('Global Reader');
    expect(policy.missing?.message.en).toMatch(
      /^Cannot be read with your role or scopes: needs .*Global Reader/,
    );
    const inactive = item(snapshot.items, 'inactive-guests');
    expect(inactive.status).toBe('unknown');
    expect(inactive.missing?.scopes).toEqual(['User.Read.All', 'AuditLog.Read.All']);
    // What a member may read is read.
    expect(item(snapshot.items, 'pending-guests').status).toBe('warn');
    expect(item(snapshot.items, 'global-admin-count').status).toBe('pass');
    // Their own snapshot, not the administrator's (even a later one), and no exception management.
    const admins = done(await refresh('globalAdmin')).snapshot;
    expect((await get<ChecklistView>('globalReader', '/checklist')).body.snapshot?.id).toBe(admins.id);
    const shown = await get<ChecklistView>('guestInviter', '/checklist');
    expect(shown.body.snapshot?.id).toBe(snapshot.id);
    expect(shown.body.canManageExceptions).toBe(false);
  });

  it('someone without a token reads nothing', async () => {
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect((await fetch(`${stack.sesame.url}/api/tab/checklist`)).status).toBe(401);
  });
});
