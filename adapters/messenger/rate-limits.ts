/**
 * Teams' limits on a bot's messages, as sliding windows. A request occupies its windows from the moment it is
 * started until `window` after its answer came back: the connector saw it somewhere in between, so counting from
 * the answer can never put more in one of the connector's windows than the limit, whatever the latency.
 */

export interface RateWindow {
  readonly limit: number;
  readonly ms: number;
}

/** Per bot per conversation (Teams: 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in an hour). */
export const TEAMS_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/** Per app per tenant, all conversations together (Teams: 50 requests per second). */
export const TEAMS_TENANT_LIMITS: readonly RateWindow[] = [{ limit: 50, ms: 1_000 }];

interface KeyState {
  /** Answer times of finished requests, oldest first, kept for the longest window. */
  readonly done: number[];
  inFlight: number;
}

export class SlidingWindowLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly longest: number;

  constructor(private readonly windows: readonly RateWindow[]) {
    if (windows.length === 0) throw new RangeError('a limiter needs at least one window');
    this.longest = Math.max(...windows.map((w) => w.ms));
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { done: [], inFlight: 0 };
      this.keys.set(key, s);
    }
    return s;
  }

  /** How long to wait from `now` before a request for `key` may start; Infinity: until one in flight answers. */
  delay(key: string, now: number): number {
    const s = this.keys.get(key);
    if (!s) return 0;
    this.prune(s, now);
    let wait = 0;
    for (const w of this.windows) {
      if (s.inFlight >= w.limit) return Infinity;
      // Finished requests still inside this window: the newest `limit - inFlight` may stay, older must age out.
      const from = lowerBound(s.done, now - w.ms + 1);
      const inWindow = s.done.length - from;
      const excess = inWindow + s.inFlight - w.limit + 1;
      if (excess > 0) wait = Math.max(wait, s.done[from + excess - 1]! + w.ms - now);
    }
    return wait;
  }

  /** A request for `key` starts now. */
  begin(key: string): void {
    this.state(key).inFlight += 1;
  }

  /** The request answered (whatever the answer) at `at`. */
  end(key: string, at: number): void {
    const s = this.state(key);
    s.inFlight = Math.max(0, s.inFlight - 1);
    // Answers arrive nearly in order; insert keeping the array sorted.
    let i = s.done.length;
    while (i > 0 && s.done[i - 1]! > at) i -= 1;
    s.done.splice(i, 0, at);
    this.prune(s, at);
  }

  private prune(s: KeyState, now: number): void {
    const keepFrom = lowerBound(s.done, now - this.longest + 1);
    if (keepFrom > 0) s.done.splice(0, keepFrom);
  }

  /** Forgets keys with nothing in flight and nothing in any window (long-running processes). */
  sweep(now: number): void {
    for (const [key, s] of this.keys) {
      this.prune(s, now);
      if (s.inFlight === 0 && s.done.length === 0) this.keys.delete(key);
    }
  }
}

/** First index whose value is ≥ `value` in an ascending array. */
function lowerBound(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The shortest time the limits allow for `counts[i]` messages to conversation i, all in one tenant, sent as fast
 * as the windows allow with answers taking no time: the reference the benchmark compares real throughput with.
 */
export function limitImposedMakespan(
  tenants: readonly (readonly number[])[],
  conversationLimits: readonly RateWindow[] = TEAMS_CONVERSATION_LIMITS,
  tenantLimits: readonly RateWindow[] = TEAMS_TENANT_LIMITS,
): number {
  let makespan = 0;
  for (const counts of tenants) {
    const tenant = new SlidingWindowLimiter(tenantLimits);
    const conv = new SlidingWindowLimiter(conversationLimits);
    const left = [...counts];
    let now = 0;
    let remaining = left.reduce((a, b) => a + b, 0);
    while (remaining > 0) {
      let sent = false;
      let next = Infinity;
      for (let i = 0; i < left.length; i += 1) {
        if (left[i]! === 0) continue;
        const wait = Math.max(conv.delay(String(i), now), tenant.delay('t', now));
        if (wait === 0) {
          conv.begin(String(i));
          conv.end(String(i), now);
          tenant.begin('t');
          tenant.end('t', now);
          left[i] = left[i]! - 1;
          remaining -= 1;
          sent = true;
        } else next = Math.min(next, now + wait);
      }
      if (!sent) now = next;
    }
    makespan = Math.max(makespan, now);
  }
  return makespan;
}
