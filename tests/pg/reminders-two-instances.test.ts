/**
 * Two Sesame processes (server/main.ts, as deployed) on one PostgreSQL schema deliver thousands of due reminder
 * cards across many conversations and several tenants to the sandbox's Bot Framework connector, which enforces
 * Teams' rate limits (per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/h; per tenant 50/s) and answers 429 beyond
 * them. Real time: this is about throughput and limits, not due dates.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import pg from 'pg';
import { openPostgresStore } from '../../adapters/store/postgres-store.js';
import type { Store } from '../../core/ports/store.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { deliveries, seedDueReminders, spawnSesame, type SesameProcess } from '../helpers/reminder-load.js';

jest.setTimeout(240_000);

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PLAN = { tenants: 4, conversationsPerTenant: 20, remindersPerConversation: 30 }; // 2,400 reminders

let sandbox: RunningSandbox;
let dir: string;
const schemas: string[] = [];
const processes: SesameProcess[] = [];

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query('SELECT 1'));
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, allowAnonymousConnector: true });
  dir = mkdtempSync(join(tmpdir(), 'sesame-pg-reminders-'));
  writeFileSync(join(dir, 'sandbox-ca.pem'), sandbox.caCertPem);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop().catch(() => undefined)));
  await sandbox?.stop();
  for (const schema of schemas) await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh schema, and the connector's limits on with clean counters. */
