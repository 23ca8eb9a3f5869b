/**
 * The tab's audit log: filters (result, kind of action, who, when), the titles a person reads (procedure, step) and
 * the CSV export. Which events a caller may see is decided by the caller of these functions (server/tab-api.ts,
 * through core/run-visibility.ts); everything here works inside one tenant's events.
 */
import { auditActionText, auditResultText, describeAuditDetails } from '../core/audit-text.js';
import { findRule } from '../core/checklist/rules.js';
import type { Locale, Localized } from '../core/i18n/locale.js';
import type { AuditEvent, AuditQuery, Store } from '../core/ports/store.js';

export interface AuditFilter {
  /** 'ok', 'failed', 'refused', 'skipped'. */
  readonly result?: string;
  /** An action code or its family: 'graph.write', 'run', 'reminder', 'checklist'… */
  readonly action?: string;
  /** The actor's Entra object id, or 'sesame'. */
  readonly actorId?: string;
  /** ISO times: from (inclusive), to (exclusive). */
  readonly from?: string;
  readonly to?: string;
}

const RESULTS = new Set(['ok', 'failed', 'refused', 'skipped']);
const ACTION = /^[a-z][a-z.-]{0,63}$/i;
const ACTOR = /^[\w.@:-]{1,128}$/;

/** The filter named by a request's query string; values that do not parse are ignored, never trusted. */
export function auditFilterFromQuery(query: (name: string) => string | undefined): AuditFilter {
  const result = query('result');
  const action = query('action');
  const actorId = query('actor');
  const date = (name: string) => {
    const v = query(name);
    return v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined;
  };
  const from = date('from');
  const to = date('to');
  return {
    ...(result && RESULTS.has(result) ? { result } : {}),
    ...(action && ACTION.test(action) ? { action } : {}),
    ...(actorId && ACTOR.test(actorId) ? { actorId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

export function matchesAuditFilter(event: AuditEvent, filter: AuditFilter): boolean {
  if (filter.result && event.result !== filter.result) return false;
  if (filter.action && event.action !== filter.action && !event.action.startsWith(`${filter.action}.`))
    return false;
  if (filter.actorId && event.actorId !== filter.actorId) return false;
  const at = Date.parse(event.at);
  if (filter.from && at < Date.parse(filter.from)) return false;
  if (filter.to && at >= Date.parse(filter.to)) return false;
  return true;
}

const isEmpty = (f: AuditFilter) => Object.keys(f).length === 0;

/** How many stored events one request may look through to fill a filtered page. */
export const AUDIT_SCAN_LIMIT = 100_000;

/**
 * Up to `limit` events of one tenant (or one run) matching `filter`, newest first, older than `before`. Without a
 * filter this is one store page; with one, pages are read until `limit` matches (or the scan limit), so that a page
 * shorter than asked still means "nothing older matches".
 */
export async function findAudit(
  store: Store,
  tenantId: string,
  query: AuditQuery & { readonly limit: number },
  filter: AuditFilter,
): Promise<AuditEvent[]> {
  if (isEmpty(filter)) return store.listAudit(tenantId, query);
  const found: AuditEvent[] = [];
  let before = query.before;
  let scanned = 0;
  const page = 1000;
  while (found.length < query.limit && scanned < AUDIT_SCAN_LIMIT) {
    const batch = await store.listAudit(tenantId, {
      ...(query.runId ? { runId: query.runId } : {}),
      ...(before !== undefined ? { before } : {}),
      limit: page,
    });
    scanned += batch.length;
    for (const e of batch) {
      if (filter.from && Date.parse(e.at) < Date.parse(filter.from)) {
        // Events come newest first and times only grow with seq: nothing older can match.
        return found;
      }
      if (matchesAuditFilter(e, filter)) found.push(e);
      if (found.length === query.limit) return found;
    }
    if (batch.length < page) break;
    before = batch[batch.length - 1]!.seq;
  }
  return found;
}

interface ProcedureTitles {
  readonly id: string;
  readonly title: Localized;
  readonly steps: readonly { readonly id: string; readonly title: Localized }[];
}

export type TabAuditEventView = AuditEvent & {
  readonly procedureTitle?: Localized;
  readonly stepTitle?: Localized;
  /** Checklist events: the title of the rule (details.ruleId). */
  readonly ruleTitle?: Localized;
};

/**
 * Adds the procedure's and the step's titles (from details.procedureId / stepId), and a checklist rule's (from
 * details.ruleId), so the tab and the CSV can say them.
 */
export function withTitles(
  events: readonly AuditEvent[],
  procedures: readonly ProcedureTitles[],
): TabAuditEventView[] {
  const byId = new Map(procedures.map((p) => [p.id, p]));
  return events.map((e) => {
    const d = e.details ?? {};
    const procedure = typeof d.procedureId === 'string' ? byId.get(d.procedureId) : undefined;
    const stepId = typeof d.stepId === 'string' ? d.stepId : typeof d.to === 'string' ? d.to : undefined;
    const step = procedure?.steps.find((s) => s.id === stepId);
    const rule = typeof d.ruleId === 'string' ? findRule(d.ruleId) : undefined;
    return {
      ...e,
      ...(rule ? { ruleTitle: rule.title } : {}),
      ...(procedure ? { procedureTitle: procedure.title } : {}),
      ...(step ? { stepTitle: step.title } : {}),
    };
  });
}

const HEADERS: Readonly<Record<Locale, readonly string[]>> = {
  en: [
    'Time (UTC)',
    'Who',
    'Procedure',
    'Action',
    'Result',
    'Details',
    'Action code',
    'Run',
    'Graph request ids',
  ],
  fr: [
    'Date (UTC)',
    'Qui',
    'Procédure',
    'Action',
    'Résultat',
    'Détails',
    'Code de l’action',
    'Exécution',
    'Identifiants de requête Graph',
  ],
};

/**
 * One CSV cell (RFC 4180). A cell a spreadsheet would read as a formula (= + - @, tab, carriage return) is
 * prefixed with an apostrophe: a directory name typed by someone else never runs in the reader's Excel.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The audit log as CSV, UTF-8 with a byte order mark (Excel reads the accents right), CRLF line ends. */
export function auditCsv(events: readonly TabAuditEventView[], locale: Locale): string {
  const rows = events.map((e) => {
    const d = e.details ?? {};
    const requestIds = Array.isArray(d.requestIds) ? d.requestIds.filter((r) => typeof r === 'string') : [];
    return [
      e.at,
      e.actorName ?? (e.actorId === 'sesame' ? 'Sesame' : e.actorId),
      e.procedureTitle?.[locale] ?? '',
      auditActionText(e.action, locale),
      auditResultText(e.result, locale),
      describeAuditDetails(e, locale),
      e.action,
      e.runId ?? '',
      requestIds.join(' '),
    ];
  });
  return `\uFEFF${[HEADERS[locale], ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
