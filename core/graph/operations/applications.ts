/** Applications and service principals: vendor apps consented (B), gallery apps instantiated and assigned (D). */
import { ROLE } from '../../directory-roles.js';
import { odataString, operation, readsShape, segment } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const SERVICE_PRINCIPAL = shape({
  id: 'id',
  appId: 'id',
  displayName: 'string',
  appOwnerOrganizationId: 'string',
  /** The application permissions the app offers (Microsoft Graph's name its app role assignments). */
  appRoles: { list: shape({ id: 'id', value: 'string', displayName: 'string' }) },
});
export type ServicePrincipal = Shaped<typeof SERVICE_PRINCIPAL>;

/** An enterprise app instantiated from a gallery template: the template it came from, the roles users get. */
const GALLERY_SP = shape({
  id: 'id',
  appId: 'id',
  displayName: 'string',
  applicationTemplateId: 'string',
  appRoles: {
    list: { id: 'id', displayName: 'string', allowedMemberTypes: 'strings', isEnabled: 'boolean' },
  },
});
export type GalleryServicePrincipal = Shaped<typeof GALLERY_SP>;

const APP_ROLE_ASSIGNMENT = shape({
  id: 'id',
  appRoleId: 'string',
  principalId: 'string',
  resourceId: 'string',
  resourceDisplayName: 'string',
  createdDateTime: 'string',
});
export type AppRoleAssignment = Shaped<typeof APP_ROLE_ASSIGNMENT>;

const APPLICATION_TEMPLATE = shape({
  id: 'id',
  displayName: 'string',
  supportedProvisioningTypes: 'strings',
});
export type ApplicationTemplate = Shaped<typeof APPLICATION_TEMPLATE>;

const INSTANTIATED = shape({
  application: { object: { id: 'id', appId: 'id' } },
  servicePrincipal: { object: { id: 'id', appId: 'id', displayName: 'string' } },
});
export type InstantiatedApplication = Shaped<typeof INSTANTIATED>;

export interface AppRoleAssignmentRequest {
  /** The user or group given access. */
  readonly principalId: string;
  /** The app's service principal. */
  readonly resourceId: string;
  /** The app role; 00000000-0000-0000-0000-000000000000 = default access. */
  readonly appRoleId: string;
}

const CREDENTIAL = shape({
  keyId: 'string',
  displayName: 'string',
  startDateTime: 'string',
  endDateTime: 'string',
});
const APPLICATION_CREDENTIALS = shape({
  id: 'id',
  appId: 'string',
  displayName: 'string',
  passwordCredentials: { list: CREDENTIAL },
  keyCredentials: { list: CREDENTIAL },
});
/** An app registration's secrets and certificates (never their values: Graph does not return them) and owners. */
export type ApplicationCredentials = Shaped<typeof APPLICATION_CREDENTIALS> & {
  readonly owners: readonly {
    readonly id: string;
    readonly displayName: string | null;
    readonly userType: string | null;
    readonly type: string | null;
  }[];
};

function readOwners(item: unknown): ApplicationCredentials['owners'] {
  const owners = (item as { owners?: unknown }).owners;
  if (!Array.isArray(owners)) return [];
  return owners.flatMap((o) => {
    if (!o || typeof o !== 'object') return [];
    const r = o as Record<string, unknown>;
    if (typeof r.id !== 'string' || r.id === '') return [];
    const text = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : null);
    return [
      { id: r.id, displayName: text('displayName'), userType: text('userType'), type: text('@odata.type') },
    ];
  });
}

const APP_WRITE_ROLES = [ROLE.applicationAdministrator, ROLE.cloudApplicationAdministrator];
const EXAMPLE_ID = '0f6c4e1a-0000-4000-8000-000000000001';

