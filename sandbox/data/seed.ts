/**
 * The seeded tenant "Cabinet Exemple", a French accounting firm: two Global Administrators, one holder of each role
 * Sesame's procedures need, a plain user, and the guests a real tenant accumulates (accepted, never redeemed,
 * inactive). Every id is derived from a name (guidFrom) so tests can refer to SEED_USERS across runs.
 */
import {
  GUEST_ROLE,
  ROLE,
  TenantState,
  guidFrom,
  type GraphObject,
  type Json,
  type GraphUser,
  type RoleDefinition,
  type SubscribedSku,
} from './model.js';

/** Must equal AAD_APP_TENANT_ID in env/.env.local (a test checks it): Sesame's local settings point here. */
export const SEED_TENANT_ID = 'c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40';
export const SEED_TENANT_NAME = 'Cabinet Exemple';
/** Sesame's own app registration (BOT_ID / AAD_APP_CLIENT_ID in env/.env.local). */
export const SESAME_CLIENT_ID = 'b07c0de1-5e5a-4e1e-8b07-5e5a3e000001';
export const SESAME_APP_ID_URI = 'api://localhost/botid-b07c0de1-5e5a-4e1e-8b07-5e5a3e000001';
export const SESAME_CLIENT_SECRET = 'sandbox-secret-not-for-production';
/** A public client for tests and scripts (no secret). */
export const TEST_CLIENT_ID = guidFrom('sandbox:test-client');

export const DEFAULT_DOMAIN = 'cabinet-exemple.fr';
export const INITIAL_DOMAIN = 'cabinetexemple.onmicrosoft.com';
export const UNVERIFIED_DOMAIN = 'cabinet-exemple.com';

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const SKU = {
  /** Microsoft 365 E3: Exchange Online (Plan 2), free seats. */
  m365E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  /** Microsoft 365 Business Standard: Exchange Online (Plan 1), no free seat. */
  businessStandard: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
  /** Exchange Online (Plan 1): free seats. */
  exchangeStandard: '4b9405b0-7788-4568-add1-99614e613b69',
  /** Power BI (free): no Exchange plan. */
  powerBiFree: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235',
} as const;

export const SERVICE_PLAN = {
  exchangeEnterprise: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
  exchangeStandard: '9aaf7827-d63c-4b61-89c3-182f06f82e5c',
  teams: '57ff2da0-773e-42df-b2af-ffb7a2317929',
  sharepointEnterprise: '5dbe027f-2339-4123-9542-606e4d348a72',
  biAzureP0: '2049e525-b859-401b-b2a0-e0a31c4b1fe4',
} as const;

interface SeedUserSpec {
  key: string;
  displayName: string;
  upnLocal: string;
  roles: string[];
  jobTitle: string;
}

const MEMBER_SPECS = [
  { key: 'globalAdmin', displayName: 'Claire Martin', upnLocal: 'claire.martin', roles: [ROLE.globalAdministrator], jobTitle: 'Associée' },
  { key: 'globalAdmin2', displayName: 'Paul Durand', upnLocal: 'paul.durand', roles: [ROLE.globalAdministrator], jobTitle: 'Responsable informatique' },
  { key: 'privilegedRoleAdmin', displayName: 'Sophie Bernard', upnLocal: 'sophie.bernard', roles: [ROLE.privilegedRoleAdministrator], jobTitle: 'Administratrice sécurité' },
  { key: 'userAdmin', displayName: 'Julien Petit', upnLocal: 'julien.petit', roles: [ROLE.userAdministrator], jobTitle: 'Administrateur utilisateurs' },
  { key: 'guestInviter', displayName: 'Emma Robert', upnLocal: 'emma.robert', roles: [ROLE.guestInviter], jobTitle: 'Office manager' },
  { key: 'applicationAdmin', displayName: 'Léa Girard', upnLocal: 'lea.girard', roles: [ROLE.applicationAdministrator], jobTitle: 'Chargée des applications' },
  { key: 'globalReader', displayName: 'Nicolas Fournier', upnLocal: 'nicolas.fournier', roles: [ROLE.globalReader], jobTitle: 'Auditeur interne' },
  { key: 'plainUser', displayName: 'Lucas Moreau', upnLocal: 'lucas.moreau', roles: [], jobTitle: 'Collaborateur comptable' },
] as const satisfies readonly SeedUserSpec[];

