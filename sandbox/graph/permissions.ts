/**
 * Who may call each Graph route, as Microsoft documents it: the delegated scopes that permit the call (from
 * ../shared/reference/msgraph/permissions.json, DelegatedWork schemes; Intune and agent-identity scopes left out)
 * and the directory roles the signed-in user must hold (the "least privileged roles" of each API page).
 * Global Administrator holds every role. A user's roles are read from the directory at call time, as Graph does.
 */
import { GUEST_ROLE, ROLE } from '../data/model.js';
import type { RouteKey } from './route-table.js';

export type RoleRule =
  /** Any signed-in account, guests included. */
  | { readonly kind: 'anyUser' }
  /** Members; guests only when guestUserRoleId gives them member access. Reading oneself is always allowed. */
  | { readonly kind: 'member' }
  /** One of these roles (or Global Administrator); `self` lets a user act on their own object without one. */
  | { readonly kind: 'roles'; readonly roles: readonly string[]; readonly self?: boolean }
  /** POST /invitations: who may invite depends on authorizationPolicy.allowInvitesFrom. */
  | { readonly kind: 'invitePolicy' };

export interface RoutePermission {
  /** Any one of these delegated scopes permits the call. */
  readonly scopes: readonly string[];
  /** Scopes that permit the call only on the signed-in user's own object (e.g. User.Read on /users/{me}). */
  readonly selfScopes?: readonly string[];
  readonly roles: RoleRule;
}

const member: RoleRule = { kind: 'member' };
const anyUser: RoleRule = { kind: 'anyUser' };
const roles = (...r: string[]): RoleRule => ({ kind: 'roles', roles: r });

