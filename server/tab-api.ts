import { Hono, type Context } from 'hono';
import { SesameError } from '../core/errors.js';
import { resolveLocale, type Localized } from '../core/i18n/locale.js';
import type { AuditEvent, Reminder, Store } from '../core/ports/store.js';
import { isOwnRun, runVisibility, type RunParticipants } from '../core/run-visibility.js';
import type { TabEnv } from './http-app.js';
import { auditCsv, auditFilterFromQuery, findAudit, withTitles, type AuditFilter } from './tab-audit.js';
import { runState, type RunStateRecord } from './tab-run-view.js';

interface ProcedureInfo {
  readonly id: string;
  readonly title: Localized;
  readonly summary: Localized;
  readonly steps: readonly { readonly id: string; readonly title: Localized }[];
}

/** What the tab needs of a stored run (the engine's Run is a superset). */
interface RunRecordView extends RunParticipants, Omit<RunStateRecord, 'admin'> {
  readonly admin?: { readonly id: string; readonly name?: string };
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

/** At most this many events in one CSV export (the newest ones matching the filters). */
export const AUDIT_EXPORT_LIMIT = 50_000;

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
          ...runState(run, procedure?.steps ?? []),
        };
      }),
    );
  });

  /** A page of the audit events this caller may read, newest first, matching `filter`. */
  async function visibleAudit(
    c: Context,
    page: { readonly before?: number; readonly limit: number },
    filter: AuditFilter,
  ): Promise<AuditEvent[]> {
    const me = caller(c);
    const runId = c.req.query('runId');
    if (runVisibility(me).scope === 'tenant') {
      return findAudit(options.store, me.tenantId, { ...page, ...(runId ? { runId } : {}) }, filter);
    }
    // Everyone else: the events of their own runs, merged newest first.
    const own = (await visibleRuns(c)).map((r) => r.id);
    if (runId && !own.includes(runId)) {
      throw new SesameError('tab_forbidden', `audit of run ${runId} is not visible to this user`, {
        status: 403,
      });
    }
    const perRun = await Promise.all(
      (runId ? [runId] : own).map((id) =>
        findAudit(options.store, me.tenantId, { ...page, runId: id }, filter),
      ),
    );
    return perRun
      .flat()
      .sort((a, b) => b.seq - a.seq)
      .slice(0, page.limit);
  }

  const beforeOf = (c: Context) => {
    const before = c.req.query('before');
    return before && /^\d+$/.test(before) ? { before: Number(before) } : {};
  };

  api.get('/audit', async (c) => {
    const limitRaw = Number(c.req.query('limit') ?? '50');
    const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 200) : 50;
    const filter = auditFilterFromQuery((name) => c.req.query(name));
    const events = await visibleAudit(c, { limit, ...beforeOf(c) }, filter);
    return c.json(withTitles(events, options.procedures()));
  });

  /** The same events as /audit (same filters, same visibility) as a CSV file, up to AUDIT_EXPORT_LIMIT rows. */
  api.get('/audit.csv', async (c) => {
    const filter = auditFilterFromQuery((name) => c.req.query(name));
    const events = await visibleAudit(c, { limit: AUDIT_EXPORT_LIMIT, ...beforeOf(c) }, filter);
    const locale = resolveLocale(c.req.header('accept-language'));
    return c.body(auditCsv(withTitles(events, options.procedures()), locale), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="sesame-audit.csv"`,
      'cache-control': 'no-store',
    });
  });

  return api;
}
