import type { Runner } from '../../core/engine/runner.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';

/**
 * Claims the reminders due at the clock's time and delivers each to its run, as bot/run-timers.ts does, but with
 * the test's own runner; resolves with the ids delivered, in order.
 */
export async function deliverDueReminders(store: Store, runner: Runner, clock: Clock): Promise<string[]> {
  const claimed = await store.claimDueReminders({
    now: clock.now(),
    owner: 'test',
    leaseMs: 60_000,
    limit: 20,
  });
  for (const r of claimed) {
    await runner.deliverReminder(r);
    await store.completeReminder(r.id, 'test');
  }
  return claimed.map((r) => r.id);
}
