/**
 * The checklist's use cases over the Store port: take a snapshot (collect, store, compare with the previous one),
 * show the last one, accept / renew / revoke exceptions (audited), and what changed between two snapshots.
 * Everything is scoped to one tenant; who may read which snapshot is decided here too (core/run-visibility.ts).
 */
import { SesameError } from '../errors.js';
import type { Localized } from '../i18n/locale.js';
import type { Clock } from '../ports/clock.js';
import type { GraphReader } from '../ports/tenant-graph.js';
import type { Store, StoredRecord } from '../ports/store.js';
import { ROLE, directoryRoleName as findRoleName, holdsAnyRole } from '../directory-roles.js';
import { runVisibility, type Reader } from '../run-visibility.js';
import type {
  AcceptExceptionRequest,
  ChangedItem,
  ChecklistArea,
  ChecklistChanges,
  ChecklistItem,
  ChecklistSnapshotView,
  ChecklistSummary,
  ChecklistView,
  EffectiveStatus,
  EvidenceObject,
  ExceptionView,
  RenewExceptionRequest,
  RevokeExceptionRequest,
} from './api-types.js';
import { collectSnapshot, type GrantRef } from './collect.js';
import {
  EXCEPTION_MAX_DAYS,
  exceptionId,
  exceptionStatus,
  exceptionView,
  sesameGrantExceptions,
  toItems,
  type GrantingRun,
  type StoredException,
} from './exceptions.js';
import { findRule, type RuleResult } from './rules.js';

const DAY = 86_400_000;

/** A snapshot as stored (kind 'snapshot', partition = who took it). */
export interface StoredSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly takenAt: string;
  readonly takenBy: { readonly id: string; readonly name?: string };
  readonly results: readonly RuleResult[];
  readonly grants: readonly GrantRef[] | null;
  readonly newGuests: readonly EvidenceObject[] | null;
  readonly roundTrips: number;
  readonly requests: number;
}

/** Who is asking: the verified token's tenant, user and roles. */
export interface ChecklistViewer extends Reader {
  readonly tenantId: string;
  readonly name?: string;
}

/** Procedure C's id: its runs name the service accounts (core/procedures/catalog.ts, linked by id). */
export const SERVICE_ACCOUNT_PROCEDURE = 'email-service-account';

/** The subset of a stored run the service-accounts rule reads. */
interface ServiceAccountRun {
  readonly procedureId: string;
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** The roles that may accept, renew and revoke exceptions (administrators, not readers). */
export const EXCEPTION_ROLES: readonly string[] = [
  ROLE.globalAdministrator,
  ROLE.privilegedRoleAdministrator,
  ROLE.securityAdministrator,
  ROLE.userAdministrator,
];

export function canManageExceptions(viewer: Reader): boolean {
  return holdsAnyRole(viewer.roleTemplateIds, EXCEPTION_ROLES);
}

export interface ChecklistServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** The title of a procedure Sesame has (undefined: no such procedure, no "fix it" link). */
  readonly procedureTitle: (id: string) => Localized | undefined;
  readonly newId: () => string;
}

const RANK: Record<EffectiveStatus, number> = { pass: 0, accepted: 0, unknown: 1, warn: 2, fail: 3 };

function summarize(items: readonly ChecklistItem[]): ChecklistSummary {
  const s = { pass: 0, warn: 0, fail: 0, unknown: 0, accepted: 0 };
  for (const i of items) s[i.effectiveStatus]++;
  return s;
}

