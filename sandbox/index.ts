/** The sandbox tenant's public face for scripts and tests: start it, and name what it seeds. */
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from './server.js';
export { SandboxRuntime, type FaultConfig, type LogEntry, type LargeTenantParams } from './runtime.js';
export { GUEST_ROLE, ROLE, guidFrom, type TenantState } from './data/model.js';
export {
  APPLICATION_TEMPLATES,
  DEFAULT_DOMAIN,
  INITIAL_DOMAIN,
  MICROSOFT_GRAPH_APP_ID,
  SEED_TENANT_ID,
  SEED_TENANT_NAME,
  SEED_USERS,
  SERVICE_PLAN,
  SESAME_APP_ID_URI,
  SESAME_CLIENT_ID,
  SESAME_CLIENT_SECRET,
  SESAME_CONSENTED_SCOPES,
  SKU,
  TEST_CLIENT_ID,
  UNVERIFIED_DOMAIN,
  VENDOR_APPS,
  type SeedUserRef,
} from './data/seed.js';
export { generateLargeTenant } from './data/generate-large-tenant.js';
export { SANDBOX_APPS, SESAME_APP, TEST_CLIENT_APP, createDirectory } from './directory.js';
export { graphRouteTable, type GraphRoute, type RouteKey } from './graph/route-table.js';
export { routePermissions } from './graph/permissions.js';
