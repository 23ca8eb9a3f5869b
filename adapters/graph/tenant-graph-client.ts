import { GraphAnswer, queryString, type GraphOperation } from '../../core/graph/operation.js';
import { GRAPH_OPERATIONS } from '../../core/graph/operations/index.js';
import type { TenantGraph } from '../../core/ports/tenant-graph.js';
import { createGraphTransport, type GraphTransport, type GraphTransportOptions } from './graph-transport.js';

export type TenantGraphOptions = GraphTransportOptions;

export { odataString, queryString } from '../../core/graph/operation.js';

type AnyOperation = GraphOperation<readonly unknown[], object>;

/** Sends one declared operation: its request, $select and headers, every page when it pages, then reads it. */
async function perform(
  transport: GraphTransport,
  op: AnyOperation,
  args: readonly unknown[],
): Promise<object> {
  const request = op.request(...args);
  const query = { ...request.query, ...(op.select ? { $select: op.select.join(',') } : {}) };
  const url = `${request.path ?? op.path}${queryString(query)}`;
  const headers = op.consistencyLevel ? { ConsistencyLevel: op.consistencyLevel } : undefined;
  if (op.paging === 'all') {
    const pages = await transport.getAllPages<unknown>(url, headers ? { headers } : {});
    const answer = new GraphAnswer(op.method, op.path, pages.requestId);
    return { ...op.read({ value: pages.items }, answer, ...args), requestId: pages.requestId };
  }
  const res = await transport.request(op.method, url, {
    ...(headers ? { headers } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const answer = new GraphAnswer(op.method, op.path, res.requestId);
  return { ...op.read(res.body, answer, ...args), requestId: res.requestId };
}

/** The TenantGraph port over a GraphTransport: one method per declared operation (the checklist shares the transport for $batch reads). */
export function tenantGraphOver(transport: GraphTransport): TenantGraph {
  const graph: Record<string, (...args: readonly unknown[]) => Promise<object>> = {};
  for (const [name, op] of Object.entries(GRAPH_OPERATIONS)) {
    graph[name] = (...args) => perform(transport, op as unknown as AnyOperation, args);
  }
  return graph as unknown as TenantGraph;
}

/**
 * The TenantGraph port over @microsoft/microsoft-graph-client, against Graph or the sandbox tenant (`baseUrl`).
 * Retries 429/503/504 honouring Retry-After, follows @odata.nextLink, and maps every failure to one GraphError.
 */
export function createTenantGraph(options: TenantGraphOptions): TenantGraph {
  return tenantGraphOver(createGraphTransport(options));
}

export {
  graphBatch,
  GRAPH_BATCH_LIMIT,
  type GraphBatchRead,
  type GraphBatchResult,
  type GraphBatchOptions,
} from './graph-batch.js';
export {
  createGraphTransport,
  type GraphTransport,
  type GraphTransportOptions,
  type GraphRetryOptions,
} from './graph-transport.js';
