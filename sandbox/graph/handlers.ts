/**
 * What each Graph route does, with Graph's validation and failure messages, one module per resource in
 * handlers/ (the same grouping as Sesame's operations catalogue, core/graph/operations). Authorization is done
 * before a handler runs (router.ts); a handler only enforces what depends on the data (self, existence, conflicts).
 */
import type { RouteKey } from './route-table.js';
import { applicationHandlers } from './handlers/applications.js';
import { domainHandlers } from './handlers/domains.js';
import { groupHandlers } from './handlers/groups.js';
import { invitationHandlers } from './handlers/invitations.js';
import { licenceHandlers } from './handlers/licences.js';
import { organizationHandlers } from './handlers/organization.js';
import { permissionGrantHandlers } from './handlers/permission-grants.js';
import { policyHandlers } from './handlers/policies.js';
import { roleManagementHandlers } from './handlers/role-management.js';
import type { Handler } from './handlers/shared.js';
import { synchronizationHandlers } from './handlers/synchronization.js';
import { tenantRelationshipHandlers } from './handlers/tenant-relationships.js';
import { userHandlers } from './handlers/users.js';

export type { Handler, HandlerArgs } from './handlers/shared.js';
export { USER_DEFAULT_SELECT, isEmailAddress, isStrongPassword } from './handlers/shared.js';

const byResource = {
  ...userHandlers,
  ...groupHandlers,
  ...invitationHandlers,
  ...policyHandlers,
  ...roleManagementHandlers,
  ...licenceHandlers,
  ...domainHandlers,
  ...applicationHandlers,
  ...permissionGrantHandlers,
  ...synchronizationHandlers,
  ...organizationHandlers,
  ...tenantRelationshipHandlers,
} satisfies Record<Exclude<RouteKey, 'POST /$batch'>, Handler>;

/** Every route but $batch (the router answers it by calling these); the compiler refuses a missing one. */
export const handlers: Readonly<Record<Exclude<RouteKey, 'POST /$batch'>, Handler>> = byResource;
