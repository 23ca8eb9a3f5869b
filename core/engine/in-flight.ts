/**
 * The write-ahead journal of Graph calls in flight. The runner notes a run here (with the instance that drives
 * it) before it sends the run's Graph calls, and removes the note once the run no longer waits on Graph. A note
 * that outlives its instance (kill -9, crash, deploy) names a run whose calls will never be answered: the
 * recovery at start (bot/run-recovery.ts) finds it here, across tenants, and reconciles the run.
 *
 * Notes are Store records of Sesame itself (the nil tenant id, never a customer tenant's), so no tenant-facing
 * read can list them.
 */
import { StoreConflictError } from '../errors.js';
import type { Store } from '../ports/store.js';
import type { Run } from './run.js';

/** Records that belong to Sesame itself rather than to a customer tenant. */
export const SESAME_SYSTEM_TENANT = '00000000-0000-0000-0000-000000000000';
const PARTITION = 'graph-in-flight';

/** One running Sesame process. */
export interface InstanceRef {
  /** Random per start: a restarted process with the same pid is another instance. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
}

export interface InFlightEntry {
  readonly tenantId: string;
  readonly runId: string;
  /** ISO time the instance noted the run. */
  readonly since: string;
  readonly owner: InstanceRef;
}

export interface InFlightJournal {
  /** Before the run's Graph calls go out. */
  mark(run: Run): Promise<void>;
  /** Once the run no longer waits on Graph (missing notes are fine). */
  clear(tenantId: string, runId: string): Promise<void>;
  list(): Promise<InFlightEntry[]>;
}

const entryId = (tenantId: string, runId: string) => `${tenantId}|${runId}`;

export function storeInFlightJournal(store: Store, owner: InstanceRef, now: () => number): InFlightJournal {
  return {
    async mark(run) {
      const id = entryId(run.tenantId, run.id);
      const value: InFlightEntry = {
        tenantId: run.tenantId,
        runId: run.id,
        since: new Date(now()).toISOString(),
        owner,
      };
      const existing = await store.get<InFlightEntry>('setting', SESAME_SYSTEM_TENANT, id);
      try {
        if (!existing) await store.create('setting', SESAME_SYSTEM_TENANT, id, value, PARTITION);
        else await store.replace('setting', SESAME_SYSTEM_TENANT, id, value, existing.etag);
      } catch (e) {
        // Another turn of the same run noted it at the same moment: one note is enough.
        if (!(e instanceof StoreConflictError)) throw e;
      }
    },
    async clear(tenantId, runId) {
      await store.delete('setting', SESAME_SYSTEM_TENANT, entryId(tenantId, runId));
    },
    async list() {
      const records = await store.list<InFlightEntry>('setting', SESAME_SYSTEM_TENANT, {
        partition: PARTITION,
        limit: 1000,
      });
      return records.map((r) => r.value);
    },
  };
}
