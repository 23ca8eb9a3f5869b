/**
 * Reminder cards in the conversation: builds the card of a due reminder from its run, and handles its buttons
 * (re-check now, snooze, done, stop reminders). A card acted on is replaced for everyone in the chat: the clicker
 * gets it in the invoke answer, the others through an update of the posted message (proactive queue, not awaited).
 */
import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import { addBusinessDays } from '../core/calendar/business-days.js';
import {
  calendarLabel,
  DEFAULT_TIME_ZONE,
  formatCalendarTime,
  isCalendarId,
  tenantCalendar,
} from '../core/calendar/index.js';
import { SesameError, StoreConflictError } from '../core/errors.js';
import { isRunReminderPayload, type RunReminderPayload } from '../core/engine/runner.js';
import { isTerminal, type Run } from '../core/engine/run.js';
import { errorText } from './cards/card-text.js';
import type { Locale } from '../core/i18n/locale.js';
import type { Clock } from '../core/ports/clock.js';
import type { Messenger } from '../core/ports/messenger.js';
import type { Store } from '../core/ports/store.js';
import type { ProcedureModule, WaitStep } from '../core/procedures/types.js';
import { cardResponse, type AdaptiveCard } from './cards/adaptive-card.js';
import { messageOnly } from './cards/conversation-cards.js';
import {
  REFRESH_USER_LIMIT,
  REMINDER_VERBS,
  reminderCard,
  reminderSummary,
  SNOOZE_OPTIONS,
  type ReminderState,
  type ReminderVerb,
  type SnoozeOption,
} from './cards/reminder-card.js';
import { RUN_VERBS } from './cards/run-card.js';
import type { CardSigner } from './card-signing.js';
import type { ConversationReferences } from './conversation-references.js';
import type { ProcedureConversation, Turn } from './procedure-conversation.js';

/** What Sesame remembers of a posted reminder card: where it is and what was done with it. */
export interface ReminderCardRecord {
  readonly reminderId: string;
  readonly runId: string;
  readonly conversationId: string;
  readonly activityId?: string;
  readonly state: ReminderState;
  /** Teams ids (29:…) of the people who acted on it, newest last, at most 60: its refresh.userIds. */
  readonly people: readonly string[];
}

/** A run whose reminders were stopped ("stop reminders"): its notify reminders are no longer posted. */
export const remindersOffId = (runId: string) => `reminders-off:${runId}`;
const cardRecordId = (reminderId: string) => `reminder-card:${reminderId}`;

/**
 * A snoozed reminder is a reminder of its own: the id of the one snoozed, then ':snooze-n' (the n-th snooze of
 * that reminder), so the one already sent stays 'sent', the audit names each, and snoozing one card twice
 * (two people, or 1 hour then 1 business day) re-arms the same follow-up rather than adding another.
 */
export function snoozedReminderId(id: string): string {
  const m = /^(.*):snooze-(\d+)$/.exec(id);
  return m ? `${m[1]}:snooze-${Number(m[2]) + 1}` : `${id}:snooze-1`;
}

/** The reminder a snooze chain started from. */
export const reminderLineage = (id: string): string => id.replace(/:snooze-\d+$/, '');

/** A snoozed reminder only posts its card again: the run had its timer when the first one fired. */
export function isSnoozedReminder(payload: Readonly<Record<string, unknown>>): boolean {
  return typeof payload.snoozeOf === 'string';
}

export interface ReminderConversationOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly procedures: readonly ProcedureModule[];
  readonly signer: CardSigner;
  readonly messenger: Messenger;
  readonly conversations: ConversationReferences;
  readonly conversation: ProcedureConversation;
  readonly logger: ILogger;
  /** Escapes untrusted text for a TextBlock. */
  readonly inert: (text: string) => string;
}

export interface ReminderActor {
  /** The invoke's replyToId: the message that holds the card. */
  readonly replyToId?: string;
  readonly name: string;
}

