/**
 * The Messenger over the Teams SDK v2: posts to the conversation's own serviceUrl (from its stored reference)
 * through the SDK's API client, with the bot's token from the App's HTTP client. Proactive sends wait in their own
 * per-conversation queues, so the bot's replies to users (sent by the SDK inside a turn) never wait behind them. An
 * update of a message still waiting in the queue is replaced by a newer update of the same message (a card clicked
 * by many people in a row costs one request per window, not one per click).
 */
import { Client as ApiClient, type ActivityParams } from '@microsoft/teams.api';
import {
  MessengerError,
  type ConversationReference,
  type Messenger,
  type OutboundMessage,
  type SendOptions,
} from '../../core/ports/messenger.js';
import {
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
  TEAMS_TENANT_LIMITS,
  type RateWindow,
} from './rate-limits.js';

/**
 * The Teams SDK's HTTP client (@microsoft/teams.common Client). Typed by shape: the package ships CJS and ESM
 * typings of the one class, which TypeScript sees as two.
 */
export interface BotHttpClient {
  request(config: never): Promise<unknown>;
  clone(options?: never): unknown;
}

export interface TeamsMessengerOptions {
  /** The SDK's HTTP client carrying the bot's token (App#api.http), or how to get it once the App is built. */
  readonly http: BotHttpClient | (() => BotHttpClient);
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1) for backoff jitter. */
  readonly random?: () => number;
  /** Attempts per message before giving up with 'messenger_throttled' / 'messenger_unavailable'. */
  readonly maxAttempts?: number;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly conversationLimits?: readonly RateWindow[];
  readonly tenantLimits?: readonly RateWindow[];
  /** Told of every answer the connector gave (for logs and the benchmark). */
  readonly onAnswer?: (answer: { status: number; conversationId: string; attempt: number }) => void;
}

/** Statuses Teams documents as "try again": throttled, precondition (conversation busy), gateway errors. */
const RETRYABLE = new Set([412, 429, 502, 503, 504]);

interface Job {
  readonly ref: ConversationReference;
  run: (api: ApiClient) => Promise<{ id?: string }>;
  readonly notAfter?: number;
  /** Updates of one message: a newer one replaces a queued one that has not started (only the last state counts). */
  readonly replaces?: string;
  /** Its request is out (a queued update may no longer be replaced). */
  started: boolean;
  attempt: number;
  notBefore: number;
  resolve: (value: { id: string }) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  readonly jobs: Job[];
  running: boolean;
}

/** The lanes of one tenant waiting for room in its windows, in arrival order. */
interface TenantGate {
  readonly waiting: { resolve: (admitted: boolean) => void; readonly notAfter?: number }[];
  /** When its timer fires (Infinity: none set). */
  wakeAt: number;
}

