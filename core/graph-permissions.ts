/**
 * The delegated Microsoft Graph scopes Sesame requests, and the Graph requests they must permit.
 *
 * Each scope was chosen from Microsoft's permissions map (reference/msgraph/permissions-map.json) as the least
 * privileged delegated (work account) permission for at least one request below; the contract test
 * tests/contract/sesame-scopes.test.ts re-checks that against the map, with its two justified exceptions.
 * Directory roles still bound what a delegated token can do: these scopes are the app's ceiling, the admin's
 * roles the real limit.
 */

export type GraphHttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export const SESAME_GRAPH_SCOPES = [
  'openid', // sign-in (OpenID Connect)
  'profile', // sign-in: the admin's name in the ID token
  'offline_access', // refresh tokens, so reminders and polling steps can act later on the admin's behalf
  'User.Read', // E: GET /me (work account, userType Member) — least privileged for /me
  'User.Read.All', // A: find an existing guest (mail, externalUserState); checklist: pending and inactive guests
  'User.Invite.All', // A: POST /invitations
  'User.ReadWrite.All', // C: POST /users (create the service account) — least privileged for it
  'Policy.Read.All', // A + checklist: authorizationPolicy, crossTenantAccessPolicy/default, adminConsentRequestPolicy
  'RoleManagement.Read.Directory', // E + checklist: role assignments (Global Administrators, Guest Inviter holders)
  'RoleManagement.ReadWrite.Directory', // A: POST /roleManagement/directory/roleAssignments (Guest Inviter role)
  'RoleEligibilitySchedule.Read.Directory', // E: PIM eligibility for Global Administrator
  'Application.Read.All', // B: GET /servicePrincipals(appId=…), appRoleAssignments; checklist: vendor apps, app secrets
  'Directory.Read.All', // B + checklist: GET /oauth2PermissionGrants — the map's least privileged delegated scope for it
  'LicenseAssignment.Read.All', // C: GET /subscribedSkus (free seats) and licenseDetails — least privileged for both
  'LicenseAssignment.ReadWrite.All', // C: POST /users/{id}/assignLicense
  'Domain.Read.All', // C: UPN in a verified domain; checklist: verified domains
  'Domain.ReadWrite.All', // D: POST /domains, POST /domains/{id}/verify
  'Application.ReadWrite.All', // D: POST /applicationTemplates/{id}/instantiate (gallery app)
  'Synchronization.ReadWrite.All', // D: provisioning job, secrets, validateCredentials, start
  'AppRoleAssignment.ReadWrite.All', // D: POST /servicePrincipals/{id}/appRoleAssignedTo (assign users/groups)
  'AuditLog.Read.All', // checklist: signInActivity on /users (inactive guests) — property-level requirement
] as const;

export type SesameGraphScope = (typeof SESAME_GRAPH_SCOPES)[number];

export interface SesameGraphRequest {
  readonly method: GraphHttpMethod;
  /** Relative to /v1.0, `{placeholders}` for values; the query shows what Sesame sends. */
  readonly path: string;
  /** Procedure or checklist rule, and why. */
  readonly purpose: string;
  readonly select?: readonly string[];
  /** Top-level body property names; `a.b` names a property of the complex value `a`. */
  readonly bodyProperties?: readonly string[];
}

const USER_LOOKUP_FIELDS = [
  'id',
  'displayName',
  'mail',
  'otherMails',
  'userPrincipalName',
  'userType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'createdDateTime',
] as const;

/**
 * The Graph requests Sesame makes (from DESIGN.md and the TenantGraph port). To be replaced by the requests the
 * sandbox records during the test suite; until then this list is what the least-privilege check runs on.
 */