async function prepare(): Promise<{ store: Store; url: string; schema: string }> {
  const schema = `sesame_rem_${process.pid}_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  await admin((c) => c.query(`CREATE SCHEMA "${schema}"`));
  const url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const store = await openPostgresStore({ connectionString: DATABASE_URL, schema });
  await fetch(`${sandbox.httpUrl}/_sandbox/botframework/limits`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enabled: true, reset: true }),
  });
  return { store, url, schema };
}

/**
 * The backlog, written while both instances are up and polling, due an hour from now; then the whole of it falls
 * due at one moment (its due times moved to now in one statement, as when a deadline shared by every run passes),
 * so which instance sends what is decided by the claims alone, not by the order of seeding.
 */
async function seed(store: Store, schema: string): ReturnType<typeof seedDueReminders> {
  const seeded = await seedDueReminders(
    store,
    PLAN,
    `${sandbox.httpUrl}/botframework/connector`,
    Date.now() + 3_600_000,
  );
  await admin((c) => c.query(`UPDATE "${schema}".reminders SET due_at = $1`, [Date.now() - 1_000]));
  return seeded;
}

/** Reminders each instance sent, from the audit's 'reminder.sent' events. */
async function sentByInstance(store: Store, tenants: readonly string[]): Promise<Map<string, number>> {
  const by = new Map<string, number>();
  for (const tenantId of tenants) {
    for (const e of await store.listAudit(tenantId, { limit: 1000 })) {
      if (e.action !== 'reminder.sent') continue;
      const instance = String((e.details as { instance?: unknown }).instance);
      by.set(instance, (by.get(instance) ?? 0) + 1);
    }
  }
  return by;
}

function instance(databaseUrl: string, name: string): Promise<SesameProcess> {
  return spawnSesame({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    DATA_DIR: join(dir, name),
    LOG_LEVEL: 'info',
    GRAPH_BASE_URL: sandbox.graphUrl,
    AUTHORITY_HOST: sandbox.httpsUrl,
    SANDBOX_BOTFRAMEWORK_URL: `${sandbox.httpUrl}/botframework`,
    AAD_APP_TENANT_ID: sandbox.tenantId,
    EXTRA_CA_FILE: join(dir, 'sandbox-ca.pem'),
    REMINDER_INTERVAL_MS: '200',
    REMINDER_LEASE_MS: '20000',
  }).then((p) => {
    processes.push(p);
    return p;
  });
}

async function sentCount(store: Store, tenants: readonly string[]): Promise<number> {
  let sent = 0;
  for (const tenantId of tenants)
    sent += (await store.listReminders(tenantId)).filter((r) => r.status === 'sent').length;
  return sent;
}

async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function limitStats() {
  const res = await fetch(`${sandbox.httpUrl}/_sandbox/botframework/limits`);
  return (await res.json()) as {
    accepted: number;
    throttled: number;
    throttledByWindow: Record<string, number>;
  };
}

describe('reminders on two Sesame processes sharing PostgreSQL', () => {
  it('delivers every reminder once, within Teams’ limits, the work shared between the two', async () => {
    const { store, url, schema } = await prepare();
    const [a, b] = await Promise.all([instance(url, 'a'), instance(url, 'b')]);
    const seeded = await seed(store, schema);
    const tenants = [...new Set(seeded.conversations.map((c) => c.tenantId))];
    await waitUntil(
      'every reminder is sent',
      async () => (await sentCount(store, tenants)) === seeded.reminderIds.length,
    );

    const { counts } = await deliveries(
      sandbox.httpUrl,
      seeded.conversations.map((c) => c.conversationId),
    );
    expect(seeded.reminderIds.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(counts.size).toBe(seeded.reminderIds.length);
    const limits = await limitStats();
    expect(limits).toMatchObject({ throttled: 0, accepted: seeded.reminderIds.length });
    // Both took part: each instance took its fair share of the tenants (two of four), not one instance all of them.
    const by = await sentByInstance(store, tenants);
    expect([...by.values()].reduce((n, c) => n + c, 0)).toBe(seeded.reminderIds.length);
    expect(by.size).toBe(2);
    for (const count of by.values()) expect(count).toBeGreaterThanOrEqual(seeded.reminderIds.length / 5);
    await Promise.all([a.stop(), b.stop()]);
    await store.close();
  });

  it('still delivers everything when one instance is killed mid-dispatch; duplicates only from its crash window', async () => {
    const { store, url, schema } = await prepare();
    const [a, b] = await Promise.all([instance(url, 'a2'), instance(url, 'b2')]);
    const seeded = await seed(store, schema);
    const tenants = [...new Set(seeded.conversations.map((c) => c.tenantId))];
    // b is killed while it is sending its share (not after a took everything).
    await waitUntil('b has sent part of its share', async () => {
      // An instance's name for leases and the audit is sesame-<pid>-… (server/main.ts).
      const byB = [...(await sentByInstance(store, tenants)).entries()].find(([name]) =>
        name.startsWith(`sesame-${b.child.pid}-`),
      );
      return (byB?.[1] ?? 0) >= seeded.reminderIds.length / 10;
    });
    await b.kill();
    // Everything the killed instance posted is in the connector by now; the survivor takes its tenants over only
    // once their leases lapse, so its copies of them come after this.
    const atKill = await deliveries(
      sandbox.httpUrl,
      seeded.conversations.map((c) => c.conversationId),
    );
    const killedAt = Math.max(0, ...[...atKill.sequences.values()].flat());
    await waitUntil(
      'every reminder is sent',
      async () => (await sentCount(store, tenants)) === seeded.reminderIds.length,
    );

    const { counts, sequences } = await deliveries(
      sandbox.httpUrl,
      seeded.conversations.map((c) => c.conversationId),
    );
    expect(seeded.reminderIds.filter((id) => !counts.get(id))).toEqual([]);
    const duplicated = seeded.reminderIds.filter((id) => (counts.get(id) ?? 0) > 1);
    for (const id of duplicated) {
      // Posted once before the kill (by the dying instance, which could not record it) and once after.
      const seqs = sequences.get(id)!;
      expect(seqs).toHaveLength(2);
      expect(seqs.filter((s) => s <= killedAt)).toHaveLength(1);
    }
    // The crash window is what the killed instance had in flight: far fewer than what it sent.
    expect(duplicated.length).toBeLessThan(seeded.reminderIds.length / 10);
    expect((await limitStats()).throttled).toBe(0);
    await a.stop();
    await store.close();
  });
});
