/**
 * 10,000 due reminder cards (10 tenants × 20 conversations × 50) delivered by one Sesame instance (the local stack
 * `npm start` runs, SQLite store) to the sandbox's Bot Framework connector with Teams' rate limits switched on.
 * Figures: reminders delivered per second, as a fraction of the most Teams' limits allow for this backlog (the
 * limit-imposed minimum time, worked out by adapters/messenger/rate-limits.ts with answers taking no time; goal
 * ≥ 90 %), duplicates, and requests the connector refused for going over a limit.
 * `npx tsx bench/reminder-delivery.ts`; writes bench/results/reminder-delivery.json.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { limitImposedMakespan } from '../adapters/messenger/rate-limits.js';
import { deliveries, seedDueReminders } from '../tests/helpers/reminder-load.js';
import { startLocalStack } from '../tests/helpers/local-stack.js';
import { writeResult } from './lib/results.js';

const PLAN = {
  tenants: Number(process.env.BENCH_TENANTS ?? 10),
  conversationsPerTenant: Number(process.env.BENCH_CONVERSATIONS ?? 20),
  remindersPerConversation: Number(process.env.BENCH_REMINDERS_PER_CONVERSATION ?? 50),
};

async function main(): Promise<void> {
  const stack = await startLocalStack();
  try {
    const serviceUrl = `${stack.sandbox.httpUrl}/botframework/connector`;
    const seedStart = Date.now();
    const seeded = await seedDueReminders(stack.store, PLAN, serviceUrl, Date.now() - 60_000);
    const seedMs = Date.now() - seedStart;
    const tenants = [...new Set(seeded.conversations.map((c) => c.tenantId))];
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/botframework/limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, reset: true }),
    });

    const t0 = Date.now();
    stack.sesame.timers.start(100);
    const total = seeded.reminderIds.length;
    let sent = 0;
    while (sent < total) {
      await new Promise((r) => setTimeout(r, 200));
      sent = 0;
      for (const tenantId of tenants)
        sent += (await stack.store.listReminders(tenantId)).filter((r) => r.status === 'sent').length;
      if (Date.now() - t0 > 8 * 60_000) throw new Error(`only ${sent} of ${total} sent after 8 minutes`);
    }
    const elapsedMs = Date.now() - t0;
    await stack.sesame.timers.stop();

    const { counts } = await deliveries(
      stack.sandbox.httpUrl,
      seeded.conversations.map((c) => c.conversationId),
    );
    const duplicates = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const missing = seeded.reminderIds.filter((id) => !counts.get(id)).length;
    const limits = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/botframework/limits`)).json()) as {
      accepted: number;
      throttled: number;
    };
    const byTenant = tenants.map((t) =>
      seeded.conversations.filter((c) => c.tenantId === t).map((c) => c.reminders),
    );
    const minimumMs = limitImposedMakespan(byTenant);
    const perSecond = total / (elapsedMs / 1000);
    const maxPerSecond = total / (minimumMs / 1000);
    const result = {
      plan: PLAN,
      reminders: total,
      seedMs,
      elapsedMs,
      limitImposedMinimumMs: minimumMs,
      deliveredPerSecond: Math.round(perSecond * 10) / 10,
      limitImposedMaxPerSecond: Math.round(maxPerSecond * 10) / 10,
      fractionOfLimit: Math.round((perSecond / maxPerSecond) * 1000) / 1000,
      goal: 0.9,
      duplicates,
      missing,
      connectorAccepted: limits.accepted,
      limitViolations: limits.throttled,
    };
    console.log(
      `reminder delivery: ${total} reminders in ${(elapsedMs / 1000).toFixed(1)} s = ${result.deliveredPerSecond}/s; ` +
        `Teams' limits allow at most ${result.limitImposedMaxPerSecond}/s for this backlog (minimum ${(minimumMs / 1000).toFixed(1)} s): ` +
        `${(result.fractionOfLimit * 100).toFixed(1)} % of the limit (goal ≥ 90 %); duplicates ${duplicates}, missing ${missing}, ` +
        `limit violations (429 from the connector) ${limits.throttled}`,
    );
    console.log(`written to ${await writeResult('reminder-delivery', result)}`);
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
