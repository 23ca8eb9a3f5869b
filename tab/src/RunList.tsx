import { useCallback } from 'react';
import {
  Badge,
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
import type { RunStatus, TabApiClient, TabRun } from './api-client.js';
import { formatDateTime } from './format.js';
import { tt, type Locale, type TabMessageKey } from './i18n.js';
import { LoadError } from './LoadError.js';
import { useRunListStyles } from './RunList.styles.js';
import { useResource, type Resource } from './use-resource.js';

export interface RunListProps {
  readonly api: TabApiClient;
  readonly locale: Locale;
  readonly languageTag: string;
}

const statusBadge: Record<RunStatus, { color: BadgeProps['color']; key: TabMessageKey }> = {
  active: { color: 'brand', key: 'status.active' },
  waiting: { color: 'warning', key: 'status.waiting' },
  done: { color: 'success', key: 'status.done' },
  failed: { color: 'danger', key: 'status.failed' },
  cancelled: { color: 'subtle', key: 'status.cancelled' },
};

/** Newest first, whatever order the server used. */
function byNewest(runs: readonly TabRun[]): TabRun[] {
  return [...runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/** The tenant's procedure runs: status, current step, who started them and when. */
export function RunList({ api, locale, languageTag }: RunListProps) {
  const load = useCallback(() => api.runs().then(byNewest), [api]);
  const [resource, retry] = useResource(load);
  return <RunListView locale={locale} languageTag={languageTag} resource={resource} onRetry={retry} />;
}

export interface RunListViewProps {
  readonly locale: Locale;
  readonly languageTag: string;
  readonly resource: Resource<readonly TabRun[]>;
  readonly onRetry: () => void;
}

/** What the run list shows in each state; no loading of its own. */
export function RunListView({ locale, languageTag, resource, onRetry }: RunListViewProps) {
  const styles = useRunListStyles();
  const headingId = useId('runs-heading');
  return (
    <section className={styles.root} aria-labelledby={headingId}>
      <Title3 as="h2" id={headingId}>
        {tt(locale, 'runs.title')}
      </Title3>
      {resource.state === 'loading' && <Spinner size="small" label={tt(locale, 'runs.loading')} />}
      {resource.state === 'error' && <LoadError locale={locale} error={resource.error} onRetry={onRetry} />}
      {resource.state === 'ready' && resource.data.length === 0 && (
        <Text as="p">{tt(locale, 'runs.empty')}</Text>
      )}
      {resource.state === 'ready' && resource.data.length > 0 && (
        <div className={styles.scroller}>
          <Table className={styles.table} aria-labelledby={headingId}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{tt(locale, 'runs.col.procedure')}</TableHeaderCell>
                <TableHeaderCell scope="col" className={styles.colStatus}>
                  {tt(locale, 'runs.col.status')}
                </TableHeaderCell>
                <TableHeaderCell scope="col">{tt(locale, 'runs.col.step')}</TableHeaderCell>
                <TableHeaderCell scope="col">{tt(locale, 'runs.col.startedBy')}</TableHeaderCell>
                <TableHeaderCell scope="col" className={styles.colDate}>
                  {tt(locale, 'runs.col.startedAt')}
                </TableHeaderCell>
                <TableHeaderCell scope="col" className={styles.colDate}>
                  {tt(locale, 'runs.col.updatedAt')}
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {resource.data.map((run) => {
                const badge = statusBadge[run.status] ?? { color: 'informative' as const, key: undefined };
                return (
                  <TableRow key={run.id}>
                    <TableCell>{run.procedureTitle[locale]}</TableCell>
                    <TableCell>
                      <Badge appearance="tint" color={badge.color}>
                        {badge.key ? tt(locale, badge.key) : run.status}
                      </Badge>
                      {run.reminder?.failed && (
                        <Badge appearance="outline" color="danger">
                          {tt(locale, 'runs.reminderFailed')}
                        </Badge>
                      )}
                      {!run.reminder?.failed && run.reminder?.nextAt && (
                        <div className={styles.subtle}>
                          {tt(locale, 'runs.nextReminder', {
                            at: formatDateTime(run.reminder.nextAt, languageTag),
                          })}
                        </div>
                      )}
                    </TableCell>
                    <TableCell>
                      {run.currentStepTitle ? (
                        run.currentStepTitle[locale]
                      ) : (
                        <span className={styles.subtle}>
                          {run.currentStepId ?? tt(locale, 'runs.noStep')}
                        </span>
                      )}
                    </TableCell>
                    <TableCell>{run.startedBy.name}</TableCell>
                    <TableCell>
                      <time dateTime={run.startedAt}>{formatDateTime(run.startedAt, languageTag)}</time>
                    </TableCell>
                    <TableCell>
                      <time dateTime={run.updatedAt}>{formatDateTime(run.updatedAt, languageTag)}</time>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
