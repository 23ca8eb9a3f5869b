/**
 * The Store over PostgreSQL (when DATABASE_URL is set), for several Sesame instances behind a load balancer.
 * Same semantics as the SQLite store: every conditional write is one statement, and reminders are claimed with
 * FOR UPDATE SKIP LOCKED so two instances never lease the same one.
 */
import pg from 'pg';
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
import { postgresMigrations } from './migrations/postgres-migrations.js';
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

export interface PostgresStoreOptions {
  readonly connectionString: string;
  /**
   * The schema holding Sesame's tables (created if missing). Defaults to the connection's current schema, so a
   * search_path given in the URL (`?options=-c%20search_path%3Dsesame`) is honoured; usually 'public'.
   */
  readonly schema?: string;
  /** Epoch-ms clock for record timestamps and default claim time. */
  readonly now?: () => number;
  /** Pool size; defaults to pg's (10). */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing; defaults to 10 s. */
  readonly connectionTimeoutMs?: number;
}

interface RecordRow {
  kind: string;
  tenant_id: string;
  id: string;
  partition: string | null;
  value: unknown;
  etag: string;
  created_at: Date;
  updated_at: Date;
}

interface AuditRow {
  seq: string;
  tenant_id: string;
  at: Date;
  actor_id: string;
  actor_name: string | null;
  run_id: string | null;
  action: string;
  result: string;
  details: Record<string, unknown> | null;
}

interface ReminderRow {
  id: string;
  tenant_id: string;
  run_id: string | null;
  due_at: string;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
}

/** Plain identifiers only: the schema name is spliced into SQL, so nothing that would need escaping. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Serialises concurrent migrations from several instances (an arbitrary constant shared by all of them). */
const MIGRATION_LOCK_KEY = 0x5e5a4e;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.schema !== undefined) checkSchemaName(options.schema);
  const now = options.now ?? (() => Date.now());
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  // Reminder claims get a connection of their own: behind the deliveries' reads and writes in the shared pool, a
  // claim's statements each waited their turn and a backlog was claimed slower than it could be sent. Claims are
  // one at a time per instance, so one connection is enough.
  const claimPool = new pg.Pool({
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    max: 1,
  });
  // An idle connection that dies (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  claimPool.on('error', () => undefined);
  let schema: string;
  try {
    schema = options.schema ?? (await currentSchema(pool));
    await migratePostgres(pool, schema, postgresMigrations, now);
  } catch (e) {
    await Promise.all([pool.end(), claimPool.end()]);
    throw e;
  }
  return new PostgresStore(pool, claimPool, `"${schema}"`, now);
}

function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new RangeError(`invalid PostgreSQL schema name: ${schema}`);
  return schema;
}

async function currentSchema(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new Error(
      'the PostgreSQL search_path names no existing schema: create it, or fix search_path in the URL',
    );
  }
  return checkSchemaName(schema);
}

/** Applies the missing migrations in one transaction, under an advisory lock so concurrent starts apply them once. */
export async function migratePostgres(
  pool: pg.Pool,
  schema: string,
  migrations: readonly Migration[],
  now: () => number,
): Promise<void> {
  checkMigrations(migrations);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > migrations.length) {
      throw new Error(
        `schema ${schema} is at version ${newest}, newer than this Sesame knows (${migrations.length})`,
      );
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        new Date(now()),
      ]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

class PostgresStore implements Store {
  private closed = false;
  private readonly t: {
    records: string;
    audit: string;
    reminders: string;
    leases: string;
    instances: string;
  };

  constructor(
    private readonly pool: pg.Pool,
    private readonly claimPool: pg.Pool,
    schema: string,
    private readonly now: () => number,
  ) {
    this.t = {
      records: `${schema}.records`,
      audit: `${schema}.audit_events`,
      reminders: `${schema}.reminders`,
      leases: `${schema}.dispatch_leases`,
      instances: `${schema}.dispatch_instances`,
    };
  }

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async get<T>(kind: RecordKind, tenantId: string, id: string): Promise<StoredRecord<T> | undefined> {
    const [row] = await this.rows<RecordRow>(
      `SELECT * FROM ${this.t.records} WHERE kind = $1 AND tenant_id = $2 AND id = $3`,
      [kind, tenantId, id],
    );
    return row && toRecord<T>(row);
  }