export function createReminderConversation(options: ReminderConversationOptions) {
  const { store, clock, signer } = options;
  const moduleOf = (run: Run) =>
    options.procedures.find(
      (m) => m.procedure.id === run.procedureId && m.procedure.version === run.procedureVersion,
    ) ?? options.procedures.find((m) => m.procedure.id === run.procedureId);

  function waitStepOf(run: Run, payload: RunReminderPayload): WaitStep | undefined {
    const stepId = payload.params.stepId;
    const step = moduleOf(run)?.procedure.steps.find((s) => s.id === stepId);
    return step?.kind === 'wait' ? step : undefined;
  }

  /** The calendar the wait's due time was counted on (the tenant's, else the procedure's). */
  function calendarOf(run: Run, step: WaitStep | undefined): { id?: string; timeZone: string } {
    const runCalendar = (run as Run & { calendar?: unknown }).calendar;
    if (isCalendarId(runCalendar)) return { id: runCalendar, timeZone: tenantCalendar(runCalendar).timeZone };
    if (step && 'businessDays' in step.due) return { id: step.due.holidays, timeZone: step.due.timeZone };
    return { timeZone: DEFAULT_TIME_ZONE };
  }

  /** One formatter per language and time zone (building one costs more than a whole reminder card). */
  const formats = new Map<string, (iso: string) => string>();
  /** In the calendar's time zone, written the way its country does (core/calendar: intlLocaleFor). */
  function formatTime(locale: Locale, calendar: { id?: string; timeZone: string }) {
    const id = calendar.id;
    if (isCalendarId(id)) return (iso: string) => formatCalendarTime(iso, locale, id);
    const timeZone = calendar.timeZone;
    const key = `${locale}|${timeZone}`;
    let format = formats.get(key);
    if (!format) {
      const intl = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
        dateStyle: 'full',
        timeStyle: 'short',
        timeZone,
      });
      format = (iso: string) => intl.format(new Date(iso));
      formats.set(key, format);
    }
    return format;
  }

  function sign(run: Run, reminderId: string) {
    return (verb: ReminderVerb, option?: string) =>
      signer.sign([verb, run.id, run.conversationId, reminderId, option]);
  }

  function cardFor(
    run: Run,
    reminderId: string,
    payload: RunReminderPayload,
    state: ReminderState,
    people: readonly string[] = [],
  ): AdaptiveCard {
    const locale = run.locale;
    const module = moduleOf(run);
    const step = waitStepOf(run, payload);
    const calendar = calendarOf(run, step);
    const result = step ? run.stepResults[step.id] : undefined;
    const dueAt = typeof payload.params.dueAt === 'string' ? payload.params.dueAt : result?.dueAt;
    const effective: ReminderState =
      isTerminal(run) && state.kind !== 'done' && state.kind !== 'stopped' && state.kind !== 'resolved'
        ? { kind: 'run-over', status: run.status }
        : state;
    return reminderCard({
      locale,
      reminderId,
      runId: run.id,
      procedureTitle: module ? module.procedure.title[locale] : run.procedureId,
      // A failure reminder (a check that gave up, a job in quarantine) names its own step, of any kind.
      waitTitle:
        (step ?? moduleOf(run)?.procedure.steps.find((s) => s.id === payload.params.stepId))?.title[locale] ??
        '',
      message: payload.text?.[locale] ?? '',
      ...(result?.since ? { since: result.since } : {}),
      ...(dueAt ? { dueAt } : {}),
      ...(calendar.id && isCalendarId(calendar.id) ? { calendar: calendarLabel(calendar.id, locale) } : {}),
      state: effective,
      formatTime: formatTime(locale, calendar),
      sign: sign(run, reminderId),
      refreshFor: people,
      inert: options.inert,
    });
  }

  async function loadCardRecord(tenantId: string, reminderId: string) {
    return store.get<ReminderCardRecord>('setting', tenantId, cardRecordId(reminderId));
  }

  async function saveCardRecord(tenantId: string, record: ReminderCardRecord): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const existing = await loadCardRecord(tenantId, record.reminderId);
      const merged: ReminderCardRecord = {
        ...record,
        ...((record.activityId ?? existing?.value.activityId)
          ? { activityId: record.activityId ?? existing?.value.activityId }
          : {}),
        people: newestLast(existing?.value.people ?? [], record.people),
      };
      try {
        if (existing)
          await store.replace('setting', tenantId, cardRecordId(record.reminderId), merged, existing.etag);
        else await store.create('setting', tenantId, cardRecordId(record.reminderId), merged);
        return;
      } catch (e) {
        if (!(e instanceof StoreConflictError)) throw e;
      }
    }
  }

  async function audit(
    run: Run,
    action: string,
    actor: { id: string; name?: string },
    details: Record<string, unknown>,
  ) {
    await store.appendAudit({
      tenantId: run.tenantId,
      at: new Date(clock.now()).toISOString(),
      actorId: actor.id,
      ...(actor.name ? { actorName: actor.name } : {}),
      runId: run.id,
      action,
      result: 'ok',
      details: { procedureId: run.procedureId, ...details },
    });
  }

  /** Cancels a reminder and what snoozing it armed (the card's "done", or a re-check that found it done). */
  async function cancelLineage(run: Run, reminderId: string): Promise<void> {
    const lineage = reminderLineage(reminderId);
    for (const r of await store.listReminders(run.tenantId, run.id)) {
      if (r.status === 'scheduled' && reminderLineage(r.id) === lineage)
        await store.cancelReminder(run.tenantId, r.id);
    }
  }

  /** Stops every notify reminder of a run: flag it, and cancel those still scheduled. */
  async function stopReminders(run: Run): Promise<void> {
    const id = remindersOffId(run.id);
    try {
      await store.create('setting', run.tenantId, id, { at: new Date(clock.now()).toISOString() });
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
    }
    for (const r of await store.listReminders(run.tenantId, run.id)) {
      if (r.status === 'scheduled' && isRunReminderPayload(r.payload) && r.payload.notify)
        await store.cancelReminder(run.tenantId, r.id);
    }
  }

  return {
    cardFor,

    /** Whether a run's reminders were stopped. */
    async remindersStopped(run: Run): Promise<boolean> {
      return (await store.get('setting', run.tenantId, remindersOffId(run.id))) !== undefined;
    },

    /** Records that a reminder card was posted (its activity id, for updates later). */
    async posted(run: Run, reminderId: string, activityId: string): Promise<void> {
      const record: ReminderCardRecord = {
        reminderId,
        runId: run.id,
        conversationId: run.conversationId,
        activityId,
        state: { kind: 'open' },
        people: [],
      };
      // A new card has no record yet: one write (a record already there, e.g. re-sent after a crash: merge).
      try {
        await store.create('setting', run.tenantId, cardRecordId(reminderId), record);
      } catch (e) {
        if (!(e instanceof StoreConflictError)) throw e;
        await saveCardRecord(run.tenantId, record);
      }
    },

    summary(run: Run): string {
      const module = moduleOf(run);
      return reminderSummary(run.locale, module ? module.procedure.title[run.locale] : run.procedureId);
    },

    /**
     * A click on a reminder card. Checks the payload's shape, the run exists in this tenant and belongs to this
     * conversation, and the signature, before acting.
     */
    async onAction(
      turn: Turn,
      verb: string,
      data: unknown,
      actor: ReminderActor,
    ): Promise<AdaptiveCardActionResponse> {
      const refuse = (code: 'card_tampered' | 'run_not_found' | 'card_wrong_conversation') => {
        options.logger.warn(`reminder action refused: ${code}`);
        return cardResponse(messageOnly(errorText(new SesameError(code, code), turn.locale)));
      };
      const payload = parseReminderAction(verb, data);
      if (!payload) return refuse('card_tampered');
      const runRecord = await store.get<Run>('run', turn.tenantId, payload.runId);
      if (!runRecord) return refuse('run_not_found');
      let run = runRecord.value;
      if (run.conversationId !== turn.conversationId) return refuse('card_wrong_conversation');
      const parts = [payload.verb, run.id, run.conversationId, payload.reminderId, payload.option];
      if (!signer.verify(parts, payload.sig)) return refuse('card_tampered');
      const reminder = (await store.listReminders(turn.tenantId, run.id)).find(
        (r) => r.id === payload.reminderId,
      );
      if (!reminder || !isRunReminderPayload(reminder.payload)) return refuse('card_tampered');
      const reminderPayload = reminder.payload;
      const record = await loadCardRecord(turn.tenantId, payload.reminderId);
      const who = { id: turn.teamsUserId, name: actor.name };
      const people = [turn.teamsUserId];
      const now = clock.now();
      const at = new Date(now).toISOString();
      let state: ReminderState = record?.value.state ?? { kind: 'open' };

      switch (payload.verb) {
        case REMINDER_VERBS.refresh:
          return cardResponse(cardFor(run, payload.reminderId, reminderPayload, state, record?.value.people));
        case REMINDER_VERBS.snooze: {
          const option = payload.option as SnoozeOption;
          const step = waitStepOf(run, reminderPayload);
          const calendar = calendarOf(run, step);
          const until =
            option === '1h'
              ? now + 3_600_000
              : addBusinessDays(now, 1, {
                  timeZone: calendar.timeZone,
                  ...(calendar.id && isCalendarId(calendar.id) ? { holidays: calendar.id } : {}),
                });
          const followUp = snoozedReminderId(reminder.id);
          await store.scheduleReminder({
            id: followUp,
            tenantId: reminder.tenantId,
            ...(reminder.runId ? { runId: reminder.runId } : {}),
            dueAt: until,
            payload: { ...reminder.payload, snoozeOf: reminderLineage(reminder.id) },
          });
          state = { kind: 'snoozed', until: new Date(until).toISOString(), by: actor.name };
          await audit(run, 'reminder.snoozed', who, {
            reminderId: reminder.id,
            snoozedAs: followUp,
            option,
            until: state.until,
          });
          break;
        }
        case REMINDER_VERBS.done:
          await cancelLineage(run, reminder.id);
          state = { kind: 'done', by: actor.name, at };
          await audit(run, 'reminder.done', who, { reminderId: reminder.id });
          break;
        case REMINDER_VERBS.stop:
          await stopReminders(run);
          state = { kind: 'stopped', by: actor.name, at };
          await audit(run, 'reminder.stopped', who, { reminderId: reminder.id });
          break;
        case REMINDER_VERBS.recheck: {
          const step = waitStepOf(run, reminderPayload);
          if (!(await turn.getGraphToken())) {
            // Checking reads the tenant with the admin's own token: sign in first, then click again.
            await turn.signIn();
            state = { kind: 'sign-in', at };
            break;
          }
          // The run card's "check now": the same engine event, signed as the run card signs it.
          const retry = {
            runId: run.id,
            stepVersion: run.stepVersion,
            sig: signer.sign([RUN_VERBS.retry, run.id, run.conversationId, run.stepVersion, undefined]),
          };
          const answer = await options.conversation.onRunAction(turn, RUN_VERBS.retry, retry);
          run = (await store.get<Run>('run', turn.tenantId, run.id))?.value ?? run;
          const done = step ? run.stepResults[step.id]?.status === 'done' : false;
          if (done) {
            const current = moduleOf(run)?.procedure.steps.find((s) => s.id === run.currentStepId);
            state = { kind: 'resolved', at, ...(current ? { next: current.title[run.locale] } : {}) };
            await cancelLineage(run, reminder.id);
            // The run's card for the step it moved on to, in the chat: what the admin does next is right there.
            if (answer.type === 'application/vnd.microsoft.card.adaptive')
              await turn.sendCard(answer.value as unknown as AdaptiveCard);
          } else state = { kind: 'still-waiting', at };
          await audit(run, 'reminder.rechecked', who, { reminderId: reminder.id, satisfied: done });
          break;
        }
      }

      const saved: ReminderCardRecord = {
        reminderId: reminder.id,
        runId: run.id,
        conversationId: run.conversationId,
        ...(actor.replyToId ? { activityId: actor.replyToId } : {}),
        state,
        people,
      };
      await saveCardRecord(turn.tenantId, saved);
      const everyone = newestLast(record?.value.people ?? [], people);
      const card = cardFor(run, reminder.id, reminderPayload, state, everyone);
      const activityId = record?.value.activityId ?? actor.replyToId;
      if (activityId) void updateForEveryone(turn, activityId, card, run);
      return cardResponse(card);
    },
  };

  async function updateForEveryone(
    turn: Turn,
    activityId: string,
    card: AdaptiveCard,
    run: Run,
  ): Promise<void> {
    try {
      const ref = await options.conversations.get(turn.tenantId, turn.conversationId);
      if (!ref) return;
      await options.messenger.update(ref, activityId, {
        card: card as unknown as Record<string, unknown>,
        summary: reminderSummary(run.locale, moduleOf(run)?.procedure.title[run.locale] ?? run.procedureId),
      });
    } catch (e) {
      options.logger.warn(
        'could not update the reminder card for everyone',
        e instanceof Error ? e.message : e,
      );
    }
  }
}

