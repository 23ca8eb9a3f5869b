/**
 * What the checklist API (/api/tab/checklist*) sends and accepts: plain JSON, safe to import from the browser
 * (the tab). Types only, plus a few constant lists; nothing here reads Graph or the store.
 */
import type { Localized } from '../i18n/locale.js';

/** The checklist's areas, in the order a snapshot collects and the tab shows them. */
export const CHECKLIST_AREAS = ['guest-access', 'guests', 'roles', 'apps', 'domains'] as const;
export type ChecklistArea = (typeof CHECKLIST_AREAS)[number];

export const AREA_TITLES: Readonly<Record<ChecklistArea, Localized>> = {
  'guest-access': { fr: 'Accès invités', en: 'Guest access' },
  guests: { fr: 'Comptes invités', en: 'Guest accounts' },
  roles: { fr: 'Rôles privilégiés', en: 'Privileged roles' },
  apps: { fr: 'Applications et consentement', en: 'Apps and consent' },
  domains: { fr: 'Domaines', en: 'Domains' },
};

/** What a rule found. `unknown`: the viewer cannot read the data (see `missing`), never a silent pass. */
export type RuleStatus = 'pass' | 'warn' | 'fail' | 'unknown';
/** After accepted exceptions: `accepted` when every finding of a warn/fail is covered by an active exception. */
export type EffectiveStatus = RuleStatus | 'accepted';
export type Severity = 'high' | 'medium' | 'low';

export type ReferenceFramework =
  'CISA SCuBA' | 'Maester EIDSCA' | 'Maester' | 'CIS M365' | 'Zero Trust Assessment' | 'CIPP' | 'Sesame';

export interface Reference {
  readonly framework: ReferenceFramework;
  /** e.g. MS.AAD.8.2v1, EIDSCA.AP04, MT.1025, 5.1.6.3, 21791 */
  readonly id: string;
  readonly url?: string;
}

/** An object at fault (a guest, an app, a role assignment…), as evidence. */
export interface EvidenceObject {
  readonly id: string;
  /** Display name or address as Graph gave it: untrusted text, show it inert. */
  readonly name: string;
  readonly kind: 'user' | 'guest' | 'application' | 'servicePrincipal' | 'roleAssignment' | 'domain';
  /** What is wrong with this one (age, role, expiry…). */
  readonly detail?: Localized;
  /** Set when an active exception covers this object. */
  readonly exceptionId?: string;
  /** Listed for the record (e.g. a member holding Guest Inviter), not at fault. */
  readonly inventory?: boolean;
}

export interface Evidence {
  /** The values read, by name (e.g. `allowInvitesFrom: "everyone"`, `globalAdministrators: 2`). */
  readonly values: Readonly<Record<string, string | number | boolean | null>>;
  /** Objects at fault, at most 200 (see `objectsTotal`). */
  readonly objects: readonly EvidenceObject[];
  /** How many objects are at fault when more than listed. */
  readonly objectsTotal?: number;
}

/** What the viewer lacks to read a rule's data. */
export interface MissingAccess {
  /** Delegated permissions (any one of each group is enough; names as Microsoft writes them). */
  readonly scopes: readonly string[];
  /** Directory roles, any one of which would allow the read. */
  readonly roles: readonly Localized[];
  /** One sentence for the viewer. */
  readonly message: Localized;
}

/** Where Sesame's own grant came from (procedure A gives the vendor's guest the Guest Inviter role). */
export interface GrantOrigin {
  readonly runId: string;
  readonly procedureId: string;
  readonly procedureTitle: Localized;
  /** Who ran it. */
  readonly by: { readonly id: string; readonly name?: string };
  /** When the grant was made (ISO). */
  readonly at: string;
  /** Why the procedure grants it. */
  readonly why: Localized;
}

export type ExceptionStatus = 'active' | 'expired' | 'revoked';

export interface ExceptionView {
  readonly id: string;
  readonly ruleId: string;
  /** The object the exception covers; absent: the whole rule. */
  readonly subjectId?: string;
  readonly subjectName?: string;
  readonly reason: string;
  /** ISO: when it must be reviewed; past it, the item fails again. */
  readonly expiresAt: string;
  readonly status: ExceptionStatus;
  readonly acceptedBy: { readonly id: string; readonly name?: string };
  readonly acceptedAt: string;
  /** Present when a Sesame procedure made the grant this exception covers. */
  readonly origin?: GrantOrigin;
  readonly revokedAt?: string;
  readonly revokedBy?: { readonly id: string; readonly name?: string };
  readonly renewedAt?: string;
}