type MemberKey = (typeof MEMBER_SPECS)[number]['key'];
type GuestKey = 'acceptedGuest' | 'pendingGuest' | 'inactiveGuest' | 'dormantGuest';

export interface SeedUserRef {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly mail: string;
  readonly roles: readonly string[];
}

function memberRef(spec: SeedUserSpec): SeedUserRef {
  return {
    id: guidFrom(`seed:user:${spec.upnLocal}`),
    userPrincipalName: `${spec.upnLocal}@${DEFAULT_DOMAIN}`,
    displayName: spec.displayName,
    mail: `${spec.upnLocal}@${DEFAULT_DOMAIN}`,
    roles: spec.roles,
  };
}

function guestRef(mail: string, displayName: string): SeedUserRef {
  return {
    id: guidFrom(`seed:guest:${mail}`),
    userPrincipalName: `${mail.replace('@', '_')}#EXT#@${INITIAL_DOMAIN}`,
    displayName,
    mail,
    roles: [],
  };
}

export const SEED_USERS: Readonly<Record<MemberKey | GuestKey, SeedUserRef>> = {
  ...(Object.fromEntries(MEMBER_SPECS.map((s) => [s.key, memberRef(s)])) as Record<MemberKey, SeedUserRef>),
  acceptedGuest: guestRef('jean.dupont@cegid.com', 'Jean Dupont (Cegid)'),
  pendingGuest: guestRef('support@indio.fr', 'Support Indio'),
  inactiveGuest: guestRef('ancien.prestataire@example.com', 'Ancien prestataire'),
  /** Accepted 150 days ago, never signed in since (signInActivity null): an inactive guest of its own kind. */
  dormantGuest: guestRef('audit@cabinet-partenaire.fr', 'Auditeur partenaire'),
};

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Shared, frozen: a large tenant has 120,000 users, and writers replace these arrays rather than push. */
const EMPTY = Object.freeze([]) as unknown as never[];

export function baseUser(id: string, upn: string, displayName: string, createdMs: number): GraphUser {
  const local = upn.split('@')[0]!;
  return {
    id,
    deletedDateTime: null,
    accountEnabled: true,
    displayName,
    givenName: null,
    surname: null,
    userPrincipalName: upn,
    mail: upn,
    mailNickname: local.replace(/[^A-Za-z0-9._-]/g, '_'),
    otherMails: EMPTY,
    userType: 'Member',
    createdDateTime: iso(createdMs),
    creationType: null,
    externalUserState: null,
    externalUserStateChangeDateTime: null,
    usageLocation: 'FR',
    preferredLanguage: 'fr-FR',
    businessPhones: EMPTY,
    mobilePhone: null,
    jobTitle: null,
    officeLocation: null,
    companyName: null,
    department: null,
    assignedLicenses: EMPTY,
    assignedPlans: EMPTY,
    provisionedPlans: EMPTY,
    proxyAddresses: EMPTY,
    identities: EMPTY,
    onPremisesSyncEnabled: null,
    passwordPolicies: null,
    signInActivity: null,
    showInAddressList: null,
  };
}

export function signIn(ms: number, withRequestIds = true): GraphObject['signInActivity'] {
  const at = iso(ms);
  return {
    lastSignInDateTime: at,
    lastSignInRequestId: withRequestIds ? guidFrom(`signin:${ms}`) : null,
    lastNonInteractiveSignInDateTime: at,
    lastNonInteractiveSignInRequestId: withRequestIds ? guidFrom(`signin-ni:${ms}`) : null,
    lastSuccessfulSignInDateTime: at,
    lastSuccessfulSignInRequestId: withRequestIds ? guidFrom(`signin:${ms}`) : null,
  };
}

