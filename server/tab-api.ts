import { Hono, type Context } from 'hono';
import type { Localized } from '../core/i18n/locale.js';
import type { Store } from '../core/ports/store.js';
import type { TabEnv } from './http-app.js';

interface ProcedureInfo {
  readonly id: string;
  readonly title: Localized;
  readonly summary: Localized;
  readonly steps: readonly { readonly id: string; readonly title: Localized }[];
}

/** What the tab needs of a stored run (the engine's Run is a superset). */
interface RunRecordView {
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

const caller = (c: Context) => (c as unknown as Context<TabEnv>).get('caller');

/** /api/tab/*: read-only views for the tab, always scoped to the caller's tenant (from the verified token). */
export function createTabApi(options: TabApiOptions): Hono {
  const api = new Hono();

  api.get('/me', (c) => {
    const me = caller(c);
    return c.json({ tenantId: me.tenantId, userId: me.userId, name: me.name, upn: me.upn });
  });

  api.get('/procedures', (c) =>
    c.json(options.procedures().map((p) => ({ id: p.id, title: p.title, summary: p.summary }))),
  );

  api.get('/runs', async (c) => {
    const me = caller(c);
    const procedures = new Map(options.procedures().map((p) => [p.id, p]));
    const records = await options.store.list<RunRecordView>('run', me.tenantId, { limit: 200 });
    return c.json(
      records.map(({ value: run, updatedAt }) => {
        const procedure = procedures.get(run.procedureId);
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
        };
      }),
    );
  });

  api.get('/audit', async (c) => {
    const me = caller(c);
    const before = c.req.query('before');
    const limitRaw = Number(c.req.query('limit') ?? '50');
    const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 200) : 50;
    const events = await options.store.listAudit(me.tenantId, {
      limit,
      ...(before && /^\d+$/.test(before) ? { before: Number(before) } : {}),
      ...(c.req.query('runId') ? { runId: c.req.query('runId') } : {}),
    });
    return c.json(events);
  });

  return api;
}
