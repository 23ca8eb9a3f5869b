/** Delegated permission grants (oauth2PermissionGrants): the scopes a vendor app was consented. */
import { odataString, operation } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const GRANT = shape({
  id: 'id',
  clientId: 'string',
  /** 'AllPrincipals' (admin consent) | 'Principal' */
  consentType: 'string',
  principalId: 'string',
  resourceId: 'string',
  /** Space-separated scope names. */
  scope: 'string',
});
export type PermissionGrant = Shaped<typeof GRANT>;

export const permissionGrantOperations = {
  listPermissionGrants: operation<[clientId: string], { readonly grants: readonly PermissionGrant[] }>({
    resource: 'permission-grants',
    method: 'GET',
    path: '/oauth2PermissionGrants',
    query: "$filter=clientId eq '{servicePrincipalId}'",
    select: selectOf(GRANT),
    paging: 'all',
    permission: 'Directory.Read.All',
    roles: { kind: 'member' },
    purpose: 'B + checklist: delegated scopes granted to a vendor app',
    example: ['0f6c4e1a-0000-4000-8000-000000000001'],
    request: (clientId) => ({ query: { $filter: `clientId eq ${odataString(clientId)}` } }),
    read: (body, answer) => ({ grants: answer.items(body).map((g) => answer.shape(GRANT, g)) }),
  }),

  /** Every delegated grant in the tenant (Graph cannot filter on several clients at once): kept for vendor apps. */
  listAllPermissionGrants: operation<[], { readonly grants: readonly PermissionGrant[] }>({
    resource: 'permission-grants',
    method: 'GET',
    path: '/oauth2PermissionGrants',
    select: selectOf(GRANT),
    paging: 'all',
    permission: 'Directory.Read.All',
    roles: { kind: 'member' },
    purpose: 'checklist: delegated scopes granted to the known vendor apps',
    example: [],
    request: () => ({}),
    read: (body, answer) => ({ grants: answer.items(body).map((g) => answer.shape(GRANT, g)) }),
  }),
};
