/**
 * Teams' rate limits on bot messages, enforced by the sandbox's connector when switched on
 * (`PUT /_sandbox/botframework/limits {"enabled": true}`): per bot per conversation 7 in 1 s, 8 in 2 s, 60 in 30 s,
 * 1,800 in an hour; per bot per tenant 50 a second. A request beyond any of them is answered 429 with
 * Retry-After, as Teams does, and counted; a request that gets through is counted in every window.
 * Faults on demand (`POST /_sandbox/botframework/faults`) answer the next requests with a chosen status.
 */

export interface ConnectorWindow {
  readonly limit: number;
  readonly ms: number;
}

export const CONVERSATION_WINDOWS: readonly ConnectorWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];
export const TENANT_WINDOWS: readonly ConnectorWindow[] = [{ limit: 50, ms: 1_000 }];

export interface ConnectorLimitStats {
  readonly enabled: boolean;
  /** Requests let through while enabled. */
  readonly accepted: number;
  /** Requests answered 429 because a window was full. */
  readonly throttled: number;
  readonly throttledByWindow: Readonly<Record<string, number>>;
  /** Requests answered with an injected fault. */
  readonly faulted: number;
}

export interface ConnectorFault {
  readonly status: number;
  readonly count: number;
  readonly retryAfterSeconds?: number;
}

export class ConnectorLimits {
  enabled = false;
  private readonly arrivals = new Map<string, number[]>();
  private accepted = 0;
  private throttled = 0;
  private faulted = 0;
  private readonly byWindow: Record<string, number> = {};
  private faults: { status: number; left: number; retryAfterSeconds?: number }[] = [];

  /** Real time on purpose: Teams' limits are in wall-clock time even when the tenant's clock is simulated. */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Whether a request may go through now: undefined, or the status and Retry-After (seconds) to answer with.
   * Faults come first, then the limits.
   */
  check(
    appId: string,
    conversationId: string,
    tenantId: string | undefined,
  ): { status: number; retryAfterSeconds?: number; reason: string } | undefined {
    const fault = this.faults[0];
    if (fault) {
      fault.left -= 1;
      if (fault.left <= 0) this.faults.shift();
      this.faulted += 1;
      return {
        status: fault.status,
        ...(fault.retryAfterSeconds !== undefined ? { retryAfterSeconds: fault.retryAfterSeconds } : {}),
        reason: 'fault',
      };
    }
    if (!this.enabled) return undefined;
    const at = this.now();
    const keys: [string, readonly ConnectorWindow[], string][] = [
      [`c|${appId}|${conversationId}`, CONVERSATION_WINDOWS, 'conversation'],
      [`t|${appId}|${tenantId ?? 'unknown'}`, TENANT_WINDOWS, 'tenant'],
    ];
    for (const [key, windows, scope] of keys) {
      const list = this.list(key, at);
      for (const w of windows) {
        const inWindow = list.length - lowerBound(list, at - w.ms + 1);
        if (inWindow >= w.limit) {
          this.throttled += 1;
          const name = `${scope} ${w.limit}/${w.ms}ms`;
          this.byWindow[name] = (this.byWindow[name] ?? 0) + 1;
          const oldest = list[list.length - w.limit]!;
          return {
            status: 429,
            retryAfterSeconds: Math.max(1, Math.ceil((oldest + w.ms - at) / 1000)),
            reason: name,
          };
        }
      }
    }
    for (const [key] of keys) this.list(key, at).push(at);
    this.accepted += 1;
    return undefined;
  }

  private list(key: string, at: number): number[] {
    let list = this.arrivals.get(key);
    if (!list) {
      list = [];
      this.arrivals.set(key, list);
    }
    const drop = lowerBound(list, at - 3_600_000 + 1);
    if (drop > 0) list.splice(0, drop);
    return list;
  }

  addFault(fault: ConnectorFault): void {
    if (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599)
      throw new RangeError('status must be an HTTP error status');
    if (!Number.isInteger(fault.count) || fault.count < 1) throw new RangeError('count must be ≥ 1');
    this.faults.push({
      status: fault.status,
      left: fault.count,
      ...(fault.retryAfterSeconds !== undefined ? { retryAfterSeconds: fault.retryAfterSeconds } : {}),
    });
  }

  stats(): ConnectorLimitStats {
    return {
      enabled: this.enabled,
      accepted: this.accepted,
      throttled: this.throttled,
      throttledByWindow: { ...this.byWindow },
      faulted: this.faulted,
    };
  }

  reset(): void {
    this.arrivals.clear();
    this.accepted = 0;
    this.throttled = 0;
    this.faulted = 0;
    this.faults = [];
    for (const k of Object.keys(this.byWindow)) delete this.byWindow[k];
  }
}

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