  async create<T>(
    kind: RecordKind,
    tenantId: string,
    id: string,
    value: T,
    partition?: string,
  ): Promise<StoredRecord<T>> {
    const at = new Date(this.now());
    const [row] = await this.rows<RecordRow>(
      `INSERT INTO ${this.t.records} (kind, tenant_id, id, partition, value, etag, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7) ON CONFLICT DO NOTHING RETURNING *`,
      [kind, tenantId, id, partition ?? null, toJson(value, 'value'), newEtag(), at],
    );
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
    const [row] = await this.rows<RecordRow>(
      `UPDATE ${this.t.records} SET value = $1::jsonb, etag = $2, updated_at = $3, write_seq = DEFAULT
       WHERE kind = $4 AND tenant_id = $5 AND id = $6 AND etag = $7 RETURNING *`,
      [toJson(value, 'value'), newEtag(), new Date(this.now()), kind, tenantId, id, etag],
    );
    if (!row) throw new StoreConflictError(kind, id);
    return toRecord<T>(row);
  }

  async delete(kind: RecordKind, tenantId: string, id: string, etag?: string): Promise<void> {
    if (etag === undefined) {
      await this.pool.query(`DELETE FROM ${this.t.records} WHERE kind = $1 AND tenant_id = $2 AND id = $3`, [
        kind,
        tenantId,
        id,
      ]);
      return;
    }
    const deleted = await this.pool.query(
      `DELETE FROM ${this.t.records} WHERE kind = $1 AND tenant_id = $2 AND id = $3 AND etag = $4`,
      [kind, tenantId, id, etag],
    );
    if ((deleted.rowCount ?? 0) > 0) return;
    // Nothing deleted: either the record is already gone (fine) or it has another eTag (a conflict).
    const still = await this.rows(
      `SELECT 1 FROM ${this.t.records} WHERE kind = $1 AND tenant_id = $2 AND id = $3`,
      [kind, tenantId, id],
    );
    if (still.length > 0) throw new StoreConflictError(kind, id);
  }

  async list<T>(kind: RecordKind, tenantId: string, options: ListOptions = {}): Promise<StoredRecord<T>[]> {
    const limit = clampLimit(options.limit);
    const rows =
      options.partition === undefined
        ? await this.rows<RecordRow>(
            `SELECT * FROM ${this.t.records} WHERE kind = $1 AND tenant_id = $2
             ORDER BY updated_at DESC, write_seq DESC LIMIT $3`,
            [kind, tenantId, limit],
          )
        : await this.rows<RecordRow>(
            `SELECT * FROM ${this.t.records} WHERE kind = $1 AND tenant_id = $2 AND partition = $3
             ORDER BY updated_at DESC, write_seq DESC LIMIT $4`,
            [kind, tenantId, options.partition, limit],
          );
    return rows.map((r) => toRecord<T>(r));
  }

