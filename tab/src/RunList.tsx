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
import type { RunStatus, TabApiClient, TabRun, TabRunWaitingFor } from './api-client.js';
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

/** What the badge says: the stored status, except that a run stuck on missing rights or an error says so. */
type ShownStatus = RunStatus | 'blocked' | 'stalled';

const statusBadge: Record<ShownStatus, { color: BadgeProps['color']; key: TabMessageKey }> = {
  active: { color: 'brand', key: 'status.active' },
  blocked: { color: 'danger', key: 'status.blocked' },
  stalled: { color: 'warning', key: 'status.stalled' },
  waiting: { color: 'warning', key: 'status.waiting' },
  done: { color: 'success', key: 'status.done' },
  failed: { color: 'danger', key: 'status.failed' },
  cancelled: { color: 'subtle', key: 'status.cancelled' },
};

export function shownStatus(run: TabRun): ShownStatus {
  if (run.waitingFor?.kind === 'rights') return 'blocked';
  if (run.waitingFor?.kind === 'error') return 'stalled';
  return run.status;
}

/** "Waiting for what, until when", in a sentence; empty for a finished run. */
export function waitingText(waiting: TabRunWaitingFor, locale: Locale, languageTag: string): string {
  const when = (iso: string) => formatDateTime(iso, languageTag);
  switch (waiting.kind) {
    case 'rights': {
      const parts: string[] = [];
      if (waiting.missingRoles.length > 0)
        parts.push(
          tt(locale, 'runs.waiting.roles', { roles: waiting.missingRoles.map((r) => r[locale]).join(', ') }),
        );
      if (waiting.missingScopes.length > 0)
        parts.push(tt(locale, 'runs.waiting.scopes', { scopes: waiting.missingScopes.join(', ') }));
      return parts.join(' ') || tt(locale, 'runs.waiting.rightsUnknown');
    }
    case 'deadline':
      return [
        tt(locale, 'runs.waiting.until', { until: when(waiting.until) }),
        waiting.nextCheckAt ? tt(locale, 'runs.waiting.nextCheck', { at: when(waiting.nextCheckAt) }) : '',
      ]
        .filter(Boolean)
        .join(' · ');
    case 'admin':
      return tt(locale, `runs.waiting.ask.${waiting.ask}`);
    case 'retry':
      return [
        waiting.reason?.[locale] ?? tt(locale, 'runs.waiting.retry'),
        tt(locale, 'runs.waiting.retryAt', { at: when(waiting.at) }),
      ].join(' · ');
    case 'error':
      return [tt(locale, 'runs.waiting.error'), waiting.reason?.[locale]].filter(Boolean).join(' · ');
    case 'graph':
      return tt(locale, 'runs.waiting.graph');
  }
}

/** The step cell: the step's title, "before the first step" for a run stopped at its rights check, else a dash. */
function stepText(run: TabRun, locale: Locale): string | undefined {
  if (run.currentStepTitle) return run.currentStepTitle[locale];
  if (run.waitingFor?.stepTitle) return run.waitingFor.stepTitle[locale];
  if (run.waitingFor?.kind === 'rights') return tt(locale, 'runs.step.rightsCheck');
  return undefined;
}

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
                <TableHeaderCell scope="col">{tt(locale, 'runs.col.waitingFor')}</TableHeaderCell>
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
                const shown = shownStatus(run);
                const badge = statusBadge[shown] ?? { color: 'informative' as const, key: undefined };
                const step = stepText(run, locale);
                const waiting = run.waitingFor ? waitingText(run.waitingFor, locale, languageTag) : undefined;
                return (
                  <TableRow key={run.id}>
                    <TableCell>{run.procedureTitle[locale]}</TableCell>
                    <TableCell>
                      <div className={styles.stack}>
                        <Badge appearance="tint" color={badge.color}>
                          {badge.key ? tt(locale, badge.key) : run.status}
                        </Badge>
                        {run.reminder?.failed && (
                          <Badge appearance="outline" color="danger">
                            {tt(locale, 'runs.reminderFailed')}
                          </Badge>
                        )}
                        {!run.reminder?.failed && run.reminder?.nextAt && (
                          <span className={styles.subtle}>
                            {tt(locale, 'runs.nextReminder', {
                              at: formatDateTime(run.reminder.nextAt, languageTag),
                            })}
                          </span>
                        )}
                        {run.outcome && <span className={styles.subtle}>{run.outcome.reason[locale]}</span>}
                      </div>
                    </TableCell>
                    <TableCell>
                      {step ?? <span className={styles.subtle}>{tt(locale, 'runs.noStep')}</span>}
                    </TableCell>
                    <TableCell>
                      {waiting ?? <span className={styles.subtle}>{tt(locale, 'runs.noStep')}</span>}
                    </TableCell>
                    <TableCell>
                      <div className={styles.stack}>
                        <span>{run.startedBy.name}</span>
                        {run.lastActor && run.lastActor.id !== run.startedBy.id && (
                          <span className={styles.subtle}>
                            {tt(locale, 'runs.lastActor', { name: run.lastActor.name })}
                          </span>
                        )}
                      </div>
                    </TableCell>
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
