/**
 * Accepted exceptions: a failing item (or one object at fault in it) accepted with a reason until a review date.
 * Past that date the exception is expired and the item fails again. Sesame's own grants (procedure A gives the
 * vendor's guest the Guest Inviter role) become exceptions on their own, with their origin and a review date.
 */
import type { Localized } from '../i18n/locale.js';
import type {
  ChecklistItem,
  EffectiveStatus,
  ExceptionStatus,
  ExceptionView,
  GrantOrigin,
} from './api-types.js';
import { RULES, ruleReads, type RuleDefinition, type RuleResult } from './rules.js';

const DAY = 86_400_000;
/** How long an accepted exception may last at most, and how long Sesame's own grants go before a review. */
export const EXCEPTION_MAX_DAYS = 366;
export const GRANT_REVIEW_DAYS = 90;

/** The rules a guest holding Guest Inviter trips, which Sesame's grant makes accepted exceptions. */
export const SESAME_GRANT_RULES = [
  'guests-can-invite',
  'guests-with-roles',
  'guest-inviter-holders',
] as const;

export interface ExceptionEvent {
  readonly at: string;
  readonly action: 'accepted' | 'renewed' | 'revoked';
  readonly by: { readonly id: string; readonly name?: string };
  readonly reason?: string;
  readonly expiresAt?: string;
}

/** An exception as stored (kind 'exception'). */
export interface StoredException {
  readonly id: string;
  readonly ruleId: string;
  readonly subjectId?: string;
  readonly subjectName?: string;
  readonly reason: string;
  readonly expiresAt: string;
  readonly acceptedBy: { readonly id: string; readonly name?: string };
  readonly acceptedAt: string;
  readonly origin?: GrantOrigin;
  readonly revokedAt?: string;
  readonly revokedBy?: { readonly id: string; readonly name?: string };
  readonly renewedAt?: string;
  readonly history: readonly ExceptionEvent[];
}

/** One id per rule and object: accepting the same thing again renews it. */
export function exceptionId(ruleId: string, subjectId?: string): string {
  return `${ruleId}:${subjectId ? subjectId.toLowerCase() : '*'}`;
}

export function exceptionStatus(e: StoredException, now: number): ExceptionStatus {
  if (e.revokedAt) return 'revoked';
  return Date.parse(e.expiresAt) <= now ? 'expired' : 'active';
}

export function exceptionView(e: StoredException, now: number): ExceptionView {
  return {
    id: e.id,
    ruleId: e.ruleId,
    ...(e.subjectId ? { subjectId: e.subjectId } : {}),
    ...(e.subjectName ? { subjectName: e.subjectName } : {}),
    reason: e.reason,
    expiresAt: e.expiresAt,
    status: exceptionStatus(e, now),
    acceptedBy: e.acceptedBy,
    acceptedAt: e.acceptedAt,
    ...(e.origin ? { origin: e.origin } : {}),
    ...(e.revokedAt ? { revokedAt: e.revokedAt } : {}),
    ...(e.revokedBy ? { revokedBy: e.revokedBy } : {}),
    ...(e.renewedAt ? { renewedAt: e.renewedAt } : {}),
  };
}

/** What a stored run of a procedure tells about a grant it made (the subset of core/engine's Run read here). */
export interface GrantingRun {
  readonly id: string;
  readonly procedureId: string;
  readonly admin: { readonly id: string; readonly name?: string };
  readonly facts: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, string>>;
  readonly stepResults: Readonly<Record<string, { readonly status: string; readonly at: string }>>;
}

/** Why procedure A grants Guest Inviter (shown as the exception's reason and origin). */
const GUEST_INVITER_WHY: Localized = {
  fr: 'Le fournisseur exige le rôle Inviteur pour son compte invité (il invite lui-même ses consultants) : procédure A de Sesame.',
  en: 'The vendor requires the Guest Inviter role for its guest account (it invites its own consultants): Sesame procedure A.',
};

/**
 * The exceptions Sesame's own grants call for: a run of procedure A whose assign-role step is done gave
 * `facts.guestUserId` the Guest Inviter role. Only guests that still hold it (`holders`) are covered.
 */
