/** Policies: who may invite guests, what guests and users may do, cross-tenant and consent settings. */
import { ROLE } from '../../directory-roles.js';
import { operation, readsShape } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const AUTHORIZATION_POLICY = shape({
  id: 'id',
  /** 'none' | 'adminsAndGuestInviters' | 'adminsGuestInvitersAndAllMembers' | 'everyone' */
  allowInvitesFrom: 'required',
  /** Guest role template: restricted 2af84b1e-…, limited 10dae51f-…, same as members a0b1b346-… */
  guestUserRoleId: 'string',
  allowEmailVerifiedUsersToJoinOrganization: 'boolean',
  allowedToSignUpEmailBasedSubscriptions: 'boolean',
  defaultUserRolePermissions: {
    object: {
      allowedToCreateApps: 'boolean',
      allowedToCreateSecurityGroups: 'boolean',
      allowedToReadOtherUsers: 'boolean',
      permissionGrantPoliciesAssigned: 'strings',
    },
  },
});
export type AuthorizationPolicy = Shaped<typeof AUTHORIZATION_POLICY>;

const CROSS_TENANT_DEFAULT = shape({
  b2bCollaborationInbound: 'json',
  b2bCollaborationOutbound: 'json',
  invitationRedemptionIdentityProviderConfiguration: 'json',
});
export type CrossTenantAccessDefault = Shaped<typeof CROSS_TENANT_DEFAULT>;

const ADMIN_CONSENT_REQUEST_POLICY = shape({
  isEnabled: 'boolean',
  notifyReviewers: 'boolean',
  remindersEnabled: 'boolean',
  requestDurationInDays: 'number',
  reviewers: 'json',
});
export type AdminConsentRequestPolicy = Shaped<typeof ADMIN_CONSENT_REQUEST_POLICY>;

export const policyOperations = {
  getAuthorizationPolicy: operation<[], AuthorizationPolicy>({
    resource: 'policies',
    method: 'GET',
    path: '/policies/authorizationPolicy',
    paging: 'one',
    permission: 'Policy.Read.All',
    // Microsoft (2025+): a reader or admin role; plain members get 403.
    roles: {
      kind: 'anyOf',
      roles: [
        ROLE.globalReader,
        ROLE.securityReader,
        ROLE.securityOperator,
        ROLE.securityAdministrator,
        ROLE.cloudDeviceAdministrator,
        ROLE.licenseAdministrator,
        ROLE.privilegedRoleAdministrator,
      ],
    },
    purpose: 'A + checklist: allowInvitesFrom, guest role, user consent, users can register apps',
    example: [],
    request: () => ({}),
    read: (body, answer) => {
      const o = answer.object(body);
      // Graph once answered this singleton as a collection; accept both shapes.
      return answer.shape(AUTHORIZATION_POLICY, Array.isArray(o.value) ? o.value[0] : o);
    },
  }),

  getCrossTenantAccessDefault: operation<[], CrossTenantAccessDefault>({
    resource: 'policies',
    method: 'GET',
    path: '/policies/crossTenantAccessPolicy/default',
    select: selectOf(CROSS_TENANT_DEFAULT),
    paging: 'one',
    permission: 'Policy.Read.All',
    roles: { kind: 'anyOf', roles: [ROLE.globalReader, ROLE.securityReader, ROLE.securityAdministrator] },
    purpose: 'A + checklist: cross-tenant B2B collaboration defaults',
    example: [],
    request: () => ({}),
    read: readsShape(CROSS_TENANT_DEFAULT),
  }),

  getAdminConsentRequestPolicy: operation<[], AdminConsentRequestPolicy>({
    resource: 'policies',
    method: 'GET',
    path: '/policies/adminConsentRequestPolicy',
    select: selectOf(ADMIN_CONSENT_REQUEST_POLICY),
    paging: 'one',
    permission: 'Policy.Read.All',
    roles: {
      kind: 'anyOf',
      roles: [
        ROLE.globalReader,
        ROLE.applicationAdministrator,
        ROLE.cloudApplicationAdministrator,
        ROLE.securityReader,
      ],
    },
    purpose: 'checklist: admin consent workflow on, with reminders',
    example: [],
    request: () => ({}),
    read: readsShape(ADMIN_CONSENT_REQUEST_POLICY),
  }),
};
