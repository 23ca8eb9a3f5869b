import { Hono, type Context } from 'hono';
import { SesameError } from '../core/errors.js';
import type { Localized } from '../core/i18n/locale.js';
import type { AuditEvent, Reminder, Store } from '../core/ports/store.js';
import { isOwnRun, runVisibility, type RunParticipants } from '../core/run-visibility.js';
import type { TabEnv } from './http-app.js';

interface ProcedureInfo {
  readonly id: string;
  readonly title: Localized;
  readonly summary: Localized;
  readonly steps: readonly { readonly id: string; readonly title: Localized }[];
}

/** What the tab needs of a stored run (the engine's Run is a superset). */
interface RunRecordView extends RunParticipants {
  readonly id: string;
  readonly procedureId: string;
  readonly status: string;
  readonly currentStepId?: string;
  readonly startedAt: string;
  readonly startedBy: { readonly id: string; readonly name?: string };
}

export interface TabApiOptions {
  readonly store: Store;
  readonly procedures: () => readonly ProcedureInfo[];
}

/**
 * Per run, what its reminders to the chat say: when the next is due, and whether one was given up ("reminder
 * failed": Sesame could not post it after its attempts). Internal timers (polls, retries) are left out.
 */
function remindersByRun(list: readonly Reminder[]): Map<string, { nextAt?: string; failed: boolean }> {
  const byRun = new Map<string, { nextAt?: string; failed: boolean }>();
  for (const r of list) {
    if (!r.runId || r.payload.notify !== true) continue;
    const entry = byRun.get(r.runId) ?? { failed: false };
    if (r.status === 'failed') entry.failed = true;
    // Soonest first: the first scheduled one is the next.
    if (r.status === 'scheduled' && entry.nextAt === undefined)
      entry.nextAt = new Date(r.dueAt).toISOString();
    byRun.set(r.runId, entry);
  }
  return byRun;
}

const caller = (c: Context) => (c as unknown as Context<TabEnv>).get('caller');

/** How many runs the tab lists, and how far back "own runs" are looked for. */
const RUN_LIMIT = 200;

/**
 * /api/tab/*: read-only views for the tab, always scoped to the caller's tenant (from the verified token), and
 * within it to what the caller may read (core/run-visibility.ts): the tenant's runs and audit log for its
 * administrators and readers, their own runs and those runs' audit events for everyone else.
 */
export function createTabApi(options: TabApiOptions): Hono {
  const api = new Hono();

  /** The runs of the caller's tenant this caller may read, newest first. */
  async function visibleRuns(c: Context) {
    const me = caller(c);
    const records = await options.store.list<RunRecordView>('run', me.tenantId, {
      limit: runVisibility(me).scope === 'tenant' ? RUN_LIMIT : 1000,
    });
    if (runVisibility(me).scope === 'tenant') return records;
    return records.filter((r) => isOwnRun(me, r.value)).slice(0, RUN_LIMIT);
  }

  api.get('/me', (c) => {
    const me = caller(c);
    const visibility = runVisibility(me);
    return c.json({
      tenantId: me.tenantId,
      userId: me.userId,
      name: me.name,
      upn: me.upn,
      access: visibility,
    });
  });

  api.get('/procedures', (c) =>
    c.json(options.procedures().map((p) => ({ id: p.id, title: p.title, summary: p.summary }))),
  );

  api.get('/runs', async (c) => {
    const procedures = new Map(options.procedures().map((p) => [p.id, p]));
    const records = await visibleRuns(c);
    const reminders = remindersByRun(await options.store.listReminders(caller(c).tenantId));
    return c.json(
      records.map(({ value: run, updatedAt }) => {
        const procedure = procedures.get(run.procedureId);
        const reminder = reminders.get(run.id);
        return {
          id: run.id,
          procedureId: run.procedureId,
          procedureTitle: procedure?.title ?? { en: run.procedureId, fr: run.procedureId },
          status: run.status,
          currentStepId: run.currentStepId,
          currentStepTitle: procedure?.steps.find((s) => s.id === run.currentStepId)?.title,
          startedAt: run.startedAt,
          startedBy: run.startedBy,
          updatedAt,
          ...(reminder ? { reminder } : {}),
        };
      }),
    );
  });

  api.get('/audit', async (c) => {
    const me = caller(c);
    const before = c.req.query('before');
    const runId = c.req.query('runId');
    const limitRaw = Number(c.req.query('limit') ?? '50');
    const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 200) : 50;
    const page = {
      limit,
      ...(before && /^\d+$/.test(before) ? { before: Number(before) } : {}),
    };
    if (runVisibility(me).scope === 'tenant') {
      return c.json(await options.store.listAudit(me.tenantId, { ...page, ...(runId ? { runId } : {}) }));
    }
    // Everyone else: the events of their own runs, merged newest first.
    const own = (await visibleRuns(c)).map((r) => r.id);
    if (runId && !own.includes(runId)) {
      throw new SesameError('tab_forbidden', `audit of run ${runId} is not visible to this user`, {
        status: 403,
      });
    }
    const perRun = await Promise.all(
      (runId ? [runId] : own).map((id) => options.store.listAudit(me.tenantId, { ...page, runId: id })),
    );
    const events: AuditEvent[] = perRun
      .flat()
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit);
    return c.json(events);
  });

  return api;
}
