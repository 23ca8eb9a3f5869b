/**
 * Every Microsoft Graph v1.0 route the sandbox serves: method and path template relative to /v1.0. The router
 * (sandbox/graph/router.ts) is built from this table, and permissions.ts and handlers.ts are keyed by it, so the
 * compiler refuses a route without a permission rule or a handler.
 */
export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export const graphRouteTable = [
  { method: 'GET', path: '/me' },
  { method: 'GET', path: '/users' },
  { method: 'POST', path: '/users' },
  { method: 'GET', path: '/users/{id}' },
  { method: 'PATCH', path: '/users/{id}' },
  { method: 'DELETE', path: '/users/{id}' },
  { method: 'POST', path: '/users/{id}/assignLicense' },
  { method: 'GET', path: '/users/{id}/licenseDetails' },
  { method: 'GET', path: '/users/{id}/sponsors' },
  { method: 'POST', path: '/users/{id}/sponsors/$ref' },
  { method: 'GET', path: '/groups' },
  { method: 'POST', path: '/invitations' },
  { method: 'GET', path: '/policies/authorizationPolicy' },
  { method: 'PATCH', path: '/policies/authorizationPolicy' },
  { method: 'GET', path: '/policies/adminConsentRequestPolicy' },
  { method: 'GET', path: '/policies/crossTenantAccessPolicy/default' },
  { method: 'GET', path: '/roleManagement/directory/roleDefinitions' },
  { method: 'GET', path: '/roleManagement/directory/roleDefinitions/{id}' },
  { method: 'GET', path: '/roleManagement/directory/roleAssignments' },
  { method: 'POST', path: '/roleManagement/directory/roleAssignments' },
  { method: 'GET', path: '/roleManagement/directory/roleAssignments/{id}' },
  { method: 'DELETE', path: '/roleManagement/directory/roleAssignments/{id}' },
  { method: 'GET', path: '/roleManagement/directory/roleEligibilitySchedules' },
  { method: 'GET', path: '/roleManagement/directory/roleEligibilityScheduleInstances' },
  {
    method: 'GET',
    path: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='{on}')",
  },
  { method: 'GET', path: '/subscribedSkus' },
  { method: 'GET', path: '/domains' },
  { method: 'POST', path: '/domains' },
  { method: 'GET', path: '/domains/{id}' },
  { method: 'GET', path: '/domains/{id}/verificationDnsRecords' },
  { method: 'POST', path: '/domains/{id}/verify' },
  { method: 'GET', path: '/servicePrincipals' },
  { method: 'GET', path: '/servicePrincipals/{id}' },
  { method: 'GET', path: "/servicePrincipals(appId='{appId}')" },
  { method: 'GET', path: '/servicePrincipals/{id}/appRoleAssignedTo' },
  { method: 'POST', path: '/servicePrincipals/{id}/appRoleAssignedTo' },
  { method: 'GET', path: '/servicePrincipals/{id}/appRoleAssignments' },
  { method: 'GET', path: '/servicePrincipals/{id}/synchronization/templates' },
  { method: 'GET', path: '/servicePrincipals/{id}/synchronization/jobs' },
  { method: 'POST', path: '/servicePrincipals/{id}/synchronization/jobs' },
  { method: 'GET', path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}' },
  { method: 'POST', path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}/start' },
  { method: 'POST', path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}/validateCredentials' },
  { method: 'PUT', path: '/servicePrincipals/{id}/synchronization/secrets' },
  { method: 'GET', path: '/oauth2PermissionGrants' },
  { method: 'GET', path: '/applications' },
  { method: 'GET', path: '/applicationTemplates' },
  { method: 'GET', path: '/applicationTemplates/{id}' },
  { method: 'POST', path: '/applicationTemplates/{id}/instantiate' },
  { method: 'GET', path: '/organization' },
  {
    method: 'GET',
    path: "/tenantRelationships/findTenantInformationByDomainName(domainName='{domainName}')",
  },
  { method: 'POST', path: '/$batch' },
] as const satisfies readonly { method: GraphMethod; path: string }[];

export type GraphRoute = (typeof graphRouteTable)[number];
type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;
export type RouteKey = KeyOf<GraphRoute>;

export function routeKey(r: { method: string; path: string }): RouteKey {
  return `${r.method} ${r.path}` as RouteKey;
}
