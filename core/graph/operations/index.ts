/**
 * The catalogue: every Graph operation Sesame performs, by resource. The TenantGraph port is derived from it
 * (core/ports/tenant-graph.ts), the adapter implements it generically (adapters/graph/tenant-graph-client.ts),
 * and the sign-in scopes and contract tests read it. Adding an operation = one declaration here (in its
 * resource's module) plus its sandbox route.
 */
import type { GraphOperation, GraphResponseMeta } from '../operation.js';
import { applicationOperations } from './applications.js';
import { domainOperations } from './domains.js';
import { groupOperations } from './groups.js';
import { invitationOperations } from './invitations.js';
import { licenceOperations } from './licences.js';
import { organizationOperations } from './organization.js';
import { permissionGrantOperations } from './permission-grants.js';
import { policyOperations } from './policies.js';
import { roleManagementOperations } from './role-management.js';
import { synchronizationOperations } from './synchronization.js';
import { tenantRelationshipOperations } from './tenant-relationships.js';
import { userOperations } from './users.js';

export const GRAPH_OPERATIONS = {
  ...userOperations,
  ...groupOperations,
  ...invitationOperations,
  ...policyOperations,
  ...roleManagementOperations,
  ...licenceOperations,
  ...organizationOperations,
  ...domainOperations,
  ...applicationOperations,
  ...permissionGrantOperations,
  ...synchronizationOperations,
  ...tenantRelationshipOperations,
};

type Catalogue = typeof GRAPH_OPERATIONS;
export type GraphOpName = keyof Catalogue;

/** The arguments of an operation, as its declaration types them. */
export type GraphOpArgs<K extends GraphOpName> =
  Catalogue[K] extends GraphOperation<infer A, object> ? A : never;

/** The typed result of an operation, with Graph's request-id. */
export type GraphOpResult<K extends GraphOpName> = (Catalogue[K] extends GraphOperation<infer _A, infer R>
  ? R
  : never) &
  GraphResponseMeta;

/** Looks an operation up by name (a name read from a stored run is only a string). */
export function graphOperation(name: string): GraphOperation<readonly unknown[], object> | undefined {
  return Object.hasOwn(GRAPH_OPERATIONS, name)
    ? (GRAPH_OPERATIONS[name as GraphOpName] as unknown as GraphOperation<readonly unknown[], object>)
    : undefined;
}

export const GRAPH_OPERATION_NAMES = Object.keys(GRAPH_OPERATIONS) as GraphOpName[];

export type * from './applications.js';
export type * from './domains.js';
export type * from './groups.js';
export type * from './invitations.js';
export type * from './licences.js';
export type * from './organization.js';
export type * from './permission-grants.js';
export type * from './policies.js';
export type * from './role-management.js';
export type * from './synchronization.js';
export type * from './tenant-relationships.js';
export type * from './users.js';