export interface ChecklistItem {
  readonly ruleId: string;
  readonly area: ChecklistArea;
  readonly severity: Severity;
  readonly title: Localized;
  /** Why it matters and what good looks like. */
  readonly explanation: Localized;
  /** One sentence on what was found. */
  readonly verdict: Localized;
  readonly status: RuleStatus;
  readonly effectiveStatus: EffectiveStatus;
  readonly references: readonly Reference[];
  /** Which reference's threshold the rule follows, when references disagree. */
  readonly threshold?: Localized;
  /** The Graph reads behind it, as `GET /path` (for the curious and for support). */
  readonly reads: readonly string[];
  readonly evidence: Evidence;
  /** Only for `unknown`. */
  readonly missing?: MissingAccess;
  /** The procedure that fixes it ("fix it in chat"), when Sesame has one. */
  readonly fix?: { readonly procedureId: string; readonly title: Localized };
  /** Active exceptions covering this item or some of its objects. */
  readonly exceptions: readonly ExceptionView[];
}

export interface ChecklistSummary {
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
  readonly unknown: number;
  readonly accepted: number;
}

export interface ChecklistSnapshotView {
  readonly id: string;
  readonly takenAt: string;
  readonly takenBy: { readonly id: string; readonly name?: string };
  readonly items: readonly ChecklistItem[];
  readonly summary: ChecklistSummary;
  /** Sequential Graph round trips the collection took. */
  readonly roundTrips: number;
}

export interface ChangedItem {
  readonly ruleId: string;
  readonly title: Localized;
  readonly from: EffectiveStatus | null;
  readonly to: EffectiveStatus;
}

export interface ChecklistChanges {
  /** The snapshot compared with (ISO time), or null for the first one. */
  readonly since: string | null;
  /** Rules that got worse (to warn/fail), and objects newly at fault. */
  readonly newFailures: readonly ChangedItem[];
  /** Rules that got better (to pass or accepted). */
  readonly fixed: readonly ChangedItem[];
  /** Objects at fault now that were not last time, per rule. */
  readonly newFindings: readonly { readonly ruleId: string; readonly objects: readonly EvidenceObject[] }[];
  /** Objects at fault last time that are not any more, per rule. */
  readonly resolvedFindings: readonly {
    readonly ruleId: string;
    readonly objects: readonly EvidenceObject[];
  }[];
  /** Guests created since the previous snapshot. */
  readonly newGuests: readonly EvidenceObject[];
  /** Directory role assignments that appeared since the previous snapshot (guests' and privileged roles'). */
  readonly newGrants: readonly EvidenceObject[];
}

/** GET /api/tab/checklist */
export interface ChecklistView {
  readonly snapshot: ChecklistSnapshotView | null;
  readonly changes: ChecklistChanges | null;
  /** Whether the caller may accept, renew and revoke exceptions. */
  readonly canManageExceptions: boolean;
}

/** POST /api/tab/checklist/refresh answers NDJSON: one of these per line. */
export type RefreshEvent =
  | { readonly type: 'started'; readonly areas: readonly ChecklistArea[]; readonly at: string }
  | { readonly type: 'area'; readonly area: ChecklistArea; readonly items: readonly ChecklistItem[] }
  | { readonly type: 'done'; readonly snapshot: ChecklistSnapshotView; readonly changes: ChecklistChanges }
  | {
      readonly type: 'error';
      readonly error: { readonly code: string; readonly message: string; readonly next?: string };
    };

/** POST /api/tab/checklist/exceptions */
export interface AcceptExceptionRequest {
  readonly ruleId: string;
  readonly subjectId?: string;
  readonly reason: string;
  /** ISO date or date-time, in the future, at most 1 year away. */
  readonly expiresAt: string;
}

/** POST /api/tab/checklist/exceptions/:id/renew */
export interface RenewExceptionRequest {
  readonly expiresAt: string;
  readonly reason?: string;
}

/** POST /api/tab/checklist/exceptions/:id/revoke */
export interface RevokeExceptionRequest {
  readonly reason?: string;
}
