import { hostname } from 'node:os';
import type { ILogger } from '@microsoft/teams.common';
import { SesameError } from '../core/errors.js';
import type { InFlightEntry, InFlightJournal, InstanceRef } from '../core/engine/in-flight.js';
import type { Run } from '../core/engine/run.js';
import { createRunner } from '../core/engine/runner.js';
import { IN_FLIGHT_GRACE_MS } from '../core/engine/transition.js';
import type { Clock } from '../core/ports/clock.js';
import type { DomainLookup } from '../core/ports/domain-lookup.js';
import type { Store } from '../core/ports/store.js';
import type { TenantGraph } from '../core/ports/tenant-graph.js';
import type { ProcedureModule } from '../core/procedures/types.js';

export interface RunRecoveryOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly procedures: readonly ProcedureModule[];
  readonly journal: InFlightJournal;
  /** DNS, for a run interrupted while it read it (re-read at recovery). */
  readonly domainLookup?: DomainLookup;
  /** This process. */
  readonly instance: InstanceRef;
  readonly graphFor: (getToken: () => Promise<string>) => TenantGraph;
  /** The admin's Graph token from the Bot Framework token service, if they are still signed in. */
  readonly tokenFor: (tenantId: string, userId: string) => Promise<string | undefined>;
  readonly logger: ILogger;
  /** Whether a process on this host is alive (default: signal 0). */
  readonly isAlive?: (pid: number) => boolean;
}

export interface RecoveryReport {
  /** Runs re-read (reads issued again, interrupted writes re-probed). */
  readonly reconciled: number;
  /** Runs shown as interrupted until their admin signs in again. */
  readonly awaitingSignIn: number;
  /** Notes left alone: their instance may still be working on them. */
  readonly leftInFlight: number;
}

/** This process, as the in-flight journal names it. */
export function thisInstance(): InstanceRef {
  return {
    id: globalThis.crypto.randomUUID(),
    host: hostname(),
    pid: process.pid,
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it just is not ours to signal.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Start-up (and periodic) reconciliation of runs whose Graph calls were in flight when their Sesame process
 * stopped. A note is taken as orphaned when its process is gone: on this host, when that pid no longer runs (or
 * is this very process under a new start); elsewhere, once IN_FLIGHT_GRACE_MS has passed, longer than a live
 * instance spends on one Graph operation. The run then gets a `recover` event: with a token for its admin the
 * engine re-reads and re-probes at once (never a second write); without one the run says it was interrupted.
 */
export function createRunRecovery(options: RunRecoveryOptions) {
  const { store, clock, journal, instance, logger } = options;
  const isAlive = options.isAlive ?? pidAlive;

  function orphaned(entry: InFlightEntry): boolean {
    const owner = entry.owner;
    if (owner.id === instance.id) return clock.now() - Date.parse(entry.since) > IN_FLIGHT_GRACE_MS;
    if (owner.host === instance.host && (owner.pid === instance.pid || !isAlive(owner.pid))) return true;
    return clock.now() - Date.parse(entry.since) > IN_FLIGHT_GRACE_MS;
  }

  async function recoverOne(entry: InFlightEntry): Promise<'reconciled' | 'awaitingSignIn' | 'gone'> {
    const record = await store.get<Run>('run', entry.tenantId, entry.runId);
    if (!record || record.value.pending?.kind !== 'graph') {
      await journal.clear(entry.tenantId, entry.runId);
      return 'gone';
    }
    const token = await options.tokenFor(entry.tenantId, record.value.admin.id);
    const graph = options.graphFor(async () => {
      if (!token) throw new SesameError('auth_required', 'the admin must sign in again for Sesame to go on');
      return token;
    });
    const runner = createRunner({
      store,
      clock,
      procedures: options.procedures,
      graph: () => graph,
      journal,
      ...(options.domainLookup ? { domainLookup: options.domainLookup } : {}),
    });
    const outcome = await runner.dispatch(entry.tenantId, entry.runId, {
      type: 'recover',
      reachable: token !== undefined,
    });
    if (outcome.refused && outcome.run.pending?.kind !== 'graph')
      await journal.clear(entry.tenantId, entry.runId);
    return token ? 'reconciled' : 'awaitingSignIn';
  }

  let running: Promise<RecoveryReport> | undefined;

  async function recoverAll(): Promise<RecoveryReport> {
    let reconciled = 0;
    let awaitingSignIn = 0;
    let leftInFlight = 0;
    for (const entry of await journal.list()) {
      if (!orphaned(entry)) {
        leftInFlight += 1;
        continue;
      }
      try {
        const result = await recoverOne(entry);
        if (result === 'reconciled') reconciled += 1;
        else if (result === 'awaitingSignIn') awaitingSignIn += 1;
      } catch (e) {
        logger.warn(
          `could not recover run ${entry.runId}; trying again later`,
          e instanceof Error ? e.message : e,
        );
        leftInFlight += 1;
      }
    }
    if (reconciled + awaitingSignIn > 0)
      logger.info(
        `recovered interrupted runs: ${reconciled} reconciled, ${awaitingSignIn} waiting for their admin to sign in`,
      );
    return { reconciled, awaitingSignIn, leftInFlight };
  }

  return {
    /** Reconciles every orphaned run once; concurrent calls share one pass. */
    recoverAll(): Promise<RecoveryReport> {
      running ??= recoverAll().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

export type RunRecovery = ReturnType<typeof createRunRecovery>;
