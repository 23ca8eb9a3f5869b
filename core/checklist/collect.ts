/**
 * Collects a checklist snapshot with the viewer's delegated token: every source in one `$batch` (their first
 * pages), each collection's further pages on its own, server-side filters so that only guests at fault are paged
 * (pending, inactive), `$count` where a number is enough. Each area is evaluated as soon as the sources its rules
 * need are in, so the tab can show it while slower ones (the guests' sponsors) are still paging.
 */
import type { GraphError } from '../errors.js';
import type { GraphCall, GraphReadOutcome, GraphReader } from '../ports/tenant-graph.js';
import { CHECKLIST_AREAS, type ChecklistArea, type EvidenceObject } from './api-types.js';
import { RULES, THRESHOLDS, evaluateRule, type RuleResult } from './rules.js';
import type { SnapshotData, Source, SourceName } from './snapshot-data.js';
import type { GuestList } from '../graph/operations/index.js';
import type {
  ApplicationCredentials,
  DirectoryRoleGrant,
  Domain,
  GuestSignIn,
  GuestUser,
  GuestWithSponsors,
  PermissionGrant,
  ServiceAccountState,
  ServicePrincipal,
} from '../graph/operations/index.js';
import { KNOWN_VENDOR_APPS } from './vendor-apps.js';

const DAY = 86_400_000;

/** A directory role assignment as a snapshot keeps it, to tell new grants next time. */
export interface GrantRef {
  readonly id: string;
  readonly principalId: string;
  readonly name: string;
  readonly roleDefinitionId: string;
  readonly guest: boolean;
}

export interface CollectOptions {
  readonly reader: GraphReader;
  /** Epoch ms the snapshot is taken at. */
  readonly now: number;
  /** The previous snapshot's time (ISO): guests created since then are listed as new. */
  readonly since?: string;
  /**
   * The ids of the service accounts Sesame's procedure C created or took over in this tenant (from its runs); none:
   * nothing to read. Graph takes at most 15 values in an `in` filter: the first 15 are read.
   */
  readonly serviceAccountIds?: readonly string[];
  /** Called once per area, as soon as it is evaluated. */
  readonly onArea?: (area: ChecklistArea, results: readonly RuleResult[]) => void | Promise<void>;
}

export interface Collected {
  readonly results: readonly RuleResult[];
  readonly grants: readonly GrantRef[] | null;
  /** Guests created since `since` (null when not read). */
  readonly newGuests: readonly EvidenceObject[] | null;
  /** Sequential Graph round trips: the batch, then the longest chain of further pages. */
  readonly roundTrips: number;
  /** HTTP requests sent in all. */
  readonly requests: number;
}

function sourceOf<T>(outcome: GraphReadOutcome, pick: (value: never) => T): Source<T> {
  if (outcome.ok) return { ok: true, value: pick(outcome.value as never) };
  const e: GraphError = outcome.error;
  const forbidden = e.code === 'graph_forbidden' || e.code === 'graph_unauthorized';
  return {
    ok: false,
    kind: forbidden ? 'forbidden' : 'failed',
    code: e.code,
    message: e.message,
    ...(e.requestId ? { requestId: e.requestId } : {}),
  };
}

/** The sources an area's rules need. */
function sourcesOf(area: ChecklistArea): SourceName[] {
  return [...new Set(RULES.filter((r) => r.area === area).flatMap((r) => r.sources))];
}

