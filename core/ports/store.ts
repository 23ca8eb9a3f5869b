/**
 * The storage port. Every record belongs to one tenant and carries an eTag; a write that names a stale
 * eTag fails with StoreConflictError (core/errors.ts) instead of overwriting. Backends: SQLite
 * (adapters/store/sqlite-store.ts, the embedded default) and PostgreSQL (when DATABASE_URL is set);
 * both pass the same contract tests (tests/store/store-contract.ts).
 */

/** What a document collection holds. Runs, conversation references, checklist snapshots… */
export type RecordKind = 'run' | 'conversation' | 'snapshot' | 'exception' | 'signin' | 'setting';

export interface StoredRecord<T> {
  readonly kind: RecordKind;
  readonly tenantId: string;
  readonly id: string;
  /** Optional grouping key to list by (for runs: the conversation id). */
  readonly partition?: string;
  readonly value: T;
  /** Opaque version token: pass it back to replace() or delete(). */
  readonly etag: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ListOptions {
  readonly partition?: string;
  readonly limit?: number;
}

export interface AuditEventInput {
  readonly tenantId: string;
  /** ISO time of the event (from the injected clock); given back normalised as Date#toISOString() writes it. */
  readonly at: string;
  /** Who acted: the Entra object id and display name of the admin, or 'sesame' for the system. */
  readonly actorId: string;
  readonly actorName?: string;
  readonly runId?: string;
  /** What happened, e.g. 'graph.write', 'run.started', 'step.confirmed', 'run.cancelled'. */
  readonly action: string;
  /** Outcome: 'ok', 'failed', 'refused', 'skipped'. */
  readonly result: string;
  /** Non-secret details: Graph request-id, object ids, HTTP status… never tokens or passwords. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEvent extends AuditEventInput {
  /** Monotonic sequence number, assigned by the store. */
  readonly seq: number;
}

export interface AuditQuery {
  readonly runId?: string;
  /** Return events with seq < before (for paging backwards). */
  readonly before?: number;
  readonly limit?: number;
}

export type ReminderStatus = 'scheduled' | 'sent' | 'cancelled' | 'failed';

export interface ReminderInput {
  readonly id: string;
  readonly tenantId: string;
  readonly runId?: string;
  /** Absolute due time, epoch ms. */
  readonly dueAt: number;
  /** What to send and where: plain JSON (conversation id, message key, parameters). */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface Reminder extends ReminderInput {
  readonly status: ReminderStatus;
  readonly attempts: number;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
}

export interface ClaimOptions {
  /** Epoch ms to claim at; defaults to the store's injected clock. */
  readonly now?: number;
  /** Identifies this instance; a claimed reminder is invisible to other owners until the lease ends. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly limit: number;
  /**
   * Dispatch by tenant: claim only reminders of tenants whose dispatch lease this owner holds or takes now (free or
   * expired), holding it `tenantLeaseMs` more. One instance at a time then sends for a tenant, so Teams' per-tenant
   * and per-conversation limits can be kept by that instance alone; another takes over once the lease lapses.
   */
  readonly tenantLeaseMs?: number;
  /** With tenantLeaseMs: at most this many tenants per claim (default 20). */
  readonly maxTenants?: number;
}

export interface ReleaseOptions {
  /** false: giving it back is not a failed attempt (it could not be sent in time); default true. */
  readonly countAttempt?: boolean;
}

export interface Store {
  get<T>(kind: RecordKind, tenantId: string, id: string): Promise<StoredRecord<T> | undefined>;
  /** Fails with StoreConflictError if the record already exists. */
  create<T>(
    kind: RecordKind,
    tenantId: string,
    id: string,
    value: T,
    partition?: string,
  ): Promise<StoredRecord<T>>;
  /** Fails with StoreConflictError if the record is missing or its eTag is not `etag`. */
  replace<T>(
    kind: RecordKind,
    tenantId: string,
    id: string,
    value: T,
    etag: string,
  ): Promise<StoredRecord<T>>;
  /** Fails with StoreConflictError if `etag` is given and does not match. Missing record: no-op. */
  delete(kind: RecordKind, tenantId: string, id: string, etag?: string): Promise<void>;
  /** Most recently written first; `limit` defaults to 100 (at most 1000). */
  list<T>(kind: RecordKind, tenantId: string, options?: ListOptions): Promise<StoredRecord<T>[]>;

  /** Append-only. */
  appendAudit(event: AuditEventInput): Promise<AuditEvent>;
  /** Newest (highest seq) first; `limit` defaults to 100 (at most 1000). */
  listAudit(tenantId: string, query?: AuditQuery): Promise<AuditEvent[]>;

  /**
   * Arms reminder `id` at `dueAt` with `payload`. Idempotent by id: scheduling it again with the same due time and
   * payload changes nothing; with a new due time or payload, or after it was sent, cancelled or failed, it is armed
   * again (attempts back to 0 if it had ended). If an instance is delivering an earlier occurrence at that moment,
   * completing that delivery does not swallow the new one. Reminder ids are global: an id already used by another
   * tenant fails with StoreConflictError.
   */
  scheduleReminder(reminder: ReminderInput): Promise<void>;
  /** Atomically leases up to `limit` due reminders (scheduled, dueAt <= now, lease free or expired). */
  claimDueReminders(options: ClaimOptions): Promise<Reminder[]>;
  /**
   * Marks a claimed reminder sent; false if this owner no longer holds the lease (another owner claimed it after
   * the lease ended, or it was cancelled). A lease that ran out but was not taken over still counts as held.
   */
  completeReminder(id: string, owner: string): Promise<boolean>;
  /** Gives a claimed reminder back, due again at `retryAt` (attempts is incremented unless told otherwise). */
  releaseReminder(id: string, owner: string, retryAt: number, options?: ReleaseOptions): Promise<boolean>;
  /** Gives up this owner's tenant dispatch leases (a clean stop), so another instance takes over at once. */
  releaseDispatchLeases(owner: string): Promise<void>;
  /** Gives up on a claimed reminder: status 'failed', attempts incremented; false if the lease is not held. */
  failReminder(id: string, owner: string): Promise<boolean>;
  /** Cancels a still-scheduled reminder of this tenant; anything else is a no-op. */
  cancelReminder(tenantId: string, id: string): Promise<void>;
  /** Soonest due first. */
  listReminders(tenantId: string, runId?: string): Promise<Reminder[]>;

  close(): Promise<void>;
}
