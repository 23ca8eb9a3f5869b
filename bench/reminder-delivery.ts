/**
 * 10,000 due reminder cards (10 tenants × 20 conversations × 50) delivered by Sesame as deployed (server/main.ts in
 * its own Node process: one instance on its SQLite file, or with BENCH_DATABASE_URL two instances sharing a fresh
 * PostgreSQL schema) to the sandbox's Bot Framework connector (in this process, standing in for Teams) with Teams'
 * rate limits switched on. Every reminder becomes due at the same moment t0, once the instances are up and idle.
 *
 * Figures: reminders delivered per second, as a fraction of the most Teams' limits allow for this backlog (the
 * limit-imposed minimum time, worked out by adapters/messenger/rate-limits.ts with answers taking no time: with
 * 20 conversations a tenant, the per-tenant 50/s bound dominates, so 10 tenants × 50/s = 500/s; goal ≥ 90 %),
 * duplicates, requests the connector refused for going over a limit, lateness (send − due time) p50/p95, and the
 * CPU time Sesame's process(es) spent per reminder (read from /proc, the sandbox's share not counted).
 * `npx tsx bench/reminder-delivery.ts`; writes bench/results/reminder-delivery.json (with BENCH_DATABASE_URL:
 * reminder-delivery-postgres.json).
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { limitImposedMakespan } from '../adapters/messenger/rate-limits.js';
import { openPostgresStore } from '../adapters/store/postgres-store.js';
import { openStore } from '../adapters/store/open-store.js';
import type { Store } from '../core/ports/store.js';
import { startSandbox } from '../sandbox/server.js';
import {
  deliveries,
  seedDueReminders,
  spawnSesame,
  type SesameProcess,
} from '../tests/helpers/reminder-load.js';
import { writeResult } from './lib/results.js';
import { percentile } from './lib/stats.js';

const PLAN = {
  tenants: Number(process.env.BENCH_TENANTS ?? 10),
  conversationsPerTenant: Number(process.env.BENCH_CONVERSATIONS ?? 20),
  remindersPerConversation: Number(process.env.BENCH_REMINDERS_PER_CONVERSATION ?? 50),
};
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
/** Two on PostgreSQL unless BENCH_INSTANCES says otherwise; one on SQLite (its file is the instance's own). */
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? (DATABASE_URL ? 2 : 1));
if (!Number.isInteger(INSTANCES) || INSTANCES < 1 || (!DATABASE_URL && INSTANCES !== 1))
  throw new Error('BENCH_INSTANCES: a whole number ≥ 1, and more than 1 only with BENCH_DATABASE_URL');
/** Time between the end of seeding and the moment everything is due: the instances are idle before it. */
const LEAD_MS = 3_000;

