/**
 * The Microsoft Graph port: the typed v1.0 operations Sesame performs with the signed-in admin's delegated
 * token, one method per operation of the catalogue (core/graph/operations). The adapter (adapters/graph, over
 * @microsoft/microsoft-graph-client) implements it against Graph or the sandbox tenant; it retries 429/503
 * honouring Retry-After, follows @odata.nextLink, sends ConsistencyLevel where the declaration says so, and maps
 * every failure to one GraphError (core/errors.ts):
 *
 * | Graph answer | GraphError code |
 * |---|---|
 * | 401 | graph_unauthorized |
 * | 403 (Authorization_RequestDenied…) | graph_forbidden |
 * | 404 (Request_ResourceNotFound…) | graph_not_found |
 * | 409, and 400 whose message says "conflicting object" (a duplicate role assignment) | graph_conflict |
 * | other 400 | graph_bad_request |
 * | 429 after retries | graph_throttled |
 * | 502/503/504 after retries | graph_unavailable |
 * | no answer | graph_network |
 * | an answer the declaration cannot read | graph_unexpected |
 *
 * Every result carries Graph's `request-id` response header as `requestId` (for the audit log and support).
 * Arguments and results are plain JSON: the run engine passes operations around as data
 * (`{ op: 'getUser', args: ['…id…'] }`).
 */
import {
  graphOperation,
  type GraphOpArgs,
  type GraphOpName,
  type GraphOpResult,
} from '../graph/operations/index.js';
import type { GraphResponseMeta } from '../graph/operation.js';

export type { GraphOpName, GraphOpArgs, GraphOpResult, GraphResponseMeta };
export type * from '../graph/operations/index.js';

export type TenantGraph = {
  readonly [K in GraphOpName]: (...args: GraphOpArgs<K>) => Promise<GraphOpResult<K>>;
};

/** One Graph operation as data: what a `graph` effect carries. */
export type GraphCall = {
  [K in GraphOpName]: { readonly op: K; readonly args: GraphOpArgs<K> };
}[GraphOpName];

/** Runs a GraphCall against a TenantGraph (the one place an operation name turns into a method call). */
export function performGraphCall(graph: TenantGraph, call: GraphCall): Promise<unknown> {
  if (!graphOperation(call.op)) throw new TypeError(`unknown Graph operation ${String(call.op)}`);
  const method = graph[call.op] as (...args: readonly unknown[]) => Promise<unknown>;
  return method.apply(graph, [...(call.args as readonly unknown[])]);
}

// Result names procedure A and the engine have used since before the catalogue.
export type { RoleAssignment as RoleAssignmentResult } from '../graph/operations/role-management.js';
export type { DirectoryUser as UserResult } from '../graph/operations/users.js';
export type { Invitation as InvitationResult } from '../graph/operations/invitations.js';

/** What one read of a GraphReader gave: the typed result, or the GraphError it failed with. */
export type GraphReadOutcome =
  | { readonly ok: true; readonly value: unknown; readonly pages: number }
  | { readonly ok: false; readonly error: import('../errors.js').GraphError; readonly pages: number };

/**
 * Independent GET operations of the catalogue sent together: one `$batch` (20 a request) for their first pages,
 * then each collection's further pages on its own. One promise per call, in the calls' order, each settling as
 * soon as its own answer is complete (the checklist shows an area as soon as its reads are in). `pages` counts
 * the sequential requests a read took (1 + pages followed).
 */
export interface GraphReader {
  readMany(calls: readonly GraphCall[]): readonly Promise<GraphReadOutcome>[];
}
