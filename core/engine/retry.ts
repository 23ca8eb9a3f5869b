/** Backoff for replication lag (a just-created guest answers 404 for seconds to minutes). */
import type { RetryPolicy } from '../procedures/types.js';
import type { GraphErrorData } from './call-result.js';

/** Delay before attempt `failedAttempt + 1`. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.initialDelayMs * policy.factor ** Math.max(0, failedAttempt - 1), policy.maxDelayMs);
}

/** The delay to wait before retrying, or undefined when the error is not retryable or the budget is spent. */
export function nextRetry(
  policy: RetryPolicy | undefined,
  error: GraphErrorData,
  failedAttempt: number,
  firstAttemptAtMs: number,
  now: number,
): number | undefined {
  if (!policy || !policy.on.includes(error.code)) return undefined;
  const delay = retryDelayMs(policy, failedAttempt);
  return now + delay - firstAttemptAtMs > policy.maxElapsedMs ? undefined : delay;
}