export function createTeamsMessenger(options: TeamsMessengerOptions): Messenger & {
  /** Messages queued or in flight. */
  pending(): number;
} {
  const now = options.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 6;
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 32_000 };
  const conversations = new SlidingWindowLimiter(options.conversationLimits ?? TEAMS_CONVERSATION_LIMITS);
  const tenants = new SlidingWindowLimiter(options.tenantLimits ?? TEAMS_TENANT_LIMITS);
  const lanes = new Map<string, Lane>();
  const gates = new Map<string, TenantGate>();
  const clients = new Map<string, ApiClient>();
  let queued = 0;

  function apiFor(serviceUrl: string): ApiClient {
    const base = serviceUrl.replace(/\/+$/, '');
    let client = clients.get(base);
    if (!client) {
      const http = typeof options.http === 'function' ? options.http() : options.http;
      client = new ApiClient(base, http as unknown as ConstructorParameters<typeof ApiClient>[1]);
      clients.set(base, client);
    }
    return client;
  }

  const laneKey = (ref: ConversationReference) => `${ref.tenantId}|${ref.conversationId}`;

  /**
   * A place in the tenant's line: resolves true once the tenant's windows have room and every lane ahead has gone
   * (the tenant's slot is then taken for the caller), false if `notAfter` passed first. First come, first served:
   * conversations of one tenant take turns, so they drain together instead of the first-registered ones winning
   * every freed slot (which left a few conversations with a long tail at the end of a backlog).
   */
  function tenantTurn(tenantId: string, notAfter: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      let gate = gates.get(tenantId);
      if (!gate) {
        gate = { waiting: [], wakeAt: Infinity };
        gates.set(tenantId, gate);
      }
      gate.waiting.push({ resolve, ...(notAfter !== undefined ? { notAfter } : {}) });
      admit(tenantId, gate);
    });
  }

  /** Lets the lanes at the head of the tenant's line go while its windows have room; wakes itself when they will. */
  function admit(tenantId: string, gate: TenantGate): void {
    for (;;) {
      const at = now();
      // A lane whose deadline passed in the line gives its message back; it does not take a slot.
      for (let i = gate.waiting.length - 1; i >= 0; i -= 1) {
        const waiter = gate.waiting[i]!;
        if (waiter.notAfter !== undefined && at > waiter.notAfter) {
          gate.waiting.splice(i, 1);
          waiter.resolve(false);
        }
      }
      const head = gate.waiting[0];
      if (!head) {
        if (gate.wakeAt === Infinity) gates.delete(tenantId);
        return;
      }
      const wait = tenants.delay(tenantId, at);
      if (wait === 0) {
        gate.waiting.shift();
        tenants.begin(tenantId);
        head.resolve(true);
        continue;
      }
      // Infinity: the tenant's requests in flight fill a window; the next answer calls admit again.
      if (wait === Infinity) return;
      const wakeAt = at + Math.min(wait, head.notAfter !== undefined ? head.notAfter - at + 1 : wait);
      if (wakeAt < gate.wakeAt) {
        gate.wakeAt = wakeAt;
        void sleep(wakeAt - at).then(() => {
          if (gate.wakeAt === wakeAt) gate.wakeAt = Infinity;
          admit(tenantId, gate);
        });
      }
      return;
    }
  }

  async function drain(key: string, lane: Lane): Promise<void> {
    while (lane.jobs.length > 0) {
      const job = lane.jobs[0]!;
      const tenantKey = job.ref.tenantId;
      const at = now();
      if (job.notAfter !== undefined && at > job.notAfter) {
        lane.jobs.shift();
        queued -= 1;
        job.reject(new MessengerError('messenger_deadline', 'the send could not start before its deadline'));
        continue;
      }
      // The conversation's own windows first (only this lane sends to it, so the wait only shrinks), then the
      // tenant's line.
      const wait = Math.max(job.notBefore - at, conversations.delay(key, at));
      if (wait > 0) {
        await sleep(wait === Infinity ? 1_000 : wait);
        continue;
      }
      if (!(await tenantTurn(tenantKey, job.notAfter))) continue;
      conversations.begin(key);
      job.started = true;
      job.attempt += 1;
      let status = 0;
      let result: { id?: string } | undefined;
      let failure: unknown;
      try {
        result = await job.run(apiFor(job.ref.serviceUrl));
        status = 200;
      } catch (e) {
        failure = e;
        status = statusOf(e);
      } finally {
        const doneAt = now();
        conversations.end(key, doneAt);
        tenants.end(tenantKey, doneAt);
        const gate = gates.get(tenantKey);
        if (gate) admit(tenantKey, gate);
      }
      options.onAnswer?.({ status, conversationId: job.ref.conversationId, attempt: job.attempt });
      if (result) {
        lane.jobs.shift();
        queued -= 1;
        job.resolve({ id: result.id ?? '' });
        continue;
      }
      const retryable = status === 0 || RETRYABLE.has(status);
      if (retryable && job.attempt < maxAttempts) {
        const retryAfter = retryAfterMs(failure, now());
        // Full jitter: instances retrying after the same 429 do not come back in step.
        const delay =
          retryAfter ??
          Math.floor(random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** (job.attempt - 1)));
        job.notBefore = now() + delay;
        job.started = false;
        continue;
      }
      lane.jobs.shift();
      queued -= 1;
      job.reject(toMessengerError(status, failure, job.attempt));
    }
  }

  function enqueue(
    ref: ConversationReference,
    run: Job['run'],
    sendOptions: SendOptions = {},
    replaces?: string,
  ): Promise<{ id: string }> {
    return new Promise((resolve, reject) => {
      const key = laneKey(ref);
      let lane = lanes.get(key);
      if (!lane) {
        lane = { jobs: [], running: false };
        lanes.set(key, lane);
      }
      const waiting = replaces
        ? lane.jobs.find((j) => j.replaces === replaces && !j.started && j.notAfter === undefined)
        : undefined;
      if (waiting && sendOptions.startWithinMs === undefined) {
        // The newer state goes out in its place; both callers learn how it went.
        waiting.run = run;
        const [resolveEarlier, rejectEarlier] = [waiting.resolve, waiting.reject];
        waiting.resolve = (v) => {
          resolveEarlier(v);
          resolve(v);
        };
        waiting.reject = (e) => {
          rejectEarlier(e);
          reject(e);
        };
        return;
      }
      lane.jobs.push({
        ref,
        run,
        ...(sendOptions.startWithinMs !== undefined ? { notAfter: now() + sendOptions.startWithinMs } : {}),
        ...(replaces ? { replaces } : {}),
        started: false,
        attempt: 0,
        notBefore: 0,
        resolve,
        reject,
      });
      queued += 1;
      if (!lane.running) pump(key, lane);
    });
  }

  function pump(key: string, lane: Lane): void {
    lane.running = true;
    void drain(key, lane).finally(() => {
      lane.running = false;
      // A job may have been queued after the loop saw an empty lane.
      if (lane.jobs.length > 0) pump(key, lane);
      else lanes.delete(key);
    });
  }

  return {
    send(ref, message, sendOptions) {
      return enqueue(
        ref,
        (api) => api.conversations.createActivity(ref.conversationId, activityOf(ref, message)),
        sendOptions,
      );
    },
    async update(ref, activityId, message, sendOptions) {
      await enqueue(
        ref,
        async (api) => {
          await api.conversations.updateActivity(ref.conversationId, activityId, {
            ...activityOf(ref, message),
            id: activityId,
          });
          return { id: activityId };
        },
        sendOptions,
        activityId,
      );
    },
    pending: () => queued,
  };
}

