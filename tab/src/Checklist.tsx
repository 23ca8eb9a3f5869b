import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Select,
  Spinner,
  Subtitle1,
  Text,
  Title3,
  useId,
  type BadgeProps,
} from '@fluentui/react-components';
import {
  AREA_TITLES,
  CHECKLIST_AREAS,
  type ChecklistArea,
  type ChecklistChanges,
  type ChecklistItem,
  type ChecklistView as ChecklistData,
  type EffectiveStatus,
  type ExceptionView,
  type Severity,
} from '../../core/checklist/api-types.js';
import { TabApiError, type TabApiClient } from './api-client.js';
import { ChecklistChangesView } from './ChecklistChanges.js';
import { ChecklistItemDetail } from './ChecklistItemDetail.js';
import { useChecklistStyles } from './Checklist.styles.js';
import { errorText } from './error-text.js';
import { formatDateTime } from './format.js';
import { tt, type Locale, type TabMessageKey } from './i18n.js';
import { LoadError } from './LoadError.js';
import { useResource, type Resource } from './use-resource.js';

export const STATUS_ORDER: readonly EffectiveStatus[] = ['fail', 'warn', 'unknown', 'accepted', 'pass'];

export const STATUS_BADGE: Record<EffectiveStatus, { color: BadgeProps['color']; key: TabMessageKey }> = {
  fail: { color: 'danger', key: 'checklist.status.fail' },
  warn: { color: 'warning', key: 'checklist.status.warn' },
  unknown: { color: 'informative', key: 'checklist.status.unknown' },
  accepted: { color: 'brand', key: 'checklist.status.accepted' },
  pass: { color: 'success', key: 'checklist.status.pass' },
};

const SEVERITY_KEY: Record<Severity, TabMessageKey> = {
  high: 'checklist.severity.high',
  medium: 'checklist.severity.medium',
  low: 'checklist.severity.low',
};

/** The live refresh: which areas it reads, which are read again already (their items), and how it ended. */
export interface LiveRefresh {
  readonly state: 'idle' | 'running' | 'done' | 'error';
  readonly areas: readonly ChecklistArea[];
  readonly fresh: Partial<Record<ChecklistArea, readonly ChecklistItem[]>>;
  readonly error?: unknown;
}

export const idleRefresh: LiveRefresh = { state: 'idle', areas: [], fresh: {} };

export interface ChecklistFilter {
  readonly status: '' | EffectiveStatus;
  readonly severity: '' | Severity;
  readonly area: '' | ChecklistArea;
}

export const noChecklistFilter: ChecklistFilter = { status: '', severity: '', area: '' };

/** The items on screen: each area from the live refresh once it arrived, else from the last snapshot. */
export function shownItems(data: ChecklistData | undefined, live: LiveRefresh): ChecklistItem[] {
  const stored = data?.snapshot?.items ?? [];
  return CHECKLIST_AREAS.flatMap((area) => live.fresh[area] ?? stored.filter((i) => i.area === area));
}

export function countByStatus(items: readonly ChecklistItem[]): Record<EffectiveStatus, number> {
  const counts: Record<EffectiveStatus, number> = { fail: 0, warn: 0, unknown: 0, accepted: 0, pass: 0 };
  for (const item of items) counts[item.effectiveStatus] += 1;
  return counts;
}

export function applyFilter(items: readonly ChecklistItem[], filter: ChecklistFilter): ChecklistItem[] {
  return items.filter(
    (i) =>
      (!filter.status || i.effectiveStatus === filter.status) &&
      (!filter.severity || i.severity === filter.severity) &&
      (!filter.area || i.area === filter.area),
  );
}

export interface ChecklistProps {
  readonly api: TabApiClient;
  readonly locale: Locale;
  readonly languageTag: string;
  /** "Fix it in chat" for an item's procedure; absent when the chat cannot be opened. */
  readonly onFix?: (item: ChecklistItem) => void;
  /** Shown under the fix buttons (the Playground's message to send, or why Teams refused). */
  readonly fixNotice?: React.ReactNode;
}