/** What changed from `previous` to `current` (both seen with today's exceptions). */
export function compareSnapshots(
  current: { items: readonly ChecklistItem[]; snapshot: StoredSnapshot },
  previous: { items: readonly ChecklistItem[]; snapshot: StoredSnapshot } | undefined,
): ChecklistChanges {
  if (!previous)
    return {
      since: null,
      newFailures: [],
      fixed: [],
      newFindings: [],
      resolvedFindings: [],
      newGuests: [],
      newGrants: [],
    };
  const before = new Map(previous.items.map((i) => [i.ruleId, i]));
  const newFailures: ChangedItem[] = [];
  const fixed: ChangedItem[] = [];
  const newFindings: ChecklistChanges['newFindings'][number][] = [];
  const resolvedFindings: ChecklistChanges['resolvedFindings'][number][] = [];
  for (const item of current.items) {
    const old = before.get(item.ruleId);
    const from = old?.effectiveStatus ?? null;
    const to = item.effectiveStatus;
    const change = { ruleId: item.ruleId, title: item.title, from, to };
    const bad = (s: EffectiveStatus | null) => s === 'warn' || s === 'fail';
    if (bad(to) && (from === null || RANK[to] > RANK[from])) newFailures.push(change);
    else if (bad(from) && (to === 'pass' || to === 'accepted')) fixed.push(change);
    // Objects: only when both snapshots could read the rule.
    if (old && old.status !== 'unknown' && item.status !== 'unknown') {
      const oldIds = new Set(old.evidence.objects.map((o) => o.id));
      const newIds = new Set(item.evidence.objects.map((o) => o.id));
      const added = bad(item.status) ? item.evidence.objects.filter((o) => !oldIds.has(o.id)) : [];
      const gone = bad(old.status) ? old.evidence.objects.filter((o) => !newIds.has(o.id)) : [];
      if (added.length) newFindings.push({ ruleId: item.ruleId, objects: added });
      if (gone.length) resolvedFindings.push({ ruleId: item.ruleId, objects: gone });
    }
  }
  const oldGrants = new Set((previous.snapshot.grants ?? []).map((g) => g.id));
  const newGrants: EvidenceObject[] =
    current.snapshot.grants && previous.snapshot.grants
      ? current.snapshot.grants
          .filter((g) => !oldGrants.has(g.id))
          .map((g) => ({
            id: g.principalId,
            name: g.name,
            kind: g.guest ? 'guest' : 'user',
            detail: roleDetail(g.roleDefinitionId),
          }))
      : [];
  return {
    since: previous.snapshot.takenAt,
    newFailures,
    fixed,
    newFindings,
    resolvedFindings,
    newGuests: current.snapshot.newGuests ?? [],
    newGrants,
  };
}

function roleDetail(roleDefinitionId: string): Localized {
  const name = findRoleName(roleDefinitionId);
  return { fr: `Rôle ${name.fr}`, en: `${name.en} role` };
}

function checkText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(`${field} is required`, { fr: `${field} est obligatoire`, en: `${field} is required` });
  if (value.length > max)
    throw invalid(`${field} is too long`, {
      fr: `${field} dépasse ${max} caractères`,
      en: `${field} is longer than ${max} characters`,
    });
  return value.trim();
}

function invalid(message: string, detail: Localized): SesameError {
  return new SesameError('checklist_invalid', message, {
    status: 400,
    details: { detail: detail.en, detailFr: detail.fr },
  });
}

function checkExpiry(value: unknown, now: number): string {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(at))
    throw invalid('expiresAt is not a date', {
      fr: 'la date de revue n’est pas une date',
      en: 'the review date is not a date',
    });
  if (at <= now)
    throw invalid('expiresAt is in the past', {
      fr: 'la date de revue est passée',
      en: 'the review date is in the past',
    });
  if (at > now + EXCEPTION_MAX_DAYS * DAY)
    throw invalid('expiresAt is more than a year away', {
      fr: 'la date de revue est à plus d’un an',
      en: 'the review date is more than a year away',
    });
  return new Date(at).toISOString();
}

