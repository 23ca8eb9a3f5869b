/**
 * The Store contract against a real PostgreSQL (npm run test:pg). Each test gets its own schema, dropped after.
 * No skipping: if PostgreSQL cannot be reached, every test here fails, saying so.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../adapters/store/postgres-store.js';
import { openStore } from '../../adapters/store/open-store.js';
import { postgresMigrations } from '../../adapters/store/migrations/postgres-migrations.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { describeStoreContract } from '../store/store-contract.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function newSchema(): string {
  return `sesame_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is unreachable at ${redact(DATABASE_URL)}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function dropSchema(schema: string): Promise<void> {
  await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

beforeAll(async () => {
  // Fails the whole file up front, with the URL in the message, when there is no PostgreSQL.
  await admin((c) => c.query('SELECT 1'));
});

describeStoreContract('PostgreSQL', async (clock) => {
  const schema = newSchema();
  const now = () => clock.now();
  const opened: Store[] = [await openPostgresStore({ connectionString: DATABASE_URL, schema, now })];
  return {
    store: opened[0]!,
    openAnother: async () => {
      const another = await openPostgresStore({ connectionString: DATABASE_URL, schema, now });
      opened.push(another);
      return another;
    },
    close: async () => {
      for (const s of opened) await s.close();
      await dropSchema(schema);
    },
  };
});

describe('PostgreSQL store specifics', () => {
  let schema: string;
  beforeEach(() => {
    schema = newSchema();
  });
  afterEach(async () => {
    await dropSchema(schema);
  });

  it('refuses a raw UPDATE, DELETE or TRUNCATE of an audit event (append-only trigger)', async () => {
    const store = await openPostgresStore({ connectionString: DATABASE_URL, schema });
    try {
      const event = await store.appendAudit({
        tenantId: 't',
        at: '2026-11-23T09:00:00.000Z',
        actorId: 'admin',
        action: 'graph.write',
        result: 'ok',
      });
      await admin(async (c) => {
        await expect(c.query(`UPDATE "${schema}".audit_events SET result = 'failed'`)).rejects.toThrow(
          /append-only/,
        );
        await expect(c.query(`DELETE FROM "${schema}".audit_events`)).rejects.toThrow(/append-only/);
        await expect(c.query(`TRUNCATE "${schema}".audit_events`)).rejects.toThrow(/append-only/);
      });
      expect(await store.listAudit('t')).toEqual([event]);
    } finally {
      await store.close();
    }
  });

  it('keeps its data across a reopen and applies migrations once, even when two instances start together', async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 10, 23, 9));
    const now = () => clock.now();
    const [first, second] = await Promise.all([
      openPostgresStore({ connectionString: DATABASE_URL, schema, now }),
      openPostgresStore({ connectionString: DATABASE_URL, schema, now }),
    ]);
    const record = await first!.create('run', 't', 'r1', { step: 3 }, 'conv');
    await first!.close();
    await second!.close();
    const applied = await admin(
      async (c) => (await c.query(`SELECT * FROM "${schema}".schema_migrations ORDER BY version`)).rows,
    );
    expect(applied.map((r) => r.version)).toEqual(postgresMigrations.map((m) => m.version));

    clock.advance(86_400_000);
    const again = await openPostgresStore({ connectionString: DATABASE_URL, schema, now });
    try {
      expect(await again.get('run', 't', 'r1')).toEqual(record);
      expect(
        await admin(
          async (c) => (await c.query(`SELECT * FROM "${schema}".schema_migrations ORDER BY version`)).rows,
        ),
      ).toEqual(applied);
    } finally {
      await again.close();
    }
  });

  it('never gives the same reminder to four instances claiming in parallel loops', async () => {
    const now = Date.UTC(2026, 10, 23, 9);
    const stores = await Promise.all(
      [1, 2, 3, 4].map(() => openPostgresStore({ connectionString: DATABASE_URL, schema, now: () => now })),
    );
    try {
      const count = 400;
      await admin((c) =>
        c.query(
          `INSERT INTO "${schema}".reminders (id, tenant_id, due_at, payload, status)
           SELECT 'rem-' || i, 't', $1::bigint - i, '{}'::jsonb, 'scheduled' FROM generate_series(1, $2::int) AS i`,
          [now, count],
        ),
      );
      const perInstance = await Promise.all(
        stores.map(async (store, i) => {
          const got: string[] = [];
          for (;;) {
            const batch = await store.claimDueReminders({ owner: `i${i}`, leaseMs: 3_600_000, limit: 3 });
            if (batch.length === 0) return got;
            got.push(...batch.map((r) => r.id));
          }
        }),
      );
      const all = perInstance.flat();
      expect(all).toHaveLength(count);
      expect(new Set(all).size).toBe(count);
      expect(perInstance.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(
      openPostgresStore({ connectionString: DATABASE_URL, schema: 'bad"; DROP SCHEMA public; --' }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('fails to open, rather than hanging, when the server cannot be reached', async () => {
    await expect(
      openPostgresStore({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        connectionTimeoutMs: 2000,
      }),
    ).rejects.toThrow();
  });

  it('openStore picks PostgreSQL when a database URL is given', async () => {
    // Without a schema option the store uses the connection's current schema: point search_path at ours.
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    await admin((c) => c.query(`CREATE SCHEMA "${schema}"`));
    const store = await openStore({ databaseUrl: url.toString(), dataDir: '/nonexistent/never-created' });
    try {
      await store.create('run', 't', 'r1', { v: 1 });
      expect((await store.get('run', 't', 'r1'))?.value).toEqual({ v: 1 });
    } finally {
      await store.close();
    }
    const tables = await admin(
      async (c) =>
        (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]))
          .rows,
    );
    expect(tables.map((t) => t.tablename)).toEqual([
      'audit_events',
      'dispatch_instances',
      'dispatch_leases',
      'records',
      'reminders',
      'schema_migrations',
    ]);
  });

  it('refuses to guess when the search_path names no existing schema', async () => {
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    await expect(openStore({ databaseUrl: url.toString(), dataDir: '/nonexistent' })).rejects.toThrow(
      /search_path/,
    );
  });
});
