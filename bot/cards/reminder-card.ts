/**
 * The proactive reminder of a wait: what Sesame waits for, since when, the due time and the calendar it was counted
 * on, and what the admin can do about it (re-check now, snooze 1 hour or 1 business day, done, stop reminders).
 * Every button is signed like the run cards' (verb, run, conversation, reminder, option), and the card refreshes
 * itself for the people in the chat (refresh.userIds: at most 60, Teams' limit).
 */
import { CardText } from './card-text.js';
import type { LocalizedText } from '../../core/procedures/text.js';
import type { Locale } from '../../core/i18n/locale.js';
import {
  adaptiveCard,
  executeAction,
  textBlock,
  type AdaptiveCard,
  type CardElement,
} from './adaptive-card.js';

export const REMINDER_VERBS = {
  recheck: 'reminder.recheck',
  snooze: 'reminder.snooze',
  done: 'reminder.done',
  stop: 'reminder.stop',
  refresh: 'reminder.refresh',
} as const;
export type ReminderVerb = (typeof REMINDER_VERBS)[keyof typeof REMINDER_VERBS];
export const SNOOZE_OPTIONS = ['1h', '1bd'] as const;
export type SnoozeOption = (typeof SNOOZE_OPTIONS)[number];

/** Teams refreshes a card automatically for at most 60 users listed in refresh.userIds. */
export const REFRESH_USER_LIMIT = 60;

/** What happened to a reminder since it was posted. */
export type ReminderState =
  | { readonly kind: 'open' }
  | { readonly kind: 'snoozed'; readonly until: string; readonly by: string }
  | { readonly kind: 'done'; readonly by: string; readonly at: string }
  | { readonly kind: 'stopped'; readonly by: string; readonly at: string }
  /** "Re-check now" found what was awaited: the run moved on. */
  | { readonly kind: 'resolved'; readonly at: string; readonly next?: string }
  /** "Re-check now" found it still missing. */
  | { readonly kind: 'still-waiting'; readonly at: string }
  /** "Re-check now" needs the clicker signed in: Sesame sent the sign-in card. */
  | { readonly kind: 'sign-in'; readonly at: string }
  /** The run ended (done, cancelled, failed): nothing more to remind. */
  | { readonly kind: 'run-over'; readonly status: string };

export interface ReminderCardInput {
  readonly locale: Locale;
  readonly reminderId: string;
  readonly runId: string;
  readonly procedureTitle: string;
  /** The wait step's title, e.g. "Cegid Loop’s turn". */
  readonly waitTitle: string;
  /** The reminder's message, already filled in by the engine; shown inert. */
  readonly message: string;
  /** ISO times, formatted by `formatTime`. */
  readonly since?: string;
  readonly dueAt?: string;
  /** e.g. "France (Europe/Paris)". */
  readonly calendar?: string;
  readonly state: ReminderState;
  readonly formatTime: (iso: string) => string;
  /** Signs a button's payload. */
  readonly sign: (verb: ReminderVerb, option?: string) => string;
  /** Teams user ids (29:…) of people in the chat to refresh the card for, newest last; the newest 60 are kept. */
  readonly refreshFor?: readonly string[];
  /** Escapes text that did not come from Sesame (core/i18n/inert-text.ts). */
  readonly inert: (text: string) => string;
}

const L = (fr: string, en: string): LocalizedText => ({ fr, en });

const TXT = {
  title: L('Rappel — {procedure}', 'Reminder — {procedure}'),
  waiting: L('En attente : {wait}', 'Waiting for: {wait}'),
  since: L('Depuis le {at}', 'Since {at}'),
  due: L('Échéance : {at}', 'Due: {at}'),
  calendar: L(
    'Jours ouvrés comptés sur le calendrier : {calendar}',
    'Business days counted on the calendar: {calendar}',
  ),
  recheck: L('Revérifier maintenant', 'Re-check now'),
  snooze1h: L('Rappeler dans 1 heure', 'Snooze 1 hour'),
  snooze1bd: L('Rappeler dans 1 jour ouvré', 'Snooze 1 business day'),
  done: L('C’est fait', 'Done'),
  stop: L('Arrêter les rappels', 'Stop reminders'),
  snoozed: L('Reporté au {until} par {by}.', 'Snoozed until {until} by {by}.'),
  doneBy: L('Marqué comme fait par {by} le {at}.', 'Marked done by {by} on {at}.'),
  stopped: L(
    'Rappels arrêtés pour cette procédure par {by} le {at}.',
    'Reminders stopped for this procedure by {by} on {at}.',
  ),
  resolved: L(
    'Revérifié le {at} : c’est fait, la procédure continue.',
    'Re-checked on {at}: it is done, the procedure moved on.',
  ),
  resolvedNext: L(
    'Revérifié le {at} : c’est fait, la procédure passe à l’étape « {next} ».',
    'Re-checked on {at}: it is done, the procedure moved on to “{next}”.',
  ),
  stillWaiting: L(
    'Revérifié le {at} : toujours en attente. Sesame vous prévient dès que c’est fait.',
    'Re-checked on {at}: still waiting. Sesame tells you as soon as it is done.',
  ),
  signIn: L(
    'Pour revérifier, connectez-vous avec la carte que Sesame vient d’envoyer, puis cliquez à nouveau sur « Revérifier maintenant ».',
    'To re-check, sign in with the card Sesame just sent, then click “Re-check now” again.',
  ),
  runOver: L(
    'La procédure est terminée ({status}) : plus de rappel.',
    'The procedure is over ({status}): no more reminders.',
  ),
};

