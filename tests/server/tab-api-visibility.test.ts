/**
 * Who reads which runs and audit events through the tab's API (core/run-visibility.ts), with the sandbox's tab
 * SSO tokens of seeded users: Claire Martin (Global Administrator) and Nicolas Fournier (Global Reader) see the
 * tenant's; Emma Robert (Guest Inviter) and Lucas Moreau (no role) see only their own; a user of another tenant
 * sees nothing. Then the tenant boundary itself, on one store holding two tenants.
 */
import { Hono, type Context } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { EntraCaller } from '../../adapters/identity/entra-token-verifier.js';
import { ROLE } from '../../core/directory-roles.js';
import type { Store } from '../../core/ports/store.js';
import { AUDITOR_APP_ROLE } from '../../core/run-visibility.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import type { TabEnv } from '../../server/http-app.js';
import { createTabApi } from '../../server/tab-api.js';
import { startGuestAccess, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;

function runIdOf(card: Card): string {
  return (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
}

describe('/api/tab/runs and /api/tab/audit: who sees what', () => {
  let stack: LocalStack;
  const runOf: Partial<Record<Who, string>> = {};
  beforeAll(async () => {
    stack = await startLocalStack();
    for (const who of ['globalAdmin', 'guestInviter', 'plainUser'] as const) {
      const card = await startGuestAccess(stack, stack.party(who), who);
      runOf[who] = runIdOf(card);
    }
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

  async function get<T>(who: Who | string, path: string): Promise<{ status: number; body: T }> {
    const token = who in SEED_USERS ? await tokenOf(who as Who) : who;
    const res = await fetch(`${stack.sesame.url}/api/tab${path}`, {
      headers: { authorization: `Bearer ${token}`, 'accept-language': 'fr-FR' },
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  const runIds = async (who: Who | string) =>
    (await get<{ id: string }[]>(who, '/runs')).body.map((r) => r.id).sort();
  const auditRuns = async (who: Who | string, query = '') =>
    [...new Set((await get<{ runId?: string }[]>(who, `/audit?limit=200${query}`)).body.map((e) => e.runId))]
      .filter(Boolean)
      .sort();

  it('a Global Administrator and a Global Reader see every run and the whole audit log', async () => {
    const all = Object.values(runOf).sort();
    expect(all).toHaveLength(3);
    for (const who of ['globalAdmin', 'globalReader'] as const) {
      expect(await runIds(who)).toEqual(all);
      expect(await auditRuns(who)).toEqual(all);
      expect((await get<{ access: unknown }>(who, '/me')).body.access).toEqual({
        scope: 'tenant',
        via: 'directory-role',
      });
    }
  });

  it('a Guest Inviter and a user without a role see their own runs and their audit events only', async () => {
    for (const who of ['guestInviter', 'plainUser'] as const) {
      expect(await runIds(who)).toEqual([runOf[who]]);
      expect(await auditRuns(who)).toEqual([runOf[who]]);
      expect((await get<{ access: unknown }>(who, '/me')).body.access).toEqual({ scope: 'own' });
      // Naming someone else's run does not get its events: it is refused, in plain words.
      const other = await get<{ error: { code: string; message: string } }>(
        who,
        `/audit?runId=${runOf.globalAdmin}`,
      );
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('tab_forbidden');
      expect(other.body.error.message).toContain('vos propres exécutions');
    }
  });

  it('pages a user’s own audit events like the tenant’s (newest first, before=seq)', async () => {
    const first = (await get<{ seq: number; runId: string }[]>('plainUser', '/audit?limit=2')).body;
    expect(first).toHaveLength(2);
    expect(first[0]!.seq).toBeGreaterThan(first[1]!.seq);
    const next = (
      await get<{ seq: number; runId: string }[]>('plainUser', `/audit?limit=2&before=${first[1]!.seq}`)
    ).body;
    expect(next.every((e) => e.seq < first[1]!.seq && e.runId === runOf.plainUser)).toBe(true);
  });

  it('a user of another tenant is refused outright', async () => {
    const other = '0b0b0b0b-1111-4222-8333-444444444444';
    const token = await stack.sandbox.issuer.sign({
      tid: other,
      iss: `${stack.config.authorityHost}/${other}/v2.0`,
      aud: stack.config.sso.applicationIdUri,
      oid: '7e7e7e7e-0000-4000-8000-000000000001',
      sub: '7e7e7e7e-0000-4000-8000-000000000001',
      name: 'Eve Autre',
      scp: 'access_as_user',
      wids: [ROLE.globalAdministrator],
    });
    const runs = await fetch(`${stack.sesame.url}/api/tab/runs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(runs.status).toBe(403);
    expect(await runs.text()).not.toContain(runOf.globalAdmin!);
  });
});

describe('the tab API on a store shared by two tenants', () => {
  const A = 'aaaaaaaa-0000-4000-8000-00000000000a';
  const B = 'bbbbbbbb-0000-4000-8000-00000000000b';
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-tab-two-tenants-'));
    store = await openSqliteStore({ file: join(dir, 'sesame.db') });
    for (const [tenant, runId, user] of [
      [A, 'run-a', 'user-a'],
      [B, 'run-b', 'user-b'],
    ] as const) {
      await store.create(
        'run',
        tenant,
        runId,
        {
          id: runId,
          procedureId: 'vendor-guest-access',
          status: 'active',
          startedAt: '2026-11-27T09:00:00.000Z',
          startedBy: { id: user, name: user },
        },
        'conv',
      );
      await store.appendAudit({
        tenantId: tenant,
        at: '2026-11-27T09:00:00.000Z',
        actorId: user,
        runId,
        action: 'run.started',
        result: 'ok',
      });
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function app(caller: Partial<EntraCaller>) {
    const http = new Hono();
    http.use('*', async (c, next) => {
      (c as unknown as Context<TabEnv>).set('caller', {
        tenantId: A,
        userId: 'someone',
        roleTemplateIds: [],
        scopes: [],
        appRoles: [],
        ...caller,
      } as EntraCaller);
      await next();
    });
    http.route('/', createTabApi({ store, procedures: () => [] }));
    return http;
  }

  it('an administrator of tenant B reads tenant B only, even naming tenant A’s run', async () => {
    const admin = app({ tenantId: B, userId: 'admin-b', roleTemplateIds: [ROLE.globalAdministrator] });
    const runs = (await (await admin.request('/runs')).json()) as { id: string }[];
    expect(runs.map((r) => r.id)).toEqual(['run-b']);
    const audit = (await (await admin.request('/audit?runId=run-a')).json()) as unknown[];
    expect(audit).toEqual([]);
  });

  it('the Sesame.Auditor app role gives the tenant-wide view without a directory role', async () => {
    const auditor = app({ tenantId: A, userId: 'auditor-a', appRoles: [AUDITOR_APP_ROLE] });
    expect(((await (await auditor.request('/runs')).json()) as { id: string }[]).map((r) => r.id)).toEqual([
      'run-a',
    ]);
    const plain = app({ tenantId: A, userId: 'auditor-a' });
    expect(await (await plain.request('/runs')).json()).toEqual([]);
  });
});
