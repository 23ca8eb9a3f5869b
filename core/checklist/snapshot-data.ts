/**
 * What a checklist snapshot reads from Graph, by source, and which catalogued operation reads each. A source is
 * either its value or why it could not be read (the viewer's rights, or Graph failing): the rules turn the latter
 * into `unknown`, never into a pass.
 */
import type { GraphOpName } from '../graph/operations/index.js';
import type {
  AdminConsentRequestPolicy,
  ApplicationCredentials,
  AuthorizationPolicy,
  DirectoryRoleGrant,
  Domain,
  GuestSignIn,
  GuestUser,
  GuestWithSponsors,
  PermissionGrant,
  ServiceAccountState,
  ServicePrincipal,
} from '../graph/operations/index.js';

export type SourceFailure = {
  readonly ok: false;
  /** forbidden: the viewer's role or the token's scopes do not allow the read; failed: anything else. */
  readonly kind: 'forbidden' | 'failed';
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
};

export type Source<T> = { readonly ok: true; readonly value: T } | SourceFailure;

export interface SnapshotData {
  readonly authorizationPolicy: Source<AuthorizationPolicy>;
  readonly adminConsentRequestPolicy: Source<AdminConsentRequestPolicy>;
  readonly guestCount: Source<number>;
  readonly pendingGuests: Source<readonly GuestUser[]>;
  readonly inactiveGuests: Source<readonly GuestSignIn[]>;
  /** Accepted guests created before the inactivity cutoff (the rule keeps those who never signed in). */
  readonly oldAcceptedGuests: Source<readonly GuestSignIn[]>;
  readonly guestSponsors: Source<readonly GuestWithSponsors[]>;
  readonly roleAssignments: Source<readonly DirectoryRoleGrant[]>;
  /** PIM eligibilities in effect (who may activate a role). */
  readonly roleEligibilities: Source<readonly DirectoryRoleGrant[]>;
  readonly applications: Source<readonly ApplicationCredentials[]>;
  readonly domains: Source<readonly Domain[]>;
  /** The service principals of the known vendor apps (core/checklist/vendor-apps.ts) present in the tenant. */
  readonly vendorServicePrincipals: Source<readonly ServicePrincipal[]>;
  /** Every delegated permission grant (the rule keeps the vendor apps'). */
  readonly permissionGrants: Source<readonly PermissionGrant[]>;
  /**
   * The service accounts: the accounts Sesame's procedure C created or took over in this tenant (its runs'
   * `accountId`), as Graph has them now. `expected`: those ids (an id Graph no longer has was deleted).
   */
  readonly serviceAccounts: Source<{
    readonly expected: readonly string[];
    readonly accounts: readonly ServiceAccountState[];
  }>;
}

export type SourceName = keyof SnapshotData;

/** The operation behind each source (what an `unknown` names as missing). */
export const SOURCE_OPERATIONS: Readonly<Record<SourceName, GraphOpName>> = {
  authorizationPolicy: 'getAuthorizationPolicy',
  adminConsentRequestPolicy: 'getAdminConsentRequestPolicy',
  guestCount: 'countGuests',
  pendingGuests: 'listPendingGuests',
  inactiveGuests: 'listInactiveGuests',
  oldAcceptedGuests: 'listOldAcceptedGuests',
  guestSponsors: 'listGuestSponsors',
  roleAssignments: 'listAllRoleAssignments',
  roleEligibilities: 'listAllRoleEligibilities',
  applications: 'listApplicationCredentials',
  domains: 'listDomains',
  vendorServicePrincipals: 'listServicePrincipalsByAppIds',
  permissionGrants: 'listAllPermissionGrants',
  serviceAccounts: 'listServiceAccountsByIds',
};

/** Part of a snapshot while it is collected: the sources read so far. */
export type PartialSnapshotData = Partial<SnapshotData>;

/** Every operation a snapshot may run: the sign-in scopes include what they need (core/procedures/catalog.ts). */
export const CHECKLIST_OPERATIONS: readonly GraphOpName[] = [
  ...Object.values(SOURCE_OPERATIONS),
  'listGuestsCreatedSince',
];
