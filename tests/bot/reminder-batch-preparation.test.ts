/**
 * How the scheduler works through a large claimed batch: a few reminders prepared at a time (their run read, the
 * run's step, the card built), with the event loop turning in between, so the first cards leave and their answers
 * are read while the rest of the batch is still being prepared; and how often it claims while it has plenty in
 * flight. Sesame as the composition root builds it, on its
 * SQLite store (counted through a transparent wrapper), posting to the sandbox's connector.
 */
import { join } from 'node:path';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { MemoryLogger } from '../../server/logger.js';
import { startSesame, type RunningSesame } from '../../server/main.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { deliveries, seedDueReminders } from '../helpers/reminder-load.js';

const NOW = Date.UTC(2026, 10, 24, 16, 0, 0);

/** The real store, with every read of a run and every reminder card recorded (in order) on the way through. */
function observedStore(store: Store, events: string[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'get' && args[0] === 'run') events.push('run-read');
        if (property === 'claimDueReminders') events.push('claim');
        if (property === 'create' && String(args[2]).startsWith('reminder-card:'))
          events.push('card-recorded');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('a claimed batch of reminders', () => {
  const clock = new SimulatedClock(NOW);
  let stack: LocalStack;
  let sesame: RunningSesame;
  const events: string[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ clock });
    await stack.sesame.close();
    const store = await openSqliteStore({
      file: join(stack.config.dataDir, 'sesame.db'),
      now: () => clock.now(),
    });
    sesame = await startSesame(stack.config, {
      store: observedStore(store, events),
      clock,
      logger: new MemoryLogger(),
      extraCaPem: stack.sandbox.caCertPem,
      graphSleep: async () => undefined,
      timerIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await sesame.close();
    await stack.stop();
  });

  it('is prepared a few at a time with the event loop turning in between, so cards go out before the batch is ready', async () => {
    // 400 due reminders (the scheduler's in-flight bound), one per conversation, in 8 tenants.
    const plan = { tenants: 8, conversationsPerTenant: 50, remindersPerConversation: 1 };
    const seeded = await seedDueReminders(
      sesame.store,
      plan,
      `${stack.sandbox.httpUrl}/botframework/connector`,
      NOW,
    );
    events.length = 0;
    let readsAtFirstTurn: number | undefined;
    setImmediate(() => (readsAtFirstTurn = events.filter((e) => e === 'run-read').length));
    expect(await sesame.timers.dispatchDue()).toBe(400);

    // The event loop's first turn came after a few preparations, not after the whole batch.
    expect(readsAtFirstTurn).toBeGreaterThan(0);
    expect(readsAtFirstTurn).toBeLessThanOrEqual(128);
    // The first card was answered and recorded while most of the batch was still to be read.
    const firstCard = events.indexOf('card-recorded');
    expect(firstCard).toBeGreaterThan(0);
    expect(events.slice(0, firstCard).filter((e) => e === 'run-read').length).toBeLessThan(300);

    // …and every reminder went out once.
    const { counts } = await deliveries(
      stack.sandbox.httpUrl,
      seeded.conversations.map((c) => c.conversationId),
    );
    expect(seeded.reminderIds.filter((id) => counts.get(id) !== 1)).toEqual([]);
  });

  it('claims on its timer only when half its room is free, or to renew its hold on its tenants', async () => {
    // Teams' limits on: 400 reminders of one tenant (50 a second) keep the scheduler full for seconds.
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/botframework/limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, reset: true }),
    });
    try {
      const plan = { tenants: 1, conversationsPerTenant: 40, remindersPerConversation: 10, tag: 'full' };
      await seedDueReminders(
        sesame.store,
        plan,
        `${stack.sandbox.httpUrl}/botframework/connector`,
        clock.now(),
      );
      events.length = 0;
      sesame.timers.start(5);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const claimsWhileFull = events.filter((e) => e === 'claim').length;
        expect(sesame.timers.inFlight()).toBeGreaterThan(200);
        // The first claims fill the room; then 200 ticks in that second claim nothing (one per tick: 200).
        expect(claimsWhileFull).toBeLessThanOrEqual(5);

        // A quarter of the lease later (the default 2 minutes), the next tick claims to keep the tenant.
        clock.set(clock.now() + 30_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(events.filter((e) => e === 'claim').length).toBeGreaterThan(claimsWhileFull);
      } finally {
        await sesame.timers.stop();
      }
    } finally {
      await fetch(`${stack.sandbox.httpUrl}/_sandbox/botframework/limits`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: false, reset: true }),
      });
    }
  });
});
