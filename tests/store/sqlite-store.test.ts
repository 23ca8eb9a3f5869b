import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { openStore } from '../../adapters/store/open-store.js';
import { migrateSqlite, openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { sqliteMigrations } from '../../adapters/store/migrations/sqlite-migrations.js';
import { describeStoreContract } from './store-contract.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sesame-store-'));
}

describeStoreContract('SQLite file', async (clock) => {
  const dir = tempDir();
  // A folder that does not exist yet: the store creates it.
  const file = join(dir, 'data', 'nested', 'sesame.db');
  const now = () => clock.now();
  const opened: Store[] = [await openSqliteStore({ file, now })];
  return {
    store: opened[0]!,
    openAnother: async () => {
      const another = await openSqliteStore({ file, now });
      opened.push(another);
      return another;
    },
    close: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract('SQLite :memory:', async (clock) => {
  const store = await openSqliteStore({ file: ':memory:', now: () => clock.now() });
  return { store, close: () => store.close() };
});

describe('SQLite store specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs in WAL mode with a busy timeout and every migration recorded', async () => {
    const file = join(dir, 'sesame.db');
    const store = await openSqliteStore({ file });
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
        sqliteMigrations.map((m) => ({ version: m.version, name: m.name })),
      );
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('refuses a raw UPDATE or DELETE of an audit event (append-only trigger)', async () => {
    const file = join(dir, 'sesame.db');
    const store = await openSqliteStore({ file });
    const event = await store.appendAudit({
      tenantId: 't',
      at: '2026-11-23T09:00:00.000Z',
      actorId: 'admin',
      action: 'graph.write',
      result: 'ok',
    });
    const raw = new Database(file);
    try {
      expect(() =>
        raw.prepare("UPDATE audit_events SET result = 'failed' WHERE seq = ?").run(event.seq),
      ).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit_events WHERE seq = ?').run(event.seq)).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(await store.listAudit('t')).toEqual([event]);
    await store.close();
  });

  it('keeps its data across a reopen and does not run the migrations again', async () => {
    const file = join(dir, 'sesame.db');
    const clock = new SimulatedClock(Date.UTC(2026, 10, 23, 9));
    const first = await openSqliteStore({ file, now: () => clock.now() });
    const record = await first.create('run', 't', 'r1', { step: 3 }, 'conv');
    const event = await first.appendAudit({
      tenantId: 't',
      at: '2026-11-23T09:00:00.000Z',
      actorId: 'a',
      action: 'x',
      result: 'ok',
    });
    await first.scheduleReminder({ id: 'rem', tenantId: 't', dueAt: clock.now(), payload: { k: 1 } });
    await first.close();
    const appliedBefore = readMigrations(file);

    clock.advance(86_400_000);
    const second = await openSqliteStore({ file, now: () => clock.now() });
    try {
      expect(readMigrations(file)).toEqual(appliedBefore);
      expect(await second.get('run', 't', 'r1')).toEqual(record);
      expect(await second.listAudit('t')).toEqual([event]);
      expect(await second.listReminders('t')).toHaveLength(1);
      const next = await second.appendAudit({ ...event, action: 'y' });
      expect(next.seq).toBeGreaterThan(event.seq);
    } finally {
      await second.close();
    }
  });

  it('never gives the same reminder to several processes claiming from one file', async () => {
    const file = join(dir, 'sesame.db');
    const now = Date.UTC(2026, 10, 23, 9);
    const store = await openSqliteStore({ file, now: () => now });
    const count = 1500;
    for (let i = 0; i < count; i++) {
      await store.scheduleReminder({ id: `rem-${i}`, tenantId: 't', dueAt: now - i, payload: { i } });
    }
    await store.close();

    const worker = fileURLToPath(new URL('./sqlite-claim-worker.ts', import.meta.url));
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const workers = ['p1', 'p2', 'p3', 'p4'].map((owner) =>
      runWorker(tsx, [worker, file, owner, String(now)]),
    );
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const perProcess = await Promise.all(workers.map((w) => w.done));
    // All workers took part, or the test proved nothing about concurrency.
    expect(perProcess.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    const all = perProcess.flat();
    expect(all).toHaveLength(count);
    expect(new Set(all).size).toBe(count);
  }, 60_000);

  it('upgrades a database left at an older schema version, keeping its rows', async () => {
    const file = join(dir, 'sesame.db');
    const raw = new Database(file);
    migrateSqlite(raw, sqliteMigrations.slice(0, 1), () => 0);
    raw
      .prepare(
        `INSERT INTO reminders (id, tenant_id, due_at, payload, status, attempts) VALUES ('old', 't', 5, '{"k":1}', 'scheduled', 0)`,
      )
      .run();
    raw.close();

    const store = await openSqliteStore({ file, now: () => 10 });
    try {
      expect(readMigrations(file)).toHaveLength(sqliteMigrations.length);
      expect(await store.listReminders('t')).toEqual([
        { id: 'old', tenantId: 't', dueAt: 5, payload: { k: 1 }, status: 'scheduled', attempts: 0 },
      ]);
      expect(await store.claimDueReminders({ owner: 'o', leaseMs: 1, limit: 1 })).toHaveLength(1);
      expect(await store.completeReminder('old', 'o')).toBe(true);
      expect((await store.listReminders('t'))[0]?.status).toBe('sent');
    } finally {
      await store.close();
    }
  });

  it('refuses to open a database written by a newer schema', async () => {
    const file = join(dir, 'sesame.db');
    await (await openSqliteStore({ file })).close();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(999, 'future', 0);
    raw.close();
    await expect(openSqliteStore({ file })).rejects.toThrow(/newer than this Sesame knows/);
  });

  it('openStore picks SQLite in <dataDir>/sesame.db when no database URL is given', async () => {
    const dataDir = join(dir, 'data');
    for (const databaseUrl of [undefined, '']) {
      const store = await openStore({ dataDir, ...(databaseUrl === undefined ? {} : { databaseUrl }) });
      await store.create('run', 't', `r-${databaseUrl ?? 'none'}`, {});
      await store.close();
    }
    const raw = new Database(join(dataDir, 'sesame.db'), { readonly: true });
    try {
      expect(raw.prepare('SELECT count(*) AS n FROM records').get()).toEqual({ n: 2 });
    } finally {
      raw.close();
    }
  });
});

/** A child process that prints "ready", starts on a line from stdin, and ends by printing a JSON array. */
function runWorker(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady();
      if (code !== 0) reject(new Error(`claim worker exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.slice(stdout.indexOf('ready\n') + 'ready\n'.length)) as string[]);
    });
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

function readMigrations(file: string): unknown[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.prepare('SELECT * FROM schema_migrations ORDER BY version').all();
  } finally {
    raw.close();
  }
}
