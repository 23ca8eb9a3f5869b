/**
 * The durable reminder scheduler. Reminders and re-checks live in the store with absolute due times, so they
 * survive restarts (whatever is due is claimed at start) and are shared by every instance. Each instance claims
 * due reminders under a lease, by tenant (one instance at a time sends for a tenant, so Teams' per-tenant and
 * per-conversation limits are kept by one limiter); a failure is retried with backoff and given up after a bounded
 * number of attempts, with an audit event and the reminder left 'failed' for the tab.
 *
 * For a run timer: the run gets `timer-due` (a poll, a retry, the wait's due time), then a `notify` reminder is
 * posted to the conversation as a reminder card through the Messenger. For the weekly digest: the digest card.
 *
 * Crash window: a reminder card posted and then the instance dies before the store marks the reminder sent is
 * posted again once the lease lapses (Teams has no idempotency key for messages). Nothing else is sent twice.
 */
import type { ILogger } from '@microsoft/teams.common';
import { SesameError } from '../core/errors.js';
import type { InFlightJournal } from '../core/engine/in-flight.js';
import { createRunner, isRunReminderPayload, type RunReminderPayload } from '../core/engine/runner.js';
import { isTerminal, type Run } from '../core/engine/run.js';
import type { Clock } from '../core/ports/clock.js';
import type { DomainLookup } from '../core/ports/domain-lookup.js';
import { isMessengerError, type Messenger } from '../core/ports/messenger.js';
import type { Reminder, Store } from '../core/ports/store.js';
import type { TenantGraph } from '../core/ports/tenant-graph.js';
import type { TokenSource } from '../core/ports/token-source.js';
import type { ProcedureModule } from '../core/procedures/types.js';
import type { ConversationReferences } from './conversation-references.js';
import { isSnoozedReminder, type ReminderConversation } from './reminder-conversation.js';
import { isDigestPayload, type WeeklyDigest } from './weekly-digest.js';

export interface ReminderSchedulerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly procedures: readonly ProcedureModule[];
  readonly graphFor: (getToken: () => Promise<string>) => TenantGraph;
  /** The run's admin's Graph token (the same source the chat turns use). */
  readonly tokenSource: TokenSource;
  readonly messenger: Messenger;
  readonly conversations: ConversationReferences;
  readonly reminders: ReminderConversation;
  readonly digest: WeeklyDigest;
  readonly logger: ILogger;
  /** This instance's name for leases. */
  readonly owner: string;
  /** How long a claim is this instance's alone (reminders and tenants). */
  readonly leaseMs?: number;
  /** Reminders claimed and not yet finished, at most. */
  readonly maxInFlight?: number;
  /** Reminders being prepared (store reads, the run's step, the card) at once, before their card is queued. */
  readonly maxPreparing?: number;
  /** Attempts before a reminder is given up ('failed', audited). */
  readonly maxAttempts?: number;
  /** Delay before attempt n+1 (last value repeats). */
  readonly retryDelaysMs?: readonly number[];
  /** Where runs with Graph calls in flight are noted (see core/engine/in-flight.ts). */
  readonly journal?: InFlightJournal;
  /** DNS, for a timer that re-runs a step reading it. */
  readonly domainLookup?: DomainLookup;
}

const noop = (): void => undefined;

export const DEFAULT_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 4 * 60 * 60_000];