export function guestUser(
  ref: { id: string; userPrincipalName: string; displayName: string; mail: string },
  state: 'Accepted' | 'PendingAcceptance',
  createdMs: number,
  stateChangeMs: number,
): GraphUser {
  const u = baseUser(ref.id, ref.userPrincipalName, ref.displayName, createdMs);
  u.mail = ref.mail;
  u.otherMails = [ref.mail];
  u.userType = 'Guest';
  u.creationType = 'Invitation';
  u.externalUserState = state;
  u.externalUserStateChangeDateTime = iso(stateChangeMs);
  u.usageLocation = null;
  u.preferredLanguage = null;
  u.identities = [
    {
      signInType: 'federated',
      issuer: state === 'Accepted' ? 'ExternalAzureAD' : INITIAL_DOMAIN,
      issuerAssignedId: null,
    },
  ];
  return u;
}

function sku(skuId: string, part: string, enabled: number, consumed: number, plans: [string, string][]): SubscribedSku {
  return {
    id: `${SEED_TENANT_ID}_${skuId}`,
    accountId: SEED_TENANT_ID,
    accountName: 'CabinetExemple',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: consumed,
    prepaidUnits: { enabled, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: plans.map(([servicePlanId, servicePlanName]) => ({
      servicePlanId,
      servicePlanName,
      provisioningStatus: 'Success',
      appliesTo: 'User',
    })),
    skuId,
    skuPartNumber: part,
    subscriptionIds: [guidFrom(`subscription:${skuId}`)],
  };
}

const ROLE_NAMES: Record<string, [string, string]> = {
  [ROLE.globalAdministrator]: ['Global Administrator', 'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.'],
  [ROLE.privilegedRoleAdministrator]: ['Privileged Role Administrator', 'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.'],
  [ROLE.userAdministrator]: ['User Administrator', 'Can manage all aspects of users and groups, including resetting passwords for limited admins.'],
  [ROLE.guestInviter]: ['Guest Inviter', 'Can invite guest users independent of the \'members can invite guests\' setting.'],
  [ROLE.applicationAdministrator]: ['Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps.'],
  [ROLE.cloudApplicationAdministrator]: ['Cloud Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.'],
  [ROLE.globalReader]: ['Global Reader', 'Can read everything that a Global Administrator can, but not update anything.'],
  [ROLE.securityReader]: ['Security Reader', 'Can read security information and reports in Microsoft Entra ID and Office 365.'],
  [ROLE.securityAdministrator]: ['Security Administrator', 'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.'],
  [ROLE.securityOperator]: ['Security Operator', 'Creates and manages security events.'],
  [ROLE.cloudDeviceAdministrator]: ['Cloud Device Administrator', 'Limited access to manage devices in Microsoft Entra ID.'],
  [ROLE.directoryReaders]: ['Directory Readers', 'Can read basic directory information. Commonly used to grant directory read access to applications and guests.'],
  [ROLE.directoryWriters]: ['Directory Writers', 'Can read and write basic directory information. For granting access to applications, not intended for users.'],
  [ROLE.licenseAdministrator]: ['License Administrator', 'Can manage product licenses on users and groups.'],
  [ROLE.domainNameAdministrator]: ['Domain Name Administrator', 'Can manage domain names in cloud and on-premises.'],
  [ROLE.hybridIdentityAdministrator]: ['Hybrid Identity Administrator', 'Can manage Active Directory to Microsoft Entra cloud provisioning, Microsoft Entra Connect, pass-through authentication (PTA), password hash synchronization (PHS), seamless single sign-on (seamless SSO), and federation settings.'],
  [ROLE.privilegedAuthenticationAdministrator]: ['Privileged Authentication Administrator', 'Can access to view, set and reset authentication method information for any user (admin or non-admin).'],
  [GUEST_ROLE.sameAsMembers]: ['User', 'Default role for member users. Can read all and write a limited set of directory information.'],
  [GUEST_ROLE.limited]: ['Guest User', 'Default role for guest users. Can read a limited set of directory information.'],
  [GUEST_ROLE.restricted]: ['Restricted Guest User', 'Restricted role for guest users. Can read a limited set of directory information.'],
};

export function roleDefinitions(): RoleDefinition[] {
  return Object.entries(ROLE_NAMES).map(([templateId, [displayName, description]]) => ({
    id: templateId,
    description,
    displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    rolePermissions: [{ allowedResourceActions: [`microsoft.directory/${displayName.replace(/\s/g, '')}/allTasks`], condition: null }],
    templateId,
    version: '1',
  }));
}

export const SESAME_CONSENTED_SCOPES = [
  'User.Read',
  'User.Read.All',
  'User.Invite.All',
  'User.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'Policy.Read.All',
  'Directory.Read.All',
  'LicenseAssignment.ReadWrite.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Domain.ReadWrite.All',
  'Synchronization.ReadWrite.All',
  'DelegatedPermissionGrant.Read.All',
  'CrossTenantInformation.ReadBasic.All',
  'AuditLog.Read.All',
  'offline_access',
  'openid',
  'profile',
] as const;

export const VENDOR_APPS = {
  indio: { appId: guidFrom('vendor:indio'), displayName: 'Indio Connect' },
  cegidLoop: { appId: guidFrom('vendor:cegid-loop'), displayName: 'Cegid Loop' },
  docusign: { appId: guidFrom('vendor:docusign'), displayName: 'DocuSign' },
} as const;

/**
 * Gallery apps for procedure D. The ids are SANDBOX VALUES, not Microsoft's: Microsoft does not document gallery
 * template ids, and Sesame never relies on one — it finds the template by displayName
 * (GET /applicationTemplates?$filter=displayName eq '…'), as Microsoft's own samples do.
 */
export const APPLICATION_TEMPLATES = {
  goTo: { id: guidFrom('applicationTemplate:goto'), displayName: 'GoTo Meeting', factoryTag: 'gotomeeting' },
  logMeIn: { id: guidFrom('applicationTemplate:logmein'), displayName: 'LogMeIn', factoryTag: 'logmein' },
} as const;

/** Security groups of the firm (procedure D assigns some to a gallery app). */
export const SEED_GROUPS = [
  { id: guidFrom('seed:group:associes'), displayName: 'Associés', description: 'Les associés du cabinet' },
  {
    id: guidFrom('seed:group:comptabilite'),
    displayName: 'Comptabilité',
    description: 'Collaborateurs comptables',
  },
  { id: guidFrom('seed:group:webinaires'), displayName: 'Webinaires clients', description: 'Animateurs des webinaires' },
] as const;

export function group(id: string, displayName: string, description: string, createdMs: number): GraphObject {
  return {
    id,
    deletedDateTime: null,
    createdDateTime: iso(createdMs),
    description,
    displayName,
    groupTypes: [],
    mail: null,
    mailEnabled: false,
    mailNickname: displayName.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toLowerCase(),
    securityEnabled: true,
    visibility: null,
  };
}

/** Graph's application permission User.Read.All (app role on the Microsoft Graph service principal). */
export const GRAPH_APP_ROLE_USER_READ_ALL = 'df021288-bdef-4463-88db-98f22de89214';
/** Microsoft Graph's Mail.ReadWrite application permission (every mailbox, when granted in Entra). */
export const GRAPH_APP_ROLE_MAIL_READ_WRITE = 'e2a3a72e-5f79-4c64-b1b1-878b674786c9';

/** The application permissions (app roles) of Microsoft Graph's service principal that the sandbox knows. */
export function graphAppRoles(): Json[] {
  return [
    {
      allowedMemberTypes: ['Application'],
      description: 'Allows the app to read user profiles without a signed in user.',
      displayName: "Read all users' full profiles",
      id: GRAPH_APP_ROLE_USER_READ_ALL,
      isEnabled: true,
      origin: 'Application',
      value: 'User.Read.All',
    },
    {
      allowedMemberTypes: ['Application'],
      description: 'Allows the app to create, read, update, and delete mail in all mailboxes without a signed-in user.',
      displayName: 'Read and write mail in all mailboxes',
      id: GRAPH_APP_ROLE_MAIL_READ_WRITE,
      isEnabled: true,
      origin: 'Application',
      value: 'Mail.ReadWrite',
    },
  ];
}

export function servicePrincipal(appId: string, displayName: string, extra: Partial<GraphObject> = {}): GraphObject & {
  appId: string;
  displayName: string;
} {
  return {
    id: guidFrom(`sp:${appId}`),
    deletedDateTime: null,
    accountEnabled: true,
    appDisplayName: displayName,
    appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: guidFrom(`tenant-of:${appId}`),
    appRoleAssignmentRequired: false,
    appRoles: [],
    description: null,
    displayName,
    homepage: null,
    keyCredentials: [],
    notes: null,
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    preferredSingleSignOnMode: null,
    replyUrls: [],
    servicePrincipalNames: [appId],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMultipleOrgs',
    tags: [],
    ...extra,
  };
}

/** Builds the seeded tenant; times are relative to `now` so ages (pending 12 days, inactive 120 days) hold. */
export function seedTenant(now: number): TenantState {
  const t = new TenantState(SEED_TENANT_ID, SEED_TENANT_NAME);
  const created = now - 3 * 365 * DAY;

  for (const spec of MEMBER_SPECS) {
    const ref = SEED_USERS[spec.key];
    const u = baseUser(ref.id, ref.userPrincipalName, ref.displayName, created);
    const [given, ...rest] = spec.displayName.split(' ');
    u.givenName = given ?? null;
    u.surname = rest.join(' ') || null;
    u.jobTitle = spec.jobTitle;
    u.signInActivity = signIn(now - DAY);
    if (spec.key !== 'plainUser') {
      u.assignedLicenses = [{ skuId: SKU.m365E3, disabledPlans: [] }];
      u.assignedPlans = [
        { assignedDateTime: iso(created), capabilityStatus: 'Enabled', service: 'exchange', servicePlanId: SERVICE_PLAN.exchangeEnterprise },
      ];
      u.provisionedPlans = [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }];
    }
    t.addUser(u);
  }
  const accepted = guestUser(SEED_USERS.acceptedGuest, 'Accepted', now - 200 * DAY, now - 198 * DAY);
  accepted.signInActivity = signIn(now - 3 * DAY);
  const pending = guestUser(SEED_USERS.pendingGuest, 'PendingAcceptance', now - 12 * DAY, now - 12 * DAY);
  const inactive = guestUser(SEED_USERS.inactiveGuest, 'Accepted', now - 400 * DAY, now - 399 * DAY);
  inactive.signInActivity = signIn(now - 120 * DAY);
  const dormant = guestUser(SEED_USERS.dormantGuest, 'Accepted', now - 150 * DAY, now - 150 * DAY);
  for (const g of [accepted, pending, inactive, dormant]) t.addUser(g);

  for (const [name, isDefault, isInitial, isVerified] of [
    [DEFAULT_DOMAIN, true, false, true],
    [INITIAL_DOMAIN, false, true, true],
    [UNVERIFIED_DOMAIN, false, false, false],
  ] as const) {
    t.domains.set(name, domain(name, isDefault, isInitial, isVerified));
    t.domainVerificationCodes.set(name, `MS=ms${guidFrom(`domain-code:${name}`).replace(/-/g, '').slice(0, 8)}`);
  }

  t.subscribedSkus = [
    sku(SKU.m365E3, 'SPE_E3', 10, 7, [
      [SERVICE_PLAN.exchangeEnterprise, 'EXCHANGE_S_ENTERPRISE'],
      [SERVICE_PLAN.teams, 'TEAMS1'],
      [SERVICE_PLAN.sharepointEnterprise, 'SHAREPOINTENTERPRISE'],
    ]),
    sku(SKU.businessStandard, 'O365_BUSINESS_PREMIUM', 5, 5, [
      [SERVICE_PLAN.exchangeStandard, 'EXCHANGE_S_STANDARD'],
      [SERVICE_PLAN.teams, 'TEAMS1'],
    ]),
    sku(SKU.exchangeStandard, 'EXCHANGESTANDARD', 3, 1, [[SERVICE_PLAN.exchangeStandard, 'EXCHANGE_S_STANDARD']]),
    sku(SKU.powerBiFree, 'POWER_BI_STANDARD', 1_000_000, 2, [[SERVICE_PLAN.biAzureP0, 'BI_AZURE_P0']]),
  ];

  t.roleDefinitions = roleDefinitions();
  for (const spec of MEMBER_SPECS) {
    for (const role of spec.roles) addRoleAssignment(t, SEED_USERS[spec.key].id, role);
  }
  // PIM: the User Administrator may activate Global Administrator (eligible, not active).
  t.roleEligibilitySchedules = [
    {
      id: guidFrom('seed:eligibility:userAdmin:ga'),
      appScopeId: null,
      createdDateTime: iso(now - 90 * DAY),
      createdUsing: guidFrom('seed:eligibility:userAdmin:ga'),
      directoryScopeId: '/',
      memberType: 'Direct',
      modifiedDateTime: null,
      principalId: SEED_USERS.userAdmin.id,
      roleDefinitionId: ROLE.globalAdministrator,
      scheduleInfo: { startDateTime: iso(now - 90 * DAY), recurrence: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
      status: 'Provisioned',
    },
  ];

  const graphSp = servicePrincipal(MICROSOFT_GRAPH_APP_ID, 'Microsoft Graph', {
    appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    servicePrincipalType: 'Application',
    appRoles: graphAppRoles(),
  });
  const sesameSp = servicePrincipal(SESAME_CLIENT_ID, 'Sesame', { appOwnerOrganizationId: SEED_TENANT_ID, signInAudience: 'AzureADMyOrg' });
  const indioSp = servicePrincipal(VENDOR_APPS.indio.appId, VENDOR_APPS.indio.displayName);
  const cegidSp = servicePrincipal(VENDOR_APPS.cegidLoop.appId, VENDOR_APPS.cegidLoop.displayName);
  const docusignSp = servicePrincipal(VENDOR_APPS.docusign.appId, VENDOR_APPS.docusign.displayName);
  for (const sp of [graphSp, sesameSp, indioSp, cegidSp, docusignSp]) t.servicePrincipals.set(sp.id, sp);

  const grant = (client: GraphObject, scope: string, principalId: string | null): GraphObject => ({
    id: guidFrom(`grant:${client.id}:${principalId ?? 'all'}`).replace(/-/g, '').slice(0, 27),
    clientId: client.id,
    consentType: principalId ? 'Principal' : 'AllPrincipals',
    principalId,
    resourceId: graphSp.id,
    scope,
  });
  t.oauth2PermissionGrants = [
    grant(sesameSp, SESAME_CONSENTED_SCOPES.join(' '), null),
    grant(indioSp, 'Mail.Read Mail.Send offline_access User.Read', null),
    grant(docusignSp, 'User.Read offline_access', SEED_USERS.plainUser.id),
  ];
  t.appRoleAssignments = [
    {
      id: guidFrom('appRoleAssignment:cegid:graph').replace(/-/g, '').slice(0, 27),
      deletedDateTime: null,
      appRoleId: GRAPH_APP_ROLE_USER_READ_ALL,
      createdDateTime: iso(now - 30 * DAY),
      principalDisplayName: cegidSp.displayName,
      principalId: cegidSp.id,
      principalType: 'ServicePrincipal',
      resourceDisplayName: graphSp.displayName,
      resourceId: graphSp.id,
    },
  ];

  t.authorizationPolicy = {
    id: 'authorizationPolicy',
    deletedDateTime: null,
    description: 'Used to manage authorization related settings across the company.',
    displayName: 'Authorization Policy',
    allowedToSignUpEmailBasedSubscriptions: true,
    allowedToUseSSPR: true,
    allowEmailVerifiedUsersToJoinOrganization: false,
    allowInvitesFrom: 'everyone',
    allowUserConsentForRiskyApps: null,
    blockMsolPowerShell: false,
    defaultUserRolePermissions: {
      allowedToCreateApps: true,
      allowedToCreateSecurityGroups: true,
      allowedToCreateTenants: true,
      allowedToReadBitlockerKeysForOwnedDevice: true,
      allowedToReadOtherUsers: true,
      permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
    },
    guestUserRoleId: GUEST_ROLE.limited,
  };
  t.adminConsentRequestPolicy = {
    id: 'adminConsentRequestPolicy',
    isEnabled: false,
    notifyReviewers: false,
    remindersEnabled: false,
    requestDurationInDays: 0,
    reviewers: [],
    version: 0,
  };

  // Microsoft's service defaults: B2B collaboration open both ways, B2B direct connect blocked, no inbound trust.
  const targets = (accessType: 'allowed' | 'blocked') => ({
    usersAndGroups: { accessType, targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: { accessType, targets: [{ target: 'AllApplications', targetType: 'application' }] },
  });
  t.crossTenantAccessPolicyDefault = {
    id: 'default',
    isServiceDefault: true,
    appServiceConnectInbound: null,
    automaticUserConsentSettings: { inboundAllowed: false, outboundAllowed: false },
    b2bCollaborationInbound: targets('allowed'),
    b2bCollaborationOutbound: targets('allowed'),
    b2bDirectConnectInbound: targets('blocked'),
    b2bDirectConnectOutbound: targets('blocked'),
    inboundTrust: { isMfaAccepted: false, isCompliantDeviceAccepted: false, isHybridAzureADJoinedDeviceAccepted: false },
    invitationRedemptionIdentityProviderConfiguration: {
      primaryIdentityProviderPrecedenceOrder: ['externalFederation', 'azureActiveDirectory', 'socialIdentityProviders'],
      fallbackIdentityProvider: 'defaultConfiguredIdp',
    },
    m365CollaborationInbound: null,
    m365CollaborationOutbound: null,
    tenantRestrictions: { devices: null, ...targets('blocked') },
  };

  const app = (appId: string, displayName: string, secretEndMs: number, extra: Partial<GraphObject> = {}): GraphObject => ({
    id: guidFrom(`application:${appId}`),
    deletedDateTime: null,
    appId,
    applicationTemplateId: null,
    createdDateTime: iso(created),
    description: null,
    displayName,
    identifierUris: [],
    keyCredentials: [],
    notes: null,
    passwordCredentials: [
      {
        customKeyIdentifier: null,
        displayName: 'sandbox secret',
        endDateTime: iso(secretEndMs),
        hint: 'san',
        keyId: guidFrom(`secret:${appId}`),
        secretText: null,
        startDateTime: iso(secretEndMs - 365 * DAY),
      },
    ],
    publisherDomain: DEFAULT_DOMAIN,
    requiredResourceAccess: [],
    signInAudience: 'AzureADMyOrg',
    tags: [],
    ...extra,
  });
  const apps = [
    app(SESAME_CLIENT_ID, 'Sesame', now + 300 * DAY, { identifierUris: [SESAME_APP_ID_URI] }),
    app(guidFrom('app:scanner'), 'Scanner Indio (compte de service)', now + 20 * DAY),
    app(guidFrom('app:legacy-export'), 'Export comptable (ancien)', now - 10 * DAY),
  ];
  for (const a of apps) t.applications.set(a.id, a);
  // The old export app was registered by the former contractor, now an inactive guest (a finding of its own).
  t.applicationOwners.set(apps[0]!.id, [SEED_USERS.globalAdmin.id]);
  t.applicationOwners.set(apps[2]!.id, [SEED_USERS.inactiveGuest.id]);
  // Jean Dupont (Cegid) was invited by Claire Martin, who sponsors him; the pending and inactive guests have no sponsor.
  t.sponsors.set(SEED_USERS.acceptedGuest.id, [SEED_USERS.globalAdmin.id]);
  // The partner's auditor was invited and sponsored by Paul Durand, then never signed in.
  t.sponsors.set(SEED_USERS.dormantGuest.id, [SEED_USERS.globalAdmin2.id]);

  for (const g of SEED_GROUPS) t.groups.set(g.id, group(g.id, g.displayName, g.description, created));

  for (const tpl of Object.values(APPLICATION_TEMPLATES)) {
    t.applicationTemplates.push({
      id: tpl.id,
      categories: ['collaboration', 'productivity'],
      description: `${tpl.displayName} with single sign-on and automatic user provisioning.`,
      displayName: tpl.displayName,
      homePageUrl: tpl.factoryTag === 'gotomeeting' ? 'https://www.goto.com' : 'https://www.logmein.com',
      logoUrl: `https://az495088.vo.msecnd.net/app-logo/${tpl.factoryTag}_215.png`,
      publisher: tpl.factoryTag === 'gotomeeting' ? 'GoTo' : 'LogMeIn',
      supportedProvisioningTypes: ['sync'],
      supportedSingleSignOnModes: ['saml', 'external'],
    });
    t.synchronizationTemplatesByAppTemplate.set(tpl.id, [
      {
        id: tpl.factoryTag,
        applicationId: tpl.id,
        default: true,
        description: `Provisioning to ${tpl.displayName}`,
        discoverable: true,
        factoryTag: tpl.factoryTag,
        metadata: [],
      },
    ]);
  }

  t.organization = {
    id: SEED_TENANT_ID,
    deletedDateTime: null,
    assignedPlans: [],
    businessPhones: ['+33 1 23 45 67 89'],
    city: 'Paris',
    country: null,
    countryLetterCode: 'FR',
    createdDateTime: iso(created),
    defaultUsageLocation: 'FR',
    displayName: SEED_TENANT_NAME,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    postalCode: '75008',
    preferredLanguage: 'fr',
    provisionedPlans: [],
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: '12 rue de l’Exemple',
    technicalNotificationMails: [SEED_USERS.globalAdmin.mail],
    tenantType: 'AAD',
    verifiedDomains: [],
  };
  refreshOrganizationDomains(t);
  return t;
}

export function domain(name: string, isDefault: boolean, isInitial: boolean, isVerified: boolean): GraphObject {
  return {
    id: name,
    authenticationType: 'Managed',
    availabilityStatus: null,
    isAdminManaged: true,
    isDefault,
    isInitial,
    isRoot: true,
    isVerified,
    passwordNotificationWindowInDays: 14,
    passwordValidityPeriodInDays: 2147483647,
    state: null,
    supportedServices: isVerified ? ['Email', 'OfficeCommunicationsOnline'] : [],
  };
}

export function refreshOrganizationDomains(t: TenantState): void {
  t.organization.verifiedDomains = [...t.domains.values()]
    .filter((d) => d.isVerified === true)
    .map((d) => ({
      capabilities: d.isInitial ? 'Email, OfficeCommunicationsOnline' : 'Email, OfficeCommunicationsOnline',
      isDefault: d.isDefault === true,
      isInitial: d.isInitial === true,
      name: d.id,
      type: 'Managed',
    }));
}

export function addRoleAssignment(t: TenantState, principalId: string, roleDefinitionId: string): GraphObject {
  const id = guidFrom(`roleAssignment:${principalId}:${roleDefinitionId}:/`).replace(/-/g, '').slice(0, 27);
  const a = { id, principalId, roleDefinitionId, directoryScopeId: '/', appScopeId: null, condition: null, principalOrganizationId: t.tenantId };
  t.roleAssignments.set(id, a);
  return a;
}