/** The checklist: the last snapshot at once, then read again live, area by area. */
export function Checklist({ api, locale, languageTag, onFix, fixNotice }: ChecklistProps) {
  const loadView = useCallback(() => api.checklist(), [api]);
  const [view, reloadView] = useResource(loadView);
  const loadExceptions = useCallback(() => api.exceptions().catch((): ExceptionView[] => []), [api]);
  const [exceptions, reloadExceptions] = useResource(loadExceptions);
  const [live, setLive] = useState<LiveRefresh>(idleRefresh);
  const started = useRef(false);
  const abort = useRef<AbortController | undefined>(undefined);

  const refresh = useCallback(() => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setLive({ state: 'running', areas: [...CHECKLIST_AREAS], fresh: {} });
    api
      .refreshChecklist((event) => {
        if (controller.signal.aborted) return;
        if (event.type === 'started') setLive((l) => ({ ...l, areas: event.areas }));
        if (event.type === 'area')
          setLive((l) => ({ ...l, fresh: { ...l.fresh, [event.area]: event.items } }));
        if (event.type === 'done') {
          setLive((l) => ({ ...l, state: 'done' }));
          // The stored view now holds this snapshot and what changed since the previous one.
          reloadView();
        }
        if (event.type === 'error')
          setLive((l) => ({
            ...l,
            state: 'error',
            error: new TabApiError(event.error.code, 0, event.error.message),
          }));
      }, controller.signal)
      .then(
        () =>
          !controller.signal.aborted &&
          setLive((l) =>
            l.state === 'running' ? { ...l, state: 'error', error: new TabApiError('bad-response', 200) } : l,
          ),
        (error: unknown) => !controller.signal.aborted && setLive((l) => ({ ...l, state: 'error', error })),
      );
  }, [api, reloadView]);

  // Once the stored snapshot is on screen (or known to be missing), read the tenant again.
  useEffect(() => {
    if (view.state === 'ready' && !started.current) {
      started.current = true;
      refresh();
    }
  }, [view.state, refresh]);
  useEffect(() => () => abort.current?.abort(), []);

  // After an exception changes, the stored view says the new effective statuses; live items would be stale.
  const afterChange = useCallback(() => {
    setLive((l) => ({ ...l, fresh: {} }));
    reloadView();
    reloadExceptions();
  }, [reloadView, reloadExceptions]);

  return (
    <ChecklistView
      locale={locale}
      languageTag={languageTag}
      view={view}
      live={live}
      exceptions={exceptions.state === 'ready' ? exceptions.data : []}
      onRetry={reloadView}
      onRefresh={refresh}
      onFix={onFix}
      fixNotice={fixNotice}
      onAccept={async (request) => {
        await api.acceptException(request);
        afterChange();
      }}
      onRenew={async (id, request) => {
        await api.renewException(id, request);
        afterChange();
      }}
      onRevoke={async (id) => {
        await api.revokeException(id);
        afterChange();
      }}
    />
  );
}

export interface ChecklistViewProps {
  readonly locale: Locale;
  readonly languageTag: string;
  readonly view: Resource<ChecklistData>;
  readonly live: LiveRefresh;
  readonly exceptions: readonly ExceptionView[];
  readonly onRetry: () => void;
  readonly onRefresh: () => void;
  readonly onFix?: ((item: ChecklistItem) => void) | undefined;
  readonly fixNotice?: React.ReactNode;
  readonly onAccept: ChecklistItemDetailHandlers['onAccept'];
  readonly onRenew: ChecklistItemDetailHandlers['onRenew'];
  readonly onRevoke: ChecklistItemDetailHandlers['onRevoke'];
  /** Items open at first (tests); the user opens and closes them. */
  readonly initiallyOpen?: readonly string[];
  readonly today?: Date;
}

type ChecklistItemDetailHandlers = Pick<
  Parameters<typeof ChecklistItemDetail>[0],
  'onAccept' | 'onRenew' | 'onRevoke'
>;