export const applicationOperations = {
  /** 404 (graph_not_found) = the app was never consented in this tenant. */
  getServicePrincipalByAppId: operation<[appId: string], ServicePrincipal>({
    resource: 'applications',
    method: 'GET',
    path: "/servicePrincipals(appId='{appId}')",
    select: selectOf(SERVICE_PRINCIPAL),
    paging: 'one',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'B: has the vendor app been consented',
    example: ['ff28182b-b927-4697-9f0e-3d38e40971a8'],
    request: (appId) => ({ path: `/servicePrincipals(appId=${segment(odataString(appId))})` }),
    read: readsShape(SERVICE_PRINCIPAL),
  }),

  /** The service principals of the given apps present in the tenant (an app never consented has none). */
  listServicePrincipalsByAppIds: operation<
    [appIds: readonly string[]],
    { readonly servicePrincipals: readonly ServicePrincipal[] }
  >({
    resource: 'applications',
    method: 'GET',
    path: '/servicePrincipals',
    query: "$filter=appId in ('{appId}')",
    select: selectOf(SERVICE_PRINCIPAL),
    paging: 'all',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'checklist: which known vendor apps are consented in the tenant',
    example: [['ff28182b-b927-4697-9f0e-3d38e40971a8']],
    request: (appIds) => ({ query: { $filter: `appId in (${appIds.map(odataString).join(',')})` } }),
    read: (body, answer) => ({
      servicePrincipals: answer.items(body).map((sp) => answer.shape(SERVICE_PRINCIPAL, sp)),
    }),
  }),

  listAppRoleAssignments: operation<
    [servicePrincipalId: string],
    { readonly assignments: readonly AppRoleAssignment[] }
  >({
    resource: 'applications',
    method: 'GET',
    path: '/servicePrincipals/{id}/appRoleAssignments',
    select: selectOf(APP_ROLE_ASSIGNMENT),
    paging: 'all',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'B + checklist: application permissions granted to a vendor app',
    example: [EXAMPLE_ID],
    request: (id) => ({ path: `/servicePrincipals/${segment(id)}/appRoleAssignments` }),
    read: (body, answer) => ({
      assignments: answer.items(body).map((a) => answer.shape(APP_ROLE_ASSIGNMENT, a)),
    }),
  }),

  /** 404 (graph_not_found) right after instantiation: the service principal has not replicated yet. */
  getServicePrincipal: operation<[id: string], GalleryServicePrincipal>({
    resource: 'applications',
    method: 'GET',
    path: '/servicePrincipals/{id}',
    select: selectOf(GALLERY_SP),
    paging: 'one',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'D: wait for the instantiated app’s service principal to replicate; its app roles',
    example: [EXAMPLE_ID],
    request: (id) => ({ path: `/servicePrincipals/${segment(id)}` }),
    read: readsShape(GALLERY_SP),
  }),

  /** Instances of a gallery app already in the tenant: instantiating again would make a second app. */
  findServicePrincipalsByTemplate: operation<
    [templateId: string],
    { readonly servicePrincipals: readonly GalleryServicePrincipal[] }
  >({
    resource: 'applications',
    method: 'GET',
    path: '/servicePrincipals',
    query: "$filter=applicationTemplateId eq '{templateId}'",
    select: selectOf(GALLERY_SP),
    paging: 'all',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'D: an instance of the gallery app already exists (reuse it)',
    example: [EXAMPLE_ID],
    request: (templateId) => ({ query: { $filter: `applicationTemplateId eq ${odataString(templateId)}` } }),
    read: (body, answer) => ({
      servicePrincipals: answer.items(body).map((sp) => answer.shape(GALLERY_SP, sp)),
    }),
  }),

  /** Who has access to an app (users and groups assigned to it): the assignments it grants as resource. */
  listAppRoleAssignedTo: operation<
    [servicePrincipalId: string],
    { readonly assignments: readonly AppRoleAssignment[] }
  >({
    resource: 'applications',
    method: 'GET',
    path: '/servicePrincipals/{id}/appRoleAssignedTo',
    select: selectOf(APP_ROLE_ASSIGNMENT),
    paging: 'all',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'D: users and groups already assigned to the gallery app (never assign twice)',
    example: [EXAMPLE_ID],
    request: (id) => ({ path: `/servicePrincipals/${segment(id)}/appRoleAssignedTo` }),
    read: (body, answer) => ({
      assignments: answer.items(body).map((a) => answer.shape(APP_ROLE_ASSIGNMENT, a)),
    }),
  }),

  findApplicationTemplates: operation<
    [displayName: string],
    { readonly templates: readonly ApplicationTemplate[] }
  >({
    resource: 'applications',
    method: 'GET',
    path: '/applicationTemplates',
    query: "$filter=displayName eq '{displayName}'",
    select: selectOf(APPLICATION_TEMPLATE),
    paging: 'all',
    permission: null,
    permissionNote:
      'The gallery catalogue: the permissions map has no entry for it and its API page lists no permission.',
    roles: { kind: 'anyUser' },
    purpose: 'D: find the gallery app template (GoTo)',
    example: ['GoTo Meeting'],
    request: (displayName) => ({ query: { $filter: `displayName eq ${odataString(displayName)}` } }),
    read: (body, answer) => ({
      templates: answer.items(body).map((t) => answer.shape(APPLICATION_TEMPLATE, t)),
    }),
  }),

  instantiateApplicationTemplate: operation<
    [templateId: string, displayName: string],
    InstantiatedApplication
  >({
    resource: 'applications',
    method: 'POST',
    path: '/applicationTemplates/{id}/instantiate',
    paging: 'one',
    permission: 'Application.ReadWrite.All',
    roles: { kind: 'anyOf', roles: APP_WRITE_ROLES },
    purpose: 'D: instantiate the gallery app',
    example: [EXAMPLE_ID, 'GoTo Meeting'],
    request: (templateId, displayName) => ({
      path: `/applicationTemplates/${segment(templateId)}/instantiate`,
      body: { displayName },
    }),
    read: readsShape(INSTANTIATED),
  }),

  assignAppRole: operation<[request: AppRoleAssignmentRequest], AppRoleAssignment>({
    resource: 'applications',
    method: 'POST',
    path: '/servicePrincipals/{id}/appRoleAssignedTo',
    paging: 'one',
    permission: 'AppRoleAssignment.ReadWrite.All',
    alsoRequires: 'Application.Read.All',
    roles: { kind: 'anyOf', roles: APP_WRITE_ROLES },
    purpose: 'D: assign users and groups to the app',
    example: [
      { principalId: EXAMPLE_ID, resourceId: EXAMPLE_ID, appRoleId: '00000000-0000-0000-0000-000000000000' },
    ],
    request: (r) => ({
      path: `/servicePrincipals/${segment(r.resourceId)}/appRoleAssignedTo`,
      body: { principalId: r.principalId, resourceId: r.resourceId, appRoleId: r.appRoleId },
    }),
    read: readsShape(APP_ROLE_ASSIGNMENT),
  }),

  /**
   * App registrations with their credentials' dates and their owners. Graph cannot filter on credential dates,
   * so the registrations are paged (999 a page): a tenant has tens or hundreds, not one per user.
   */
  listApplicationCredentials: operation<[], { readonly applications: readonly ApplicationCredentials[] }>({
    resource: 'applications',
    method: 'GET',
    path: '/applications',
    query: '$expand=owners&$top=999',
    select: selectOf(APPLICATION_CREDENTIALS),
    paging: 'all',
    permission: 'Application.Read.All',
    roles: { kind: 'member' },
    purpose: 'checklist: secrets and certificates expiring or too long-lived; guests owning apps (ZTA 21868)',
    example: [],
    request: () => ({ query: { $expand: 'owners', $top: '999' } }),
    read: (body, answer) => ({
      applications: answer
        .items(body)
        .map((a) => ({ ...answer.shape(APPLICATION_CREDENTIALS, a), owners: readOwners(a) })),
    }),
  }),
};
