/**
 * The embedded Store: one SQLite file through better-sqlite3. Every write is one statement or one IMMEDIATE
 * transaction, so several processes on the same file (WAL, busy timeout) never lose an update or claim the same
 * reminder twice.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreConflictError } from '../../core/errors.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditQuery,
  ClaimOptions,
  ListOptions,
  RecordKind,
  Reminder,
  ReleaseOptions,
  ReminderInput,
  ReminderStatus,
  Store,
  StoredRecord,
} from '../../core/ports/store.js';
import { sqliteMigrations } from './migrations/sqlite-migrations.js';
import {
  checkEpochMs,
  checkLeaseMs,
  checkMigrations,
  claimWindow,
  fairShareOfNewTenants,
  topUpShares,
  clampLimit,
  newEtag,
  normaliseIso,
  toJson,
  type Migration,
} from './store-shared.js';

export interface SqliteStoreOptions {
  /** Path of the database file (its folder is created), or ':memory:' for a private in-memory database. */
  readonly file: string;
  /** Epoch-ms clock for record timestamps and default claim time. */
  readonly now?: () => number;
  /** How long a write waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
}

interface RecordRow {
  kind: string;
  tenant_id: string;
  id: string;
  partition: string | null;
  value: string;
  etag: string;
  created_at: number;
  updated_at: number;
}

interface AuditRow {
  seq: number;
  tenant_id: string;
  at: string;
  actor_id: string;
  actor_name: string | null;
  run_id: string | null;
  action: string;
  result: string;
  details: string | null;
}

interface ReminderRow {
  id: string;
  tenant_id: string;
  run_id: string | null;
  due_at: number;
  payload: string;
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const now = options.now ?? (() => Date.now());
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (options.file !== ':memory:') db.pragma('journal_mode = WAL');
    // NORMAL is durable in WAL mode except across a power loss, where the last commits may roll back.
    db.pragma('synchronous = NORMAL');
    migrateSqlite(db, sqliteMigrations, now);
  } catch (e) {
    db.close();
    throw e;
  }
  return new SqliteStore(db, now);
}

/** Applies the missing migrations in one IMMEDIATE transaction, so two processes opening at once apply them once. */
export function migrateSqlite(
  db: Database.Database,
  migrations: readonly Migration[],
  now: () => number,
): void {
  checkMigrations(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  db.transaction(() => {
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > migrations.length) {
      throw new Error(
        `this database is at schema version ${newest}, newer than this Sesame knows (${migrations.length})`,
      );
    }
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      insert.run(m.version, m.name, now());
    }
  }).immediate();
}

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare('SELECT * FROM records WHERE kind = ? AND tenant_id = ? AND id = ?'),
    create: db.prepare(
      `INSERT INTO records (kind, tenant_id, id, partition, value, etag, write_seq, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(write_seq), 0) + 1 FROM records), ?, ?)
         ON CONFLICT DO NOTHING RETURNING *`,
    ),
    replace: db.prepare(
      `UPDATE records SET value = ?, etag = ?, updated_at = ?,
           write_seq = (SELECT COALESCE(MAX(write_seq), 0) + 1 FROM records)
         WHERE kind = ? AND tenant_id = ? AND id = ? AND etag = ? RETURNING *`,
    ),
    deleteAny: db.prepare('DELETE FROM records WHERE kind = ? AND tenant_id = ? AND id = ?'),
    deleteIf: db.prepare('DELETE FROM records WHERE kind = ? AND tenant_id = ? AND id = ? AND etag = ?'),
    exists: db.prepare('SELECT 1 FROM records WHERE kind = ? AND tenant_id = ? AND id = ?'),
    list: db.prepare(
      `SELECT * FROM records WHERE kind = ? AND tenant_id = ?
         ORDER BY updated_at DESC, write_seq DESC LIMIT ?`,
    ),
    listPartition: db.prepare(
      `SELECT * FROM records WHERE kind = ? AND tenant_id = ? AND partition = ?
         ORDER BY updated_at DESC, write_seq DESC LIMIT ?`,
    ),
    appendAudit: db.prepare(
      `INSERT INTO audit_events (tenant_id, at, actor_id, actor_name, run_id, action, result, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    listAudit: db.prepare(
      `SELECT * FROM audit_events WHERE tenant_id = @tenant
           AND (@run IS NULL OR run_id = @run) AND (@before IS NULL OR seq < @before)
         ORDER BY seq DESC LIMIT @limit`,
    ),
    schedule: db.prepare(
      `INSERT INTO reminders (id, tenant_id, run_id, due_at, payload, status, attempts)
         VALUES (@id, @tenant, @run, @due, @payload, 'scheduled', 0)
         ON CONFLICT (id) DO UPDATE SET
           generation = CASE WHEN status <> 'scheduled' OR due_at <> excluded.due_at OR payload <> excluded.payload
             OR run_id IS NOT excluded.run_id THEN generation + 1 ELSE generation END,
           attempts = CASE WHEN status <> 'scheduled' THEN 0 ELSE attempts END,
           status = 'scheduled', due_at = excluded.due_at, payload = excluded.payload, run_id = excluded.run_id
         WHERE reminders.tenant_id = excluded.tenant_id`,
    ),
    claimable: db.prepare(
      `SELECT id FROM reminders WHERE status = 'scheduled' AND due_at <= @now
           AND (lease_until IS NULL OR lease_until <= @now)
         ORDER BY due_at, id LIMIT @limit`,
    ),
    lease: db.prepare(
      `UPDATE reminders SET lease_owner = @owner, lease_until = @until, lease_generation = generation
         WHERE id = @id AND status = 'scheduled' AND (lease_until IS NULL OR lease_until <= @now) RETURNING *`,
    ),
    complete: db.prepare(
      `UPDATE reminders SET status = CASE WHEN generation = lease_generation THEN 'sent' ELSE status END,
         lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE id = ? AND lease_owner = ? AND status = 'scheduled'`,
    ),
    release: db.prepare(
      `UPDATE reminders SET due_at = CASE WHEN generation = lease_generation THEN ? ELSE due_at END,
         attempts = CASE WHEN generation = lease_generation THEN attempts + ? ELSE attempts END,
         lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE id = ? AND lease_owner = ? AND status = 'scheduled'`,
    ),
    fail: db.prepare(
      `UPDATE reminders SET status = CASE WHEN generation = lease_generation THEN 'failed' ELSE status END,
         attempts = CASE WHEN generation = lease_generation THEN attempts + 1 ELSE attempts END,
         lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE id = ? AND lease_owner = ? AND status = 'scheduled'`,
    ),
    cancel: db.prepare(
      `UPDATE reminders SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, lease_generation = NULL
         WHERE tenant_id = ? AND id = ? AND status = 'scheduled'`,
    ),
    renewTenantLeases: db.prepare(
      `UPDATE dispatch_leases SET lease_until = @until WHERE owner = @owner AND lease_until > @now
         AND EXISTS (SELECT 1 FROM reminders r
           WHERE r.tenant_id = dispatch_leases.tenant_id AND r.status = 'scheduled' AND r.due_at <= @now)`,
    ),
    // Tenants with something due and free: a skip scan of reminders_due_by_tenant (one seek per tenant with
    // scheduled reminders) rather than DISTINCT over every due row, which made each claim read the whole backlog.
    dueTenants: db.prepare(
      `WITH RECURSIVE t(tenant_id) AS (
           SELECT MIN(tenant_id) FROM reminders WHERE status = 'scheduled'
           UNION ALL
           SELECT (SELECT MIN(r.tenant_id) FROM reminders r WHERE r.status = 'scheduled' AND r.tenant_id > t.tenant_id)
             FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM reminders r WHERE r.status = 'scheduled' AND r.tenant_id = t.tenant_id
           AND r.due_at <= @now AND (r.lease_until IS NULL OR r.lease_until <= @now))
         AND NOT EXISTS (SELECT 1 FROM dispatch_leases l
           WHERE l.tenant_id = t.tenant_id AND l.owner <> @owner AND l.lease_until > @now)
       LIMIT @tenants`,
    ),
    takeTenantLease: db.prepare(
      `INSERT INTO dispatch_leases (tenant_id, owner, lease_until) VALUES (@tenant, @owner, @until)
         ON CONFLICT (tenant_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
         WHERE dispatch_leases.owner = excluded.owner OR dispatch_leases.lease_until <= @now
       RETURNING tenant_id`,
    ),
    // Round robin over the tenant's runs (a run lives in one conversation): each run's oldest due reminder, then
    // each run's next one… A backlog of one conversation then cannot fill a claim while others wait, and every
    // conversation's rate-limit window is used at once. Turns count the run's reminders still in flight (leased):
    // a run with three on their way offers its next at turn four, after the runs with none, so small refill claims
    // do not keep serving the same few conversations while the others idle.
    claimableForTenant: db.prepare(
      `SELECT id FROM (
           SELECT id, due_at, lease_until,
               ROW_NUMBER() OVER (PARTITION BY COALESCE(run_id, id) ORDER BY due_at, id) AS turn
             FROM reminders WHERE tenant_id = @tenant AND status = 'scheduled' AND due_at <= @now)
         WHERE lease_until IS NULL OR lease_until <= @now
         ORDER BY turn, due_at, id LIMIT @limit`,
    ),
    releaseTenantLeases: db.prepare('DELETE FROM dispatch_leases WHERE owner = ?'),
    seenInstance: db.prepare(
      `INSERT INTO dispatch_instances (owner, seen_until) VALUES (@owner, @until)
         ON CONFLICT (owner) DO UPDATE SET seen_until = excluded.seen_until`,
    ),
    forgetInstances: db.prepare('DELETE FROM dispatch_instances WHERE seen_until <= @now'),
    forgetInstance: db.prepare('DELETE FROM dispatch_instances WHERE owner = ?'),
    inFlightByTenant: db.prepare(
      `SELECT tenant_id, COUNT(*) AS n FROM reminders
         WHERE lease_owner = @owner AND status = 'scheduled' AND lease_until > @now GROUP BY tenant_id`,
    ),
    liveInstances: db.prepare('SELECT COUNT(*) AS n FROM dispatch_instances WHERE seen_until > @now'),
    heldTenants: db.prepare(
      'SELECT tenant_id FROM dispatch_leases WHERE owner = @owner AND lease_until > @now',
    ),
    // Tenants with something due, held by anyone or free (the same skip scan as dueTenants).
    dueTenantCount: db.prepare(
      `WITH RECURSIVE t(tenant_id) AS (
           SELECT MIN(tenant_id) FROM reminders WHERE status = 'scheduled'
           UNION ALL
           SELECT (SELECT MIN(r.tenant_id) FROM reminders r WHERE r.status = 'scheduled' AND r.tenant_id > t.tenant_id)
             FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT COUNT(*) AS n FROM t WHERE tenant_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM reminders r WHERE r.status = 'scheduled' AND r.tenant_id = t.tenant_id
           AND r.due_at <= @now)`,
    ),
    listReminders: db.prepare(
      `SELECT * FROM reminders WHERE tenant_id = @tenant AND (@run IS NULL OR run_id = @run)
         ORDER BY due_at, id`,
    ),
  };
}

class SqliteStore implements Store {
  private closed = false;
  private readonly stmts: ReturnType<typeof prepareStatements>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.stmts = prepareStatements(db);
  }

  async get<T>(kind: RecordKind, tenantId: string, id: string): Promise<StoredRecord<T> | undefined> {
    const row = this.stmts.get.get(kind, tenantId, id) as RecordRow | undefined;
    return row && toRecord<T>(row);
  }

  async create<T>(
    kind: RecordKind,
    tenantId: string,
    id: string,
    value: T,
    partition?: string,
  ): Promise<StoredRecord<T>> {
    const at = this.now();
    const row = this.stmts.create.get(
      kind,
      tenantId,
      id,
      partition ?? null,
      toJson(value, 'value'),
      newEtag(),
      at,
      at,
    ) as RecordRow | undefined;
    if (!row) throw new StoreConflictError(kind, id);
    return toRecord<T>(row);
  }

  async replace<T>(
    kind: RecordKind,
    tenantId: string,
    id: string,
    value: T,
    etag: string,
  ): Promise<StoredRecord<T>> {
    const row = this.stmts.replace.get(
      toJson(value, 'value'),
      newEtag(),
      this.now(),
      kind,
      tenantId,
      id,
      etag,
    ) as RecordRow | undefined;
    if (!row) throw new StoreConflictError(kind, id);
    return toRecord<T>(row);
  }

  async delete(kind: RecordKind, tenantId: string, id: string, etag?: string): Promise<void> {
    if (etag === undefined) {
      this.stmts.deleteAny.run(kind, tenantId, id);
      return;
    }
    if (this.stmts.deleteIf.run(kind, tenantId, id, etag).changes > 0) return;
    // Nothing deleted: either the record is already gone (fine) or it has another eTag (a conflict).
    if (this.stmts.exists.get(kind, tenantId, id)) throw new StoreConflictError(kind, id);
  }

  async list<T>(kind: RecordKind, tenantId: string, options: ListOptions = {}): Promise<StoredRecord<T>[]> {
    const limit = clampLimit(options.limit);
    const rows = (
      options.partition === undefined
        ? this.stmts.list.all(kind, tenantId, limit)
        : this.stmts.listPartition.all(kind, tenantId, options.partition, limit)
    ) as RecordRow[];
    return rows.map((r) => toRecord<T>(r));
  }

  async appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    const row = this.stmts.appendAudit.get(
      event.tenantId,
      normaliseIso(event.at),
      event.actorId,
      event.actorName ?? null,
      event.runId ?? null,
      event.action,
      event.result,
      event.details === undefined ? null : toJson(event.details, 'audit details'),
    ) as AuditRow;
    return toAuditEvent(row);
  }

  async listAudit(tenantId: string, query: AuditQuery = {}): Promise<AuditEvent[]> {
    const rows = this.stmts.listAudit.all({
      tenant: tenantId,
      run: query.runId ?? null,
      before: query.before ?? null,
      limit: clampLimit(query.limit),
    }) as AuditRow[];
    return rows.map(toAuditEvent);
  }

  async scheduleReminder(reminder: ReminderInput): Promise<void> {
    const params = {
      id: reminder.id,
      tenant: reminder.tenantId,
      run: reminder.runId ?? null,
      due: checkEpochMs(reminder.dueAt, 'dueAt'),
      payload: toJson(reminder.payload, 'reminder payload'),
    };
    // The upsert's WHERE refuses only when the id belongs to another tenant.
    if (this.stmts.schedule.run(params).changes === 0) throw new StoreConflictError('reminder', reminder.id);
  }

  async claimDueReminders(options: ClaimOptions): Promise<Reminder[]> {
    const { at, until, limit } = claimWindow(options, this.now);
    if (limit === 0) return [];
    const byTenant = options.tenantLeaseMs !== undefined;
    const tenantUntil = byTenant ? at + checkLeaseMs(options.tenantLeaseMs!) : 0;
    // IMMEDIATE takes the write lock before reading, so no other connection can claim between select and update.
    const claim = this.db.transaction(() => {
      let ids: { id: string }[];
      if (byTenant) {
        const owner = options.owner;
        this.stmts.renewTenantLeases.run({ owner, now: at, until: tenantUntil });
        this.stmts.seenInstance.run({ owner, until: tenantUntil });
        this.stmts.forgetInstances.run({ now: at });
        const held = new Set(
          (this.stmts.heldTenants.all({ owner, now: at }) as { tenant_id: string }[]).map((t) => t.tenant_id),
        );
        let newTenants = fairShareOfNewTenants({
          dueTenants: (this.stmts.dueTenantCount.get({ now: at }) as { n: number }).n,
          liveInstances: (this.stmts.liveInstances.get({ now: at }) as { n: number }).n,
          held: held.size,
        });
        const tenants = (
          this.stmts.dueTenants.all({ owner, now: at, tenants: options.maxTenants ?? 20 }) as {
            tenant_id: string;
          }[]
        ).filter(
          (t) =>
            (held.has(t.tenant_id) || newTenants-- > 0) &&
            this.stmts.takeTenantLease.get({ tenant: t.tenant_id, owner, until: tenantUntil, now: at }),
        );
        ids = [];
        const inFlight = new Map(
          (this.stmts.inFlightByTenant.all({ owner, now: at }) as { tenant_id: string; n: number }[]).map(
            (r) => [r.tenant_id, r.n],
          ),
        );
        const shares = topUpShares(
          tenants.map((t) => inFlight.get(t.tenant_id) ?? 0),
          limit,
        );
        // What a tenant could not use (fewer due than its share) goes to the next.
        let carry = 0;
        for (let i = 0; i < tenants.length && ids.length < limit; i += 1) {
          const share = Math.min(limit - ids.length, shares[i]! + carry);
          if (share === 0) continue;
          const got = this.stmts.claimableForTenant.all({
            tenant: tenants[i]!.tenant_id,
            now: at,
            limit: share,
          }) as { id: string }[];
          carry = share - got.length;
          ids.push(...got);
        }
      } else ids = this.stmts.claimable.all({ now: at, limit }) as { id: string }[];
      const claimed: Reminder[] = [];
      for (const { id } of ids) {
        const row = this.stmts.lease.get({ id, owner: options.owner, until, now: at }) as
          ReminderRow | undefined;
        if (row) claimed.push(toReminder(row));
      }
      return claimed.sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
    return claim.immediate();
  }

  async completeReminder(id: string, owner: string): Promise<boolean> {
    return this.stmts.complete.run(id, owner).changes > 0;
  }

  async releaseReminder(
    id: string,
    owner: string,
    retryAt: number,
    options: ReleaseOptions = {},
  ): Promise<boolean> {
    const step = options.countAttempt === false ? 0 : 1;
    return this.stmts.release.run(checkEpochMs(retryAt, 'retryAt'), step, id, owner).changes > 0;
  }

  async releaseDispatchLeases(owner: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.releaseTenantLeases.run(owner);
      this.stmts.forgetInstance.run(owner);
    })();
  }

  async failReminder(id: string, owner: string): Promise<boolean> {
    return this.stmts.fail.run(id, owner).changes > 0;
  }

  async cancelReminder(tenantId: string, id: string): Promise<void> {
    this.stmts.cancel.run(tenantId, id);
  }

  async listReminders(tenantId: string, runId?: string): Promise<Reminder[]> {
    const rows = this.stmts.listReminders.all({ tenant: tenantId, run: runId ?? null }) as ReminderRow[];
    return rows.map(toReminder);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

function toRecord<T>(row: RecordRow): StoredRecord<T> {
  return {
    kind: row.kind as RecordKind,
    tenantId: row.tenant_id,
    id: row.id,
    ...(row.partition === null ? {} : { partition: row.partition }),
    value: JSON.parse(row.value) as T,
    etag: row.etag,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    tenantId: row.tenant_id,
    at: row.at,
    actorId: row.actor_id,
    ...(row.actor_name === null ? {} : { actorName: row.actor_name }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    action: row.action,
    result: row.result,
    ...(row.details === null ? {} : { details: JSON.parse(row.details) as Record<string, unknown> }),
  };
}

function toReminder(row: ReminderRow): Reminder {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    dueAt: row.due_at,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    status: row.status as ReminderStatus,
    attempts: row.attempts,
    ...(row.lease_owner === null ? {} : { leaseOwner: row.lease_owner }),
    ...(row.lease_until === null ? {} : { leaseUntil: row.lease_until }),
  };
}