  async appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    const [row] = await this.rows<AuditRow>(
      `INSERT INTO ${this.t.audit} (tenant_id, at, actor_id, actor_name, run_id, action, result, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING *`,
      [
        event.tenantId,
        normaliseIso(event.at),
        event.actorId,
        event.actorName ?? null,
        event.runId ?? null,
        event.action,
        event.result,
        event.details === undefined ? null : toJson(event.details, 'audit details'),
      ],
    );
    return toAuditEvent(row as AuditRow);
  }

  async listAudit(tenantId: string, query: AuditQuery = {}): Promise<AuditEvent[]> {
    const rows = await this.rows<AuditRow>(
      `SELECT * FROM ${this.t.audit} WHERE tenant_id = $1
         AND ($2::text IS NULL OR run_id = $2) AND ($3::bigint IS NULL OR seq < $3)
       ORDER BY seq DESC LIMIT $4`,
      [tenantId, query.runId ?? null, query.before ?? null, clampLimit(query.limit)],
    );
    return rows.map(toAuditEvent);
  }

  async scheduleReminder(reminder: ReminderInput): Promise<void> {
    const result = await this.pool.query(
      `INSERT INTO ${this.t.reminders} AS r (id, tenant_id, run_id, due_at, payload, status, attempts)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'scheduled', 0)
       ON CONFLICT (id) DO UPDATE SET
         generation = CASE WHEN r.status <> 'scheduled' OR r.due_at <> excluded.due_at OR r.payload <> excluded.payload
           OR r.run_id IS DISTINCT FROM excluded.run_id THEN r.generation + 1 ELSE r.generation END,
         attempts = CASE WHEN r.status <> 'scheduled' THEN 0 ELSE r.attempts END,
         status = 'scheduled', due_at = excluded.due_at, payload = excluded.payload, run_id = excluded.run_id
       WHERE r.tenant_id = excluded.tenant_id`,
      [
        reminder.id,
        reminder.tenantId,
        reminder.runId ?? null,
        checkEpochMs(reminder.dueAt, 'dueAt'),
        toJson(reminder.payload, 'reminder payload'),
      ],
    );
    // The upsert's WHERE refuses only when the id belongs to another tenant.
    if ((result.rowCount ?? 0) === 0) throw new StoreConflictError('reminder', reminder.id);
  }

  async claimDueReminders(options: ClaimOptions): Promise<Reminder[]> {
    const { at, until, limit } = claimWindow(options, this.now);
    if (limit === 0) return [];
    if (options.tenantLeaseMs !== undefined) return this.claimByTenant(options, at, limit);
    // SKIP LOCKED: rows another instance is claiming right now are left to it; rows it has just claimed fail the
    // lease condition when re-checked after its commit.
    const rows = await this.rows<ReminderRow>(
      `UPDATE ${this.t.reminders} SET lease_owner = $1, lease_until = $2, lease_generation = generation
       WHERE id IN (
         SELECT id FROM ${this.t.reminders}
         WHERE status = 'scheduled' AND due_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
         ORDER BY due_at, id LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [options.owner, until, at, limit],
    );
    return sortReminders(rows.map(toReminder));
  }

  /**
   * Claims only for tenants whose dispatch lease this owner holds or takes (see ClaimOptions.tenantLeaseMs). Three
   * statements, whatever the number of tenants: the bookkeeping (this owner's leases kept, its registration, what
   * is due), the leases taken with each tenant's in-flight and claimable counts, then one claim across the tenants.
   * Each statement is atomic on its own (a lease is taken by one owner, a reminder by one claim); a round trip per
   * tenant, each waiting its turn on a busy event loop, had made a claim slower than the sends it fed.
   */
  private async claimByTenant(options: ClaimOptions, at: number, limit: number): Promise<Reminder[]> {
    const tenantUntil = at + checkLeaseMs(options.tenantLeaseMs!);
    const until = at + options.leaseMs;
    const client = await this.claimPool.connect();
    try {
      // The query reads the tables as they were before its data-modifying CTEs (which run whether read or not):
      // hence "+ 1" for this owner's registration, and the leases as they were (an extended lease was held before).
      const { rows: state } = await client.query<{
        due: string;
        others: string;
        mine: string[] | null;
        candidates: string[] | null;
      }>(
        `WITH kept AS (
           UPDATE ${this.t.leases} l SET lease_until = $3 WHERE owner = $1 AND lease_until > $2
             AND EXISTS (SELECT 1 FROM ${this.t.reminders} r
               WHERE r.tenant_id = l.tenant_id AND r.status = 'scheduled' AND r.due_at <= $2)
           RETURNING tenant_id),
         registered AS (
           INSERT INTO ${this.t.instances} (owner, seen_until) VALUES ($1, $3)
             ON CONFLICT (owner) DO UPDATE SET seen_until = EXCLUDED.seen_until RETURNING owner),
         -- Not this owner's row: one statement may not both update and delete it.
         lapsed AS (DELETE FROM ${this.t.instances} WHERE seen_until <= $2 AND owner <> $1 RETURNING owner)
         SELECT
           (SELECT COUNT(DISTINCT tenant_id) FROM ${this.t.reminders}
              WHERE status = 'scheduled' AND due_at <= $2) AS due,
           (SELECT COUNT(*) FROM ${this.t.instances} WHERE seen_until > $2 AND owner <> $1) AS others,
           (SELECT array_agg(tenant_id) FROM ${this.t.leases} WHERE owner = $1 AND lease_until > $2) AS mine,
           (SELECT array_agg(tenant_id) FROM (
              SELECT DISTINCT r.tenant_id FROM ${this.t.reminders} r
                WHERE r.status = 'scheduled' AND r.due_at <= $2 AND (r.lease_until IS NULL OR r.lease_until <= $2)
                  AND NOT EXISTS (SELECT 1 FROM ${this.t.leases} l
                    WHERE l.tenant_id = r.tenant_id AND l.owner <> $1 AND l.lease_until > $2)
                LIMIT $4) c) AS candidates`,
        [options.owner, at, tenantUntil, options.maxTenants ?? 20],
      );
      const mine = new Set(state[0]!.mine ?? []);
      let newTenants = fairShareOfNewTenants({
        dueTenants: Number(state[0]!.due),
        liveInstances: Number(state[0]!.others) + 1,
        held: mine.size,
      });
      const wanted = (state[0]!.candidates ?? []).filter((tenant) => mine.has(tenant) || newTenants-- > 0);
      if (wanted.length === 0) return [];
      // Re-checked against the committed row when two instances race for the same tenant: one gets it.
      const { rows: held } = await client.query<{ tenant_id: string; in_flight: string; claimable: string }>(
        `WITH taken AS (
           INSERT INTO ${this.t.leases} (tenant_id, owner, lease_until)
             SELECT tenant, $2, $3 FROM unnest($1::text[]) AS tenant
             ON CONFLICT (tenant_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
             WHERE ${this.t.leases}.owner = EXCLUDED.owner OR ${this.t.leases}.lease_until <= $4
           RETURNING tenant_id)
         SELECT t.tenant_id,
           (SELECT COUNT(*) FROM ${this.t.reminders} r WHERE r.tenant_id = t.tenant_id AND r.lease_owner = $2
              AND r.status = 'scheduled' AND r.lease_until > $4) AS in_flight,
           (SELECT COUNT(*) FROM ${this.t.reminders} r WHERE r.tenant_id = t.tenant_id AND r.status = 'scheduled'
              AND r.due_at <= $4 AND (r.lease_until IS NULL OR r.lease_until <= $4)) AS claimable
         FROM taken t`,
        [wanted, options.owner, tenantUntil, at],
      );
      // In the order the candidates came, as the tenants were taken.
      held.sort((a, b) => wanted.indexOf(a.tenant_id) - wanted.indexOf(b.tenant_id));
      // Topped up by water-filling on what each tenant has in flight (see topUpShares); a tenant's unused share
      // goes to the next.
      const shares = topUpShares(
        held.map((h) => Number(h.in_flight)),
        limit,
      );
      let carry = 0;
      const tenants: string[] = [];
      const counts: number[] = [];
      held.forEach((h, i) => {
        const share = Math.min(shares[i]! + carry, Number(h.claimable));
        carry = shares[i]! + carry - share;
        if (share === 0) return;
        tenants.push(h.tenant_id);
        counts.push(share);
      });
      if (tenants.length === 0) return [];
      const { rows } = await client.query<ReminderRow>(
        `UPDATE ${this.t.reminders} SET lease_owner = $1, lease_until = $2, lease_generation = generation
         WHERE id IN (
           SELECT id FROM ${this.t.reminders}
           WHERE id IN (
               -- Round robin over each tenant's runs, turns counting those in flight (see the SQLite store), up
               -- to the tenant's share.
               SELECT id FROM (
                 SELECT due.id, s.share,
                     ROW_NUMBER() OVER (PARTITION BY due.tenant_id ORDER BY due.turn, due.due_at, due.id) AS place
                   FROM (
                     SELECT id, tenant_id, due_at, lease_until,
                         ROW_NUMBER() OVER (PARTITION BY tenant_id, COALESCE(run_id, id) ORDER BY due_at, id) AS turn
                       FROM ${this.t.reminders}
                       WHERE tenant_id = ANY($4::text[]) AND status = 'scheduled' AND due_at <= $3) due
                   JOIN unnest($4::text[], $5::int[]) AS s(tenant_id, share) ON s.tenant_id = due.tenant_id
                   WHERE due.lease_until IS NULL OR due.lease_until <= $3) ranked
               WHERE place <= share)
             AND status = 'scheduled' AND (lease_until IS NULL OR lease_until <= $3)
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [options.owner, until, at, tenants, counts],
      );
      return sortReminders(rows.map(toReminder));
    } finally {
      client.release();
    }
  }

  async releaseDispatchLeases(owner: string): Promise<void> {
    await this.pool.query(
      `WITH gone AS (DELETE FROM ${this.t.instances} WHERE owner = $1)
       DELETE FROM ${this.t.leases} WHERE owner = $1`,
      [owner],
    );
  }

  async completeReminder(id: string, owner: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.t.reminders} SET status = CASE WHEN generation = lease_generation THEN 'sent' ELSE status END,
         lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE id = $1 AND lease_owner = $2 AND status = 'scheduled'`,
      [id, owner],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async releaseReminder(
    id: string,
    owner: string,
    retryAt: number,
    options: ReleaseOptions = {},
  ): Promise<boolean> {
    const step = options.countAttempt === false ? 0 : 1;
    const result = await this.pool.query(
      `UPDATE ${this.t.reminders} SET due_at = CASE WHEN generation = lease_generation THEN $3 ELSE due_at END,
         attempts = CASE WHEN generation = lease_generation THEN attempts + ${step} ELSE attempts END,
         lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE id = $1 AND lease_owner = $2 AND status = 'scheduled'`,
      [id, owner, checkEpochMs(retryAt, 'retryAt')],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async failReminder(id: string, owner: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.t.reminders} SET status = CASE WHEN generation = lease_generation THEN 'failed' ELSE status END,
         attempts = CASE WHEN generation = lease_generation THEN attempts + 1 ELSE attempts END,
         lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE id = $1 AND lease_owner = $2 AND status = 'scheduled'`,
      [id, owner],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async cancelReminder(tenantId: string, id: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.t.reminders} SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, lease_generation = NULL
       WHERE tenant_id = $1 AND id = $2 AND status = 'scheduled'`,
      [tenantId, id],
    );
  }

  async listReminders(tenantId: string, runId?: string): Promise<Reminder[]> {
    const rows = await this.rows<ReminderRow>(
      `SELECT * FROM ${this.t.reminders} WHERE tenant_id = $1 AND ($2::text IS NULL OR run_id = $2)
       ORDER BY due_at, id`,
      [tenantId, runId ?? null],
    );
    return rows.map(toReminder);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.claimPool.end()]);
  }
}

function toRecord<T>(row: RecordRow): StoredRecord<T> {
  return {
    kind: row.kind as RecordKind,
    tenantId: row.tenant_id,
    id: row.id,
    ...(row.partition === null ? {} : { partition: row.partition }),
    value: row.value as T,
    etag: row.etag,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    tenantId: row.tenant_id,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    ...(row.actor_name === null ? {} : { actorName: row.actor_name }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    action: row.action,
    result: row.result,
    ...(row.details === null ? {} : { details: row.details }),
  };
}

function toReminder(row: ReminderRow): Reminder {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    dueAt: Number(row.due_at),
    payload: row.payload,
    status: row.status as ReminderStatus,
    attempts: row.attempts,
    ...(row.lease_owner === null ? {} : { leaseOwner: row.lease_owner }),
    ...(row.lease_until === null ? {} : { leaseUntil: Number(row.lease_until) }),
  };
}

function sortReminders(list: Reminder[]): Reminder[] {
  return list.sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
