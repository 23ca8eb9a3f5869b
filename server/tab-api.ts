import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import type { ChecklistViewer, ChecklistService } from '../core/checklist/checklist-service.js';
import { CHECKLIST_AREAS, type RefreshEvent } from '../core/checklist/api-types.js';
import { describeError } from '../core/i18n/describe-error.js';
import type { GraphReader } from '../core/ports/tenant-graph.js';
import type { EntraCaller } from '../adapters/identity/entra-token-verifier.js';
import { SesameError, isSesameError } from '../core/errors.js';
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
  /** The checklist (absent: its routes answer 404). */
  readonly checklist?: {
    readonly service: ChecklistService;
    /** Graph reads with the caller's delegated token (on-behalf-of the tab's SSO token). */
    readonly readerFor: (caller: EntraCaller, ssoToken: string) => GraphReader;
    readonly logError: (message: string, error: unknown) => void;
    /** Epoch ms (the injected clock). */
    readonly now: () => number;
  };
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

const viewerOf = (me: EntraCaller): ChecklistViewer => ({
  tenantId: me.tenantId,
  userId: me.userId,
  ...(me.name ? { name: me.name } : {}),
  roleTemplateIds: me.roleTemplateIds,
  appRoles: me.appRoles,
});

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  try {
    const body = (await c.req.json()) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SesameError('checklist_invalid', 'the body is not a JSON object', {
    status: 400,
    details: { detail: 'the body is not a JSON object', detailFr: 'le corps n’est pas un objet JSON' },
  });
}

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

  const checklist = options.checklist;
  if (checklist) {
    api.get('/checklist', async (c) => c.json(await checklist.service.current(viewerOf(caller(c)))));

    api.post('/checklist/refresh', (c) => {
      const me = caller(c);
      const ssoToken = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '';
      const locale = resolveLocale(c.req.header('accept-language'));
      c.header('content-type', 'application/x-ndjson; charset=utf-8');
      c.header('cache-control', 'no-store');
      return stream(c, async (out) => {
        const send = async (event: RefreshEvent): Promise<void> => {
          await out.write(`${JSON.stringify(event)}\n`);
        };
        try {
          await send({
            type: 'started',
            areas: CHECKLIST_AREAS,
            at: new Date(checklist.now()).toISOString(),
          });
          const reader = checklist.readerFor(me, ssoToken);
          const done = await checklist.service.refresh(viewerOf(me), reader, (area, items) =>
            send({ type: 'area', area, items }),
          );
          await send({ type: 'done', ...done });
        } catch (error) {
          if (!isSesameError(error)) checklist.logError('checklist refresh failed', error);
          const text = describeError(error, locale);
          await send({
            type: 'error',
            error: {
              code: isSesameError(error) ? error.code : 'internal',
              message: text.message,
              next: text.next,
            },
          });
        }
      });
    });

    api.get('/checklist/exceptions', async (c) =>
      c.json(await checklist.service.listExceptions(viewerOf(caller(c)))),
    );
    api.post('/checklist/exceptions', async (c) =>
      c.json(await checklist.service.accept(viewerOf(caller(c)), await jsonBody(c)), 201),
    );
    api.post('/checklist/exceptions/:id/renew', async (c) =>
      c.json(await checklist.service.renew(viewerOf(caller(c)), c.req.param('id'), await jsonBody(c))),
    );
    api.post('/checklist/exceptions/:id/revoke', async (c) =>
      c.json(
        await checklist.service.revoke(
          viewerOf(caller(c)),
          c.req.param('id'),
          c.req.header('content-length') === '0' ? {} : await jsonBody(c).catch(() => ({})),
        ),
      ),
    );
  }

  return api;
}
