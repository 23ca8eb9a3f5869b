/**
 * PostgreSQL schema, one entry per version. Append only: never edit an applied migration, add a new one.
 * Run with search_path set to the store's schema, so the names here are unqualified.
 */
import type { Migration } from '../store-shared.js';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE SEQUENCE records_write_seq;
      CREATE TABLE records (
        kind text NOT NULL,
        tenant_id text NOT NULL,
        id text NOT NULL,
        partition text,
        value jsonb NOT NULL,
        etag text NOT NULL,
        -- Global write order: breaks ties between writes made in the same millisecond.
        write_seq bigint NOT NULL DEFAULT nextval('records_write_seq'),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (kind, tenant_id, id)
      );
      ALTER SEQUENCE records_write_seq OWNED BY records.write_seq;
      CREATE INDEX records_by_partition ON records (kind, tenant_id, partition, updated_at);
      CREATE INDEX records_by_update ON records (kind, tenant_id, updated_at, write_seq);

      CREATE TABLE audit_events (
        seq bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_name text,
        run_id text,
        action text NOT NULL,
        result text NOT NULL,
        details jsonb
      );
      CREATE INDEX audit_by_tenant ON audit_events (tenant_id, seq);
      CREATE INDEX audit_by_run ON audit_events (tenant_id, run_id, seq);
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END;
      $$;
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

      CREATE TABLE reminders (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        run_id text,
        due_at bigint NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('scheduled', 'sent', 'cancelled', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until bigint
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
      ALTER TABLE reminders ADD COLUMN generation integer NOT NULL DEFAULT 0;
      ALTER TABLE reminders ADD COLUMN lease_generation integer;
    `,
  },
  {
    version: 3,
    name: 'dispatch_leases',
    // One instance at a time sends a tenant's reminders, so Teams' per-tenant and per-conversation rate limits are
    // kept by one limiter; the lease moves to another instance when its holder stops renewing it.
    sql: `
      CREATE TABLE dispatch_leases (
        tenant_id text PRIMARY KEY,
        owner text NOT NULL,
        lease_until bigint NOT NULL
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
        owner text PRIMARY KEY,
        seen_until bigint NOT NULL
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