export const SESAME_GRAPH_REQUESTS: readonly SesameGraphRequest[] = [
  // Sign-in and procedure E
  {
    method: 'GET',
    path: '/me',
    purpose: 'E: the signed-in account is a work account (userType Member)',
    select: ['id', 'displayName', 'userPrincipalName', 'userType', 'mail'],
  },
  {
    method: 'GET',
    path: "/roleManagement/directory/roleAssignments?$filter=principalId eq '{principalId}'",
    purpose: 'E: does the admin hold Global Administrator; A: is the Guest Inviter role already assigned',
    select: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId'],
  },
  {
    method: 'GET',
    path: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='{on}')",
    purpose: 'E: is the admin eligible for Global Administrator through PIM (activate it first)',
  },
  {
    method: 'GET',
    path: "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=roleDefinitionId eq '{roleTemplateId}'&$expand=principal",
    purpose: 'E: name the admins eligible for Global Administrator (privileged readers only)',
  },
  {
    method: 'GET',
    path: "/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '{roleTemplateId}'&$expand=principal",
    purpose: 'E + checklist: name the Global Administrators (2 to 8) and the Guest Inviter holders',
  },
  // Procedure A and the guest-access checklist
  {
    method: 'GET',
    path: '/policies/authorizationPolicy',
    purpose: 'A + checklist: allowInvitesFrom, guest role, user consent, users can register apps',
    select: [
      'allowInvitesFrom',
      'guestUserRoleId',
      'defaultUserRolePermissions',
      'allowUserConsentForRiskyApps',
    ],
  },
  {
    method: 'GET',
    path: '/policies/crossTenantAccessPolicy/default',
    purpose: 'A: cross-tenant B2B collaboration defaults',
    select: [
      'b2bCollaborationInbound',
      'b2bCollaborationOutbound',
      'invitationRedemptionIdentityProviderConfiguration',
    ],
  },
  {
    method: 'GET',
    path: "/users?$filter=mail eq '{mail}' or otherMails/any(m:m eq '{mail}')&$count=true",
    purpose: 'A: look for an existing guest (ConsistencyLevel: eventual)',
    select: USER_LOOKUP_FIELDS,
  },
  {
    method: 'POST',
    path: '/invitations',
    purpose: 'A: invite the vendor account (fr-FR message)',
    bodyProperties: [
      'invitedUserEmailAddress',
      'invitedUserDisplayName',
      'inviteRedirectUrl',
      'sendInvitationMessage',
      'invitedUserMessageInfo.messageLanguage',
      'invitedUserMessageInfo.customizedMessageBody',
    ],
  },
  {
    method: 'POST',
    path: '/roleManagement/directory/roleAssignments',
    purpose: 'A: assign the Guest Inviter role, directoryScopeId /',
    bodyProperties: ['principalId', 'roleDefinitionId', 'directoryScopeId'],
  },
  {
    method: 'GET',
    path: '/users/{id}',
    purpose: 'A: poll externalUserState until Accepted; C: mailbox provisioned (provisionedPlans)',
    select: [...USER_LOOKUP_FIELDS, 'provisionedPlans', 'assignedLicenses', 'usageLocation'],
  },
  {
    method: 'GET',
    path: "/users?$filter=userType eq 'Guest'",
    purpose: 'checklist: pending (externalUserState) and inactive (signInActivity, 90 days) guests',
    select: [...USER_LOOKUP_FIELDS, 'signInActivity'],
  },
  {
    method: 'GET',
    path: '/policies/adminConsentRequestPolicy',
    purpose: 'checklist: admin consent workflow on, with reminders',
    select: ['isEnabled', 'notifyReviewers', 'remindersEnabled', 'reviewers'],
  },
  // Procedure B and the consent checklist
  {
    method: 'GET',
    path: "/servicePrincipals(appId='{appId}')",
    purpose: 'B: has the vendor app been consented (404 = never)',
    select: ['id', 'appId', 'displayName', 'appOwnerOrganizationId'],
  },
  {
    method: 'GET',
    path: "/oauth2PermissionGrants?$filter=clientId eq '{servicePrincipalId}'",
    purpose: 'B + checklist: delegated scopes granted to a vendor app',
    select: ['id', 'clientId', 'consentType', 'principalId', 'resourceId', 'scope'],
  },
  {
    method: 'GET',
    path: '/servicePrincipals/{id}/appRoleAssignments',
    purpose: 'B + checklist: application permissions granted to a vendor app',
    select: ['id', 'appRoleId', 'resourceId', 'resourceDisplayName', 'createdDateTime'],
  },
  {
    method: 'GET',
    path: "/servicePrincipals?$filter=appId in ('{appId}')",
    purpose: 'checklist: service principals of known vendor apps',
    select: ['id', 'appId', 'displayName', 'appOwnerOrganizationId', 'passwordCredentials'],
  },
  {
    method: 'GET',
    path: '/applications',
    purpose: 'checklist: app secrets and certificates expiring within 30 days',
    select: ['id', 'appId', 'displayName', 'passwordCredentials', 'keyCredentials'],
  },
  // Procedure C
  {
    method: 'GET',
    path: '/domains',
    purpose: 'C: UPN in a verified domain; D + checklist: verified custom domains',
    select: ['id', 'isVerified', 'isDefault', 'authenticationType'],
  },
  {
    method: 'POST',
    path: '/users',
    purpose: 'C: create the service account',
    bodyProperties: [
      'accountEnabled',
      'displayName',
      'mailNickname',
      'userPrincipalName',
      'usageLocation',
      'passwordProfile.password',
      'passwordProfile.forceChangePasswordNextSignIn',
    ],
  },
  {
    method: 'GET',
    path: '/subscribedSkus',
    purpose: 'C: a licence with an Exchange plan and free seats',
    select: ['skuId', 'skuPartNumber', 'prepaidUnits', 'consumedUnits', 'servicePlans', 'capabilityStatus'],
  },
  {
    method: 'POST',
    path: '/users/{id}/assignLicense',
    purpose: 'C: assign the licence',
    bodyProperties: ['addLicenses', 'removeLicenses'],
  },
  {
    method: 'GET',
    path: '/users/{id}/licenseDetails',
    purpose: 'C + checklist: service account licensed, Exchange plan status',
    select: ['skuId', 'skuPartNumber', 'servicePlans'],
  },
  // Procedure D
  { method: 'POST', path: '/domains', purpose: 'D: add a domain', bodyProperties: ['id'] },
  {
    method: 'GET',
    path: '/domains/{id}/verificationDnsRecords',
    purpose: 'D: the TXT record to publish',
  },
  {
    method: 'POST',
    path: '/domains/{id}/verify',
    purpose: 'D: verify the domain (re-checked while DNS propagates)',
  },
  {
    method: 'GET',
    path: "/applicationTemplates?$filter=displayName eq '{name}'",
    purpose: 'D: find the gallery app template (GoTo)',
    select: ['id', 'displayName', 'supportedProvisioningTypes'],
  },
  {
    method: 'POST',
    path: '/applicationTemplates/{id}/instantiate',
    purpose: 'D: instantiate the gallery app',
    bodyProperties: ['displayName'],
  },
  {
    method: 'GET',
    path: '/servicePrincipals/{id}/synchronization/templates',
    purpose: 'D: the provisioning template id',
    select: ['id', 'factoryTag'],
  },
  {
    method: 'POST',
    path: '/servicePrincipals/{id}/synchronization/jobs',
    purpose: 'D: create the provisioning job',
    bodyProperties: ['templateId'],
  },
  {
    method: 'POST',
    path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}/validateCredentials',
    purpose: 'D: test the vendor admin credentials',
    bodyProperties: ['useSavedCredentials', 'credentials'],
  },
  {
    method: 'PUT',
    path: '/servicePrincipals/{id}/synchronization/secrets',
    purpose: 'D: save the vendor credentials (tenant URL, secret token)',
    bodyProperties: ['value'],
  },
  {
    method: 'POST',
    path: '/servicePrincipals/{id}/appRoleAssignedTo',
    purpose: 'D: assign users and groups to the app',
    bodyProperties: ['principalId', 'resourceId', 'appRoleId'],
  },
  {
    method: 'POST',
    path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}/start',
    purpose: 'D: start provisioning',
  },
  {
    method: 'GET',
    path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}',
    purpose: 'D: watch status and quarantine; reminder on failure',
    select: ['id', 'status', 'schedule', 'templateId'],
  },
  // Transport: independent reads are batched (max 20); each inner request is one of the above.
  { method: 'POST', path: '/$batch', purpose: 'TenantGraph: independent reads, 20 per batch' },
];