function activityOf(ref: ConversationReference, message: OutboundMessage): ActivityParams {
  return {
    type: 'message',
    summary: message.summary,
    from: { id: ref.botId, name: ref.botName ?? 'Sesame', role: 'bot' },
    conversation: {
      id: ref.conversationId,
      tenantId: ref.tenantId,
      conversationType: ref.kind,
      isGroup: ref.kind !== 'personal',
    },
    channelData: { tenant: { id: ref.tenantId } },
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: message.card }],
  } as unknown as ActivityParams;
}

interface HttpFailure {
  readonly response?: { readonly status?: number; readonly headers?: Record<string, unknown> };
}

function statusOf(e: unknown): number {
  const status = (e as HttpFailure | undefined)?.response?.status;
  return typeof status === 'number' ? status : 0;
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(e: unknown, now: number): number | undefined {
  const headers = (e as HttpFailure | undefined)?.response?.headers;
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 300_000);
  const date = Date.parse(String(raw));
  return Number.isFinite(date) ? Math.max(0, Math.min(date - now, 300_000)) : undefined;
}

function toMessengerError(status: number, cause: unknown, attempts: number): MessengerError {
  if (status === 403 || status === 404)
    return new MessengerError(
      'conversation_gone',
      `the bot is no longer in this conversation (${status})`,
      status,
      cause,
    );
  if (status === 429 || status === 412)
    return new MessengerError(
      'messenger_throttled',
      `Teams still throttled after ${attempts} attempts`,
      status,
      cause,
    );
  if (status === 0 || status >= 500)
    return new MessengerError(
      'messenger_unavailable',
      `the Teams connector did not take the message after ${attempts} attempts (${status || 'network'})`,
      status || undefined,
      cause,
    );
  return new MessengerError('messenger_rejected', `Teams refused the message (${status})`, status, cause);
}
