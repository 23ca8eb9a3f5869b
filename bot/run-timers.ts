import type { ILogger } from '@microsoft/teams.common';
import { SesameError } from '../core/errors.js';
import type { InFlightJournal } from '../core/engine/in-flight.js';
import { createRunner, isRunReminderPayload } from '../core/engine/runner.js';
import type { Run } from '../core/engine/run.js';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import type { TenantGraph } from '../core/ports/tenant-graph.js';
import type { TokenSource } from '../core/ports/token-source.js';
import type { ProcedureModule } from '../core/procedures/types.js';

export interface RunTimersOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly procedures: readonly ProcedureModule[];
  readonly graphFor: (getToken: () => Promise<string>) => TenantGraph;
  /** The run's admin's Graph token (the same source the chat turns use). */
  readonly tokenSource: TokenSource;
  readonly logger: ILogger;
  /** This instance's name for reminder leases. */
  readonly owner: string;
  readonly leaseMs?: number;
  /** Where runs with Graph calls in flight are noted (see core/engine/in-flight.ts). */
  readonly journal?: InFlightJournal;
}

/**
 * Delivers due run timers (retries after replication lag, polls of a wait, the vendor's deadline) to their runs.
 * Due times live in the store, so timers survive a restart; a lease keeps two instances from delivering one twice.
 * Posting reminder messages to the chat is the Messenger's job (issue "Reminders"); here the run moves on.
 */
export function createRunTimers(options: RunTimersOptions) {
  const { store, clock, logger, owner } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function deliverOne(
    reminder: Awaited<ReturnType<Store['claimDueReminders']>>[number],
  ): Promise<void> {
    if (!isRunReminderPayload(reminder.payload)) {
      await store.failReminder(reminder.id, owner);
      return;
    }
    const record = await store.get<Run>('run', reminder.tenantId, reminder.payload.runId);
    const adminId = record?.value.admin.id;
    let token: Promise<string> | undefined;
    // One token per delivery, asked for only when the run talks to Graph.
    const graph = options.graphFor(() => {
      if (!adminId)
        throw new SesameError('auth_required', 'the admin must sign in again for Sesame to go on');
      token ??= options.tokenSource.getGraphToken({ tenantId: reminder.tenantId, userId: adminId });
      return token;
    });
    const runner = createRunner({
      store,
      clock,
      procedures: options.procedures,
      graph: () => graph,
      ...(options.journal ? { journal: options.journal } : {}),
    });
    try {
      await runner.deliverReminder(reminder);
      await store.completeReminder(reminder.id, owner);
    } catch (e) {
      logger.warn(
        `run timer ${reminder.id} failed; retrying in a minute`,
        e instanceof Error ? e : String(e),
        {
          runId: reminder.payload.runId,
          tenantId: reminder.tenantId,
        },
      );
      await store.releaseReminder(reminder.id, owner, clock.now() + 60_000);
    }
  }

  async function dispatchDue(limit = 50): Promise<number> {
    const claimed = await store.claimDueReminders({ now: clock.now(), owner, leaseMs, limit });
    for (const reminder of claimed) await deliverOne(reminder);
    return claimed.length;
  }

  return {
    /** Delivers what is due now; resolves with how many timers were claimed. */
    dispatchDue(): Promise<number> {
      running ??= dispatchDue().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(intervalMs: number): void {
      timer ??= setInterval(() => {
        void this.dispatchDue().catch((e: unknown) => logger.error('run timers failed', e));
      }, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type RunTimers = ReturnType<typeof createRunTimers>;
