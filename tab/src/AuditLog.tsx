import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Body1,
  Button,
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
} from '@fluentui/react-components';
import { AUDIT_PAGE_SIZE, type TabApiClient, type TabAuditEvent } from './api-client.js';
import { useAuditLogStyles } from './AuditLog.styles.js';
import { formatDateTime, formatDetails } from './format.js';
import { tt, type Locale } from './i18n.js';
import { LoadError } from './LoadError.js';
import { useResource, type Resource } from './use-resource.js';

export interface AuditLogProps {
  readonly api: TabApiClient;
  readonly locale: Locale;
  readonly languageTag: string;
  readonly pageSize?: number;
}

export interface OlderPages {
  readonly events: TabAuditEvent[];
  readonly loading: boolean;
  readonly error?: unknown;
  /** True once a page came back shorter than asked: there is nothing older. */
  readonly reachedStart: boolean;
}

export const noOlderPages: OlderPages = { events: [], loading: false, reachedStart: false };

/** The tenant's audit log, newest first, 50 entries at a time with a button for older ones. */
export function AuditLog({ api, locale, languageTag, pageSize = AUDIT_PAGE_SIZE }: AuditLogProps) {
  const load = useCallback(() => api.audit({ limit: pageSize }), [api, pageSize]);
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
    api.audit({ before: oldest.seq, limit: pageSize }).then(
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

  return (
    <AuditLogView
      locale={locale}
      languageTag={languageTag}
      pageSize={pageSize}
      firstPage={firstPage}
      older={older}
      onRetry={retry}
      onLoadOlder={loadOlder}
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
}

/** What the audit log shows in each state; no loading of its own. */
export function AuditLogView(props: AuditLogViewProps) {
  const { locale, languageTag, pageSize, firstPage, older, onRetry, onLoadOlder } = props;
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
      {firstPage.state === 'loading' && <Spinner size="small" label={tt(locale, 'audit.loading')} />}
      {firstPage.state === 'error' && <LoadError locale={locale} error={firstPage.error} onRetry={onRetry} />}
      {firstPage.state === 'ready' && events.length === 0 && <Text as="p">{tt(locale, 'audit.empty')}</Text>}
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
                  <TableHeaderCell scope="col" className={styles.colRun}>
                    {tt(locale, 'audit.col.run')}
                  </TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {events.map((event) => (
                  <TableRow key={event.seq}>
                    <TableCell className={styles.when}>
                      <time dateTime={event.at}>{formatDateTime(event.at, languageTag)}</time>
                    </TableCell>
                    <TableCell>{event.actorName}</TableCell>
                    <TableCell>{event.action}</TableCell>
                    <TableCell>{event.result}</TableCell>
                    <TableCell className={styles.details}>{formatDetails(event.details)}</TableCell>
                    <TableCell>
                      {event.runId ? <span className={styles.runId}>{event.runId}</span> : null}
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
