/**
 * SQLite schema, one entry per version. Append only: never edit an applied migration, add a new one.
 * Times are epoch ms integers (records, reminders) or normalised ISO text (audit `at`, as given by the caller).
 */
import type { Migration } from '../store-shared.js';

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE records (
        kind TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        partition TEXT,
        value TEXT NOT NULL CHECK (json_valid(value)),
        etag TEXT NOT NULL,
        -- Global write order: breaks ties between writes made in the same millisecond.
        write_seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (kind, tenant_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX records_by_partition ON records (kind, tenant_id, partition, updated_at);
      CREATE INDEX records_by_update ON records (kind, tenant_id, updated_at, write_seq);
      CREATE INDEX records_write_seq ON records (write_seq);

      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT,
        run_id TEXT,
        action TEXT NOT NULL,
        result TEXT NOT NULL,
        details TEXT CHECK (details IS NULL OR json_valid(details))
      );
      CREATE INDEX audit_by_tenant ON audit_events (tenant_id, seq);
      CREATE INDEX audit_by_run ON audit_events (tenant_id, run_id, seq);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

      CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        run_id TEXT,
        due_at INTEGER NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        status TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'cancelled', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until INTEGER
      );
      CREATE INDEX reminders_due ON reminders (status, due_at);
      CREATE INDEX reminders_by_tenant ON reminders (tenant_id, run_id, due_at);
    `,
  },
  {
    version: 2,
    name: 'reminder_generation',
    // Re-scheduling an id bumps its generation; a lease remembers the generation it claimed, so completing an
    // old occurrence cannot swallow a newer one.
    sql: `
      ALTER TABLE reminders ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE reminders ADD COLUMN lease_generation INTEGER;
    `,
  },
  {
    version: 3,
    name: 'dispatch_leases',
    // One instance at a time sends a tenant's reminders, so Teams' per-tenant and per-conversation rate limits are
    // kept by one limiter; the lease moves to another instance when its holder stops renewing it.
    sql: `
      CREATE TABLE dispatch_leases (
        tenant_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until INTEGER NOT NULL
      );
      CREATE INDEX reminders_due_by_tenant ON reminders (status, tenant_id, due_at);
    `,
  },
  {
    version: 4,
    name: 'dispatch_instances',
    // The instances dispatching reminders, each seen at its last claim: an instance takes new tenants only up to
    // its fair share (tenants with something due ÷ live instances), so a second instance is not left idle.
    sql: `
      CREATE TABLE dispatch_instances (
        owner TEXT PRIMARY KEY,
        seen_until INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'reminders_in_flight',
    // Each claim counts, per tenant, the reminders this instance has in flight (to top up the emptiest first).
    sql: `
      CREATE INDEX reminders_in_flight ON reminders (lease_owner, tenant_id) WHERE lease_owner IS NOT NULL;
    `,
  },
];
