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