export type ReminderConversation = ReturnType<typeof createReminderConversation>;

/** `earlier` then `latest`, each person once at their latest place, the newest REFRESH_USER_LIMIT kept. */
function newestLast(earlier: readonly string[], latest: readonly string[]): string[] {
  return [...earlier.filter((p) => !latest.includes(p)), ...latest].slice(-REFRESH_USER_LIMIT);
}

interface ReminderActionPayload {
  readonly verb: ReminderVerb;
  readonly reminderId: string;
  readonly runId: string;
  readonly option?: string;
  readonly sig: string;
}

const VERBS = new Set<string>(Object.values(REMINDER_VERBS));

/** Card data comes back from the client: accept only the exact shape Sesame sends. */
function parseReminderAction(verb: string, data: unknown): ReminderActionPayload | undefined {
  if (!VERBS.has(verb) || typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.runId !== 'string' || !/^[0-9a-f-]{36}$/i.test(d.runId)) return undefined;
  if (
    typeof d.reminderId !== 'string' ||
    d.reminderId.length > 200 ||
    !d.reminderId.startsWith(`${d.runId}:`)
  )
    return undefined;
  if (typeof d.sig !== 'string') return undefined;
  if (verb === REMINDER_VERBS.snooze) {
    if (!(SNOOZE_OPTIONS as readonly unknown[]).includes(d.option)) return undefined;
  } else if (d.option !== undefined) return undefined;
  return {
    verb: verb as ReminderVerb,
    reminderId: d.reminderId,
    runId: d.runId,
    sig: d.sig,
    ...(typeof d.option === 'string' ? { option: d.option } : {}),
  };
}
