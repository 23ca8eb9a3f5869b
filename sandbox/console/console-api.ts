/**
 * The sandbox console's admin API (loopback only, mounted behind the admin API's guard): the shared clock, the
 * tenant's current state, the outside events waiting to be played, and the console page itself. The page calls
 * these routes and nothing else, so a test drives the same controls a person clicks.
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { roleName } from '../identity/sign-in-page.js';
import type { SandboxRuntime } from '../runtime.js';
import { renderConsolePage } from './console-page.js';
import { OUTSIDE_EVENT_SOURCES } from './outside-events.js';
import { TENANT_SETTINGS, tenantSetting } from './tenant-settings.js';

/**
 * What the local stack plugs into the console: the sandbox knows nothing of Sesame, but the person at the console
 * wants "the next due date" (a Sesame timer) and business days on Sesame's calendar.
 */
export interface ConsoleHooks {
  /** Epoch ms of the next due timer (a reminder, a re-check), if any. */
  nextDue?(): Promise<number | undefined>;
  /** `from` + `days` business days (the procedures' calendar, e.g. Europe/Paris with French holidays). */
  addBusinessDays?(from: number, days: number): number;
  /** Called after time moved, e.g. to deliver what fell due at once rather than at the next timer tick. */
  afterClockChange?(): Promise<void>;
  /** Extra links for the page's header (the chat, the tab). */
  links?: readonly { readonly label: string; readonly url: string }[];
}

const HOUR = 3_600_000;
const MAX_ADVANCE_MS = 366 * 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface TenantSnapshot {
  readonly tenant: { readonly id: string; readonly displayName: string };
  readonly now: string;
  readonly guests: {
    id: string;
    displayName: string;
    mail: string | null;
    state: string | null;
    created: string;
  }[];
  readonly roleAssignments: {
    id: string;
    principal: string;
    principalType: 'Member' | 'Guest' | 'ServicePrincipal' | 'Unknown';
    role: string;
    scope: string;
  }[];
  /** PIM eligibilities (roleEligibilitySchedules): who may activate a role. */
  readonly roleEligibilities: {
    id: string;
    principal: string;
    principalType: 'Member' | 'Guest' | 'ServicePrincipal' | 'Unknown';
    role: string;
    scope: string;
  }[];
  readonly licences: {
    skuId: string;
    skuPartNumber: string;
    enabled: number;
    consumed: number;
    free: number;
  }[];
  readonly domains: { id: string; isVerified: boolean; isDefault: boolean; txtPublished: boolean }[];
  /** The tenant settings the checklist reads, with their current value (sandbox/console/tenant-settings.ts). */
  readonly settings: {
    id: string;
    title: string;
    property: string;
    value: string;
    options: readonly { value: string; label: string }[];
  }[];
}

export function tenantSnapshot(rt: SandboxRuntime): TenantSnapshot {
  const s = rt.state;
  const roleDefs = new Map(s.roleDefinitions.map((d) => [d.id, d]));
  const row = (a: {
    id: string;
    principalId: string;
    roleDefinitionId: string;
    directoryScopeId: string;
  }) => {
    const user = s.users.get(a.principalId);
    const sp = user ? undefined : s.servicePrincipals.get(a.principalId);
    const def = roleDefs.get(a.roleDefinitionId);
    return {
      id: a.id,
      principal: user
        ? `${user.displayName} <${user.userPrincipalName}>`
        : (sp?.displayName ?? a.principalId),
      principalType: user ? user.userType : sp ? ('ServicePrincipal' as const) : ('Unknown' as const),
      role: def?.displayName ?? roleName(a.roleDefinitionId, 'en'),
      scope: a.directoryScopeId,
    };
  };
  return {
    tenant: { id: s.tenantId, displayName: s.tenantDisplayName },
    now: iso(rt.now()),
    guests: s
      .userList()
      .filter((u) => u.userType === 'Guest')
      .map((u) => ({
        id: u.id,
        displayName: u.displayName,
        mail: u.mail,
        state: u.externalUserState,
        created: u.createdDateTime,
      })),
    roleAssignments: [...s.roleAssignments.values()].map(row),
    roleEligibilities: s.roleEligibilitySchedules.map((e) =>
      row({
        id: e.id,
        principalId: String(e.principalId),
        roleDefinitionId: String(e.roleDefinitionId),
        directoryScopeId: String(e.directoryScopeId ?? '/'),
      }),
    ),
    licences: s.subscribedSkus.map((k) => ({
      skuId: k.skuId,
      skuPartNumber: k.skuPartNumber,
      enabled: k.prepaidUnits.enabled,
      consumed: k.consumedUnits,
      free: Math.max(0, k.prepaidUnits.enabled - k.consumedUnits),
    })),
    domains: [...s.domains.entries()].map(([name, d]) => ({
      id: name,
      isVerified: d.isVerified === true,
      isDefault: d.isDefault === true,
      txtPublished: s.publishedDnsTxt.has(name),
    })),
    settings: TENANT_SETTINGS.map((t) => ({
      id: t.id,
      title: t.title,
      property: t.property,
      value: t.read(s),
      options: t.options,
    })),
  };
}

