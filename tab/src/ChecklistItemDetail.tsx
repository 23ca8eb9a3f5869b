import { useState, type FormEvent } from 'react';
import {
  Badge,
  Button,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Select,
  Subtitle2,
  Text,
  Textarea,
} from '@fluentui/react-components';
import type {
  AcceptExceptionRequest,
  ChecklistItem,
  ExceptionView,
  RenewExceptionRequest,
} from '../../core/checklist/api-types.js';
import { flattenUntrusted } from '../../core/i18n/inert-text.js';
import { useChecklistItemDetailStyles } from './ChecklistItemDetail.styles.js';
import { errorText } from './error-text.js';
import { formatDate, formatDateTime } from './format.js';
import { tt, type Locale } from './i18n.js';

export interface ChecklistItemDetailProps {
  readonly item: ChecklistItem;
  readonly locale: Locale;
  readonly languageTag: string;
  /** Whether this viewer may accept, renew and revoke exceptions. */
  readonly canManage: boolean;
  /** Every exception of this rule (active, expired, revoked). */
  readonly exceptions: readonly ExceptionView[];
  /** "Fix it in chat": absent when the bot cannot be reached. */
  readonly onFix?: (item: ChecklistItem) => void;
  readonly onAccept: (request: AcceptExceptionRequest) => Promise<void>;
  readonly onRenew: (id: string, request: RenewExceptionRequest) => Promise<void>;
  readonly onRevoke: (id: string) => Promise<void>;
  /** Today, for the expiry field's bounds and default (a seam for tests). */
  readonly today?: Date;
}

/** Untrusted text from the directory: one line, no bidi tricks; React writes it as text, never HTML. */
const inert = (value: string, maxLength = 256) => flattenUntrusted(value, { maxLength });

/** Links go to http(s) pages only: a reference's URL never runs script. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A date input's value (YYYY-MM-DD, local) `days` after `from`. */
export function dateInputValue(from: Date, days: number): string {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The end of the chosen day in the reader's time zone, as ISO: an exception lasts the whole of its last day. */
export function endOfDayIso(value: string): string | undefined {
  const [y, m, d] = value.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d, 23, 59, 59).toISOString();
}

