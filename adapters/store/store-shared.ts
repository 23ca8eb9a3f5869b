/** Pieces both Store backends share, so they cannot drift apart on limits, eTags or validation. */
import { randomUUID } from 'node:crypto';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, MAX_LIST_LIMIT);
}

/** Random rather than a counter: a stale eTag from before a delete can never match a re-created record. */
export function newEtag(): string {
  return randomUUID();
}

/** Audit times are stored normalised so both backends give back the same string. */
export function normaliseIso(at: string): string {
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) throw new RangeError(`audit event time is not an ISO date: ${at}`);
  return new Date(ms).toISOString();
}

export function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  return json;
}

export function checkEpochMs(value: number, what: string): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${what} must be an integer epoch-ms time, got ${value}`);
  return value;
}

/** Normalises claim options the same way in both backends; a zero limit means nothing to do. */
export function claimWindow(
  options: { now?: number; leaseMs: number; limit: number },
  clock: () => number,
): { at: number; until: number; limit: number } {
  const at = checkEpochMs(options.now ?? clock(), 'now');
  if (!Number.isSafeInteger(options.leaseMs) || options.leaseMs <= 0) {
    throw new RangeError(`leaseMs must be a positive integer, got ${options.leaseMs}`);
  }
  if (!Number.isInteger(options.limit) || options.limit < 0) {
    throw new RangeError(`limit must be a non-negative integer, got ${options.limit}`);
  }
  return { at, until: at + options.leaseMs, limit: options.limit };
}

export function checkLeaseMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new RangeError(`tenantLeaseMs must be a positive integer, got ${ms}`);
  return ms;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Checks a migration list is strictly increasing, so a bad merge fails at open rather than half-applying. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * How many more tenants an instance may take in this claim: its fair share of the tenants with something due
 * (ceil(due ÷ live instances), at least one) less those it already holds. Tenants it holds are kept until their
 * backlog is sent (handing a tenant over while its sends are in flight would put two senders on Teams' per-tenant
 * limit), so an instance that starts while another holds every tenant gets its share as those backlogs end.
 */
export function fairShareOfNewTenants(counts: {
  readonly dueTenants: number;
  readonly liveInstances: number;
  readonly held: number;
}): number {
  const share = Math.max(1, Math.ceil(counts.dueTenants / Math.max(1, counts.liveInstances)));
  return Math.max(0, share - counts.held);
}

/**
 * How a claim's `limit` is shared between the tenants it holds, given how many of each tenant's reminders this
 * instance already has in flight: water-filling, so the tenants with the least in flight are topped up first and
 * every tenant keeps enough queued to use its own rate limit (an equal split kept feeding tenants whose queues
 * were already long while others ran dry).
 */
export function topUpShares(inFlight: readonly number[], limit: number): number[] {
  const order = inFlight.map((_, i) => i).sort((a, b) => inFlight[a]! - inFlight[b]!);
  // The water level: the most tenants k whose in-flight is below (limit + their in-flight) / k.
  let k = 0;
  let sum = 0;
  for (let j = 0; j < order.length; j += 1) {
    const f = inFlight[order[j]!]!;
    if (j > 0 && f * (j + 1) - (sum + f) >= limit) break;
    sum += f;
    k = j + 1;
  }
  const shares = inFlight.map(() => 0);
  if (k === 0) return shares;
  const level = Math.floor((limit + sum) / k);
  let left = limit;
  for (let j = 0; j < k; j += 1) {
    const i = order[j]!;
    shares[i] = Math.max(0, Math.min(left, level - inFlight[i]!));
    left -= shares[i]!;
  }
  for (let j = 0; j < k && left > 0; j += 1, left -= 1) shares[order[j]!]! += 1;
  return shares;
}