export async function collectSnapshot(options: CollectOptions): Promise<Collected> {
  const cutoff = new Date(options.now - THRESHOLDS.inactiveDays * DAY)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const accountIds = [...new Set((options.serviceAccountIds ?? []).map((id) => id.toLowerCase()))].slice(
    0,
    15,
  );
  const calls: GraphCall[] = [
    { op: 'getAuthorizationPolicy', args: [] },
    { op: 'getAdminConsentRequestPolicy', args: [] },
    { op: 'countGuests', args: [] },
    { op: 'listPendingGuests', args: [] },
    { op: 'listInactiveGuests', args: [cutoff] },
    { op: 'listAllRoleAssignments', args: [] },
    { op: 'listApplicationCredentials', args: [] },
    { op: 'listDomains', args: [] },
    { op: 'listOldAcceptedGuests', args: [cutoff] },
    { op: 'listAllRoleEligibilities', args: [] },
    { op: 'listServicePrincipalsByAppIds', args: [KNOWN_VENDOR_APPS.map((a) => a.appId)] },
    { op: 'listAllPermissionGrants', args: [] },
    ...(accountIds.length > 0 ? [{ op: 'listServiceAccountsByIds', args: [accountIds] } as GraphCall] : []),
    // Last: the only read that walks every guest (Graph cannot filter on sponsors).
    { op: 'listGuestSponsors', args: [] },
    // Graph keeps createdDateTime to the second: from the previous snapshot's second, so none is missed.
    ...(options.since
      ? [{ op: 'listGuestsCreatedSince', args: [`${options.since.slice(0, 19)}Z`] } as GraphCall]
      : []),
  ];
  const outcomes = options.reader.readMany(calls);
  const at = (i: number) => outcomes[i]!;
  const accountsAt = accountIds.length > 0 ? 12 : undefined;
  const sponsorsAt = 12 + (accountsAt === undefined ? 0 : 1);
  const sources: { [K in SourceName]: Promise<SnapshotData[K]> } = {
    authorizationPolicy: at(0).then((o) => sourceOf(o, (v) => v)),
    adminConsentRequestPolicy: at(1).then((o) => sourceOf(o, (v) => v)),
    guestCount: at(2).then((o) => sourceOf(o, (v: { count: number }) => v.count)),
    pendingGuests: at(3).then((o) => sourceOf(o, (v: GuestList) => v.guests)),
    inactiveGuests: at(4).then((o) => sourceOf(o, (v: { guests: readonly GuestSignIn[] }) => v.guests)),
    roleAssignments: at(5).then((o) =>
      sourceOf(o, (v: { assignments: readonly DirectoryRoleGrant[] }) => v.assignments),
    ),
    applications: at(6).then((o) =>
      sourceOf(o, (v: { applications: readonly ApplicationCredentials[] }) => v.applications),
    ),
    domains: at(7).then((o) => sourceOf(o, (v: { domains: readonly Domain[] }) => v.domains)),
    oldAcceptedGuests: at(8).then((o) => sourceOf(o, (v: { guests: readonly GuestSignIn[] }) => v.guests)),
    roleEligibilities: at(9).then((o) =>
      sourceOf(o, (v: { eligibilities: readonly DirectoryRoleGrant[] }) => v.eligibilities),
    ),
    vendorServicePrincipals: at(10).then((o) =>
      sourceOf(o, (v: { servicePrincipals: readonly ServicePrincipal[] }) => v.servicePrincipals),
    ),
    permissionGrants: at(11).then((o) =>
      sourceOf(o, (v: { grants: readonly PermissionGrant[] }) => v.grants),
    ),
    serviceAccounts:
      accountsAt === undefined
        ? Promise.resolve({ ok: true, value: { expected: [], accounts: [] } })
        : at(accountsAt).then((o) =>
            sourceOf(o, (v: { accounts: readonly ServiceAccountState[] }) => ({
              expected: accountIds,
              accounts: v.accounts,
            })),
          ),
    guestSponsors: at(sponsorsAt).then((o) =>
      sourceOf(o, (v: { guests: readonly GuestWithSponsors[] }) => v.guests),
    ),
  };

  const results = new Map<string, RuleResult>();
  const ctx = { now: options.now };
  await Promise.all(
    CHECKLIST_AREAS.map(async (area) => {
      const data: Partial<Record<SourceName, unknown>> = {};
      for (const name of sourcesOf(area)) data[name] = await sources[name];
      const areaResults = RULES.filter((r) => r.area === area).map((r) =>
        evaluateRule(r, data as Partial<SnapshotData>, ctx),
      );
      for (const r of areaResults) results.set(r.ruleId, r);
      await options.onArea?.(area, areaResults);
    }),
  );

  const settled = await Promise.all(outcomes);
  const roles = await sources.roleAssignments;
  const grants = roles.ok
    ? roles.value.map((a): GrantRef => ({
        id: a.id,
        principalId: a.principalId,
        name: a.principal.displayName ?? a.principal.userPrincipalName ?? a.principalId,
        roleDefinitionId: a.roleDefinitionId,
        guest: a.principal.userType === 'Guest',
      }))
    : null;
  let newGuests: EvidenceObject[] | null = null;
  const since = options.since ? settled[sponsorsAt + 1] : undefined;
  if (since?.ok) {
    newGuests = (since.value as GuestList).guests.map((g: GuestUser) => ({
      id: g.id,
      name: g.mail ?? g.displayName ?? g.id,
      kind: 'guest',
      ...(g.createdDateTime
        ? {
            detail: {
              fr: `Créé le ${g.createdDateTime.slice(0, 10)}`,
              en: `Created ${g.createdDateTime.slice(0, 10)}`,
            },
          }
        : {}),
    }));
  }
  return {
    results: RULES.map((r) => results.get(r.id)!),
    grants,
    newGuests,
    roundTrips: 1 + Math.max(0, ...settled.map((o) => o.pages - 1)),
    requests: 1 + settled.reduce((n, o) => n + o.pages - 1, 0),
  };
}
