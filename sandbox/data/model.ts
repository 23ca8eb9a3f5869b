/**
 * The sandbox tenant's directory, held in memory. Objects are stored with Microsoft Graph v1.0 property names
 * (checked against the CSDL in sandbox/graph/csdl-types.ts) so the Graph side serialises them as they are.
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type GraphObject = { id: string } & Record<string, Json | undefined>;

export type AssignedLicense = { skuId: string; disabledPlans: string[] };

export interface GraphUser extends GraphObject {
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  mailNickname: string;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
  createdDateTime: string;
  creationType: string | null;
  externalUserState: string | null;
  externalUserStateChangeDateTime: string | null;
  usageLocation: string | null;
  assignedLicenses: AssignedLicense[];
  otherMails: string[];
  onPremisesSyncEnabled: boolean | null;
}

export interface ServicePlanInfo {
  servicePlanId: string;
  servicePlanName: string;
  provisioningStatus: string;
  appliesTo: string;
}

export interface SubscribedSku extends GraphObject {
  skuId: string;
  skuPartNumber: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number; suspended: number; warning: number; lockedOut: number };
  servicePlans: ServicePlanInfo[] & Json[];
}

export interface RoleDefinition extends GraphObject {
  displayName: string;
  templateId: string;
}

export interface RoleAssignment extends GraphObject {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface ServicePrincipal extends GraphObject {
  appId: string;
  displayName: string;
}

/** What drives a job's status between reads (kept beside the job: Graph shows none of it). */
export interface JobRun {
  /** When the current run (start) began: cycles follow every `intervalMs` from there. */
  startedAt: number;
  /** How many cycles of this run the status already reflects. */
  cyclesSeen: number;
  /** The console put the job in quarantine (the vendor revoked the token): until the next start. */
  quarantinedAt?: number;
}

export interface SynchronizationState {
  jobs: Map<string, GraphObject>;
  secrets: { key: string; value: string }[];
  runs: Map<string, JobRun>;
  /** Secret tokens the vendor revoked (the console's "revoke"): they stop working everywhere. */
  revokedTokens: Set<string>;
}

export const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityOperator: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  cloudDeviceAdministrator: '7698a772-787b-4ac8-901f-60d6b08affd2',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  directoryWriters: '9360feb5-f418-4baa-8175-e2a00bac4301',
  licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  domainNameAdministrator: '8329153b-31d0-4727-b945-745eb3bc5f31',
  hybridIdentityAdministrator: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
} as const;

/** The three user-role templates authorizationPolicy.guestUserRoleId may hold. */
export const GUEST_ROLE = {
  sameAsMembers: 'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  limited: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  restricted: '2af84b1e-32c8-42b7-82bc-daa82404023b',
} as const;

/** A GUID-shaped id derived from a name, so seeds and generated tenants are identical on every run. */
export function guidFrom(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class TenantState {
  readonly users = new Map<string, GraphUser>();
  private readonly upnIndex = new Map<string, string>();
  private userListCache: GraphUser[] | undefined;
  /** Security groups (assigned to gallery apps in procedure D), by object id. */
  readonly groups = new Map<string, GraphObject>();
  readonly domains = new Map<string, GraphObject>();
  readonly domainVerificationCodes = new Map<string, string>();
  /** Domains whose TXT record "exists in DNS" (the admin API can flip it; see /_sandbox/dns). */
  readonly publishedDnsTxt = new Set<string>();
  subscribedSkus: SubscribedSku[] = [];
  roleDefinitions: RoleDefinition[] = [];
  readonly roleAssignments = new Map<string, RoleAssignment>();
  roleEligibilitySchedules: GraphObject[] = [];
  readonly servicePrincipals = new Map<string, ServicePrincipal>();
  oauth2PermissionGrants: GraphObject[] = [];
  appRoleAssignments: GraphObject[] = [];
  authorizationPolicy!: GraphObject;
  adminConsentRequestPolicy!: GraphObject;
  crossTenantAccessPolicyDefault!: GraphObject;
  invitations: GraphObject[] = [];
  readonly applications = new Map<string, GraphObject>();
  /** Owners of app registrations: application object id → user ids. */
  readonly applicationOwners = new Map<string, string[]>();
  /** Guests' sponsors (`/users/{id}/sponsors`): guest id → sponsoring user or group ids. */
  readonly sponsors = new Map<string, string[]>();
  applicationTemplates: GraphObject[] = [];
  /** Provisioning templates offered by gallery apps, keyed by application template id. */
  readonly synchronizationTemplatesByAppTemplate = new Map<string, GraphObject[]>();
  readonly synchronization = new Map<string, SynchronizationState>();
  organization!: GraphObject;
  /** Replication lag: epoch ms from which a just-created object is visible to reads. */
  readonly visibleFrom = new Map<string, number>();
  private sequence = 0;

  constructor(
    readonly tenantId: string,
    readonly tenantDisplayName: string,
  ) {}

  /** A fresh id for an object created at run time; deterministic for a given sequence of writes. */
  newId(kind: string): string {
    this.sequence += 1;
    return guidFrom(`${this.tenantId}:${kind}:${this.sequence}`);
  }

  addUser(user: GraphUser): void {
    this.users.set(user.id, user);
    this.upnIndex.set(user.userPrincipalName.toLowerCase(), user.id);
    this.userListCache = undefined;
  }

  removeUser(id: string): void {
    const user = this.users.get(id);
    if (!user) return;
    this.users.delete(id);
    this.upnIndex.delete(user.userPrincipalName.toLowerCase());
    this.userListCache = undefined;
  }

  reindexUser(oldUpn: string, user: GraphUser): void {
    this.upnIndex.delete(oldUpn.toLowerCase());
    this.upnIndex.set(user.userPrincipalName.toLowerCase(), user.id);
  }

  /** All users in a stable order (creation order), cached between writes so paging is cheap. */
  userList(): readonly GraphUser[] {
    this.userListCache ??= [...this.users.values()];
    return this.userListCache;
  }

  /** By object id or UPN, ignoring replication lag (the directory has it, reads may not see it yet). */
  findUser(idOrUpn: string): GraphUser | undefined {
    const byId = this.users.get(idOrUpn.toLowerCase()) ?? this.users.get(idOrUpn);
    if (byId) return byId;
    const id = this.upnIndex.get(idOrUpn.toLowerCase());
    return id ? this.users.get(id) : undefined;
  }

  isVisible(id: string, now: number): boolean {
    const from = this.visibleFrom.get(id);
    return from === undefined || now >= from;
  }

  /** Active directory-wide role template ids a principal holds now (Graph reads them from the directory). */
  roleTemplateIdsOf(principalId: string): string[] {
    const out = new Set<string>();
    for (const a of this.roleAssignments.values()) {
      if (a.principalId !== principalId) continue;
      const def = this.roleDefinitions.find((d) => d.id === a.roleDefinitionId);
      if (def) out.add(def.templateId);
    }
    return [...out];
  }

  findServicePrincipal(idOrAppId: string, by: 'id' | 'appId'): ServicePrincipal | undefined {
    if (by === 'id') return this.servicePrincipals.get(idOrAppId.toLowerCase());
    const appId = idOrAppId.toLowerCase();
    for (const sp of this.servicePrincipals.values()) if (sp.appId.toLowerCase() === appId) return sp;
    return undefined;
  }

  verifiedDomainNames(): string[] {
    return [...this.domains.values()].filter((d) => d.isVerified === true).map((d) => d.id.toLowerCase());
  }
}