function fill(text: string, params: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);
}

export function reminderCard(input: ReminderCardInput): AdaptiveCard {
  const { locale, inert } = input;
  const tr = (t: LocalizedText, params: Readonly<Record<string, string>> = {}) => fill(t[locale], params);
  const body: CardElement[] = [
    textBlock(CardText.trusted(tr(TXT.title, { procedure: input.procedureTitle })), {
      weight: 'Bolder',
      size: 'Medium',
    }),
    textBlock(CardText.trusted(tr(TXT.waiting, { wait: input.waitTitle })), {
      weight: 'Bolder',
      spacing: 'Small',
    }),
    textBlock(CardText.trusted(inert(input.message))),
  ];
  const facts: string[] = [];
  if (input.since) facts.push(tr(TXT.since, { at: input.formatTime(input.since) }));
  if (input.dueAt) facts.push(tr(TXT.due, { at: input.formatTime(input.dueAt) }));
  if (input.calendar) facts.push(tr(TXT.calendar, { calendar: input.calendar }));
  if (facts.length > 0)
    body.push(textBlock(CardText.trusted(facts.join('  \n')), { isSubtle: true, size: 'Small' }));

  const state = input.state;
  const stateText = describeState(state, tr, input.formatTime, inert);
  if (stateText) {
    body.push(
      textBlock(CardText.trusted(stateText), {
        weight: 'Bolder',
        color: state.kind === 'resolved' ? 'Good' : state.kind === 'still-waiting' ? 'Warning' : 'Default',
      }),
    );
  }

  const data = (verb: ReminderVerb, option?: string) => ({
    reminderId: input.reminderId,
    runId: input.runId,
    locale,
    ...(option ? { option } : {}),
    sig: input.sign(verb, option),
  });
  const open =
    state.kind === 'open' ||
    state.kind === 'still-waiting' ||
    state.kind === 'snoozed' ||
    state.kind === 'sign-in';
  const actions: CardElement[] = open
    ? [
        executeAction(tr(TXT.recheck), REMINDER_VERBS.recheck, data(REMINDER_VERBS.recheck), {
          style: 'positive',
        }),
        executeAction(tr(TXT.snooze1h), REMINDER_VERBS.snooze, data(REMINDER_VERBS.snooze, '1h')),
        executeAction(tr(TXT.snooze1bd), REMINDER_VERBS.snooze, data(REMINDER_VERBS.snooze, '1bd')),
        executeAction(tr(TXT.done), REMINDER_VERBS.done, data(REMINDER_VERBS.done)),
        executeAction(tr(TXT.stop), REMINDER_VERBS.stop, data(REMINDER_VERBS.stop), { style: 'destructive' }),
      ]
    : [];
  // Newest last in refreshFor: past Teams' 60, the people who acted longest ago drop out (they still see the
  // message itself, which Sesame updates for everyone).
  const userIds = [...new Set(input.refreshFor ?? [])].slice(-REFRESH_USER_LIMIT);
  return adaptiveCard(body, {
    actions,
    refresh: {
      action: {
        type: 'Action.Execute',
        title: 'refresh',
        verb: REMINDER_VERBS.refresh,
        data: { verb: REMINDER_VERBS.refresh, ...data(REMINDER_VERBS.refresh) },
      },
      ...(userIds.length > 0 ? { userIds } : {}),
    },
  });
}

function describeState(
  state: ReminderState,
  tr: (t: LocalizedText, params?: Readonly<Record<string, string>>) => string,
  formatTime: (iso: string) => string,
  inert: (text: string) => string,
): string | undefined {
  switch (state.kind) {
    case 'open':
      return undefined;
    case 'snoozed':
      return tr(TXT.snoozed, { until: formatTime(state.until), by: inert(state.by) });
    case 'done':
      return tr(TXT.doneBy, { by: inert(state.by), at: formatTime(state.at) });
    case 'stopped':
      return tr(TXT.stopped, { by: inert(state.by), at: formatTime(state.at) });
    case 'resolved':
      return state.next
        ? tr(TXT.resolvedNext, { at: formatTime(state.at), next: state.next })
        : tr(TXT.resolved, { at: formatTime(state.at) });
    case 'still-waiting':
      return tr(TXT.stillWaiting, { at: formatTime(state.at) });
    case 'sign-in':
      return tr(TXT.signIn);
    case 'run-over':
      return tr(TXT.runOver, { status: state.status });
  }
}

/** A one-line summary for the notification and for clients that cannot render the card. */
export function reminderSummary(locale: Locale, procedureTitle: string): string {
  return fill(TXT.title[locale], { procedure: procedureTitle });
}
