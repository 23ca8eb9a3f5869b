/**
 * The weekly digest, opt-in per conversation ("digest on" / "résumé hebdo"): every Monday at 09:00 on the tenant's
 * calendar, what waits (runs waiting on a person or on propagation, with their due times), what failed (runs and
 * reminders given up) and what changed (runs started and finished) over the week. It is a reminder like the others
 * (durable, leased, retried), scheduled again for the next week once posted.
 *
 * Sections are pluggable (DigestSection): the guest-access checklist adds its own "what failed in the checklist"
 * section when it lands, without touching the scheduler or the card frame.
 */
import { CardText } from './cards/card-text.js';
import { calendarLabel, DEFAULT_CALENDAR, tenantCalendar, type CalendarId } from '../core/calendar/index.js';
import { addCivilDays, civilDayOfWeek, fromWallClock, toWallClock } from '../core/calendar/time-zone.js';
import { isRunReminderPayload } from '../core/engine/runner.js';
import type { Run } from '../core/engine/run.js';
import type { Locale } from '../core/i18n/locale.js';
import { resolveLocale } from '../core/i18n/locale.js';
import type { Clock } from '../core/ports/clock.js';
import type { Messenger, SendOptions } from '../core/ports/messenger.js';
import type { Reminder, Store } from '../core/ports/store.js';
import type { LocalizedText } from '../core/procedures/text.js';
import type { ProcedureModule } from '../core/procedures/types.js';
import { adaptiveCard, textBlock, type AdaptiveCard, type CardElement } from './cards/adaptive-card.js';
import type { ConversationReferences } from './conversation-references.js';

export interface DigestPayload {
  readonly kind: 'weekly-digest';
  readonly conversationId: string;
}

export function isDigestPayload(
  payload: Readonly<Record<string, unknown>>,
): payload is DigestPayload & Record<string, unknown> {
  return payload.kind === 'weekly-digest' && typeof payload.conversationId === 'string';
}

export const digestReminderId = (conversationId: string) => `digest:${conversationId}`;

export interface DigestContext {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly locale: Locale;
  /** The week covered: [since, until) epoch ms. */
  readonly since: number;
  readonly until: number;
  readonly formatTime: (iso: string) => string;
}

/** One part of the digest: its card elements, or undefined when it has nothing to say this week. */
export interface DigestSection {
  readonly id: string;
  build(context: DigestContext): Promise<CardElement[] | undefined>;
}

const L = (fr: string, en: string): LocalizedText => ({ fr, en });
const TXT = {
  title: L('Résumé de la semaine — Sesame', 'Weekly digest — Sesame'),
  period: L(
    'Du {since} au {until} (calendrier : {calendar})',
    'From {since} to {until} (calendar: {calendar})',
  ),
  waits: L('En attente', 'Waiting'),
  waitLine: L('{procedure} — échéance {due}{overdue}', '{procedure} — due {due}{overdue}'),
  overdue: L(' (dépassée)', ' (overdue)'),
  failed: L('En échec', 'Failed'),
  failedRun: L('{procedure} : la procédure a échoué', '{procedure}: the procedure failed'),
  failedReminder: L(
    '{procedure} : un rappel n’a pas pu être envoyé',
    '{procedure}: a reminder could not be sent',
  ),
  changed: L('Cette semaine', 'This week'),
  changedLine: L(
    '{started} procédure(s) démarrée(s), {done} terminée(s)',
    '{started} procedure(s) started, {done} completed',
  ),
  nothing: L('Rien en attente ni en échec cette semaine.', 'Nothing waiting or failed this week.'),
  on: L(
    'Résumé hebdomadaire activé : chaque lundi à 9 h ({calendar}), ce qui attend et ce qui a échoué.',
    'Weekly digest on: every Monday at 09:00 ({calendar}), what waits and what failed.',
  ),
  off: L(
    'Résumé hebdomadaire désactivé pour cette conversation.',
    'Weekly digest off for this conversation.',
  ),
};

