import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import {
  Badge,
  Body1,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  useId,
  type BadgeProps,
} from '@fluentui/react-components';
import { auditActionText, auditResultText, describeAuditDetails } from '../../core/audit-text.js';
import { AUDIT_PAGE_SIZE, type AuditFilter, type TabApiClient, type TabAuditEvent } from './api-client.js';
import { useAuditLogStyles } from './AuditLog.styles.js';
import { errorText } from './error-text.js';
import { formatDateTime } from './format.js';
import { tt, type Locale, type TabMessageKey } from './i18n.js';
import { LoadError } from './LoadError.js';
import { useResource, type Resource } from './use-resource.js';

export interface AuditLogProps {
  readonly api: TabApiClient;
  readonly locale: Locale;
  readonly languageTag: string;
  readonly pageSize?: number;
  /** Saves the exported file; the tab downloads it through a link (a seam for tests). */
  readonly saveFile?: (file: Blob, name: string) => void;
}

/** The families of actions the "kind" filter offers (server/tab-audit.ts matches a code or its family). */
export const AUDIT_KINDS: readonly { readonly value: string; readonly key: TabMessageKey }[] = [
  { value: 'graph.write', key: 'audit.kind.write' },
  { value: 'run', key: 'audit.kind.run' },
  { value: 'step', key: 'audit.kind.step' },
  { value: 'reminder', key: 'audit.kind.reminder' },
  { value: 'checklist', key: 'audit.kind.checklist' },
];

const RESULT_BADGE: Record<string, BadgeProps['color']> = {
  ok: 'success',
  failed: 'danger',
  refused: 'warning',
  skipped: 'subtle',
};

/** The form's values: dates as the date inputs give them (YYYY-MM-DD, local days). */
export interface AuditFilterForm {
  readonly result: string;
  readonly kind: string;
  readonly from: string;
  readonly to: string;
}

export const noAuditFilter: AuditFilterForm = { result: '', kind: '', from: '', to: '' };