/** What the checklist shows in each state; no loading of its own. */
export function ChecklistView(props: ChecklistViewProps) {
  const { locale, languageTag, view, live } = props;
  const styles = useChecklistStyles();
  const headingId = useId('checklist-heading');
  const [filter, setFilter] = useState<ChecklistFilter>(noChecklistFilter);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set(props.initiallyOpen ?? []));
  const data = view.state === 'ready' ? view.data : undefined;
  const items = useMemo(() => shownItems(data, live), [data, live]);
  const counts = countByStatus(items);
  const filtered = applyFilter(items, filter);
  const snapshot = data?.snapshot ?? null;
  const areasDone = live.areas.filter((a) => live.fresh[a]).length;
  const running = live.state === 'running';
  const filtering = filter.status !== '' || filter.severity !== '' || filter.area !== '';

  const toggle = (ruleId: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(ruleId)) next.delete(ruleId);
      else next.add(ruleId);
      return next;
    });

  return (
    <section className={styles.root} aria-labelledby={headingId}>
      <div className={styles.headerRow}>
        <div className={styles.grow}>
          <Title3 as="h2" id={headingId}>
            {tt(locale, 'checklist.title')}
          </Title3>
          <Body1 as="p">{tt(locale, 'checklist.intro')}</Body1>
        </div>
        {view.state === 'ready' && (
          <Button appearance="secondary" disabledFocusable={running} onClick={props.onRefresh}>
            {tt(locale, 'checklist.refresh')}
          </Button>
        )}
      </div>

      {view.state === 'loading' && <Spinner size="small" label={tt(locale, 'checklist.loading')} />}
      {view.state === 'error' && <LoadError locale={locale} error={view.error} onRetry={props.onRetry} />}

      {view.state === 'ready' && (
        <>
          <div className={styles.progress} aria-live="polite">
            {snapshot && (
              <Text className={styles.subtle}>
                {tt(locale, 'checklist.takenAt', {
                  at: formatDateTime(snapshot.takenAt, languageTag),
                  name: snapshot.takenBy.name ?? '—',
                })}
              </Text>
            )}
            {running && (
              <>
                <Text>
                  {tt(locale, snapshot ? 'checklist.refreshing' : 'checklist.firstRun', {
                    done: areasDone,
                    total: live.areas.length,
                  })}
                </Text>
                <ProgressBar
                  value={live.areas.length ? areasDone / live.areas.length : 0}
                  aria-label={tt(locale, 'checklist.progressLabel')}
                  aria-valuetext={tt(locale, 'checklist.refreshing', {
                    done: areasDone,
                    total: live.areas.length,
                  })}
                />
              </>
            )}
            {live.state === 'done' && (
              <Text className={styles.subtle}>{tt(locale, 'checklist.upToDate')}</Text>
            )}
          </div>

          {live.state === 'error' && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{tt(locale, 'checklist.refreshFailed')}</MessageBarTitle>
                {errorText(locale, live.error)} {snapshot ? tt(locale, 'checklist.showingLast') : ''}
              </MessageBarBody>
              <MessageBarActions>
                <Button onClick={props.onRefresh}>{tt(locale, 'error.retry')}</Button>
              </MessageBarActions>
            </MessageBar>
          )}

          {items.length > 0 && (
            <ul className={styles.summary} aria-label={tt(locale, 'checklist.summary')}>
              {STATUS_ORDER.map((status) => (
                <li key={status} className={styles.summaryItem}>
                  <Badge appearance="filled" color={STATUS_BADGE[status].color}>
                    {counts[status]}
                  </Badge>
                  <Text>{tt(locale, STATUS_BADGE[status].key)}</Text>
                </li>
              ))}
            </ul>
          )}

          {data?.changes && (
            <ChecklistChangesView changes={data.changes} locale={locale} languageTag={languageTag} />
          )}

          {items.length > 0 && <ChecklistFilters locale={locale} filter={filter} onChange={setFilter} />}

          {items.length === 0 && !running && (
            <div className={styles.emptyState}>
              <Text>{tt(locale, 'checklist.empty')}</Text>
            </div>
          )}
          {items.length > 0 && filtered.length === 0 && <Text as="p">{tt(locale, 'checklist.noMatch')}</Text>}
          {props.fixNotice}

          {CHECKLIST_AREAS.map((area) => {
            const inArea = filtered
              .filter((i) => i.area === area)
              .sort(
                (a, b) => STATUS_ORDER.indexOf(a.effectiveStatus) - STATUS_ORDER.indexOf(b.effectiveStatus),
              );
            const waiting = running && live.areas.includes(area) && !live.fresh[area];
            if (inArea.length === 0 && !(waiting && !filtering)) return null;
            return (
              <AreaSection
                key={area}
                area={area}
                items={inArea}
                waiting={waiting}
                props={props}
                open={open}
                onToggle={toggle}
              />
            );
          })}
        </>
      )}
    </section>
  );
}

