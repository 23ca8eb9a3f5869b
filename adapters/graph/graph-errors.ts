import { GraphError, type SesameErrorCode } from '../../core/errors.js';

/** Statuses worth another attempt: Graph asks to slow down (429) or is briefly unavailable (503, 504). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date (relative to `nowMs`).
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The body Graph sends with an error: `{ error: { code, message, innerError: { 'request-id', date } } }`. */
interface GraphErrorBody {
  readonly code: string;
  readonly message: string;
  readonly innerRequestId?: string;
}

function readErrorBody(body: unknown): GraphErrorBody {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; innerError?: unknown; innererror?: unknown };
    const inner = (e.innerError ?? e.innererror) as Record<string, unknown> | undefined;
    const innerRequestId = inner && typeof inner['request-id'] === 'string' ? inner['request-id'] : undefined;
    return {
      code: typeof e.code === 'string' ? e.code : '',
      message: typeof e.message === 'string' ? e.message : '',
      ...(innerRequestId ? { innerRequestId } : {}),
    };
  }
  if (typeof body === 'string' && body.trim() !== '') return { code: '', message: body.trim().slice(0, 300) };
  return { code: '', message: '' };
}

/** The port's mapping table (core/ports/tenant-graph.ts), from Graph's status and message. */
export function graphErrorCode(status: number, message: string): SesameErrorCode {
  if (status === 401) return 'graph_unauthorized';
  if (status === 403) return 'graph_forbidden';
  if (status === 404) return 'graph_not_found';
  if (status === 409) return 'graph_conflict';
  // A duplicate role assignment answers 400 "A conflicting object with one or more of the specified property
  // values is present in the directory."
  if (status === 400) return /conflicting object/i.test(message) ? 'graph_conflict' : 'graph_bad_request';
  if (status === 429) return 'graph_throttled';
  if (status === 502 || status === 503 || status === 504) return 'graph_unavailable';
  return 'graph_unexpected';
}

export interface GraphFailure {
  readonly method: string;
  /** The request path without its query string (a filter may hold an address: not for messages). */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers | Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly nowMs: number;
  /** How many requests were sent for this operation (1 + retries). */
  readonly attempts?: number;
  /** Seconds spent waiting between those requests. */
  readonly waitedSeconds?: number;
  /** When neither the headers nor the body carry a request-id (a $batch step: the batch's own). */
  readonly fallbackRequestId?: string;
}

function header(headers: GraphFailure['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** One GraphError for a Graph answer that is not a success. */
export function graphErrorFromResponse(failure: GraphFailure): GraphError {
  const parsed = readErrorBody(failure.body);
  const requestId =
    header(failure.headers, 'request-id') ?? parsed.innerRequestId ?? failure.fallbackRequestId ?? '';
  const retryAfterSeconds = parseRetryAfter(header(failure.headers, 'retry-after'), failure.nowMs);
  const code = graphErrorCode(failure.status, parsed.message);
  const graphCode = parsed.code || `HTTP${failure.status}`;
  const retried = failure.attempts && failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  const message =
    `Graph ${failure.method} ${failure.path} answered ${failure.status} ${graphCode}${retried}` +
    (parsed.message ? `: ${parsed.message}` : '');
  return new GraphError(code, message, {
    status: failure.status,
    requestId,
    graphCode,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    cause: { status: failure.status, body: failure.body },
    details: {
      graphCode,
      method: failure.method,
      path: failure.path,
      status: failure.status,
      ...(failure.attempts ? { attempts: failure.attempts } : {}),
      ...(failure.waitedSeconds ? { waitedSeconds: failure.waitedSeconds } : {}),
    },
  });
}

/** Graph could not be reached at all (DNS, refused connection, TLS, reset). */
export function graphNetworkError(method: string, path: string, cause: unknown): GraphError {
  const reason = cause instanceof Error ? (describeCause(cause) ?? cause.message) : String(cause);
  return new GraphError('graph_network', `Graph ${method} ${path} could not be reached: ${reason}`, {
    graphCode: 'NetworkError',
    cause,
    details: { method, path },
  });
}

function describeCause(e: Error): string | undefined {
  const inner = (e as { cause?: unknown }).cause;
  if (inner instanceof Error) return `${e.message} (${(inner as { code?: string }).code ?? inner.message})`;
  return undefined;
}
