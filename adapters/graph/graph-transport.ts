import { randomUUID } from 'node:crypto';
import {
  Client,
  ResponseType,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { isSesameError } from '../../core/errors.js';
import {
  RETRYABLE_STATUSES,
  graphErrorFromResponse,
  graphNetworkError,
  parseRetryAfter,
} from './graph-errors.js';
import { graphUnexpectedAnswer } from '../../core/graph/operation.js';

/**
 * HTTP to Microsoft Graph (or the sandbox tenant) over @microsoft/microsoft-graph-client, with Sesame's own
 * middleware chain: retry (429/503/504, Retry-After) → bearer token → fetch.
 *
 * Why not the library's default chain: its AuthenticationHandler only attaches tokens to https Graph hosts (and
 * `customHosts` is only consulted for https URLs), so the sandbox's http loopback base URL would get no token; its
 * RetryHandler sleeps on real timers with its own randomness, which tests cannot drive. Its request building and
 * response handling (GraphRequest, ResponseType.RAW) are used as they are.
 *
 * The retry budget is per operation (one request, one page, one $batch round trip): attempts AND total wait. When
 * it is spent, the GraphError carries `retryAfterSeconds` (what Graph last asked) so the engine can schedule a
 * later, durable attempt instead of holding a conversation turn.
 */

export interface GraphRetryOptions {
  /** Further attempts after the first (default 3: at most 4 requests). */
  readonly maxRetries?: number;
  /**
   * Longest single wait, in seconds (default 30). When Graph's Retry-After asks for more, Sesame does not wait
   * less than asked: it stops retrying and reports graph_throttled with `retryAfterSeconds`, so the caller can
   * schedule a later attempt instead of holding a conversation turn.
   */
  readonly maxDelaySeconds?: number;
  /**
   * Most time, in seconds, one operation may spend waiting between its attempts (default 45). A wait that would
   * go past it is not started: the operation fails with what Graph answered last.
   */
  readonly maxTotalWaitSeconds?: number;
}

/**
 * Seconds to wait before retry number `retry + 1`. Graph's Retry-After wins; without it, exponential backoff
 * (1 s, 2 s, 4 s… capped) with jitter, so clients throttled together do not come back together.
 */
export function backoffSeconds(
  retry: number,
  retryAfter: number | undefined,
  maxDelaySeconds: number,
  random: () => number,
): number {
  if (retryAfter !== undefined) return retryAfter;
  const ceiling = Math.min(2 ** retry, maxDelaySeconds);
  // "Equal jitter": half fixed, half random, so a wait never collapses to nothing.
  return ceiling / 2 + (ceiling / 2) * random();
}

export interface GraphTransportOptions {
  /** e.g. https://graph.microsoft.com/v1.0 or http://127.0.0.1:5990/v1.0 */
  readonly baseUrl: string;
  /** The signed-in admin's delegated token; asked once per request (retries reuse it; the token source caches). */
  readonly getToken: () => Promise<string>;
  readonly retry?: GraphRetryOptions;
  /** Injectable so tests need not wait out Retry-After. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** Epoch ms, to read Retry-After dates. */
  readonly now?: () => number;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface GraphRequestInit {
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-serialised for POST/PATCH/PUT. */
  readonly body?: unknown;
  /**
   * Whether resending cannot write twice. 429 and 503 mean Graph did not process the request, so they are retried
   * for every method; 504 (the gateway gave up, the write may have happened) only for idempotent requests.
   * Defaults to true for GET.
   */
  readonly idempotent?: boolean;
}

export interface GraphHttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  /** Graph's `request-id` response header ('' if none). */
  readonly requestId: string;
  /** Requests sent for this operation (1 + retries). */
  readonly attempts: number;
}

export interface GraphPages<T> {
  readonly items: T[];
  /** request-id of the first page. */
  readonly requestId: string;
  readonly pages: number;
}

export interface GraphTransport {
  /** The base URL without a trailing slash, e.g. https://graph.microsoft.com/v1.0 */
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly maxDelaySeconds: number;
  readonly maxTotalWaitSeconds: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  /**
   * One Graph request, retried per the policy; resolves on 2xx, rejects with GraphError otherwise.
   * `path` is relative to the base URL and already encoded (`/users/{id}?$select=…`).
   */
  request<T = unknown>(
    method: GraphMethod,
    path: string,
    init?: GraphRequestInit,
  ): Promise<GraphHttpResponse<T>>;
  /** A collection read that follows `@odata.nextLink` to the end. */
  getAllPages<T>(path: string, init?: Omit<GraphRequestInit, 'body'>): Promise<GraphPages<T>>;
}

export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Per-operation state shared by the middleware through GraphRequest.middlewareOptions. */
class GraphCallState implements MiddlewareOptions {
  attempts = 0;
  /** Seconds spent waiting between attempts. */
  waited = 0;
  failure: unknown = undefined;
  constructor(
    readonly token: string,
    readonly idempotent: boolean,
  ) {}
}

function callState(context: Context): GraphCallState | undefined {
  return context.middlewareControl?.getMiddlewareOptions(GraphCallState) as GraphCallState | undefined;
}

function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class RetryMiddleware implements Middleware {
  private next!: Middleware;
  constructor(
    private readonly policy: {
      maxRetries: number;
      maxDelaySeconds: number;
      maxTotalWaitSeconds: number;
      sleep: (ms: number) => Promise<void>;
      now: () => number;
      random: () => number;
    },
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const state = callState(context);
    for (let retry = 0; ; retry++) {
      await this.next.execute(context);
      const response = context.response;
      if (!response || !RETRYABLE_STATUSES.has(response.status)) return;
      if (response.status === 504 && !state?.idempotent) return;
      if (retry >= this.policy.maxRetries) return;
      const asked = parseRetryAfter(response.headers.get('retry-after'), this.policy.now());
      if (asked !== undefined && asked > this.policy.maxDelaySeconds) return;
      const seconds = backoffSeconds(retry, asked, this.policy.maxDelaySeconds, this.policy.random);
      const waited = state?.waited ?? 0;
      if (waited + seconds > this.policy.maxTotalWaitSeconds) return;
      if (state) state.waited = waited + seconds;
      // The discarded answer's body must be read or cancelled, or its connection stays busy.
      await response.body?.cancel().catch(() => undefined);
      await this.policy.sleep(Math.round(seconds * 1000));
    }
  }
}

class BearerTokenMiddleware implements Middleware {
  private next!: Middleware;
  constructor(private readonly origin: string) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const state = callState(context);
    const headers = { ...((context.options?.headers as Record<string, string> | undefined) ?? {}) };
    delete headers.Authorization;
    // The token only ever goes to the configured Graph origin (a nextLink elsewhere would get none).
    if (state && new URL(requestUrl(context)).origin === this.origin)
      headers.Authorization = `Bearer ${state.token}`;
    context.options = { ...context.options, headers };
    return this.next.execute(context);
  }
}

