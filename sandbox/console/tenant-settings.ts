/**
 * Tenant settings an admin changes in the Entra portal, outside Sesame, that the checklist reads: the console
 * lists each with its current value and a button per other value, and `PUT /_sandbox/tenant/settings/:id
 * { value }` applies one. Written into the same objects the Graph handlers serve, so the next snapshot sees them.
 */
import { GUEST_ROLE, type TenantState } from '../data/model.js';

export interface TenantSettingOption {
  readonly value: string;
  readonly label: string;
}

export interface TenantSetting {
  readonly id: string;
  readonly title: string;
  /** The Graph property it changes (shown on the console). */
  readonly property: string;
  readonly options: readonly TenantSettingOption[];
  read(state: TenantState): string;
  write(state: TenantState, value: string): void;
}

const ROLE_GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';

type Permissions = { allowedToCreateApps?: boolean; permissionGrantPoliciesAssigned?: string[] };
const permissions = (s: TenantState): Permissions => {
  const p = s.authorizationPolicy as unknown as { defaultUserRolePermissions?: Permissions };
  p.defaultUserRolePermissions ??= {};
  return p.defaultUserRolePermissions;
};

const USER_CONSENT = {
  none: [] as string[],
  'low-risk': ['ManagePermissionGrantsForSelf.microsoft-user-default-low'],
  any: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
} as const;

export const TENANT_SETTINGS: readonly TenantSetting[] = [
  {
    id: 'invite-policy',
    title: 'Who can invite guests',
    property: 'authorizationPolicy.allowInvitesFrom',
    options: [
      { value: 'none', label: 'No one' },
      { value: 'adminsAndGuestInviters', label: 'Admins and Guest Inviters' },
      { value: 'adminsGuestInvitersAndAllMembers', label: 'Admins, Guest Inviters and members' },
      { value: 'everyone', label: 'Everyone, guests included' },
    ],
    read: (s) => String(s.authorizationPolicy.allowInvitesFrom),
    write: (s, v) => {
      s.authorizationPolicy.allowInvitesFrom = v;
    },
  },
  {
    id: 'guest-directory-access',
    title: 'Guest access to the directory',
    property: 'authorizationPolicy.guestUserRoleId',
    options: [
      { value: 'restricted', label: 'Restricted (own objects)' },
      { value: 'limited', label: 'Limited' },
      { value: 'sameAsMembers', label: 'Same as members' },
    ],
    read: (s) =>
      Object.entries(GUEST_ROLE).find(([, id]) => id === s.authorizationPolicy.guestUserRoleId)?.[0] ??
      String(s.authorizationPolicy.guestUserRoleId),
    write: (s, v) => {
      s.authorizationPolicy.guestUserRoleId = GUEST_ROLE[v as keyof typeof GUEST_ROLE];
    },
  },
  {
    id: 'user-consent',
    title: 'User consent to apps',
    property: 'defaultUserRolePermissions.permissionGrantPoliciesAssigned',
    options: [
      { value: 'none', label: 'Not allowed' },
      { value: 'low-risk', label: 'Low-risk apps, verified publishers' },
      { value: 'any', label: 'Any app' },
    ],
    read: (s) => {
      const self = (permissions(s).permissionGrantPoliciesAssigned ?? []).filter((p) =>
        p.startsWith('ManagePermissionGrantsForSelf.'),
      );
      if (self.length === 0) return 'none';
      return self.every((p) => (USER_CONSENT['low-risk'] as readonly string[]).includes(p))
        ? 'low-risk'
        : 'any';
    },
    write: (s, v) => {
      const p = permissions(s);
      const others = (p.permissionGrantPoliciesAssigned ?? []).filter(
        (x) => !x.startsWith('ManagePermissionGrantsForSelf.'),
      );
      p.permissionGrantPoliciesAssigned = [...others, ...USER_CONSENT[v as keyof typeof USER_CONSENT]];
    },
  },
  {
    id: 'admin-consent-workflow',
    title: 'Admin consent requests',
    property: 'adminConsentRequestPolicy',
    options: [
      { value: 'off', label: 'Off' },
      { value: 'on', label: 'On, reviewers notified and reminded, 30 days' },
    ],
    read: (s) => (s.adminConsentRequestPolicy.isEnabled === true ? 'on' : 'off'),
    write: (s, v) => {
      const on = v === 'on';
      Object.assign(s.adminConsentRequestPolicy, {
        isEnabled: on,
        notifyReviewers: on,
        remindersEnabled: on,
        requestDurationInDays: on ? 30 : 0,
        // Entra asks for at least one reviewer when the workflow is on: the tenant's Global Administrators.
        reviewers: on
          ? [
              {
                query: `/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${ROLE_GLOBAL_ADMIN}'`,
                queryType: 'MicrosoftGraph',
                queryRoot: null,
              },
            ]
          : [],
        version: Number(s.adminConsentRequestPolicy.version ?? 0) + 1,
      });
    },
  },
  {
    id: 'app-registration',
    title: 'Users can register apps',
    property: 'defaultUserRolePermissions.allowedToCreateApps',
    options: [
      { value: 'on', label: 'Yes' },
      { value: 'off', label: 'No, admins only' },
    ],
    read: (s) => (permissions(s).allowedToCreateApps === false ? 'off' : 'on'),
    write: (s, v) => {
      permissions(s).allowedToCreateApps = v === 'on';
    },
  },
];

export function tenantSetting(id: string): TenantSetting | undefined {
  return TENANT_SETTINGS.find((s) => s.id === id);
}
