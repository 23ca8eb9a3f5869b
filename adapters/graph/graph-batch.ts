import { GraphError } from '../../core/errors.js';
import { RETRYABLE_STATUSES, graphErrorFromResponse } from './graph-errors.js';
import { backoffSeconds, type GraphTransport } from './graph-transport.js';

/** Graph accepts at most 20 requests in one JSON batch. */
export const GRAPH_BATCH_LIMIT = 20;

export interface GraphBatchRead {
  /** Relative to the version root and encoded, as in a batch step: `/users/{id}?$select=id,displayName` */
  readonly url: string;
  /** e.g. `{ ConsistencyLevel: 'eventual' }` for an advanced query. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One answer per read, in the order of the reads; a failed read does not fail the others. */
export type GraphBatchResult<T = unknown> =
  | { readonly ok: true; readonly status: number; readonly body: T; readonly requestId: string }
  | { readonly ok: false; readonly error: GraphError };

export interface GraphBatchOptions {
  /** Batch requests in flight at once (default 1). Graph throttles per app and tenant: stay low. */
  readonly concurrency?: number;
}

interface BatchStepResponse {
  readonly id?: unknown;
  readonly status?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
}

function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function stringHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>))
      if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * Independent reads through `POST /$batch`, 20 per request (larger sets are split). Each read's own 429/503/504 is
 * retried in a later batch after the longest Retry-After among them, within the transport's budget (retries and
 * total wait, counted over the whole call); the batch request itself is retried by the transport. A batch request that fails outright fails each of its reads
 * with that GraphError; a token failure (auth_required…) rejects the whole call.
 */
export async function graphBatch<T = unknown>(
  transport: GraphTransport,
  reads: readonly GraphBatchRead[],
  options: GraphBatchOptions = {},
): Promise<GraphBatchResult<T>[]> {
  const results: (GraphBatchResult<T> | undefined)[] = new Array(reads.length).fill(undefined);
  let pending = reads.map((_, i) => i);
  let waited = 0;
  for (let round = 0; pending.length > 0; round++) {
    const retry: number[] = [];
    let waitSeconds = 0;
    await runLimited(chunks(pending, GRAPH_BATCH_LIMIT), options.concurrency ?? 1, async (indexes) => {
      let answer;
      try {
        answer = await transport.request<{ responses?: unknown }>('POST', '/$batch', {
          idempotent: true,
          body: {
            requests: indexes.map((i) => ({
              id: String(i),
              method: 'GET',
              url: reads[i]!.url,
              ...(reads[i]!.headers ? { headers: reads[i]!.headers } : {}),
            })),
          },
        });
      } catch (e) {
        if (!(e instanceof GraphError)) throw e;
        for (const i of indexes) results[i] = { ok: false, error: e };
        return;
      }
      const responses = Array.isArray(answer.body?.responses)
        ? (answer.body.responses as BatchStepResponse[])
        : [];
      const answered = new Set<number>();
      for (const step of responses) {
        const i = Number(step.id);
        if (!indexes.includes(i) || answered.has(i)) continue;
        answered.add(i);
        const status = typeof step.status === 'number' ? step.status : 0;
        const headers = stringHeaders(step.headers);
        if (status >= 200 && status < 300) {
          results[i] = {
            ok: true,
            status,
            body: step.body as T,
            requestId: headerValue(headers, 'request-id') ?? answer.requestId,
          };
          continue;
        }
        const error = graphErrorFromResponse({
          method: 'GET',
          path: pathOnly(reads[i]!.url),
          status,
          headers,
          fallbackRequestId: answer.requestId,
          body: step.body,
          nowMs: transport.now(),
          attempts: round + 1,
        });
        results[i] = { ok: false, error };
        const asked = error.retryAfterSeconds;
        const seconds = backoffSeconds(round, asked, transport.maxDelaySeconds, transport.random);
        if (
          RETRYABLE_STATUSES.has(status) &&
          round < transport.maxRetries &&
          (asked === undefined || asked <= transport.maxDelaySeconds) &&
          waited + seconds <= transport.maxTotalWaitSeconds
        ) {
          retry.push(i);
          waitSeconds = Math.max(waitSeconds, seconds);
        }
      }
      for (const i of indexes) {
        if (!answered.has(i)) {
          results[i] = {
            ok: false,
            error: new GraphError(
              'graph_unexpected',
              `Graph $batch gave no answer for ${pathOnly(reads[i]!.url)}`,
              {
                requestId: answer.requestId,
                graphCode: 'MissingBatchResponse',
              },
            ),
          };
        }
      }
    });
    if (retry.length > 0) {
      waited += waitSeconds;
      await transport.sleep(Math.round(waitSeconds * 1000));
    }
    pending = retry.sort((a, b) => a - b);
  }
  return results as GraphBatchResult<T>[];
}
