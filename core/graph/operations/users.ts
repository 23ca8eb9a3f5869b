/** Users: the signed-in account, directory lookups, the service account of procedure C and its licences. */
import { ROLE } from '../../directory-roles.js';
import {
  noContent,
  odataString,
  operation,
  readsShape,
  segment,
  type GraphAnswer,
  type NoContent,
} from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const ME = shape({
  id: 'id',
  displayName: 'string',
  userPrincipalName: 'string',
  /** 'Member' | 'Guest' */
  userType: 'string',
  mail: 'string',
});
export type MeUser = Shaped<typeof ME>;

const USER = shape({
  id: 'id',
  displayName: 'string',
  mail: 'string',
  userPrincipalName: 'string',
  /** 'Member' | 'Guest' */
  userType: 'string',
  /** 'PendingAcceptance' | 'Accepted' | null (members) */
  externalUserState: 'string',
  externalUserStateChangeDateTime: 'string',
  createdDateTime: 'string',
});
export type DirectoryUser = Shaped<typeof USER>;

export interface UserList {
  readonly users: readonly DirectoryUser[];
}

const SERVICE_ACCOUNT = shape({
  id: 'id',
  userPrincipalName: 'string',
  displayName: 'string',
  /** 'Member' | 'Guest' */
  userType: 'string',
  accountEnabled: 'boolean',
  usageLocation: 'string',
  assignedLicenses: { list: { skuId: 'string' } },
  provisionedPlans: { list: { service: 'string', capabilityStatus: 'string', provisioningStatus: 'string' } },
});
export type ServiceAccount = Shaped<typeof SERVICE_ACCOUNT>;

/** A service account as the checklist reviews it. */
const SERVICE_ACCOUNT_STATE = shape({
  id: 'id',
  userPrincipalName: 'string',
  displayName: 'string',
  accountEnabled: 'boolean',
  assignedLicenses: { list: { skuId: 'string' } },
  /** 'DisablePasswordExpiration', 'DisableStrongPassword', both (comma-separated) or null. */
  passwordPolicies: 'string',
});
export type ServiceAccountState = Shaped<typeof SERVICE_ACCOUNT_STATE>;

const CREATED_USER = shape({ id: 'id', userPrincipalName: 'string', displayName: 'string' });
export type CreatedUser = Shaped<typeof CREATED_USER>;

export interface NewServiceAccount {
  readonly displayName: string;
  readonly mailNickname: string;
  readonly userPrincipalName: string;
  /** ISO 3166 two-letter code: a licence cannot be assigned without it. */
  readonly usageLocation: string;
  /** Generated, shown once, never stored: the caller passes it straight through. */
  readonly password: string;
}

const LICENSE_DETAIL = shape({
  skuId: 'string',
  skuPartNumber: 'string',
  servicePlans: { list: { servicePlanName: 'string', provisioningStatus: 'string' } },
});
export type LicenseDetail = Shaped<typeof LICENSE_DETAIL>;

const GUEST = shape({
  id: 'id',
  displayName: 'string',
  mail: 'string',
  userPrincipalName: 'string',
  /** 'PendingAcceptance' | 'Accepted' */
  externalUserState: 'string',
  externalUserStateChangeDateTime: 'string',
  createdDateTime: 'string',
});
export type GuestUser = Shaped<typeof GUEST>;

const GUEST_SIGN_IN = shape({
  id: 'id',
  displayName: 'string',
  mail: 'string',
  createdDateTime: 'string',
  signInActivity: { object: { lastSignInDateTime: 'string', lastSuccessfulSignInDateTime: 'string' } },
});
export type GuestSignIn = Shaped<typeof GUEST_SIGN_IN>;

const SPONSOR_REF = shape({ id: 'id' });

const GUEST_SPONSORS = shape({
  id: 'id',
  displayName: 'string',
  mail: 'string',
  createdDateTime: 'string',
});
/** A guest with the ids of its sponsors (users or groups). */
export type GuestWithSponsors = Shaped<typeof GUEST_SPONSORS> & { readonly sponsorIds: readonly string[] };

/** The ids of a user's sponsors (users or groups). */
export interface SponsorList {
  readonly sponsorIds: readonly string[];
}

/** The `@odata.id` a `$ref` write names a user by. */
export function userReference(id: string): string {
  return `https://graph.microsoft.com/v1.0/users/${segment(id)}`;
}

