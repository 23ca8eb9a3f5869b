/**
 * The checklist on PostgreSQL (npm run test:pg): Sesame as `npm start` runs it, but with DATABASE_URL pointing at a
 * schema of its own. Snapshots, exceptions (accept, renew, revoke, expiry) and the tenant boundary go through the
 * tab API and the same checklist service as on SQLite; the rows are read back from PostgreSQL to show where they are.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import pg from 'pg';
import type {
  ChecklistItem,
  ChecklistView,
  ExceptionView,
  RefreshEvent,
} from '../../core/checklist/api-types.js';
import { createChecklistService } from '../../core/checklist/checklist-service.js';
import { ROLE } from '../../core/directory-roles.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { SEED_TENANT_ID, SEED_USERS } from '../../sandbox/data/seed.js';
import { CLIENT_TENANT_ID } from '../../sandbox/data/seed-client-tenant.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

jest.setTimeout(120_000);

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;
type Who = keyof typeof SEED_USERS;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('checklist on PostgreSQL', () => {
  const schema = `sesame_checklist_${process.pid}_${randomBytes(4).toString('hex')}`;
  const clock = new SimulatedClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  let stack: LocalStack;

  beforeAll(async () => {
    await admin((c) => c.query(`CREATE SCHEMA "${schema}"`));
    const url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    stack = await startLocalStack({ clock, env: { DATABASE_URL: url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  async function tokenOf(who: Who): Promise<string> {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: SEED_USERS[who].userPrincipalName, appId: stack.config.bot.appId }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  async function call<T>(who: Who, method: string, path: string, body?: unknown) {
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
    const last = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RefreshEvent)
      .at(-1)!;
    if (last.type !== 'done') throw new Error(`refresh did not finish: ${JSON.stringify(last)}`);
    return last;
  }

  const advance = async (days: number) => {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hours: days * 24 }),
    });
    expect(res.status).toBe(200);
  };
  const rows = (kind: string, tenantId: string) =>
    admin(async (c) => {
      const r = await c.query<{ id: string; value: Record<string, unknown> }>(
        `SELECT id, value FROM "${schema}".records WHERE kind = $1 AND tenant_id = $2 ORDER BY id`,
        [kind, tenantId],
      );
      return r.rows;
    });
  const item = (items: readonly ChecklistItem[], id: string) => items.find((i) => i.ruleId === id)!;
  const iso = (ms: number) => new Date(ms).toISOString();
  /** The shared clock (the console moves it; Sesame reads it). */
  const now = async () =>
    Date.parse(
      ((await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/clock`)).json()) as { now: string }).now,
    );

  it('stores snapshots in PostgreSQL and compares the next one with it', async () => {
    const first = await refresh('globalAdmin');
    expect(item(first.snapshot.items, 'guest-invite-policy').status).toBe('fail');
    const stored = await rows('snapshot', SEED_TENANT_ID);
    expect(stored.map((r) => r.id)).toEqual([first.snapshot.id]);
    expect(stored[0]!.value).toMatchObject({ takenBy: { id: SEED_USERS.globalAdmin.id } });

    const put = await fetch(`${stack.sandbox.httpUrl}/_sandbox/tenant/settings/invite-policy`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'adminsAndGuestInviters' }),
    });
    expect(put.status).toBe(200);
    await advance(1);
    const second = await refresh('globalAdmin');
    expect(second.changes.since).toBe(first.snapshot.takenAt);
    expect(second.changes.fixed.map((c) => c.ruleId)).toContain('guest-invite-policy');
    expect((await rows('snapshot', SEED_TENANT_ID)).map((r) => r.id)).toEqual([
      first.snapshot.id,
      second.snapshot.id,
    ]);
    // A reader sees the administrator's latest at once, with the comparison.
    const view = await call<ChecklistView>('globalReader', 'GET', '/checklist');
    expect(view.body.snapshot?.id).toBe(second.snapshot.id);
    expect(view.body.changes?.fixed.map((c) => c.ruleId)).toContain('guest-invite-policy');
  });

  it('accepts, renews, revokes an exception, and an expired one fails again', async () => {
    const accepted = await call<ExceptionView>('globalAdmin', 'POST', '/checklist/exceptions', {
      ruleId: 'users-can-register-apps',
      reason: 'Developers register their test apps until the new process is live',
      expiresAt: iso((await now()) + 10 * DAY),
    });
    expect(accepted.status).toBe(201);
    const [row] = (await rows('exception', SEED_TENANT_ID)).filter((r) => r.id === accepted.body.id);
    expect(row?.value).toMatchObject({
      ruleId: 'users-can-register-apps',
      acceptedBy: { id: SEED_USERS.globalAdmin.id },
    });
    const registered = async () =>
      item(
        (await call<ChecklistView>('globalAdmin', 'GET', '/checklist')).body.snapshot!.items,
        'users-can-register-apps',
      );
    expect(await registered()).toMatchObject({ status: 'fail', effectiveStatus: 'accepted' });

    const renewed = await call<ExceptionView>(
      'globalAdmin',
      'POST',
      `/checklist/exceptions/${encodeURIComponent(accepted.body.id)}/renew`,
      { expiresAt: iso((await now()) + 20 * DAY) },
    );
    expect(renewed.status).toBe(200);
    await advance(15); // past the first expiry, before the renewed one
    expect((await registered()).effectiveStatus).toBe('accepted');

    const revoked = await call<ExceptionView>(
      'globalAdmin',
      'POST',
      `/checklist/exceptions/${encodeURIComponent(accepted.body.id)}/revoke`,
      { reason: 'The new process is live' },
    );
    expect(revoked.body.status).toBe('revoked');
    expect((await registered()).effectiveStatus).toBe('fail');
    const history = (await rows('exception', SEED_TENANT_ID)).find((r) => r.id === accepted.body.id)!.value
      .history as { action: string }[];
    expect(history.map((h) => h.action)).toEqual(['accepted', 'renewed', 'revoked']);

    const consent = await call<ExceptionView>('globalAdmin', 'POST', '/checklist/exceptions', {
      ruleId: 'user-consent',
      reason: 'Reviewed with the partners',
      expiresAt: iso((await now()) + 5 * DAY),
    });
    expect(consent.status).toBe(201);
    const userConsent = async () =>
      item(
        (await call<ChecklistView>('globalAdmin', 'GET', '/checklist')).body.snapshot!.items,
        'user-consent',
      );
    expect((await userConsent()).effectiveStatus).toBe('accepted');
    await advance(6);
    expect((await userConsent()).effectiveStatus).toBe('fail');
    const list = await call<ExceptionView[]>('globalAdmin', 'GET', '/checklist/exceptions');
    expect(list.body.find((e) => e.id === consent.body.id)?.status).toBe('expired');

    const audit = await call<{ action: string }[]>('globalAdmin', 'GET', '/audit?limit=100');
    expect(audit.body.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'checklist.exception.accepted',
        'checklist.exception.renewed',
        'checklist.exception.revoked',
      ]),
    );
  });

  it('one tenant never reads another’s snapshots or exceptions in the same schema', async () => {
    const service = createChecklistService({
      store: stack.store,
      clock,
      procedureTitle: () => undefined,
      newId: () => 'other',
    });
    const other = {
      tenantId: CLIENT_TENANT_ID,
      userId: '00000000-0000-4000-8000-0000000000aa',
      name: 'Admin of the client',
      roleTemplateIds: [ROLE.globalAdministrator],
    };
    expect(await service.current(other)).toMatchObject({ snapshot: null, changes: null });
    expect(await service.listExceptions(other)).toEqual([]);
    const theirs = await service.accept(other, {
      ruleId: 'global-admin-count',
      reason: 'Their own business',
      expiresAt: iso((await now()) + 30 * DAY),
    });
    expect((await rows('exception', CLIENT_TENANT_ID)).map((r) => r.id)).toEqual([theirs.id]);

    // The seeded tenant's admin neither sees it nor can touch it (same id, other tenant: not found).
    const ours = await call<ExceptionView[]>('globalAdmin', 'GET', '/checklist/exceptions');
    expect(ours.body.map((e) => e.ruleId)).not.toContain('global-admin-count');
    const revoke = await call<{ error: { code: string } }>(
      'globalAdmin',
      'POST',
      `/checklist/exceptions/${encodeURIComponent(theirs.id)}/revoke`,
      {},
    );
    expect(revoke.status).toBe(404);
    const view = await call<ChecklistView>('globalAdmin', 'GET', '/checklist');
    expect(item(view.body.snapshot!.items, 'global-admin-count').exceptions).toEqual([]);
    expect(await service.current(other)).toMatchObject({ snapshot: null });
  });
});