export function createReminderScheduler(options: ReminderSchedulerOptions) {
  const { store, clock, logger, owner, messenger } = options;
  const leaseMs = options.leaseMs ?? 120_000;
  const maxInFlight = options.maxInFlight ?? 400;
  /** Claims resume when what is in flight drops to this. */
  const refillAt = Math.floor(maxInFlight / 2);
  const maxAttempts = options.maxAttempts ?? 6;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  /** Ids of the reminders in `inFlight`. */
  const active = new Set<string>();
  /** Per run, so two reminders of one run never race on its eTag. */
  const runChains = new Map<string, Promise<void>>();
  let claiming: Promise<number> | undefined;
  /** When this instance last claimed (a claim also renews its hold on its tenants). */
  let lastClaimAt = -Infinity;
  // A claimed batch is prepared a few reminders at a time: every await lets all prepared work interleave, so with
  // no bound the first card of a backlog waited until all the batch (hundreds) had been read and built, and the
  // connector then got them in one burst. Bounded, the first cards leave while the rest are being prepared.
  const maxPreparing = options.maxPreparing ?? 64;
  let preparing = 0;
  const waitingToPrepare: (() => void)[] = [];

  /** Waits for a preparation slot; the returned function frees it (once, whatever the number of calls). */
  async function preparationSlot(): Promise<() => void> {
    if (preparing >= maxPreparing) await new Promise<void>((resolve) => waitingToPrepare.push(resolve));
    else preparing += 1;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = waitingToPrepare.shift();
      // The slot passes to the next one waiting, on the event loop's next turn: the store's reads and the run's
      // step resolve as microtasks, so without a turn in between the sockets (cards to send, answers to read)
      // would wait until the whole batch was prepared.
      if (next) setImmediate(next);
      else preparing -= 1;
    };
  }

  const runner = (graph: TenantGraph) =>
    createRunner({
      store,
      clock,
      procedures: options.procedures,
      graph: () => graph,
      ...(options.journal ? { journal: options.journal } : {}),
      ...(options.domainLookup ? { domainLookup: options.domainLookup } : {}),
    });

  async function audit(reminder: Reminder, action: string, result: string, details: Record<string, unknown>) {
    await store.appendAudit({
      tenantId: reminder.tenantId,
      at: new Date(clock.now()).toISOString(),
      actorId: 'sesame',
      ...(reminder.runId ? { runId: reminder.runId } : {}),
      action,
      result,
      details: { reminderId: reminder.id, attempt: reminder.attempts + 1, ...details },
    });
  }

  /** Retry later, or give up after maxAttempts with an audit event. */
  async function retryOrGiveUp(reminder: Reminder, reason: string, permanent: boolean): Promise<void> {
    const attempt = reminder.attempts + 1;
    if (permanent || attempt >= maxAttempts) {
      if (await store.failReminder(reminder.id, owner))
        await audit(reminder, 'reminder.failed', 'failed', { reason, permanent });
      logger.warn(`reminder ${reminder.id} given up after ${attempt} attempt(s): ${reason}`);
      return;
    }
    const delay = delays[Math.min(attempt - 1, delays.length - 1)]!;
    await store.releaseReminder(reminder.id, owner, clock.now() + delay);
    await audit(reminder, 'reminder.retry-scheduled', 'failed', { reason, delayMs: delay });
  }

  /** Kept free at the end of a lease for the store writes after a send. */
  const margin = Math.min(10_000, Math.floor(leaseMs / 4));

  /** What is left of the lease, less the margin: a send must start within it. */
  function startWithin(reminder: Reminder): number {
    return Math.max(0, (reminder.leaseUntil ?? clock.now() + leaseMs) - clock.now() - margin);
  }

  /**
   * `runDone` is called once the run itself has taken the timer: the run's next reminder may start then, while this
   * one's card waits for its turn in the conversation's queue (so a conversation's window fills up instead of one
   * send at a time, each after the previous one's store writes).
   */
  async function deliverRunTimer(
    reminder: Reminder,
    payload: RunReminderPayload,
    runDone: () => void,
    prepared: () => void,
  ): Promise<void> {
    const record = await store.get<Run>('run', reminder.tenantId, payload.runId);
    if (!record) {
      await store.completeReminder(reminder.id, owner);
      return;
    }
    const adminId = record.value.admin.id;
    let token: Promise<string> | undefined;
    // One token per delivery, asked for only when the run talks to Graph.
    const graph = options.graphFor(() => {
      if (!adminId)
        throw new SesameError('auth_required', 'the admin must sign in again for Sesame to go on');
      token ??= options.tokenSource.getGraphToken({ tenantId: reminder.tenantId, userId: adminId });
      return token;
    });
    // A second delivery (after a crash) is refused by the run as not armed: harmless. A snoozed reminder is not
    // the run's timer at all: it only posts the card again.
    const outcome = isSnoozedReminder(reminder.payload)
      ? undefined
      : await runner(graph).deliverReminder(reminder, record);
    runDone();
    const run = outcome?.run ?? record.value;
    if (payload.notify) {
      // Read together: each read is a round trip on PostgreSQL.
      const [stopped, ref] = isTerminal(run)
        ? [false, undefined]
        : await Promise.all([
            options.reminders.remindersStopped(run),
            options.conversations.get(reminder.tenantId, run.conversationId),
          ]);
      if (isTerminal(run) || stopped) {
        await audit(reminder, 'reminder.skipped', 'skipped', {
          reason: isTerminal(run) ? `run ${run.status}` : 'reminders stopped',
        });
      } else {
        if (!ref) {
          await retryOrGiveUp(reminder, 'no conversation reference (Sesame was removed from the chat)', true);
          return;
        }
        const card = options.reminders.cardFor(run, reminder.id, payload, { kind: 'open' });
        const sending = messenger.send(
          ref,
          { card: card as unknown as Record<string, unknown>, summary: options.reminders.summary(run) },
          // Past this the lease may be someone else's: give it back rather than risk a second send.
          { startWithinMs: startWithin(reminder) },
        );
        prepared();
        const sent = await sending;
        // Both before the reminder is marked sent (a crash in between re-sends it: the documented window).
        await Promise.all([
          options.reminders.posted(run, reminder.id, sent.id),
          audit(reminder, 'reminder.sent', 'ok', {
            conversationId: run.conversationId,
            activityId: sent.id,
            messageKey: payload.messageKey,
            ...(isSnoozedReminder(reminder.payload) ? { snoozeOf: reminder.payload.snoozeOf } : {}),
            instance: owner,
          }),
        ]);
      }
    }
    await store.completeReminder(reminder.id, owner);
  }

  async function deliverOne(reminder: Reminder, runDone: () => void): Promise<void> {
    const prepared = await preparationSlot();
    try {
      // Waited too long behind the run's other reminders: its lease is nearly over, so give it back untouched.
      if (startWithin(reminder) <= 0) {
        await store.releaseReminder(reminder.id, owner, clock.now(), { countAttempt: false });
        return;
      }
      if (isRunReminderPayload(reminder.payload))
        await deliverRunTimer(reminder, reminder.payload, runDone, prepared);
      else if (isDigestPayload(reminder.payload)) {
        prepared();
        await options.digest.deliver(reminder, reminder.payload, { startWithinMs: startWithin(reminder) });
        await store.completeReminder(reminder.id, owner);
      } else await retryOrGiveUp(reminder, 'unknown reminder payload', true);
    } catch (e) {
      if (isMessengerError(e) && e.code === 'messenger_deadline') {
        // Not sent, not a failure: due again now, for whoever holds the tenant next.
        await store.releaseReminder(reminder.id, owner, clock.now(), { countAttempt: false });
        return;
      }
      const permanent = isMessengerError(e) && !e.retryable;
      const reason =
        e instanceof Error ? `${isMessengerError(e) ? `${e.code}: ` : ''}${e.message}` : String(e);
      logger.warn(`reminder ${reminder.id} failed`, e instanceof Error ? e : String(e), {
        runId: reminder.runId,
        tenantId: reminder.tenantId,
      });
      await retryOrGiveUp(reminder, reason, permanent).catch((err: unknown) =>
        logger.error('could not record a reminder failure', err),
      );
    } finally {
      prepared();
    }
  }

  function track(reminder: Reminder): void {
    // Claimed again while this instance still holds it (its lease lapsed in the queue): already on its way.
    if (active.has(reminder.id)) return;
    active.add(reminder.id);
    const key = reminder.runId ?? reminder.id;
    const previous = runChains.get(key) ?? Promise.resolve();
    // The run's chain waits for this reminder's run work only (see deliverRunTimer), or for all of it.
    let releaseRun!: () => void;
    const runFree = new Promise<void>((resolve) => (releaseRun = resolve));
    const delivery = previous.then(() => deliverOne(reminder, releaseRun));
    const job = Promise.race([runFree, delivery.then(noop, noop)]);
    runChains.set(key, job);
    const done = delivery.finally(() => {
      inFlight.delete(done);
      active.delete(reminder.id);
      if (runChains.get(key) === job) runChains.delete(key);
      // Half the room free again: claim the next batch if the backlog goes on (one claim per batch, not per
      // reminder: a claim is a store transaction, and the queue ahead still holds half a batch of work).
      if (!stopped && timer && inFlight.size <= refillAt)
        void pump().catch((err: unknown) => logger.error('reminder dispatch failed', err));
    });
    inFlight.add(done);
  }

  /** Claims what is due while there is room, and starts delivering it; resolves with how many were claimed. */
  function pump(): Promise<number> {
    claiming ??= (async () => {
      let total = 0;
      // At least one claim per call, even when full: it also renews this instance's hold on its tenants.
      for (let first = true; !stopped && (first || inFlight.size < maxInFlight); first = false) {
        lastClaimAt = clock.now();
        const claimed = await store.claimDueReminders({
          now: clock.now(),
          owner,
          leaseMs,
          tenantLeaseMs: leaseMs,
          limit: Math.max(1, Math.min(200, maxInFlight - inFlight.size)),
        });
        for (const reminder of claimed) track(reminder);
        total += claimed.length;
        if (claimed.length === 0) break;
      }
      return total;
    })().finally(() => {
      claiming = undefined;
    });
    return claiming;
  }

  return {
    /**
     * Delivers everything due now and waits until it is done; resolves with how many reminders were claimed.
     * (Tests and the sandbox console call this; in service, start() keeps it going.)
     */
    async dispatchDue(): Promise<number> {
      let total = 0;
      for (;;) {
        const claimed = await pump();
        total += claimed;
        await Promise.all([...inFlight]);
        if (claimed === 0) return total;
      }
    },
    /** Re-arms at start (what is due is claimed at once), then looks for due reminders every `intervalMs`. */
    start(intervalMs: number): void {
      stopped = false;
      const tick = () => {
        // More than half full: the deliveries' refills claim when there is room. The tick claims only to renew
        // the hold on this instance's tenants before it lapses; a claim every tick (a short interval) kept the
        // database busy ranking the backlog for a handful of reminders each time.
        if (inFlight.size > refillAt && clock.now() - lastClaimAt < leaseMs / 4) return;
        void pump().catch((e: unknown) => logger.error('reminder dispatch failed', e));
      };
      timer ??= setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    /** Stops claiming, lets what is in flight finish, and gives up this instance's tenant leases. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await claiming?.catch(() => undefined);
      await Promise.all([...inFlight]);
      await store.releaseDispatchLeases(owner).catch(() => undefined);
    },
    /** Reminders this instance is delivering right now. */
    inFlight: () => inFlight.size,
  };
}

export type ReminderScheduler = ReturnType<typeof createReminderScheduler>;
