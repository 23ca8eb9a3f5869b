/**
 * Child process for the multi-process claim test (tests/store/sqlite-store.test.ts): opens the given SQLite file
 * and says "ready", waits for a line on stdin (so all workers start claiming together), claims due reminders in
 * small batches until none are left, then prints the ids it got as JSON. Between batches it gives the CPU up for a
 * moment: on a loaded machine one process could otherwise drain the whole file before the others are scheduled,
 * and the test would prove nothing about several processes claiming at once.
 * Usage: tsx tests/store/sqlite-claim-worker.ts <file> <owner> <now>
 */
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';

const [file, owner, nowText] = process.argv.slice(2);
if (!file || !owner || !nowText) throw new Error('usage: sqlite-claim-worker <file> <owner> <now>');
const now = Number(nowText);
const store = await openSqliteStore({ file, now: () => now, busyTimeoutMs: 30_000 });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.pause();
const claimed: string[] = [];
for (;;) {
  const batch = await store.claimDueReminders({ owner, leaseMs: 3_600_000, limit: 2 });
  if (batch.length === 0) break;
  claimed.push(...batch.map((r) => r.id));
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
}
await store.close();
process.stdout.write(JSON.stringify(claimed));