const fill = (text: string, params: Readonly<Record<string, string>>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);

/** Next Monday 09:00 on the calendar's wall clock, strictly after `now`. */
export function nextDigestAt(now: number, timeZone: string): number {
  const wall = toWallClock(now, timeZone);
  let date = { year: wall.year, month: wall.month, day: wall.day };
  for (let i = 0; i < 8; i += 1) {
    if (civilDayOfWeek(date) === 1) {
      const at = fromWallClock({ ...date, hour: 9, minute: 0, second: 0, millisecond: 0 }, timeZone);
      if (at > now) return at;
    }
    date = addCivilDays(date, 1);
  }
  throw new Error('no Monday within a week');
}

export interface WeeklyDigestOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly messenger: Messenger;
  readonly conversations: ConversationReferences;
  readonly procedures: readonly ProcedureModule[];
  /** The tenant's calendar (France by default). */
  readonly calendarOf?: (tenantId: string) => Promise<CalendarId>;
  /** Sections after the built-in ones (the checklist's, later). */
  readonly sections?: readonly DigestSection[];
  readonly inert: (text: string) => string;
}

export function createWeeklyDigest(options: WeeklyDigestOptions) {
  const { store, clock } = options;
  const calendarOf = options.calendarOf ?? (async () => DEFAULT_CALENDAR);
  const title = (run: Run, locale: Locale) =>
    options.inert(
      options.procedures.find((m) => m.procedure.id === run.procedureId)?.procedure.title[locale] ??
        run.procedureId,
    );

  const builtIn: DigestSection[] = [
    {
      id: 'waits',
      async build(ctx) {
        const runs = (await store.list<Run>('run', ctx.tenantId, { limit: 1000 })).map((r) => r.value);
        const waiting = runs.filter((r) => r.status === 'waiting');
        if (waiting.length === 0) return undefined;
        const lines = waiting.map((run) => {
          const due = run.pending?.kind === 'wait' ? run.pending.dueAt : undefined;
          const overdue = due !== undefined && Date.parse(due) <= ctx.until;
          return `- ${fill(TXT.waitLine[ctx.locale], {
            procedure: title(run, ctx.locale),
            due: due ? ctx.formatTime(due) : '—',
            overdue: overdue ? TXT.overdue[ctx.locale] : '',
          })}`;
        });
        return [
          textBlock(CardText.trusted(TXT.waits[ctx.locale]), { weight: 'Bolder' }),
          textBlock(CardText.trusted(lines.join('\n'))),
        ];
      },
    },
    {
      id: 'failed',
      async build(ctx) {
        const runs = (await store.list<Run>('run', ctx.tenantId, { limit: 1000 })).map((r) => r.value);
        const lines = runs
          .filter((r) => r.status === 'failed' && Date.parse(r.updatedAt) >= ctx.since)
          .map((run) => `- ${fill(TXT.failedRun[ctx.locale], { procedure: title(run, ctx.locale) })}`);
        const reminders = await store.listReminders(ctx.tenantId);
        for (const r of reminders) {
          if (r.status !== 'failed' || !isRunReminderPayload(r.payload)) continue;
          const run = runs.find((x) => x.id === r.runId);
          if (run)
            lines.push(`- ${fill(TXT.failedReminder[ctx.locale], { procedure: title(run, ctx.locale) })}`);
        }
        if (lines.length === 0) return undefined;
        return [
          textBlock(CardText.trusted(TXT.failed[ctx.locale]), { weight: 'Bolder', color: 'Attention' }),
          textBlock(CardText.trusted(lines.join('\n'))),
        ];
      },
    },
    {
      id: 'changed',
      async build(ctx) {
        const runs = (await store.list<Run>('run', ctx.tenantId, { limit: 1000 })).map((r) => r.value);
        const started = runs.filter((r) => Date.parse(r.startedAt) >= ctx.since).length;
        const done = runs.filter((r) => r.status === 'done' && Date.parse(r.updatedAt) >= ctx.since).length;
        if (started === 0 && done === 0) return undefined;
        return [
          textBlock(CardText.trusted(TXT.changed[ctx.locale]), { weight: 'Bolder' }),
          textBlock(
            CardText.trusted(
              fill(TXT.changedLine[ctx.locale], { started: String(started), done: String(done) }),
            ),
          ),
        ];
      },
    },
  ];
  const sections = [...builtIn, ...(options.sections ?? [])];

  async function card(tenantId: string, conversationId: string, locale: Locale): Promise<AdaptiveCard> {
    const calendar = await calendarOf(tenantId);
    const timeZone = tenantCalendar(calendar).timeZone;
    const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone,
    });
    const until = clock.now();
    const since = until - 7 * 86_400_000;
    const ctx: DigestContext = {
      tenantId,
      conversationId,
      locale,
      since,
      until,
      formatTime: (iso) => format.format(new Date(iso)),
    };
    const body: CardElement[] = [
      textBlock(CardText.trusted(TXT.title[locale]), { weight: 'Bolder', size: 'Medium' }),
      textBlock(
        CardText.trusted(
          fill(TXT.period[locale], {
            since: format.format(new Date(since)),
            until: format.format(new Date(until)),
            calendar: calendarLabel(calendar, locale),
          }),
        ),
        { isSubtle: true, size: 'Small', spacing: 'None' },
      ),
    ];
    let said = false;
    for (const section of sections) {
      const elements = await section.build(ctx);
      if (elements && elements.length > 0) {
        body.push(...elements);
        said = true;
      }
    }
    if (!said) body.push(textBlock(CardText.trusted(TXT.nothing[locale])));
    return adaptiveCard(body);
  }

  async function schedule(tenantId: string, conversationId: string): Promise<number> {
    const calendar = await calendarOf(tenantId);
    const dueAt = nextDigestAt(clock.now(), tenantCalendar(calendar).timeZone);
    await store.scheduleReminder({
      id: digestReminderId(conversationId),
      tenantId,
      dueAt,
      payload: { kind: 'weekly-digest', conversationId } satisfies DigestPayload,
    });
    return dueAt;
  }

  return {
    card,
    /** Turns the digest on: a confirmation card to show. Undefined if Sesame has no reference for the chat yet. */
    async enable(
      tenantId: string,
      conversationId: string,
      locale: Locale,
    ): Promise<AdaptiveCard | undefined> {
      if (!(await options.conversations.setDigest(tenantId, conversationId, true))) return undefined;
      await schedule(tenantId, conversationId);
      const calendar = await calendarOf(tenantId);
      return adaptiveCard([
        textBlock(CardText.trusted(fill(TXT.on[locale], { calendar: calendarLabel(calendar, locale) }))),
      ]);
    },
    async disable(tenantId: string, conversationId: string, locale: Locale): Promise<AdaptiveCard> {
      await options.conversations.setDigest(tenantId, conversationId, false);
      await store.cancelReminder(tenantId, digestReminderId(conversationId));
      return adaptiveCard([textBlock(CardText.trusted(TXT.off[locale]))]);
    },
    /** Posts this week's digest (if still wanted) and arms next week's. */
    async deliver(reminder: Reminder, payload: DigestPayload, sendOptions: SendOptions): Promise<void> {
      const ref = await options.conversations.get(reminder.tenantId, payload.conversationId);
      if (!ref?.digest) return;
      const locale = resolveLocale(ref.locale);
      const digest = await card(reminder.tenantId, payload.conversationId, locale);
      await options.messenger.send(
        ref,
        { card: digest as unknown as Record<string, unknown>, summary: TXT.title[locale] },
        sendOptions,
      );
      // Scheduling the same id again bumps its generation: completing this occurrence keeps next week's.
      await schedule(reminder.tenantId, payload.conversationId);
    },
  };
}

export type WeeklyDigest = ReturnType<typeof createWeeklyDigest>;