/** utime + stime of a process, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;
  const sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, allowAnonymousConnector: true });
  const dir = mkdtempSync(join(tmpdir(), 'sesame-bench-reminders-'));
  const processes: SesameProcess[] = [];
  let store: Store | undefined;
  let dropSchema: (() => Promise<void>) | undefined;
  try {
    writeFileSync(join(dir, 'sandbox-ca.pem'), sandbox.caCertPem);
    const env: Record<string, string> = {
      PORT: '0',
      LOG_LEVEL: 'info',
      GRAPH_BASE_URL: sandbox.graphUrl,
      AUTHORITY_HOST: sandbox.httpsUrl,
      SANDBOX_BOTFRAMEWORK_URL: `${sandbox.httpUrl}/botframework`,
      AAD_APP_TENANT_ID: sandbox.tenantId,
      EXTRA_CA_FILE: join(dir, 'sandbox-ca.pem'),
      REMINDER_INTERVAL_MS: '100',
    };
    if (DATABASE_URL) {
      const schema = `sesame_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = async (sql: string) => {
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      await admin(`CREATE SCHEMA "${schema}"`);
      dropSchema = () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      store = await openPostgresStore({ connectionString: DATABASE_URL, schema });
      env.DATABASE_URL = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    } else {
      // The instance's own SQLite file (WAL: this process seeds it while the instance has it open).
      store = await openStore({ dataDir: join(dir, 'a') });
    }
    for (let i = 0; i < INSTANCES; i += 1)
      processes.push(await spawnSesame({ ...env, DATA_DIR: join(dir, i === 0 ? 'a' : `i${i}`) }));

    await fetch(`${sandbox.httpUrl}/_sandbox/botframework/limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, reset: true }),
    });
    const seedStart = Date.now();
    // Seeded for a due time a little later, so every reminder becomes due at once, with the instances idle.
    // Seeding writes one reminder at a time: ~2 ms each in SQLite, a network round trip or more each in PostgreSQL
    // (13 ms on a loaded 2-core machine).
    const estimatedSeedMs =
      (DATABASE_URL ? 3 : 2) * PLAN.tenants * PLAN.conversationsPerTenant * PLAN.remindersPerConversation;
    const t0 = seedStart + estimatedSeedMs + LEAD_MS;
    const seeded = await seedDueReminders(store, PLAN, `${sandbox.httpUrl}/botframework/connector`, t0);
    const seedMs = Date.now() - seedStart;
    if (Date.now() > t0) throw new Error(`seeding took ${seedMs} ms, past the due time: raise the estimate`);
    const tenants = [...new Set(seeded.conversations.map((c) => c.tenantId))];
    const total = seeded.reminderIds.length;

    const connector = async () =>
      (await (await fetch(`${sandbox.httpUrl}/_sandbox/botframework/limits`)).json()) as {
        accepted: number;
        throttled: number;
      };
    while (Date.now() < t0) await new Promise((r) => setTimeout(r, 5));
    const cpu0 = processes.map((p) => cpuMsOf(p.child.pid!));
    let lastPrint = t0;
    for (let accepted = 0; accepted < total; accepted = (await connector()).accepted) {
      if (Date.now() - lastPrint >= 5_000) {
        lastPrint = Date.now();
        console.error(`  ${((lastPrint - t0) / 1000).toFixed(0)} s: ${accepted} delivered`);
      }
      if (Date.now() - t0 > 8 * 60_000) throw new Error(`only ${accepted} of ${total} sent after 8 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsedMs = Date.now() - t0;
    // The store writes after the last send (marked sent, audit), then Sesame's CPU time is read.
    let sent = 0;
    for (const deadline = Date.now() + 60_000; sent < total && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      sent = 0;
      for (const tenantId of tenants)
        sent += (await store.listReminders(tenantId)).filter((r) => r.status === 'sent').length;
    }
    const cpuMs = processes.map((p, i) => cpuMsOf(p.child.pid!) - cpu0[i]!).reduce((a, b) => a + b, 0);

    // Lateness: from the due time to the 'reminder.sent' audit event (written once the connector answered).
    const lateness: number[] = [];
    const sentBy = new Map<string, number>();
    for (const tenantId of tenants) {
      let before: number | undefined;
      for (;;) {
        const page = await store.listAudit(tenantId, { limit: 1000, ...(before ? { before } : {}) });
        for (const e of page) {
          if (e.action !== 'reminder.sent') continue;
          lateness.push(Date.parse(e.at) - t0);
          const instance = String((e.details as { instance?: unknown }).instance ?? '?');
          sentBy.set(instance, (sentBy.get(instance) ?? 0) + 1);
        }
        if (page.length < 1000) break;
        before = page[page.length - 1]!.seq;
      }
    }
    lateness.sort((a, b) => a - b);

    const { counts, arrivals } = await deliveries(
      sandbox.httpUrl,
      seeded.conversations.map((c) => c.conversationId),
    );
    const duplicates = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const missing = seeded.reminderIds.filter((id) => !counts.get(id)).length;
    const limits = await connector();
    // Where the time goes: arrivals at the connector per second since t0, and when each tenant got its first and
    // last card (a tenant finishing late is the tail; a slow first second is the start).
    const all = [...arrivals.values()].flat().sort((a, b) => a - b);
    const arrivalsPerSecond = Array.from({ length: Math.ceil((all.at(-1)! - t0 + 1) / 1000) }, () => 0);
    for (const at of all) arrivalsPerSecond[Math.max(0, Math.floor((at - t0) / 1000))]! += 1;
    const tenantSpans = tenants.map((t) => {
      const times = seeded.conversations
        .filter((c) => c.tenantId === t)
        .flatMap((c) => arrivals.get(c.conversationId) ?? []);
      return { first: Math.min(...times) - t0, last: Math.max(...times) - t0 };
    });
    const conversationLasts = seeded.conversations
      .map((c) => Math.max(...(arrivals.get(c.conversationId) ?? [0])) - t0)
      .sort((a, b) => a - b);
    const byTenant = tenants.map((t) =>
      seeded.conversations.filter((c) => c.tenantId === t).map((c) => c.reminders),
    );
    const minimumMs = limitImposedMakespan(byTenant);
    const perSecond = total / (elapsedMs / 1000);
    const maxPerSecond = total / (minimumMs / 1000);
    const result = {
      method:
        'Sesame as deployed (server/main.ts, own process) on ' +
        (DATABASE_URL ? `PostgreSQL, ${INSTANCES} instance(s)` : 'its SQLite file, one instance') +
        '; the sandbox connector in the bench process enforces Teams’ limits; every reminder due at t0; ' +
        'delivered = accepted by the connector; CPU = utime + stime of the Sesame process(es) from t0 to the last store write',
      plan: PLAN,
      instances: INSTANCES,
      store: DATABASE_URL ? 'postgresql' : 'sqlite',
      reminders: total,
      seedMs,
      elapsedMs,
      limitImposedMinimumMs: minimumMs,
      deliveredPerSecond: Math.round(perSecond * 10) / 10,
      limitImposedMaxPerSecond: Math.round(maxPerSecond * 10) / 10,
      fractionOfLimit: Math.round((perSecond / maxPerSecond) * 1000) / 1000,
      goal: 0.9,
      latenessMs: { p50: percentile(lateness, 50), p95: percentile(lateness, 95), max: lateness.at(-1) },
      sesameCpuMsPerReminder: Math.round((cpuMs / total) * 100) / 100,
      storeMarkedSent: sent,
      duplicates,
      missing,
      connectorAccepted: limits.accepted,
      limitViolations: limits.throttled,
      sentByInstance: Object.fromEntries(sentBy),
      loadAverage1mAtStart: loadAtStart,
      arrivalsPerSecond,
      firstArrivalMs: all[0]! - t0,
      tenantLastArrivalMs: {
        min: Math.min(...tenantSpans.map((s) => s.last)),
        max: Math.max(...tenantSpans.map((s) => s.last)),
      },
      conversationLastArrivalMs: {
        min: conversationLasts[0],
        p50: percentile(conversationLasts, 50),
        max: conversationLasts.at(-1),
      },
    };
    console.log(
      `reminder delivery (${result.store}, ${INSTANCES} instance${INSTANCES > 1 ? 's' : ''}): ${total} reminders in ` +
        `${(elapsedMs / 1000).toFixed(1)} s = ${result.deliveredPerSecond}/s; Teams' limits allow at most ` +
        `${result.limitImposedMaxPerSecond}/s for this backlog (minimum ${(minimumMs / 1000).toFixed(1)} s): ` +
        `${(result.fractionOfLimit * 100).toFixed(1)} % of the limit (goal ≥ 90 %); duplicates ${duplicates}, ` +
        `missing ${missing}, limit violations (429 from the connector) ${limits.throttled}; lateness p50 ` +
        `${(result.latenessMs.p50 / 1000).toFixed(1)} s, p95 ${(result.latenessMs.p95 / 1000).toFixed(1)} s; ` +
        `Sesame CPU ${result.sesameCpuMsPerReminder} ms per reminder; load average at start ${loadAtStart}`,
    );
    console.log(
      `  first card ${result.firstArrivalMs} ms after t0; per second: ${arrivalsPerSecond.join(' ')}; tenants done ` +
        `${(result.tenantLastArrivalMs.min / 1000).toFixed(1)}–${(result.tenantLastArrivalMs.max / 1000).toFixed(1)} s; ` +
        `conversations done ${(conversationLasts[0]! / 1000).toFixed(1)}–${(conversationLasts.at(-1)! / 1000).toFixed(1)} s`,
    );
    const name = DATABASE_URL
      ? `reminder-delivery-postgres${INSTANCES === 2 ? '' : `-${INSTANCES}`}`
      : 'reminder-delivery';
    console.log(`written to ${await writeResult(name, result)}`);
  } finally {
    await Promise.all(processes.map((p) => p.stop().catch(() => undefined)));
    await store?.close();
    await dropSchema?.().catch(() => undefined);
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
