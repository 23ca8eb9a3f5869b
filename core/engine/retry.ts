/**
 * When the engine tries a Graph stage again, as a durable timer (a run never holds a conversation turn to wait):
 * - a step's own policy, for answers that mean "not yet" (replication lag: 404 on a just-created guest);
 * - for every step, Graph asking to slow down or briefly unavailable (429, 503…): the adapter has already
 *   retried within its own short budget; the engine comes back later, honouring Retry-After, within a budget of
 *   attempts and elapsed time. A step fails only when that budget is spent.
 */
import type { SesameErrorCode } from '../errors.js';
import type { RetryPolicy } from '../procedures/types.js';
import type { GraphErrorData } from './call-result.js';

/** Answers that say nothing about the request itself: Graph did not (or could not) take it now. */
export const TRANSIENT_CODES: readonly SesameErrorCode[] = [
  'graph_throttled',
  'graph_unavailable',
  'graph_network',
];

/** Graph's throttling windows are 10 s to 5 min: come back after 30 s, then 1, 2, 4, 5 min, for 30 min at most. */
export const TRANSIENT_RETRY: RetryPolicy = {
  on: TRANSIENT_CODES,
  initialDelayMs: 30_000,
  factor: 2,
  maxDelayMs: 300_000,
  maxElapsedMs: 1_800_000,
  maxAttempts: 10,
};

export function isTransient(error: GraphErrorData): boolean {
  return TRANSIENT_CODES.includes(error.code);
}

/** Delay before attempt `failedAttempt + 1`. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.initialDelayMs * policy.factor ** Math.max(0, failedAttempt - 1), policy.maxDelayMs);
}

/**
 * The delay to wait before retrying, or undefined when the error is not retryable or the budget is spent. The
 * step's own policy applies to the codes it names; transient answers fall back on TRANSIENT_RETRY. Graph's
 * Retry-After is a floor: Sesame never comes back sooner than asked.
 */
export function nextRetry(
  policy: RetryPolicy | undefined,
  error: GraphErrorData,
  failedAttempt: number,
  firstAttemptAtMs: number,
  now: number,
): number | undefined {
  const applies = policy?.on.includes(error.code)
    ? policy
    : TRANSIENT_RETRY.on.includes(error.code)
      ? TRANSIENT_RETRY
      : undefined;
  if (!applies) return undefined;
  if (applies.maxAttempts !== undefined && failedAttempt >= applies.maxAttempts) return undefined;
  const delay = Math.max(retryDelayMs(applies, failedAttempt), (error.retryAfterSeconds ?? 0) * 1000);
  return now + delay - firstAttemptAtMs > applies.maxElapsedMs ? undefined : delay;
}
