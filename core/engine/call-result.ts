/** The outcome of one Graph operation as plain data: what `effect-result` events carry back to the engine. */
import { GraphError, type SesameErrorCode } from '../errors.js';

/** A GraphError flattened to JSON (class instances do not survive a store or a queue). */
export interface GraphErrorData {
  readonly code: SesameErrorCode;
  readonly message: string;
  readonly status?: number;
  readonly graphCode?: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
}

export type CallResult<T = unknown> =
  | { readonly ok: true; readonly data: T; readonly requestId?: string }
  | { readonly ok: false; readonly error: GraphErrorData };

export function toGraphErrorData(e: unknown): GraphErrorData {
  if (e instanceof GraphError) {
    return strip({
      code: e.code,
      message: e.message,
      status: e.status,
      graphCode: e.graphCode,
      requestId: e.requestId,
      retryAfterSeconds: e.retryAfterSeconds,
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'graph_unexpected', message };
}

export function fromGraphErrorData(data: GraphErrorData): GraphError {
  return new GraphError(data.code, data.message, {
    status: data.status,
    requestId: data.requestId,
    graphCode: data.graphCode ?? '',
    retryAfterSeconds: data.retryAfterSeconds,
  });
}

/** A successful result, with the request-id lifted from the data when the port put it there. */
export function okResult<T>(data: T): CallResult<T> {
  const candidate: unknown =
    typeof data === 'object' && data !== null ? (data as { requestId?: unknown }).requestId : undefined;
  const requestId = typeof candidate === 'string' && candidate !== '' ? candidate : undefined;
  return requestId === undefined ? { ok: true, data } : { ok: true, data, requestId };
}

/** Request ids of a set of results, for the audit log. */
export function requestIdsOf(results: Readonly<Record<string, CallResult>>): string[] {
  const ids: string[] = [];
  for (const r of Object.values(results)) {
    const id = r.ok ? r.requestId : r.error.requestId;
    if (id) ids.push(id);
  }
  return ids;
}

/**
 * Graph reports a duplicate role assignment as 400 "A conflicting object with one or more of the specified
 * property values is present in the directory." The adapter maps it to graph_conflict; this also recognises
 * it unmapped, so an older adapter cannot make the engine write twice.
 */
export function isConflict(error: GraphErrorData): boolean {
  return error.code === 'graph_conflict' || /conflicting object/i.test(error.message);
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