export function outsideEvents(rt: SandboxRuntime) {
  return OUTSIDE_EVENT_SOURCES.map((source) => ({
    id: source.id,
    title: source.title,
    actor: source.actor,
    events: source.pending(rt),
  }));
}

async function clockState(rt: SandboxRuntime, hooks: ConsoleHooks) {
  const nextDue = await hooks.nextDue?.().catch(() => undefined);
  return {
    now: iso(rt.now()),
    offsetMs: rt.timeOffsetMs,
    ...(nextDue !== undefined ? { nextDue: iso(nextDue) } : {}),
  };
}

const bad = (c: Context, message: string) => c.json({ error: { code: 'BadRequest', message } }, 400);

export function mountConsole(app: Hono, rt: SandboxRuntime, hooks: () => ConsoleHooks): void {
  app.get('/_sandbox/clock', async (c) => c.json(await clockState(rt, hooks())));

  /**
   * Moves the shared clock forward: { hours } | { ms } | { businessDays } | { to: "next-due" | ISO date }.
   * Never backwards: tokens, timers and audit events already carry later times.
   */
  app.post('/_sandbox/clock/advance', async (c) => {
    const b = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object') return bad(c, 'Expected a JSON object.');
    const h = hooks();
    const now = rt.now();
    let target: number | undefined;
    const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
    if (b.hours !== undefined) {
      if (!positive(b.hours)) return bad(c, 'hours must be a positive number.');
      target = now + (b.hours as number) * HOUR;
    } else if (b.ms !== undefined) {
      if (!positive(b.ms)) return bad(c, 'ms must be a positive number.');
      target = now + (b.ms as number);
    } else if (b.businessDays !== undefined) {
      if (!Number.isInteger(b.businessDays) || !positive(b.businessDays))
        return bad(c, 'businessDays must be a positive integer.');
      if (!h.addBusinessDays)
        return bad(c, 'This sandbox has no business-day calendar (run it with npm start).');
      target = h.addBusinessDays(now, b.businessDays as number);
    } else if (b.to === 'next-due') {
      const due = await h.nextDue?.();
      if (due === undefined) return bad(c, 'Nothing is due: no reminder or re-check is waiting.');
      // One second past, so the timer is due at the next delivery.
      target = Math.max(now, due + 1000);
    } else if (typeof b.to === 'string') {
      target = Date.parse(b.to);
      if (Number.isNaN(target)) return bad(c, 'to must be "next-due" or an ISO date.');
      if (target < now) return bad(c, 'The sandbox clock only moves forward.');
    } else {
      return bad(c, 'Expected { hours } | { ms } | { businessDays } | { to: "next-due" | ISO date }.');
    }
    if (target - now > MAX_ADVANCE_MS) return bad(c, 'At most a year at a time.');
    rt.timeOffsetMs += target - now;
    await h.afterClockChange?.();
    return c.json(await clockState(rt, h));
  });

  /**
   * What an admin does in the Entra portal, outside Sesame, so the checklist's next snapshot sees it fixed:
   * who may invite guests ({ allowInvitesFrom }), and removing a guest (a stale or never-accepted one).
   */
  app.put('/_sandbox/tenant/invite-policy', async (c) => {
    const b = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const setting = tenantSetting('invite-policy')!;
    const allowed = setting.options.map((o) => o.value);
    if (!b || typeof b.allowInvitesFrom !== 'string' || !allowed.includes(b.allowInvitesFrom))
      return bad(c, `Expected { "allowInvitesFrom": ${allowed.map((a) => `"${a}"`).join(' | ')} }.`);
    setting.write(rt.state, b.allowInvitesFrom);
    return c.json({ allowInvitesFrom: b.allowInvitesFrom });
  });
  /** Any of the console's tenant settings (sandbox/console/tenant-settings.ts): { value }. */
  app.put('/_sandbox/tenant/settings/:id', async (c) => {
    const setting = tenantSetting(c.req.param('id'));
    if (!setting) return bad(c, `No such setting. Known: ${TENANT_SETTINGS.map((s) => s.id).join(', ')}.`);
    const b = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const allowed = setting.options.map((o) => o.value);
    if (!b || typeof b.value !== 'string' || !allowed.includes(b.value))
      return bad(c, `Expected { "value": ${allowed.map((a) => `"${a}"`).join(' | ')} }.`);
    setting.write(rt.state, b.value);
    return c.json({ id: setting.id, value: setting.read(rt.state) });
  });
  app.get('/_sandbox/tenant/settings', (c) =>
    c.json({ value: TENANT_SETTINGS.map((s) => ({ id: s.id, title: s.title, value: s.read(rt.state) })) }),
  );
  /** Removes a directory role assignment (e.g. a guest's role, or one Global Administrator too many). */
  app.delete('/_sandbox/tenant/role-assignments/:id', (c) => {
    const id = c.req.param('id');
    if (!rt.state.roleAssignments.delete(id)) return bad(c, 'No such role assignment in the sandbox tenant.');
    return c.body(null, 204);
  });
  app.delete('/_sandbox/tenant/guests/:id', (c) => {
    const id = c.req.param('id').toLowerCase();
    const user = rt.state.users.get(id);
    if (!user || user.userType !== 'Guest') return bad(c, 'No such guest in the sandbox tenant.');
    rt.state.removeUser(id);
    for (const [key, ra] of rt.state.roleAssignments)
      if (ra.principalId === id) rt.state.roleAssignments.delete(key);
    rt.state.sponsors.delete(id);
    return c.body(null, 204);
  });

  /**
   * PIM: makes a user eligible for a directory role ({ principalId, roleDefinitionId }, permanent, scope /), as an
   * admin does in Privileged Identity Management; DELETE removes the eligibility.
   */
  app.post('/_sandbox/tenant/role-eligibilities', async (c) => {
    const b = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const principalId = typeof b?.principalId === 'string' ? b.principalId.toLowerCase() : '';
    const roleDefinitionId = typeof b?.roleDefinitionId === 'string' ? b.roleDefinitionId.toLowerCase() : '';
    if (!rt.state.users.has(principalId)) return bad(c, 'principalId: no such user in the sandbox tenant.');
    if (!rt.state.roleDefinitions.some((d) => d.id === roleDefinitionId))
      return bad(c, 'roleDefinitionId: no such directory role.');
    const id = rt.state.newId('roleEligibility');
    const at = iso(rt.now());
    rt.state.roleEligibilitySchedules.push({
      id,
      appScopeId: null,
      createdDateTime: at,
      createdUsing: id,
      directoryScopeId: '/',
      memberType: 'Direct',
      modifiedDateTime: null,
      principalId,
      roleDefinitionId,
      scheduleInfo: {
        startDateTime: at,
        recurrence: null,
        expiration: { type: 'noExpiration', endDateTime: null, duration: null },
      },
      status: 'Provisioned',
    });
    return c.json({ id }, 201);
  });
  app.delete('/_sandbox/tenant/role-eligibilities/:id', (c) => {
    const id = c.req.param('id');
    const before = rt.state.roleEligibilitySchedules.length;
    rt.state.roleEligibilitySchedules = rt.state.roleEligibilitySchedules.filter((e) => e.id !== id);
    if (rt.state.roleEligibilitySchedules.length === before)
      return bad(c, 'No such role eligibility in the sandbox tenant.');
    return c.body(null, 204);
  });

  app.get('/_sandbox/state', (c) => c.json(tenantSnapshot(rt)));
  app.get('/_sandbox/outside-events', (c) => c.json({ value: outsideEvents(rt) }));

  app.get('/_sandbox/console', async (c) => {
    const nonce = randomBytes(16).toString('base64');
    const html = renderConsolePage({
      snapshot: tenantSnapshot(rt),
      sources: outsideEvents(rt),
      clock: await clockState(rt, hooks()),
      links: hooks().links ?? [],
      hasBusinessDays: Boolean(hooks().addBusinessDays),
      nonce,
    });
    return c.html(html, 200, {
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  });
}