const USERS_READ = [
  'User.ReadBasic.All',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const ROLE_READ = [
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
  'RoleManagement.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const ELIGIBILITY_READ = [
  'RoleEligibilitySchedule.Read.Directory',
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.ReadWrite.Directory',
];
/** Who may list every eligibility of the tenant (PIM): not only the members' own. */
const ELIGIBILITY_READERS = roles(
  ROLE.globalReader,
  ROLE.securityReader,
  ROLE.securityAdministrator,
  ROLE.privilegedRoleAdministrator,
);
const APP_READ = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const SYNC_READ = ['Synchronization.Read.All', 'Synchronization.ReadWrite.All'];
const SYNC_WRITE = ['Synchronization.ReadWrite.All'];
const SYNC_ROLES = [
  ROLE.applicationAdministrator,
  ROLE.cloudApplicationAdministrator,
  ROLE.hybridIdentityAdministrator,
];
const SYNC_READ_ROLES = [...SYNC_ROLES, ROLE.globalReader];
const APP_WRITE_ROLES = [ROLE.applicationAdministrator, ROLE.cloudApplicationAdministrator];
const DOMAIN_READ = ['Domain.Read.All', 'Domain.ReadWrite.All', 'Directory.Read.All'];

export const routePermissions: Readonly<Record<Exclude<RouteKey, 'POST /$batch'>, RoutePermission>> = {
  'GET /me': {
    scopes: [
      'User.Read',
      'User.ReadWrite',
      'User.ReadBasic.All',
      'User.Read.All',
      'User.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    roles: anyUser,
  },
  'GET /users': { scopes: USERS_READ, roles: member },
  'GET /groups': {
    scopes: [
      'Group.ReadBasic.All',
      'GroupMember.Read.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    roles: member,
  },
  'POST /users': {
    scopes: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    roles: roles(ROLE.userAdministrator),
  },
  'GET /users/{id}': { scopes: USERS_READ, selfScopes: ['User.Read', 'User.ReadWrite'], roles: member },
  'PATCH /users/{id}': {
    scopes: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    selfScopes: ['User.ReadWrite'],
    roles: { kind: 'roles', roles: [ROLE.userAdministrator], self: true },
  },
  'DELETE /users/{id}': {
    scopes: ['User.DeleteRestore.All', 'User.ReadWrite.All'],
    roles: roles(ROLE.userAdministrator, ROLE.privilegedAuthenticationAdministrator),
  },
  'POST /users/{id}/assignLicense': {
    scopes: ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    roles: roles(ROLE.licenseAdministrator, ROLE.userAdministrator),
  },
  'GET /users/{id}/licenseDetails': {
    scopes: [
      'LicenseAssignment.Read.All',
      'User.Read.All',
      'User.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    selfScopes: ['User.Read'],
    roles: member,
  },
  // The map lists User.Read for any user's sponsors (not only one's own), and no Directory.* scope for the read.
  'GET /users/{id}/sponsors': { scopes: ['User.Read', 'User.Read.All', 'User.ReadWrite.All'], roles: member },
  'POST /users/{id}/sponsors/$ref': {
    scopes: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    roles: roles(ROLE.userAdministrator, ROLE.directoryWriters),
  },
  'POST /invitations': {
    scopes: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    roles: { kind: 'invitePolicy' },
  },
  // Microsoft (2025+): reading the authorization policy needs a reader or admin role; plain members get 403.
  'GET /policies/authorizationPolicy': {
    scopes: ['Policy.Read.All', 'Policy.ReadWrite.Authorization'],
    roles: roles(
      ROLE.globalReader,
      ROLE.securityReader,
      ROLE.securityOperator,
      ROLE.securityAdministrator,
      ROLE.cloudDeviceAdministrator,
      ROLE.licenseAdministrator,
      ROLE.privilegedRoleAdministrator,
    ),
  },
  'PATCH /policies/authorizationPolicy': {
    scopes: ['Policy.ReadWrite.Authorization'],
    roles: roles(ROLE.privilegedRoleAdministrator),
  },
  'GET /policies/adminConsentRequestPolicy': {
    scopes: [
      'Policy.Read.All',
      'Policy.ReadWrite.ConsentRequest',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    roles: roles(
      ROLE.globalReader,
      ROLE.applicationAdministrator,
      ROLE.cloudApplicationAdministrator,
      ROLE.securityReader,
    ),
  },
  'GET /policies/crossTenantAccessPolicy/default': {
    scopes: ['Policy.Read.All', 'Policy.ReadWrite.CrossTenantAccess'],
    roles: roles(ROLE.globalReader, ROLE.securityReader, ROLE.securityAdministrator),
  },
  'GET /roleManagement/directory/roleDefinitions': { scopes: ROLE_READ, roles: member },
  'GET /roleManagement/directory/roleDefinitions/{id}': { scopes: ROLE_READ, roles: member },
  'GET /roleManagement/directory/roleAssignments': { scopes: ROLE_READ, roles: member },
  'POST /roleManagement/directory/roleAssignments': {
    scopes: ['RoleManagement.ReadWrite.Directory'],
    roles: roles(ROLE.privilegedRoleAdministrator),
  },
  'GET /roleManagement/directory/roleAssignments/{id}': { scopes: ROLE_READ, roles: member },
  'DELETE /roleManagement/directory/roleAssignments/{id}': {
    scopes: ['RoleManagement.ReadWrite.Directory'],
    roles: roles(ROLE.privilegedRoleAdministrator),
  },
  'GET /roleManagement/directory/roleEligibilitySchedules': {
    scopes: ELIGIBILITY_READ,
    roles: ELIGIBILITY_READERS,
  },
  'GET /roleManagement/directory/roleEligibilityScheduleInstances': {
    scopes: ELIGIBILITY_READ,
    roles: ELIGIBILITY_READERS,
  },
  // PIM's "My roles": every member may list their own eligibilities.
  "GET /roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='{on}')": {
    scopes: ELIGIBILITY_READ,
    roles: member,
  },
  'GET /subscribedSkus': {
    scopes: [
      'LicenseAssignment.Read.All',
      'Organization.Read.All',
      'Organization.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    roles: member,
  },
  'GET /domains': { scopes: DOMAIN_READ.concat('Domain.ReadWrite.All'), roles: member },
  'POST /domains': { scopes: ['Domain.ReadWrite.All'], roles: roles(ROLE.domainNameAdministrator) },
  'GET /domains/{id}': { scopes: DOMAIN_READ, roles: member },
  'GET /domains/{id}/verificationDnsRecords': {
    scopes: ['Domain.Read.All', 'Domain.ReadWrite.All'],
    roles: member,
  },
  'POST /domains/{id}/verify': {
    scopes: ['Domain.ReadWrite.All'],
    roles: roles(ROLE.domainNameAdministrator),
  },
  'GET /servicePrincipals': { scopes: APP_READ, roles: member },
  'GET /servicePrincipals/{id}': { scopes: APP_READ, roles: member },
  "GET /servicePrincipals(appId='{appId}')": { scopes: APP_READ, roles: member },
  'GET /servicePrincipals/{id}/appRoleAssignedTo': { scopes: APP_READ, roles: member },
  'POST /servicePrincipals/{id}/appRoleAssignedTo': {
    scopes: ['AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All'],
    roles: roles(...APP_WRITE_ROLES),
  },
  'GET /servicePrincipals/{id}/appRoleAssignments': { scopes: APP_READ, roles: member },
  'GET /servicePrincipals/{id}/synchronization/templates': {
    scopes: SYNC_READ,
    roles: roles(...SYNC_READ_ROLES),
  },
  'GET /servicePrincipals/{id}/synchronization/jobs': { scopes: SYNC_READ, roles: roles(...SYNC_READ_ROLES) },
  'POST /servicePrincipals/{id}/synchronization/jobs': { scopes: SYNC_WRITE, roles: roles(...SYNC_ROLES) },
  'GET /servicePrincipals/{id}/synchronization/jobs/{jobId}': {
    scopes: SYNC_READ,
    roles: roles(...SYNC_READ_ROLES),
  },
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/start': {
    scopes: SYNC_WRITE,
    roles: roles(...SYNC_ROLES),
  },
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/validateCredentials': {
    scopes: SYNC_WRITE,
    roles: roles(...SYNC_ROLES),
  },
  'PUT /servicePrincipals/{id}/synchronization/secrets': { scopes: SYNC_WRITE, roles: roles(...SYNC_ROLES) },
  'GET /oauth2PermissionGrants': {
    scopes: ['Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'],
    roles: member,
  },
  'GET /applications': { scopes: APP_READ, roles: member },
  // Microsoft documents no permission for reading the gallery: any valid token.
  'GET /applicationTemplates': { scopes: [], roles: anyUser },
  'GET /applicationTemplates/{id}': { scopes: [], roles: anyUser },
  'POST /applicationTemplates/{id}/instantiate': {
    scopes: ['Application.ReadWrite.All', 'Directory.ReadWrite.All'],
    roles: roles(...APP_WRITE_ROLES),
  },
  // Microsoft: "doesn't require the calling user to be assigned any Microsoft Entra role".
  "GET /tenantRelationships/findTenantInformationByDomainName(domainName='{domainName}')": {
    scopes: ['CrossTenantInformation.ReadBasic.All'],
    roles: member,
  },
  'GET /organization': {
    scopes: [
      'User.Read',
      'User.Read.All',
      'Organization.Read.All',
      'Organization.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    roles: anyUser,
  },
};

/** Properties Graph returns only with an extra scope and role (sign-in activity comes from the audit logs). */
export const propertyPermissions: Readonly<
  Record<string, { scopes: readonly string[]; roles: readonly string[] }>
> = {
  signInActivity: {
    scopes: ['AuditLog.Read.All'],
    roles: [ROLE.globalReader, ROLE.securityReader, ROLE.securityAdministrator],
  },
};

/** allowInvitesFrom → who may invite (Microsoft: "none" blocks everyone, administrators included). */
export const INVITE_POLICY: Readonly<
  Record<string, { roles: readonly string[]; members: boolean; guests: boolean }>
> = {
  none: { roles: [], members: false, guests: false },
  adminsAndGuestInviters: {
    roles: [ROLE.globalAdministrator, ROLE.userAdministrator, ROLE.guestInviter],
    members: false,
    guests: false,
  },
  adminsGuestInvitersAndAllMembers: {
    roles: [ROLE.globalAdministrator, ROLE.userAdministrator, ROLE.guestInviter],
    members: true,
    guests: false,
  },
  everyone: {
    roles: [ROLE.globalAdministrator, ROLE.userAdministrator, ROLE.guestInviter],
    members: true,
    guests: true,
  },
};

export const MEMBER_LIKE_GUEST_ROLE = GUEST_ROLE.sameAsMembers;