export function sesameGrantExceptions(
  runs: readonly GrantingRun[],
  holders: ReadonlyMap<string, string>,
  procedureTitle: (id: string) => Localized | undefined,
): StoredException[] {
  const out: StoredException[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    if (run.procedureId !== 'vendor-guest-access') continue;
    const guestId = typeof run.facts.guestUserId === 'string' ? run.facts.guestUserId.toLowerCase() : '';
    const step = run.stepResults['assign-role'];
    if (!guestId || !step || step.status !== 'done' || !holders.has(guestId) || seen.has(guestId)) continue;
    seen.add(guestId);
    const at = step.at;
    const origin: GrantOrigin = {
      runId: run.id,
      procedureId: run.procedureId,
      procedureTitle: procedureTitle(run.procedureId) ?? { fr: run.procedureId, en: run.procedureId },
      by: run.admin,
      at,
      why: GUEST_INVITER_WHY,
    };
    const expiresAt = new Date(Date.parse(at) + GRANT_REVIEW_DAYS * DAY).toISOString();
    for (const ruleId of SESAME_GRANT_RULES) {
      out.push({
        id: exceptionId(ruleId, guestId),
        ruleId,
        subjectId: guestId,
        subjectName: holders.get(guestId) ?? run.inputs.email ?? guestId,
        reason: GUEST_INVITER_WHY.en,
        expiresAt,
        acceptedBy: run.admin,
        acceptedAt: at,
        origin,
        history: [{ at, action: 'accepted', by: run.admin, reason: GUEST_INVITER_WHY.en, expiresAt }],
      });
    }
  }
  return out;
}

export interface ItemContext {
  readonly now: number;
  /** The procedures that exist (a fix names only those). */
  readonly procedureTitle: (id: string) => Localized | undefined;
}

/** A rule result with the exceptions in force applied: what the tab shows. */
export function toItem(
  definition: RuleDefinition,
  result: RuleResult,
  exceptions: readonly StoredException[],
  ctx: ItemContext,
): ChecklistItem {
  const active = exceptions.filter(
    (e) => e.ruleId === definition.id && exceptionStatus(e, ctx.now) === 'active',
  );
  const ruleLevel = active.find((e) => !e.subjectId);
  const bySubject = new Map(active.filter((e) => e.subjectId).map((e) => [e.subjectId!.toLowerCase(), e]));
  const objects = result.evidence.objects.map((o) => {
    const e = bySubject.get(o.id.toLowerCase());
    return e ? { ...o, exceptionId: e.id } : o;
  });
  const failing = result.status === 'warn' || result.status === 'fail';
  const atFault = objects.filter((o) => o.inventory !== true);
  const covered =
    ruleLevel !== undefined ||
    (result.byObjects === true &&
      atFault.length > 0 &&
      result.evidence.objectsTotal === undefined &&
      atFault.every((o) => o.exceptionId !== undefined));
  const effectiveStatus: EffectiveStatus = failing && covered ? 'accepted' : result.status;
  const relevant = active.filter((e) => !e.subjectId || objects.some((o) => o.exceptionId === e.id));
  const fixTitle = definition.fixProcedureId ? ctx.procedureTitle(definition.fixProcedureId) : undefined;
  return {
    ruleId: definition.id,
    area: definition.area,
    severity: definition.severity,
    title: definition.title,
    explanation: definition.explanation,
    verdict: result.verdict,
    status: result.status,
    effectiveStatus,
    references: definition.references,
    ...(definition.threshold ? { threshold: definition.threshold } : {}),
    reads: ruleReads(definition),
    evidence: { ...result.evidence, objects },
    ...(result.missing ? { missing: result.missing } : {}),
    ...(fixTitle && failing ? { fix: { procedureId: definition.fixProcedureId!, title: fixTitle } } : {}),
    exceptions: relevant.map((e) => exceptionView(e, ctx.now)),
  };
}

export function toItems(
  results: readonly RuleResult[],
  exceptions: readonly StoredException[],
  ctx: ItemContext,
): ChecklistItem[] {
  return results.flatMap((r) => {
    const def = RULES.find((d) => d.id === r.ruleId);
    return def ? [toItem(def, r, exceptions, ctx)] : [];
  });
}