/** The API's filter for the form: whole local days, "to" included. */
export function auditFilterOf(form: AuditFilterForm): AuditFilter {
  const day = (value: string, plusDays = 0) => {
    const [y, m, d] = value.split('-').map(Number);
    if (!y || !m || !d) return undefined;
    return new Date(y, m - 1, d + plusDays).toISOString();
  };
  const from = form.from ? day(form.from) : undefined;
  const to = form.to ? day(form.to, 1) : undefined;
  return {
    ...(form.result ? { result: form.result as AuditFilter['result'] } : {}),
    ...(form.kind ? { action: form.kind } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** Downloads a file from the page (works inside the Teams frame and in a browser). */
export function downloadFile(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file name of an export: the day it was made, in the reader's calendar. */
export function exportFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `sesame-audit-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`;
}

export type ExportState =
  { readonly state: 'idle' | 'exporting' } | { readonly state: 'error'; readonly error: unknown };

export interface OlderPages {
  readonly events: TabAuditEvent[];
  readonly loading: boolean;
  readonly error?: unknown;
  /** True once a page came back shorter than asked: there is nothing older. */
  readonly reachedStart: boolean;
}

export const noOlderPages: OlderPages = { events: [], loading: false, reachedStart: false };

/** The tenant's audit log, newest first, 50 entries at a time with a button for older ones. */
export function AuditLog({
  api,
  locale,
  languageTag,
  pageSize = AUDIT_PAGE_SIZE,
  saveFile = downloadFile,
}: AuditLogProps) {
  const [form, setForm] = useState<AuditFilterForm>(noAuditFilter);
  const [exporting, setExporting] = useState<ExportState>({ state: 'idle' });
  const filter = useRef<AuditFilter>({});
  filter.current = auditFilterOf(form);
  const filterKey = JSON.stringify(filter.current);
  const load = useCallback(
    () => api.audit({ limit: pageSize }, JSON.parse(filterKey) as AuditFilter),
    [api, pageSize, filterKey],
  );
  const [firstPage, retry] = useResource(load);
  const [older, setOlder] = useState<OlderPages>(noOlderPages);

  // A reloaded first page starts the paging over, and an older page still on its way is dropped.
  const generation = useRef(0);
  useEffect(() => {
    generation.current += 1;
    setOlder(noOlderPages);
  }, [firstPage]);

  const loadOlder = () => {
    const shown = firstPage.state === 'ready' ? [...firstPage.data, ...older.events] : [];
    const oldest = shown[shown.length - 1];
    if (!oldest || older.loading) return;
    const asked = generation.current;
    setOlder((o) => ({ ...o, loading: true, error: undefined }));
    api.audit({ before: oldest.seq, limit: pageSize }, filter.current).then(
      (page) =>
        asked === generation.current &&
        setOlder((o) => ({
          events: [...o.events, ...page],
          loading: false,
          reachedStart: page.length < pageSize,
        })),
      (error: unknown) => asked === generation.current && setOlder((o) => ({ ...o, loading: false, error })),
    );
  };

  const exportCsv = () => {
    if (exporting.state === 'exporting') return;
    setExporting({ state: 'exporting' });
    api.auditCsv(filter.current).then(
      (file) => {
        saveFile(file, exportFileName(new Date()));
        setExporting({ state: 'idle' });
      },
      (error: unknown) => setExporting({ state: 'error', error }),
    );
  };

  return (
    <AuditLogView
      locale={locale}
      languageTag={languageTag}
      pageSize={pageSize}
      firstPage={firstPage}
      older={older}
      onRetry={retry}
      onLoadOlder={loadOlder}
      form={form}
      onFormChange={setForm}
      exporting={exporting}
      onExport={exportCsv}
    />
  );
}

export interface AuditLogViewProps {
  readonly locale: Locale;
  readonly languageTag: string;
  readonly pageSize: number;
  readonly firstPage: Resource<readonly TabAuditEvent[]>;
  readonly older: OlderPages;
  readonly onRetry: () => void;
  readonly onLoadOlder: () => void;
  readonly form?: AuditFilterForm;
  readonly onFormChange?: (form: AuditFilterForm) => void;
  readonly exporting?: ExportState;
  readonly onExport?: () => void;
}

/** The filters and the export button above the table. */
function AuditToolbar(props: {
  readonly locale: Locale;
  readonly form: AuditFilterForm;
  readonly onFormChange: (form: AuditFilterForm) => void;
  readonly exporting: ExportState;
  readonly onExport: () => void;
}) {
  const { locale, form, onFormChange, exporting, onExport } = props;
  const styles = useAuditLogStyles();
  const set = (key: keyof AuditFilterForm) => (event: ChangeEvent<HTMLSelectElement | HTMLInputElement>) =>
    onFormChange({ ...form, [key]: event.target.value });
  const filtered = form.result !== '' || form.kind !== '' || form.from !== '' || form.to !== '';
  return (
    <div className={styles.toolbar} role="search" aria-label={tt(locale, 'audit.filters')}>
      <Field label={tt(locale, 'audit.filter.result')} className={styles.filter}>
        <Select value={form.result} onChange={set('result')}>
          <option value="">{tt(locale, 'audit.filter.all')}</option>
          {(['ok', 'failed', 'refused', 'skipped'] as const).map((r) => (
            <option key={r} value={r}>
              {auditResultText(r, locale)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={tt(locale, 'audit.filter.kind')} className={styles.filter}>
        <Select value={form.kind} onChange={set('kind')}>
          <option value="">{tt(locale, 'audit.filter.all')}</option>
          {AUDIT_KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {tt(locale, k.key)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={tt(locale, 'audit.filter.from')} className={styles.filter}>
        <Input type="date" value={form.from} onChange={set('from')} />
      </Field>
      <Field label={tt(locale, 'audit.filter.to')} className={styles.filter}>
        <Input type="date" value={form.to} onChange={set('to')} />
      </Field>
      <div className={styles.toolbarActions}>
        {filtered && (
          <Button appearance="subtle" onClick={() => onFormChange(noAuditFilter)}>
            {tt(locale, 'audit.filter.clear')}
          </Button>
        )}
        <Button disabledFocusable={exporting.state === 'exporting'} onClick={onExport}>
          {tt(locale, filtered ? 'audit.exportFiltered' : 'audit.export')}
        </Button>
        {exporting.state === 'exporting' && <Spinner size="tiny" label={tt(locale, 'audit.exporting')} />}
      </div>
      {exporting.state === 'error' && (
        <MessageBar intent="error" layout="multiline" className={styles.wide}>
          <MessageBarBody>
            {tt(locale, 'audit.exportFailed')} {errorText(locale, exporting.error)}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

/** What the audit log shows in each state; no loading of its own. */
export function AuditLogView(props: AuditLogViewProps) {
  const { locale, languageTag, pageSize, firstPage, older, onRetry, onLoadOlder } = props;
  const form = props.form ?? noAuditFilter;
  const filtered = form.result !== '' || form.kind !== '' || form.from !== '' || form.to !== '';
  const styles = useAuditLogStyles();
  const headingId = useId('audit-heading');
  const events = firstPage.state === 'ready' ? [...firstPage.data, ...older.events] : [];
  const reachedStart =
    firstPage.state === 'ready' && (firstPage.data.length < pageSize || older.reachedStart);

  return (
    <section className={styles.root} aria-labelledby={headingId}>
      <Title3 as="h2" id={headingId}>
        {tt(locale, 'audit.title')}
      </Title3>
      <Body1 as="p">{tt(locale, 'audit.intro')}</Body1>
      {props.onFormChange && props.onExport && (
        <AuditToolbar
          locale={locale}
          form={form}
          onFormChange={props.onFormChange}
          exporting={props.exporting ?? { state: 'idle' }}
          onExport={props.onExport}
        />
      )}
      {firstPage.state === 'loading' && <Spinner size="small" label={tt(locale, 'audit.loading')} />}
      {firstPage.state === 'error' && <LoadError locale={locale} error={firstPage.error} onRetry={onRetry} />}
      {firstPage.state === 'ready' && events.length === 0 && (
        <Text as="p">{tt(locale, filtered ? 'audit.emptyFiltered' : 'audit.empty')}</Text>
      )}
      {events.length > 0 && (
        <>
          <div className={styles.scroller}>
            <Table className={styles.table} aria-labelledby={headingId}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col" className={styles.colWhen}>
                    {tt(locale, 'audit.col.at')}
                  </TableHeaderCell>
                  <TableHeaderCell scope="col" className={styles.colActor}>
                    {tt(locale, 'audit.col.actor')}
                  </TableHeaderCell>
                  <TableHeaderCell scope="col" className={styles.colAction}>
                    {tt(locale, 'audit.col.action')}
                  </TableHeaderCell>
                  <TableHeaderCell scope="col" className={styles.colResult}>
                    {tt(locale, 'audit.col.result')}
                  </TableHeaderCell>
                  <TableHeaderCell scope="col">{tt(locale, 'audit.col.details')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {events.map((event) => (
                  <TableRow key={event.seq}>
                    <TableCell className={styles.when}>
                      <time dateTime={event.at}>{formatDateTime(event.at, languageTag)}</time>
                    </TableCell>
                    <TableCell>{event.actorName || (event.actorId === 'sesame' ? 'Sesame' : '—')}</TableCell>
                    <TableCell>
                      <div className={styles.stack}>
                        <span>{auditActionText(event.action, locale)}</span>
                        {event.procedureTitle && (
                          <span className={styles.subtle}>{event.procedureTitle[locale]}</span>
                        )}
                      </div>
                    </TableCell>
                    <TableCell>
                      <Badge appearance="tint" color={RESULT_BADGE[event.result] ?? 'informative'}>
                        {auditResultText(event.result, locale)}
                      </Badge>
                    </TableCell>
                    <TableCell className={styles.details}>
                      {describeAuditDetails(event, locale, (iso) => formatDateTime(iso, languageTag))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {older.error !== undefined && (
            <LoadError locale={locale} error={older.error} onRetry={onLoadOlder} />
          )}
          <div className={styles.footer}>
            {reachedStart ? (
              <Text className={styles.subtle}>{tt(locale, 'audit.end')}</Text>
            ) : (
              <>
                {/* Stays in place (focusable) while loading, so keyboard focus is not lost. */}
                <Button disabledFocusable={older.loading} onClick={onLoadOlder}>
                  {tt(locale, 'audit.older')}
                </Button>
                {older.loading && <Spinner size="tiny" label={tt(locale, 'audit.loadingOlder')} />}
              </>
            )}
          </div>
        </>
      )}
    </section>
  );
}