export function createChecklistService(options: ChecklistServiceOptions) {
  const { store, clock } = options;
  const now = () => clock.now();
  const itemCtx = () => ({ now: now(), procedureTitle: options.procedureTitle });

  async function exceptions(tenantId: string): Promise<StoredRecord<StoredException>[]> {
    return store.list<StoredException>('exception', tenantId, { limit: 1000 });
  }

  /** The snapshots this viewer may read, newest first: the tenant's for tenant-wide readers, else their own. */
  async function visibleSnapshots(viewer: ChecklistViewer, limit: number): Promise<StoredSnapshot[]> {
    const scope = runVisibility(viewer).scope;
    const records = await store.list<StoredSnapshot>('snapshot', viewer.tenantId, {
      limit,
      ...(scope === 'tenant' ? {} : { partition: viewer.userId }),
    });
    return records
      .map((r) => r.value)
      .sort((a, b) => b.takenAt.localeCompare(a.takenAt) || b.id.localeCompare(a.id));
  }

  function view(snapshot: StoredSnapshot, stored: readonly StoredException[]) {
    const items = toItems(snapshot.results, stored, itemCtx());
    const v: ChecklistSnapshotView = {
      id: snapshot.id,
      takenAt: snapshot.takenAt,
      takenBy: snapshot.takenBy,
      items,
      summary: summarize(items),
      roundTrips: snapshot.roundTrips,
    };
    return { items, view: v };
  }

  async function audit(
    viewer: { tenantId: string; userId: string; name?: string } | 'sesame',
    tenantId: string,
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await store.appendAudit({
      tenantId,
      at: new Date(now()).toISOString(),
      actorId: viewer === 'sesame' ? 'sesame' : viewer.userId,
      ...(viewer !== 'sesame' && viewer.name ? { actorName: viewer.name } : {}),
      action,
      result: 'ok',
      details,
    });
  }

  /**
   * The service accounts the checklist reviews: those Sesame's procedure C created or took over in this tenant
   * (its runs' `accountId` fact), newest runs first. Sesame's own records are the signal: no account is guessed.
   */
  async function serviceAccountIds(tenantId: string): Promise<string[]> {
    const runs = await store.list<ServiceAccountRun>('run', tenantId, { limit: 1000 });
    const ids: string[] = [];
    for (const { value } of runs) {
      const id = value.facts?.accountId;
      if (value.procedureId === SERVICE_ACCOUNT_PROCEDURE && typeof id === 'string' && id !== '')
        ids.push(id);
    }
    return [...new Set(ids.map((i) => i.toLowerCase()))];
  }

  /** Sesame's own grants found in this snapshot become exceptions once (never re-created after a revoke). */
  async function recordSesameGrants(tenantId: string, snapshot: StoredSnapshot): Promise<void> {
    if (!snapshot.grants) return;
    const holders = new Map(
      snapshot.grants
        .filter((g) => g.guest && g.roleDefinitionId.toLowerCase() === ROLE.guestInviter)
        .map((g) => [g.principalId.toLowerCase(), g.name] as const),
    );
    if (holders.size === 0) return;
    const runs = (await store.list<GrantingRun>('run', tenantId, { limit: 1000 })).map((r) => r.value);
    const wanted = sesameGrantExceptions(runs, holders, options.procedureTitle);
    for (const e of wanted) {
      if (await store.get('exception', tenantId, e.id)) continue;
      try {
        await store.create('exception', tenantId, e.id, e);
      } catch (error) {
        if ((error as { code?: string }).code === 'store_conflict') continue;
        throw error;
      }
      await audit('sesame', tenantId, 'checklist.exception.accepted', {
        exceptionId: e.id,
        ruleId: e.ruleId,
        subjectId: e.subjectId ?? null,
        expiresAt: e.expiresAt,
        origin: 'sesame-grant',
        runId: e.origin?.runId ?? null,
      });
    }
  }

  return {
    /** GET /checklist: the last snapshot this viewer may read, with what changed since the one before. */
    async current(viewer: ChecklistViewer): Promise<ChecklistView> {
      const [latest, previous] = await visibleSnapshots(viewer, 2);
      if (!latest) return { snapshot: null, changes: null, canManageExceptions: canManageExceptions(viewer) };
      const stored = (await exceptions(viewer.tenantId)).map((r) => r.value);
      const now = view(latest, stored);
      const before = previous ? view(previous, stored) : undefined;
      return {
        snapshot: now.view,
        changes: compareSnapshots(
          { items: now.items, snapshot: latest },
          before && previous ? { items: before.items, snapshot: previous } : undefined,
        ),
        canManageExceptions: canManageExceptions(viewer),
      };
    },

    /**
     * Takes a snapshot with the viewer's Graph reader, calling `onArea` with each area's items as soon as they are
     * evaluated; stores it and returns it with what changed since the previous one this viewer may read.
     */
    async refresh(
      viewer: ChecklistViewer,
      reader: GraphReader,
      onArea?: (area: ChecklistArea, items: readonly ChecklistItem[]) => void | Promise<void>,
    ): Promise<{ snapshot: ChecklistSnapshotView; changes: ChecklistChanges }> {
      const takenAtMs = now();
      const [previous] = await visibleSnapshots(viewer, 1);
      const storedBefore = (await exceptions(viewer.tenantId)).map((r) => r.value);
      const collected = await collectSnapshot({
        reader,
        now: takenAtMs,
        serviceAccountIds: await serviceAccountIds(viewer.tenantId),
        ...(previous ? { since: previous.takenAt } : {}),
        onArea: onArea
          ? (area, results) => onArea(area, toItems(results, storedBefore, itemCtx()))
          : undefined,
      });
      const takenAt = new Date(takenAtMs).toISOString();
      const snapshot: StoredSnapshot = {
        id: `${String(takenAtMs).padStart(15, '0')}-${options.newId()}`,
        tenantId: viewer.tenantId,
        takenAt,
        takenBy: { id: viewer.userId, ...(viewer.name ? { name: viewer.name } : {}) },
        results: collected.results,
        grants: collected.grants,
        newGuests: previous ? collected.newGuests : null,
        roundTrips: collected.roundTrips,
        requests: collected.requests,
      };
      await store.create('snapshot', viewer.tenantId, snapshot.id, snapshot, viewer.userId);
      await recordSesameGrants(viewer.tenantId, snapshot);
      const stored = (await exceptions(viewer.tenantId)).map((r) => r.value);
      const current = view(snapshot, stored);
      await audit(viewer, viewer.tenantId, 'checklist.snapshot', {
        snapshotId: snapshot.id,
        ...current.view.summary,
        roundTrips: snapshot.roundTrips,
      });
      const before = previous ? view(previous, stored) : undefined;
      return {
        snapshot: current.view,
        changes: compareSnapshots(
          { items: current.items, snapshot },
          before && previous ? { items: before.items, snapshot: previous } : undefined,
        ),
      };
    },

    /** The tenant's latest snapshot (whoever took it) and what changed since the one before: the weekly digest's. */
    async tenantDigest(tenantId: string): Promise<Omit<ChecklistView, 'canManageExceptions'>> {
      const v = await this.current({ tenantId, userId: 'sesame', roleTemplateIds: [ROLE.globalReader] });
      return { snapshot: v.snapshot, changes: v.changes };
    },

    async listExceptions(viewer: ChecklistViewer): Promise<ExceptionView[]> {
      return (await exceptions(viewer.tenantId)).map((r) => exceptionView(r.value, now()));
    },

    async accept(viewer: ChecklistViewer, body: Partial<AcceptExceptionRequest>): Promise<ExceptionView> {
      if (!canManageExceptions(viewer))
        throw new SesameError('checklist_forbidden', 'not allowed to manage exceptions', { status: 403 });
      const ruleId = checkText(body.ruleId, 'ruleId', 64);
      if (!findRule(ruleId))
        throw invalid(`unknown rule ${ruleId}`, { fr: `règle inconnue`, en: `unknown rule` });
      const subjectId =
        body.subjectId === undefined || body.subjectId === null
          ? undefined
          : checkText(body.subjectId, 'subjectId', 256);
      const reason = checkText(body.reason, 'reason', 1000);
      const expiresAt = checkExpiry(body.expiresAt, now());
      const at = new Date(now()).toISOString();
      const by = { id: viewer.userId, ...(viewer.name ? { name: viewer.name } : {}) };
      const id = exceptionId(ruleId, subjectId);
      // The subject's name, from the latest snapshot that lists it.
      const [latest] = await visibleSnapshots(viewer, 1);
      const subjectName = subjectId
        ? latest?.results
            .find((r) => r.ruleId === ruleId)
            ?.evidence.objects.find((o) => o.id.toLowerCase() === subjectId.toLowerCase())?.name
        : undefined;
      const event = { at, action: 'accepted' as const, by, reason, expiresAt };
      const existing = await store.get<StoredException>('exception', viewer.tenantId, id);
      const value: StoredException = {
        id,
        ruleId,
        ...(subjectId ? { subjectId } : {}),
        ...(subjectName ? { subjectName } : {}),
        reason,
        expiresAt,
        acceptedBy: by,
        acceptedAt: at,
        history: [...(existing?.value.history ?? []), event],
      };
      const saved = existing
        ? await store.replace('exception', viewer.tenantId, id, value, existing.etag)
        : await store.create('exception', viewer.tenantId, id, value);
      await audit(viewer, viewer.tenantId, 'checklist.exception.accepted', {
        exceptionId: id,
        ruleId,
        subjectId: subjectId ?? null,
        expiresAt,
        reason,
      });
      return exceptionView(saved.value, now());
    },

    async renew(
      viewer: ChecklistViewer,
      id: string,
      body: Partial<RenewExceptionRequest>,
    ): Promise<ExceptionView> {
      return change(viewer, id, 'renewed', (e, at, by) => {
        const expiresAt = checkExpiry(body.expiresAt, now());
        const reason =
          body.reason === undefined || body.reason === null
            ? e.reason
            : checkText(body.reason, 'reason', 1000);
        const { revokedAt: _r, revokedBy: _b, ...rest } = e;
        return {
          ...rest,
          reason,
          expiresAt,
          renewedAt: at,
          history: [...e.history, { at, action: 'renewed', by, reason, expiresAt }],
        };
      });
    },

    async revoke(
      viewer: ChecklistViewer,
      id: string,
      body: Partial<RevokeExceptionRequest>,
    ): Promise<ExceptionView> {
      return change(viewer, id, 'revoked', (e, at, by) => {
        const reason =
          body.reason === undefined || body.reason === null
            ? undefined
            : checkText(body.reason, 'reason', 1000);
        return {
          ...e,
          revokedAt: at,
          revokedBy: by,
          history: [...e.history, { at, action: 'revoked', by, ...(reason ? { reason } : {}) }],
        };
      });
    },
  };

  async function change(
    viewer: ChecklistViewer,
    id: string,
    action: 'renewed' | 'revoked',
    update: (e: StoredException, at: string, by: { id: string; name?: string }) => StoredException,
  ): Promise<ExceptionView> {
    if (!canManageExceptions(viewer))
      throw new SesameError('checklist_forbidden', 'not allowed to manage exceptions', { status: 403 });
    const existing = await store.get<StoredException>('exception', viewer.tenantId, id);
    if (!existing) throw new SesameError('checklist_not_found', `exception ${id} not found`, { status: 404 });
    if (action === 'revoked' && exceptionStatus(existing.value, now()) === 'revoked')
      return exceptionView(existing.value, now());
    const at = new Date(now()).toISOString();
    const by = { id: viewer.userId, ...(viewer.name ? { name: viewer.name } : {}) };
    const value = update(existing.value, at, by);
    const saved = await store.replace('exception', viewer.tenantId, id, value, existing.etag);
    await audit(viewer, viewer.tenantId, `checklist.exception.${action}`, {
      exceptionId: id,
      ruleId: value.ruleId,
      subjectId: value.subjectId ?? null,
      expiresAt: value.expiresAt,
    });
    return exceptionView(saved.value, now());
  }
}

export type ChecklistService = ReturnType<typeof createChecklistService>;
