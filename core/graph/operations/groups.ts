/** Groups: the security groups an admin can assign to a gallery app (procedure D). */
import { operation } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const GROUP = shape({
  id: 'id',
  displayName: 'string',
  description: 'string',
  securityEnabled: 'boolean',
  mailEnabled: 'boolean',
});
export type DirectoryGroup = Shaped<typeof GROUP>;

export const groupOperations = {
  /** Security groups only: provisioning assigns their members (Microsoft 365 groups work too, but are rarer). */
  listSecurityGroups: operation<[], { readonly groups: readonly DirectoryGroup[] }>({
    resource: 'groups',
    method: 'GET',
    path: '/groups',
    query: '$filter=securityEnabled eq true&$top=200',
    select: selectOf(GROUP),
    paging: 'one',
    permission: 'Group.ReadBasic.All',
    roles: { kind: 'member' },
    purpose: 'D: the groups an admin can assign to the gallery app',
    example: [],
    request: () => ({ query: { $filter: 'securityEnabled eq true', $top: '200' } }),
    read: (body, answer) => ({ groups: answer.items(body).map((g) => answer.shape(GROUP, g)) }),
  }),
};