class FetchMiddleware implements Middleware {
  constructor(private readonly fetchImpl: typeof fetch) {}

  async execute(context: Context): Promise<void> {
    const state = callState(context);
    if (state) state.attempts++;
    try {
      context.response = await this.fetchImpl(context.request, context.options as RequestInit);
    } catch (e) {
      // Kept here because GraphRequest rewraps whatever a middleware throws.
      if (state) state.failure = e;
      throw e;
    }
  }
}

/** Splits `https://host/v1.0` into what the library's Client wants: baseUrl `https://host` and version `v1.0`. */
function splitBaseUrl(baseUrl: string): {
  origin: string;
  host: string;
  version: string;
  normalized: string;
} {
  const url = new URL(baseUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const version = segments.pop() ?? '';
  const host = `${url.origin}${segments.length ? `/${segments.join('/')}` : ''}`;
  return { origin: url.origin, host, version, normalized: `${host}${version ? `/${version}` : ''}` };
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json') || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function createGraphTransport(options: GraphTransportOptions): GraphTransport {
  const base = splitBaseUrl(options.baseUrl);
  const maxRetries = Math.max(0, options.retry?.maxRetries ?? 3);
  const maxDelaySeconds = Math.max(0, options.retry?.maxDelaySeconds ?? 30);
  const maxTotalWaitSeconds = Math.max(0, options.retry?.maxTotalWaitSeconds ?? 45);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  const client = Client.initWithMiddleware({
    baseUrl: base.host,
    defaultVersion: base.version,
    middleware: [
      new RetryMiddleware({ maxRetries, maxDelaySeconds, maxTotalWaitSeconds, sleep, now, random }),
      new BearerTokenMiddleware(base.origin),
      new FetchMiddleware(fetchImpl),
    ],
  });

  async function request<T>(
    method: GraphMethod,
    path: string,
    init: GraphRequestInit = {},
  ): Promise<GraphHttpResponse<T>> {
    const token = await options.getToken();
    const state = new GraphCallState(token, init.idempotent ?? method === 'GET');
    const where = pathOnly(path);
    const req = client
      .api(path)
      .responseType(ResponseType.RAW)
      .middlewareOptions([state])
      .headers({ 'client-request-id': randomUUID(), ...(init.headers ?? {}) });
    let response: Response;
    try {
      switch (method) {
        case 'GET':
          response = (await req.get()) as Response;
          break;
        case 'POST':
          response = (await req.post(init.body ?? {})) as Response;
          break;
        case 'PATCH':
          response = (await req.patch(init.body ?? {})) as Response;
          break;
        case 'PUT':
          response = (await req.put(init.body ?? {})) as Response;
          break;
        case 'DELETE':
          response = (await req.delete()) as Response;
          break;
      }
    } catch (e) {
      if (isSesameError(e)) throw e;
      throw graphNetworkError(method, where, state.failure ?? e);
    }
    const body = await readBody(response).catch((e: unknown) => {
      throw graphNetworkError(method, where, e);
    });
    if (!response.ok) {
      throw graphErrorFromResponse({
        method,
        path: where,
        status: response.status,
        headers: response.headers,
        body,
        nowMs: now(),
        attempts: state.attempts,
        waitedSeconds: state.waited,
      });
    }
    return {
      status: response.status,
      headers: response.headers,
      body: body as T,
      requestId: response.headers.get('request-id') ?? '',
      attempts: state.attempts,
    };
  }

  /** A nextLink is absolute; the library only parses https ones, so it is made relative to the base URL. */
  function relativeNextLink(nextLink: string, requestId: string): string {
    if (nextLink.startsWith(`${base.normalized}/`)) return nextLink.slice(base.normalized.length);
    throw graphUnexpectedAnswer(
      'GET',
      pathOnly(nextLink),
      requestId,
      `@odata.nextLink points outside ${base.normalized}`,
    );
  }

  async function getAllPages<T>(
    path: string,
    init: Omit<GraphRequestInit, 'body'> = {},
  ): Promise<GraphPages<T>> {
    const items: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined = path;
    let requestId = '';
    let pages = 0;
    while (next !== undefined) {
      const page: GraphHttpResponse<{ value?: unknown; '@odata.nextLink'?: unknown }> = await request(
        'GET',
        next,
        init,
      );
      if (pages === 0) requestId = page.requestId;
      pages++;
      const value = page.body?.value;
      if (!Array.isArray(value)) {
        throw graphUnexpectedAnswer(
          'GET',
          pathOnly(next),
          page.requestId,
          'a collection answer has no value array',
        );
      }
      items.push(...(value as T[]));
      const link = page.body['@odata.nextLink'];
      if (typeof link !== 'string' || link === '') break;
      if (seen.has(link))
        throw graphUnexpectedAnswer('GET', pathOnly(next), page.requestId, '@odata.nextLink repeats');
      seen.add(link);
      next = relativeNextLink(link, page.requestId);
    }
    return { items, requestId, pages };
  }

  return {
    baseUrl: base.normalized,
    maxRetries,
    maxDelaySeconds,
    maxTotalWaitSeconds,
    sleep,
    now,
    random,
    request,
    getAllPages,
  };
}