function AreaSection(args: {
  readonly area: ChecklistArea;
  readonly items: readonly ChecklistItem[];
  readonly waiting: boolean;
  readonly props: ChecklistViewProps;
  readonly open: ReadonlySet<string>;
  readonly onToggle: (ruleId: string) => void;
}) {
  const { area, items, waiting, props, open, onToggle } = args;
  const { locale, languageTag } = props;
  const styles = useChecklistStyles();
  const headingId = useId(`area-${area}`);
  const canManage = props.view.state === 'ready' && props.view.data.canManageExceptions;
  return (
    <section className={styles.area} aria-labelledby={headingId} aria-busy={waiting}>
      <div className={styles.areaHeader}>
        <Subtitle1 as="h3" id={headingId}>
          {AREA_TITLES[area][locale]}
        </Subtitle1>
        {waiting && <Spinner size="extra-tiny" label={tt(locale, 'checklist.areaReading')} />}
      </div>
      {items.length > 0 && (
        <ul className={styles.items}>
          {items.map((item) => {
            const badge = STATUS_BADGE[item.effectiveStatus];
            const expanded = open.has(item.ruleId);
            const panelId = `checklist-item-${item.ruleId}`;
            return (
              <li key={item.ruleId} className={styles.item} data-rule={item.ruleId}>
                <button
                  type="button"
                  className={styles.itemButton}
                  aria-expanded={expanded}
                  aria-controls={panelId}
                  onClick={() => onToggle(item.ruleId)}
                >
                  <span>
                    <Badge appearance="tint" color={badge.color}>
                      {tt(locale, badge.key)}
                    </Badge>
                  </span>
                  <span className={styles.itemText}>
                    <span className={styles.itemTitle}>{item.title[locale]}</span>
                    <span className={styles.verdict}>{item.verdict[locale]}</span>
                  </span>
                  <span className={styles.subtle}>{tt(locale, SEVERITY_KEY[item.severity])}</span>
                </button>
                {expanded && (
                  <div id={panelId}>
                    <ChecklistItemDetail
                      item={item}
                      locale={locale}
                      languageTag={languageTag}
                      canManage={canManage}
                      exceptions={mergeExceptions(item, props.exceptions)}
                      {...(props.onFix ? { onFix: props.onFix } : {})}
                      onAccept={props.onAccept}
                      onRenew={props.onRenew}
                      onRevoke={props.onRevoke}
                      {...(props.today ? { today: props.today } : {})}
                    />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The item's active exceptions and, from the full list, its expired and revoked ones (to renew or read). */
function mergeExceptions(item: ChecklistItem, all: readonly ExceptionView[]): ExceptionView[] {
  const byId = new Map<string, ExceptionView>();
  for (const e of all) if (e.ruleId === item.ruleId) byId.set(e.id, e);
  for (const e of item.exceptions) byId.set(e.id, e);
  const order = { active: 0, expired: 1, revoked: 2 } as const;
  return [...byId.values()].sort((a, b) => order[a.status] - order[b.status]);
}

function ChecklistFilters(props: {
  readonly locale: Locale;
  readonly filter: ChecklistFilter;
  readonly onChange: (filter: ChecklistFilter) => void;
}) {
  const { locale, filter, onChange } = props;
  const styles = useChecklistStyles();
  return (
    <div className={styles.filters} role="search" aria-label={tt(locale, 'checklist.filters')}>
      <Field label={tt(locale, 'checklist.filter.status')} className={styles.filter}>
        <Select
          value={filter.status}
          onChange={(_, d) => onChange({ ...filter, status: d.value as ChecklistFilter['status'] })}
        >
          <option value="">{tt(locale, 'audit.filter.all')}</option>
          {STATUS_ORDER.map((s) => (
            <option key={s} value={s}>
              {tt(locale, STATUS_BADGE[s].key)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={tt(locale, 'checklist.filter.severity')} className={styles.filter}>
        <Select
          value={filter.severity}
          onChange={(_, d) => onChange({ ...filter, severity: d.value as ChecklistFilter['severity'] })}
        >
          <option value="">{tt(locale, 'audit.filter.all')}</option>
          {(['high', 'medium', 'low'] as const).map((s) => (
            <option key={s} value={s}>
              {tt(locale, SEVERITY_KEY[s])}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={tt(locale, 'checklist.filter.area')} className={styles.filter}>
        <Select
          value={filter.area}
          onChange={(_, d) => onChange({ ...filter, area: d.value as ChecklistFilter['area'] })}
        >
          <option value="">{tt(locale, 'audit.filter.all')}</option>
          {CHECKLIST_AREAS.map((a) => (
            <option key={a} value={a}>
              {AREA_TITLES[a][locale]}
            </option>
          ))}
        </Select>
      </Field>
      {(filter.status !== '' || filter.severity !== '' || filter.area !== '') && (
        <Button appearance="subtle" onClick={() => onChange(noChecklistFilter)}>
          {tt(locale, 'audit.filter.clear')}
        </Button>
      )}
    </div>
  );
}

export type { ChecklistChanges };