/** Everything about one checklist item: why, what was read, what is at fault, the references, the fix, exceptions. */
export function ChecklistItemDetail(props: ChecklistItemDetailProps) {
  const { item, locale, languageTag, canManage, exceptions } = props;
  const styles = useChecklistItemDetailStyles();
  const values = Object.entries(item.evidence.values);
  const objects = item.evidence.objects;
  const more = (item.evidence.objectsTotal ?? objects.length) - objects.length;
  const canAccept = canManage && (item.status === 'fail' || item.status === 'warn');
  const [accepting, setAccepting] = useState(false);

  return (
    <div className={styles.root}>
      <Text as="p">{item.explanation[locale]}</Text>
      {item.threshold && (
        <Text as="p" className={styles.subtle}>
          {tt(locale, 'checklist.threshold', { threshold: item.threshold[locale] })}
        </Text>
      )}

      {item.status === 'unknown' && item.missing && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {item.missing.message[locale]}
            {item.missing.roles.length > 0 &&
              ` ${tt(locale, 'checklist.missing.roles', { roles: item.missing.roles.map((r) => r[locale]).join(', ') })}`}
            {item.missing.scopes.length > 0 &&
              ` ${tt(locale, 'checklist.missing.scopes', { scopes: item.missing.scopes.join(', ') })}`}
          </MessageBarBody>
        </MessageBar>
      )}

      {values.length > 0 && (
        <section className={styles.block}>
          <Subtitle2 as="h4">{tt(locale, 'checklist.values')}</Subtitle2>
          <dl className={styles.values}>
            {values.map(([name, value]) => (
              <div key={name} className={styles.valuePair}>
                <dt className={styles.valueName}>{name}</dt>
                <dd className={styles.valueData}>{value === null ? '—' : inert(String(value))}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      {objects.length > 0 && (
        <section className={styles.block}>
          <Subtitle2 as="h4">
            {tt(locale, 'checklist.objects', { count: item.evidence.objectsTotal ?? objects.length })}
          </Subtitle2>
          <ul className={styles.list}>
            {objects.map((o) => (
              <li key={`${o.kind}:${o.id}`}>
                <span className={styles.objectName}>{inert(o.name)}</span>{' '}
                <span className={styles.subtle}>({tt(locale, `checklist.kind.${o.kind}`)})</span>
                {o.detail && <> — {o.detail[locale]}</>}{' '}
                {o.exceptionId && (
                  <Badge appearance="tint" color="brand">
                    {tt(locale, 'checklist.status.accepted')}
                  </Badge>
                )}
              </li>
            ))}
          </ul>
          {more > 0 && (
            <Text className={styles.subtle}>{tt(locale, 'checklist.moreObjects', { count: more })}</Text>
          )}
        </section>
      )}

      {item.references.length > 0 && (
        <section className={styles.block}>
          <Subtitle2 as="h4">{tt(locale, 'checklist.references')}</Subtitle2>
          <ul className={styles.list}>
            {item.references.map((r) => {
              const url = safeUrl(r.url);
              const label = `${r.framework} ${r.id}`;
              return (
                <li key={label}>
                  {url ? (
                    <Link href={url} target="_blank" rel="noopener noreferrer">
                      {label}
                    </Link>
                  ) : (
                    label
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {item.reads.length > 0 && (
        <section className={styles.block}>
          <Subtitle2 as="h4">{tt(locale, 'checklist.reads')}</Subtitle2>
          <ul className={styles.list}>
            {item.reads.map((read) => (
              <li key={read} className={styles.code}>
                {read}
              </li>
            ))}
          </ul>
        </section>
      )}

      {exceptions.length > 0 && (
        <section className={styles.block}>
          <Subtitle2 as="h4">{tt(locale, 'checklist.exceptions')}</Subtitle2>
          {exceptions.map((e) => (
            <ExceptionEntry
              key={e.id}
              exception={e}
              locale={locale}
              languageTag={languageTag}
              canManage={canManage}
              onRenew={props.onRenew}
              onRevoke={props.onRevoke}
              today={props.today ?? new Date()}
            />
          ))}
        </section>
      )}

      <div className={styles.actions}>
        {item.fix && (
          <Button
            appearance="primary"
            disabledFocusable={!props.onFix}
            onClick={() => props.onFix?.(item)}
            aria-label={tt(locale, 'checklist.fixLabel', { procedure: item.fix.title[locale] })}
          >
            {tt(locale, 'checklist.fix')}
          </Button>
        )}
        {canAccept && !accepting && (
          <Button onClick={() => setAccepting(true)}>{tt(locale, 'checklist.accept')}</Button>
        )}
      </div>
      {item.fix && (
        <Text className={styles.subtle}>
          {tt(locale, 'checklist.fixBy', { procedure: item.fix.title[locale] })}
        </Text>
      )}
      {canAccept && accepting && (
        <ExceptionForm
          item={item}
          locale={locale}
          today={props.today ?? new Date()}
          onCancel={() => setAccepting(false)}
          onSubmit={async (request) => {
            await props.onAccept(request);
            setAccepting(false);
          }}
        />
      )}
    </div>
  );
}

function ExceptionEntry(props: {
  readonly exception: ExceptionView;
  readonly locale: Locale;
  readonly languageTag: string;
  readonly canManage: boolean;
  readonly onRenew: (id: string, request: RenewExceptionRequest) => Promise<void>;
  readonly onRevoke: (id: string) => Promise<void>;
  readonly today: Date;
}) {
  const { exception: e, locale, languageTag, canManage, today } = props;
  const styles = useChecklistItemDetailStyles();
  const [renewing, setRenewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [until, setUntil] = useState(dateInputValue(today, 90));
  const statusColor = e.status === 'active' ? 'brand' : e.status === 'expired' ? 'danger' : 'informative';
  const act = (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    work().then(
      () => {
        setBusy(false);
        setRenewing(false);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure);
      },
    );
  };
  return (
    <div className={styles.exception}>
      <div className={styles.actions}>
        <Badge appearance="tint" color={statusColor}>
          {tt(locale, `checklist.exception.${e.status}`)}
        </Badge>
        {e.subjectName && <span className={styles.objectName}>{inert(e.subjectName)}</span>}
      </div>
      <Text>{tt(locale, 'checklist.exception.reason', { reason: inert(e.reason, 500) })}</Text>
      <Text className={styles.subtle}>
        {tt(locale, 'checklist.exception.by', {
          name: e.acceptedBy.name ? inert(e.acceptedBy.name) : '—',
          at: formatDateTime(e.acceptedAt, languageTag),
        })}{' '}
        {tt(locale, e.status === 'expired' ? 'checklist.exception.expiredOn' : 'checklist.exception.review', {
          at: formatDate(e.expiresAt, languageTag),
        })}
      </Text>
      {e.origin && (
        <Text className={styles.subtle}>
          {tt(locale, 'checklist.exception.origin', {
            procedure: e.origin.procedureTitle[locale],
            name: e.origin.by.name ? inert(e.origin.by.name) : '—',
            at: formatDateTime(e.origin.at, languageTag),
            why: e.origin.why[locale],
          })}
        </Text>
      )}
      {canManage && e.status !== 'revoked' && (
        <div className={styles.actions}>
          {!renewing && (
            <Button size="small" disabledFocusable={busy} onClick={() => setRenewing(true)}>
              {tt(locale, 'checklist.exception.renew')}
            </Button>
          )}
          {e.status === 'active' && (
            <Button size="small" disabledFocusable={busy} onClick={() => act(() => props.onRevoke(e.id))}>
              {tt(locale, 'checklist.exception.revoke')}
            </Button>
          )}
        </div>
      )}
      {renewing && (
        <form
          className={styles.form}
          noValidate
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            const expiresAt = endOfDayIso(until);
            if (expiresAt) act(() => props.onRenew(e.id, { expiresAt }));
          }}
        >
          <Field label={tt(locale, 'checklist.exception.until')} required>
            <Input
              type="date"
              value={until}
              min={dateInputValue(today, 1)}
              max={dateInputValue(today, 365)}
              onChange={(_, data) => setUntil(data.value)}
            />
          </Field>
          <div className={styles.actions}>
            <Button type="submit" appearance="primary" disabledFocusable={busy}>
              {tt(locale, 'checklist.exception.renewSubmit')}
            </Button>
            <Button onClick={() => setRenewing(false)}>{tt(locale, 'checklist.cancel')}</Button>
          </div>
        </form>
      )}
      {error !== undefined && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{errorText(locale, error)}</MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

function ExceptionForm(props: {
  readonly item: ChecklistItem;
  readonly locale: Locale;
  readonly today: Date;
  readonly onCancel: () => void;
  readonly onSubmit: (request: AcceptExceptionRequest) => Promise<void>;
}) {
  const { item, locale, today } = props;
  const styles = useChecklistItemDetailStyles();
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(dateInputValue(today, 90));
  const [subject, setSubject] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [tried, setTried] = useState(false);
  const reasonMissing = reason.trim() === '';
  const untilMissing = endOfDayIso(until) === undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const expiresAt = endOfDayIso(until);
    if (reasonMissing || !expiresAt) return;
    setBusy(true);
    setError(undefined);
    props
      .onSubmit({
        ruleId: item.ruleId,
        reason: reason.trim(),
        expiresAt,
        ...(subject ? { subjectId: subject } : {}),
      })
      .then(
        () => setBusy(false),
        (failure: unknown) => {
          setBusy(false);
          setError(failure);
        },
      );
  };

  return (
    <form
      className={styles.form}
      onSubmit={submit}
      noValidate
      aria-label={tt(locale, 'checklist.acceptTitle')}
    >
      <Subtitle2 as="h4">{tt(locale, 'checklist.acceptTitle')}</Subtitle2>
      <Text className={styles.subtle}>{tt(locale, 'checklist.acceptText')}</Text>
      {item.evidence.objects.length > 0 && (
        <Field label={tt(locale, 'checklist.acceptSubject')}>
          <Select value={subject} onChange={(_, data) => setSubject(data.value)}>
            <option value="">{tt(locale, 'checklist.acceptWholeRule')}</option>
            {item.evidence.objects
              .filter((o) => !o.exceptionId)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {inert(o.name, 120)}
                </option>
              ))}
          </Select>
        </Field>
      )}
      <Field
        label={tt(locale, 'checklist.acceptReason')}
        required
        {...(tried && reasonMissing
          ? {
              validationState: 'error' as const,
              validationMessage: tt(locale, 'checklist.acceptReasonMissing'),
            }
          : {})}
      >
        <Textarea value={reason} maxLength={500} onChange={(_, data) => setReason(data.value)} />
      </Field>
      <Field
        label={tt(locale, 'checklist.exception.until')}
        required
        {...(tried && untilMissing
          ? {
              validationState: 'error' as const,
              validationMessage: tt(locale, 'checklist.acceptUntilMissing'),
            }
          : {})}
      >
        <Input
          type="date"
          value={until}
          min={dateInputValue(today, 1)}
          max={dateInputValue(today, 365)}
          onChange={(_, data) => setUntil(data.value)}
        />
      </Field>
      {error !== undefined && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{errorText(locale, error)}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabledFocusable={busy}>
          {tt(locale, 'checklist.acceptSubmit')}
        </Button>
        <Button onClick={props.onCancel}>{tt(locale, 'checklist.cancel')}</Button>
      </div>
    </form>
  );
}
