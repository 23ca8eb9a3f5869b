/**
 * The sandbox's mutable state and knobs: the tenant data, the clock, replication lag, injected faults and the
 * request log. Shared by the Graph routes, the admin API and the directory the identity side reads.
 */
import type { ConsoleHooks } from './console/console-api.js';
import { generateLargeTenant, prng } from './data/generate-large-tenant.js';
import type { TenantState } from './data/model.js';
import { seedTenant } from './data/seed.js';
import { seedClientTenant } from './data/seed-client-tenant.js';

export interface FaultConfig {
  /** Added before each Graph answer (real time: it exists to be measured by benchmarks). */
  readonly latencyMs?: number;
  /** Share of Graph requests answered 429 with Retry-After. */
  readonly throttleRate?: number;
  readonly retryAfterSeconds?: number;
  /** Share of Graph requests answered 503. */
  readonly unavailableRate?: number;
  /** Only requests whose /v1.0-relative path starts with one of these are affected (latency included). */
  readonly onlyPaths?: readonly string[];
}

export interface LogEntry {
  readonly time: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly scopes: string | null;
  readonly user: string | null;
  readonly requestId: string;
}

export interface LargeTenantParams {
  readonly users: number;
  readonly guests: number;
}

const LOG_LIMIT = 10_000;

/** How long a new mailbox takes by default (10 simulated minutes; `PUT /_sandbox/mailbox-provisioning` changes it). */
export const MAILBOX_PROVISIONING_MS = 10 * 60_000;

/** How the sandbox's DNS server fails when told to (the response code of every answer). */
export type DnsOutage = 'SERVFAIL' | 'REFUSED';
export const DNS_OUTAGES: readonly DnsOutage[] = ['SERVFAIL', 'REFUSED'];

export class SandboxRuntime {
  /** The home tenant ("Cabinet Exemple", or the large generated one): what `npm start` signs in to by default. */
  state: TenantState;
  /** Every tenant the sandbox serves, home first: the firm and its client "Atelier Durand". */
  tenants: TenantState[];
  replicationLagMs = 0;
  /**
   * Delay between a licence assignment and its mailbox being provisioned (provisionedPlans exchange = Success), on
   * the sandbox clock: Exchange takes minutes in a real tenant, so procedure C's wait is seen waiting.
   */
  mailboxProvisioningMs = MAILBOX_PROVISIONING_MS;
  faults: FaultConfig = {};
  /**
   * The sandbox's DNS server answers every query with this error (/_sandbox/dns-outage): SERVFAIL, as a resolver
   * that cannot reach a domain's servers; REFUSED, as a server that will not serve this resolver. false: it answers.
   */
  dnsOutage: DnsOutage | false = false;
  /**
   * MX records set for a name (/_sandbox/dns-mx/{name}): the DNS server answers them instead of what it knows of the
   * name, as any mail host's DNS may (tests put hostile host names there).
   */
  readonly dnsMx = new Map<string, { readonly priority: number; readonly exchange: string }[]>();
  /** The queries the DNS server received (name, type, answer), for tests and the curious (/_sandbox/dns-log). */
  readonly dnsLog: { name: string; type: string; rcode: string }[] = [];
  readonly log: LogEntry[] = [];
  private random = prng(1);
  /**
   * How far the sandbox's time is ahead of its base clock: the console's "advance time" (a vendor's window of
   * 2 business days, a propagation delay) moves it, and Sesame reads the same time in the local stack.
   */
  timeOffsetMs = 0;
  /** What the local stack plugs into the console (Sesame's next due timer, its business-day calendar). */
  consoleHooks: ConsoleHooks = {};
  readonly now: () => number;

  constructor(baseNow: () => number, large?: LargeTenantParams) {
    this.now = () => baseNow() + this.timeOffsetMs;
    this.state = this.build(large);
    this.tenants = [this.state, seedClientTenant(this.now())];
  }

  private build(large?: LargeTenantParams): TenantState {
    return large ? generateLargeTenant(this.now(), large) : seedTenant(this.now());
  }

  reset(large?: LargeTenantParams): void {
    this.state = this.build(large);
    this.tenants = [this.state, seedClientTenant(this.now())];
    this.replicationLagMs = 0;
    this.mailboxProvisioningMs = MAILBOX_PROVISIONING_MS;
    this.faults = {};
    this.dnsOutage = false;
    this.dnsMx.clear();
    this.dnsLog.length = 0;
    this.random = prng(1);
    this.log.length = 0;
  }

  tenant(tenantId: string): TenantState | undefined {
    const id = tenantId.toLowerCase();
    return this.tenants.find((t) => t.tenantId.toLowerCase() === id);
  }

  /** The tenant a user (object id or UPN) belongs to. */
  tenantOfUser(idOrUpn: string): TenantState | undefined {
    return this.tenants.find((t) => t.findUser(idOrUpn) !== undefined);
  }

  /**
   * This runtime as seen from one tenant: `state` is that tenant's data; faults, lag, clock and log are shared.
   * Graph routes run on such a view, so each handler reads and writes its caller's tenant only.
   */
  forTenant(tenant: TenantState): SandboxRuntime {
    if (tenant === this.state) return this;
    return Object.create(this, {
      state: { value: tenant, writable: false, enumerable: true },
    }) as SandboxRuntime;
  }

  /** Deterministic draws, so a fault rate of 0.5 gives the same sequence on every run. */
  draw(): number {
    return this.random();
  }

  /** Marks a just-created object invisible to reads until the replication lag has passed. */
  created(id: string): void {
    if (this.replicationLagMs > 0) this.state.visibleFrom.set(id, this.now() + this.replicationLagMs);
  }

  visible(id: string): boolean {
    return this.state.isVisible(id, this.now());
  }

  record(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }
}