export interface GuestList {
  readonly guests: readonly GuestUser[];
}

/** Sign-in activity comes from the audit logs: Graph returns or filters on it only with this scope too. */
const SIGN_IN_ACTIVITY_SCOPE = {
  scope: 'AuditLog.Read.All',
  why:
    'signInActivity (read and filtered on) is returned only with AuditLog.Read.All besides a user-read ' +
    'permission, and to Global Reader, Security Reader, Security Administrator or Reports Reader holders.',
};

const GUEST_READ_NOTE =
  "The map's least privileged scope for GET /users is User.ReadBasic.All, which returns only the basic profile " +
  'and cannot filter on userType, externalUserState or createdDateTime; User.Read.All can.';

const readUsers = (body: unknown, answer: GraphAnswer): UserList => ({
  users: answer.items(body).map((u) => answer.shape(USER, u)),
});

const EXAMPLE_ID = '0f6c4e1a-0000-4000-8000-000000000001';

export const userOperations = {
  getMe: operation<[], MeUser>({
    resource: 'users',
    method: 'GET',
    path: '/me',
    select: selectOf(ME),
    paging: 'one',
    permission: 'User.Read',
    roles: { kind: 'anyUser' },
    purpose: 'E: the signed-in account is a work account (userType Member); who is acting',
    example: [],
    request: () => ({}),
    read: readsShape(ME),
  }),

  findUsersByMail: operation<[mail: string], UserList>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    // The lambda on otherMails is an advanced query: Graph wants both $count=true and ConsistencyLevel.
    query: "$filter=mail eq '{mail}' or otherMails/any(m:m eq '{mail}')&$count=true",
    select: selectOf(USER),
    consistencyLevel: 'eventual',
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote:
      "The map's least privileged scope for GET /users is User.ReadBasic.All, which returns only the basic " +
      'profile; userType, otherMails, externalUserState(ChangeDateTime) and createdDateTime need User.Read.All.',
    roles: { kind: 'member' },
    purpose: 'A: look for an existing guest (guests carry the invited address in otherMails)',
    example: ['admin@onloop.onmicrosoft.com'],
    request: (mail) => {
      const literal = odataString(mail);
      return {
        query: { $filter: `mail eq ${literal} or otherMails/any(m:m eq ${literal})`, $count: 'true' },
      };
    },
    read: readUsers,
  }),

  /** The organisation's members, for a person to pick (assignments to an app): the first 200, by name. */
  listMemberUsers: operation<[], UserList>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=userType eq 'Member' and accountEnabled eq true&$top=200",
    select: selectOf(USER),
    paging: 'one',
    permission: 'User.Read.All',
    permissionNote:
      "The map's least privileged scope for GET /users is User.ReadBasic.All, which cannot filter on userType " +
      'or accountEnabled (not in the basic profile).',
    roles: { kind: 'member' },
    purpose: 'D: the users an admin can assign to the gallery app',
    example: [],
    request: () => ({ query: { $filter: "userType eq 'Member' and accountEnabled eq true", $top: '200' } }),
    read: readUsers,
  }),

  getUser: operation<[id: string], DirectoryUser>({
    resource: 'users',
    method: 'GET',
    path: '/users/{id}',
    select: selectOf(USER),
    paging: 'one',
    permission: 'User.Read.All',
    permissionNote:
      "The map's least privileged scope for GET /users/{id} is User.ReadBasic.All, which does not return " +
      'userType, externalUserState or createdDateTime.',
    roles: { kind: 'member' },
    purpose: 'A: poll externalUserState until Accepted; verify the guest',
    example: [EXAMPLE_ID],
    request: (id) => ({ path: `/users/${segment(id)}` }),
    read: readsShape(USER),
  }),

  getServiceAccount: operation<[id: string], ServiceAccount>({
    resource: 'users',
    method: 'GET',
    path: '/users/{id}',
    select: selectOf(SERVICE_ACCOUNT),
    paging: 'one',
    permission: 'User.Read.All',
    permissionNote:
      "The map's least privileged scope for GET /users/{id} is User.ReadBasic.All, which does not return " +
      'usageLocation, assignedLicenses or provisionedPlans.',
    roles: { kind: 'member' },
    purpose: 'C: licence assigned and mailbox provisioned (provisionedPlans exchange = Success)',
    example: [EXAMPLE_ID],
    request: (id) => ({ path: `/users/${segment(id)}` }),
    read: readsShape(SERVICE_ACCOUNT),
  }),

  /** UPNs are unique in a tenant: [] or one account (C finds an existing one instead of creating a twin). */
  findUserByUpn: operation<[upn: string], { readonly users: readonly ServiceAccount[] }>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=userPrincipalName eq '{upn}'",
    select: selectOf(SERVICE_ACCOUNT),
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote:
      "The map's least privileged scope for GET /users is User.ReadBasic.All, which does not return " +
      'usageLocation, assignedLicenses or provisionedPlans.',
    roles: { kind: 'member' },
    purpose: 'C: an account with that UPN already exists (reused, never duplicated)',
    example: ['indio@cabinet-exemple.fr'],
    request: (upn) => ({ query: { $filter: `userPrincipalName eq ${odataString(upn)}` } }),
    read: (body, answer) => ({ users: answer.items(body).map((u) => answer.shape(SERVICE_ACCOUNT, u)) }),
  }),

  /** Accounts by id (at most 15: Graph's limit for `in`): the service accounts Sesame's procedure C made. */
  listServiceAccountsByIds: operation<
    [ids: readonly string[]],
    { readonly accounts: readonly ServiceAccountState[] }
  >({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=id in ('{id}')",
    select: selectOf(SERVICE_ACCOUNT_STATE),
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote:
      "The map's least privileged scope for GET /users is User.ReadBasic.All, which does not return " +
      'accountEnabled, assignedLicenses or passwordPolicies.',
    roles: { kind: 'member' },
    purpose: 'checklist: the service accounts made by procedure C (enabled, licensed, password policy)',
    example: [[EXAMPLE_ID]],
    request: (ids) => ({ query: { $filter: `id in (${ids.map(odataString).join(',')})` } }),
    read: (body, answer) => ({
      accounts: answer.items(body).map((u) => answer.shape(SERVICE_ACCOUNT_STATE, u)),
    }),
  }),

  createServiceAccount: operation<[account: NewServiceAccount], CreatedUser>({
    resource: 'users',
    method: 'POST',
    path: '/users',
    paging: 'one',
    permission: 'User.ReadWrite.All',
    roles: { kind: 'anyOf', roles: [ROLE.userAdministrator] },
    purpose: 'C: create the service account (password generated, shown once)',
    example: [
      {
        displayName: 'Indio',
        mailNickname: 'indio',
        userPrincipalName: 'indio@cabinet-exemple.fr',
        usageLocation: 'FR',
        password: 'example-only',
      },
    ],
    request: (a) => ({
      body: {
        accountEnabled: true,
        displayName: a.displayName,
        mailNickname: a.mailNickname,
        userPrincipalName: a.userPrincipalName,
        usageLocation: a.usageLocation,
        passwordProfile: { password: a.password, forceChangePasswordNextSignIn: false },
      },
    }),
    read: readsShape(CREATED_USER),
  }),

  /** Graph refuses a licence to an account without a usage location: C sets it on an account found without one. */
  setUsageLocation: operation<[userId: string, usageLocation: string], NoContent>({
    resource: 'users',
    method: 'PATCH',
    path: '/users/{id}',
    paging: 'one',
    permission: 'User.ReadWrite.All',
    roles: { kind: 'anyOf', roles: [ROLE.userAdministrator] },
    purpose: 'C: the usage location a licence needs',
    example: [EXAMPLE_ID, 'FR'],
    request: (userId, usageLocation) => ({ path: `/users/${segment(userId)}`, body: { usageLocation } }),
    read: noContent,
  }),

  assignLicense: operation<[userId: string, skuId: string], NoContent>({
    resource: 'users',
    method: 'POST',
    path: '/users/{id}/assignLicense',
    paging: 'one',
    permission: 'LicenseAssignment.ReadWrite.All',
    roles: { kind: 'anyOf', roles: [ROLE.licenseAdministrator, ROLE.userAdministrator] },
    purpose: 'C: assign the licence (Graph refuses it without usageLocation)',
    example: [EXAMPLE_ID, '6fd2c87f-b296-42f0-b197-1e91e994b900'],
    request: (userId, skuId) => ({
      path: `/users/${segment(userId)}/assignLicense`,
      body: { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] },
    }),
    // Graph answers the user; what matters is that it succeeded, read back with getServiceAccount.
    read: noContent,
  }),

  listLicenseDetails: operation<[userId: string], { readonly licenses: readonly LicenseDetail[] }>({
    resource: 'users',
    method: 'GET',
    path: '/users/{id}/licenseDetails',
    paging: 'all',
    permission: 'LicenseAssignment.Read.All',
    roles: { kind: 'member' },
    purpose: 'C + checklist: the service account is licensed, with its Exchange plan status',
    example: [EXAMPLE_ID],
    request: (userId) => ({ path: `/users/${segment(userId)}/licenseDetails` }),
    read: (body, answer) => ({ licenses: answer.items(body).map((l) => answer.shape(LICENSE_DETAIL, l)) }),
  }),

  /** A guest's sponsors: the probe before adding one (adding a sponsor twice is refused by Graph). */
  listSponsors: operation<[userId: string], SponsorList>({
    resource: 'users',
    method: 'GET',
    path: '/users/{id}/sponsors',
    paging: 'all',
    permission: 'User.Read',
    // Graph's page names no directory role for the read; members read users' sponsors like their other links.
    roles: { kind: 'member' },
    purpose: 'A: is the admin already the guest’s sponsor (probe of the sponsor step)',
    example: [EXAMPLE_ID],
    request: (userId) => ({ path: `/users/${segment(userId)}/sponsors` }),
    read: (body, answer) => ({
      sponsorIds: answer.items(body).map((s) => answer.shape(SPONSOR_REF, s).id),
    }),
  }),

  /** Makes `sponsorId` (a user) a sponsor of `userId`: Graph answers 204 No Content. */
  addSponsor: operation<[userId: string, sponsorId: string], NoContent>({
    resource: 'users',
    method: 'POST',
    path: '/users/{id}/sponsors/$ref',
    paging: 'one',
    permission: 'User.ReadWrite.All',
    roles: { kind: 'anyOf', roles: [ROLE.userAdministrator, ROLE.directoryWriters] },
    purpose:
      'A: the inviting admin becomes the guest’s sponsor (checklist: guests without a sponsor, Zero Trust 21877)',
    example: [EXAMPLE_ID, '0f6c4e1a-0000-4000-8000-000000000002'],
    request: (userId, sponsorId) => ({
      path: `/users/${segment(userId)}/sponsors/$ref`,
      body: { '@odata.id': userReference(sponsorId) },
    }),
    read: noContent,
  }),

  // --- The checklist's reads: server-side filters, so only guests at fault are paged. ---

  /** How many guests the tenant has: one number ($count), not a walk. */
  countGuests: operation<[], { readonly count: number }>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=userType eq 'Guest'&$count=true&$top=1",
    select: ['id'],
    consistencyLevel: 'eventual',
    paging: 'one',
    permission: 'User.Read.All',
    permissionNote: GUEST_READ_NOTE,
    roles: { kind: 'member' },
    purpose: 'checklist: how many guests (the denominator of every guest rule)',
    example: [],
    request: () => ({ query: { $filter: "userType eq 'Guest'", $count: 'true', $top: '1' } }),
    read: (body, answer) => {
      const count = answer.object(body)['@odata.count'];
      if (typeof count !== 'number') return answer.fail('no @odata.count in a $count answer');
      return { count };
    },
  }),

  /** Invitations never redeemed. */
  listPendingGuests: operation<[], GuestList>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=userType eq 'Guest' and externalUserState eq 'PendingAcceptance'&$count=true&$top=999",
    select: selectOf(GUEST),
    consistencyLevel: 'eventual',
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote: GUEST_READ_NOTE,
    roles: { kind: 'member' },
    purpose: 'checklist: pending invitations and their age',
    example: [],
    request: () => ({
      query: {
        $filter: "userType eq 'Guest' and externalUserState eq 'PendingAcceptance'",
        $count: 'true',
        $top: '999',
      },
    }),
    read: (body, answer) => ({ guests: answer.items(body).map((u) => answer.shape(GUEST, u)) }),
  }),

  /** Guests whose last sign-in is older than `before` (ISO). */
  listInactiveGuests: operation<[before: string], { readonly guests: readonly GuestSignIn[] }>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query:
      "$filter=userType eq 'Guest' and signInActivity/lastSignInDateTime le {before}&$count=true&$top=999",
    select: selectOf(GUEST_SIGN_IN),
    consistencyLevel: 'eventual',
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote: GUEST_READ_NOTE,
    propertyScope: SIGN_IN_ACTIVITY_SCOPE,
    roles: { kind: 'member' },
    purpose: 'checklist: guests who have not signed in for 90 days',
    example: ['2026-08-29T00:00:00Z'],
    request: (before) => ({
      query: {
        $filter: `userType eq 'Guest' and signInActivity/lastSignInDateTime le ${before}`,
        $count: 'true',
        $top: '999',
      },
    }),
    read: (body, answer) => ({ guests: answer.items(body).map((u) => answer.shape(GUEST_SIGN_IN, u)) }),
  }),

  /**
   * Accepted guests created at or before `before` (ISO), with their sign-in activity: the checklist keeps those
   * who never signed in (Graph cannot filter on a missing lastSignInDateTime, and `le` skips it), so this pages
   * only guests old enough to matter, never every user.
   */
  listOldAcceptedGuests: operation<[before: string], { readonly guests: readonly GuestSignIn[] }>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query:
      "$filter=userType eq 'Guest' and externalUserState eq 'Accepted' and createdDateTime le {before}&$count=true&$top=999",
    select: selectOf(GUEST_SIGN_IN),
    consistencyLevel: 'eventual',
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote: GUEST_READ_NOTE,
    propertyScope: SIGN_IN_ACTIVITY_SCOPE,
    roles: { kind: 'member' },
    purpose: 'checklist: accepted guests created 90 days ago or more that never signed in',
    example: ['2026-08-29T00:00:00Z'],
    request: (before) => ({
      query: {
        $filter: `userType eq 'Guest' and externalUserState eq 'Accepted' and createdDateTime le ${before}`,
        $count: 'true',
        $top: '999',
      },
    }),
    read: (body, answer) => ({ guests: answer.items(body).map((u) => answer.shape(GUEST_SIGN_IN, u)) }),
  }),

  /** Guests created at or after `since` (ISO): "new guests since the last snapshot". */
  listGuestsCreatedSince: operation<[since: string], GuestList>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=userType eq 'Guest' and createdDateTime ge {since}&$count=true&$top=999",
    select: selectOf(GUEST),
    consistencyLevel: 'eventual',
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote: GUEST_READ_NOTE,
    roles: { kind: 'member' },
    purpose: 'checklist: guests created since the previous snapshot',
    example: ['2026-11-20T00:00:00Z'],
    request: (since) => ({
      query: { $filter: `userType eq 'Guest' and createdDateTime ge ${since}`, $count: 'true', $top: '999' },
    }),
    read: (body, answer) => ({ guests: answer.items(body).map((u) => answer.shape(GUEST, u)) }),
  }),

  /**
   * Every guest with its sponsors. Graph v1.0 cannot filter on sponsors, so this one walks the guests (never the
   * members), 999 a page, and the checklist collects it last.
   */
  listGuestSponsors: operation<[], { readonly guests: readonly GuestWithSponsors[] }>({
    resource: 'users',
    method: 'GET',
    path: '/users',
    query: "$filter=userType eq 'Guest'&$expand=sponsors&$count=true&$top=999",
    select: selectOf(GUEST_SPONSORS),
    consistencyLevel: 'eventual',
    paging: 'all',
    permission: 'User.Read.All',
    permissionNote: GUEST_READ_NOTE,
    roles: { kind: 'member' },
    purpose: 'checklist: guests without a sponsor (Zero Trust Assessment 21877)',
    example: [],
    request: () => ({
      query: { $filter: "userType eq 'Guest'", $expand: 'sponsors', $count: 'true', $top: '999' },
    }),
    read: (body, answer) => ({
      guests: answer.items(body).map((u) => {
        const sponsors = (u as { sponsors?: unknown }).sponsors;
        const sponsorIds = Array.isArray(sponsors)
          ? sponsors
              .map((s) => (s && typeof s === 'object' ? (s as { id?: unknown }).id : undefined))
              .filter((id): id is string => typeof id === 'string' && id !== '')
          : [];
        return { ...answer.shape(GUEST_SPONSORS, u), sponsorIds };
      }),
    }),
  }),
};
