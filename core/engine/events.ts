/**
 * What drives a run (events) and what a transition asks the world to do (effects). All plain JSON.
 *
 * How the bot drives a run, by what the run is waiting for (`run.pending.kind`) — every card event carries the
 * `stepVersion` the card was rendered with and the clicking admin as `actor` (id, name, token `wids` and `scp`):
 *
 * | pending | card button | event |
 * |---|---|---|
 * | (new run) | "start" message or "fix it in chat" | runner.start(...) (sends `start`) |
 * | input | Submit (form values) | `submit-input { values }` |
 * | choice | one button per option | `submit-input { values: { choice: optionId } }` |
 * | confirm | Confirm / Change | `confirm` / `change` (back to the last input step) |
 * | manual | the step's "done" button | `manual-done` |
 * | wait | Check now | `retry` (polls at once) |
 * | blocked | Retry (e.g. as another admin who holds the role) | `retry` (re-checks the actor's roles) |
 * | error, or run failed | Retry / Change | `retry` (re-probes before any write) / `change` |
 * | retry, graph | — (Sesame is working; Retry after a crash) | `retry` |
 * | error `run_interrupted` | Retry (after signing in; or "reprendre") | `retry` (re-probes an interrupted write) |
 * | any | Cancel | `cancel` |
 *
 * Timers: the reminder scheduler delivers every due reminder whose payload is a run timer to
 * runner.deliverReminder() (→ `timer-due`) and, when `notify` is set, also posts `text` to the conversation.
 */
import type { ReadCall } from '../ports/domain-lookup.js';
import type { Locale, LocalizedText } from '../procedures/text.js';
import type { CallResult } from './call-result.js';
import type { PreflightReport } from './preflight.js';
import type { Actor, PendingKind } from './run.js';

/** The admin behind a user event, with what their token says (`wids`, `scp`) when the bot has it. */
export interface EventActor extends Actor {
  readonly roleTemplateIds?: readonly string[];
  readonly scopes?: readonly string[];
}

/** Events a person causes (through a card or a message). `stepVersion` is the one the card was rendered with. */
export type UserEvent =
  | { readonly type: 'start'; readonly actor: EventActor; readonly locale?: Locale }
  | {
      readonly type: 'submit-input';
      readonly stepVersion: number;
      readonly values: Readonly<Record<string, unknown>>;
      readonly actor?: EventActor;
    }
  | {
      readonly type: 'confirm';
      readonly stepVersion: number;
      readonly actor?: EventActor;
      /**
       * The step's secret fields as typed on the card (by field id). The runner makes them live for this turn
       * before the transition sees them; the transition validates them and never puts them in the run.
       */
      readonly secrets?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: 'change';
      readonly stepVersion: number;
      readonly stepId?: string;
      readonly actor?: EventActor;
    }
  | { readonly type: 'cancel'; readonly stepVersion?: number; readonly actor?: EventActor }
  | { readonly type: 'manual-done'; readonly stepVersion: number; readonly actor?: EventActor }
  | { readonly type: 'retry'; readonly stepVersion?: number; readonly actor?: EventActor };

/** Events the system causes: answers to effects and timers. */
export type SystemEvent =
  | { readonly type: 'preflight-result'; readonly report: PreflightReport }
  | { readonly type: 'effect-result'; readonly callId: string; readonly result: CallResult }
  | { readonly type: 'poll-result'; readonly results: Readonly<Record<string, CallResult>> }
  | { readonly type: 'timer-due'; readonly reminderId: string }
  /**
   * Sesame stopped (crash, kill, deploy) while this run's Graph calls were in flight. `reachable`: Sesame holds
   * a token for the run's admin, so it re-reads at once (an interrupted write is re-probed, never re-sent);
   * otherwise the run says it was interrupted and waits for the admin to sign in and retry.
   */
  | { readonly type: 'recover'; readonly reachable: boolean };

export type RunEvent = UserEvent | SystemEvent;
export type RunEventType = RunEvent['type'];

export interface GraphEffect {
  readonly type: 'graph';
  readonly callId: string;
  readonly stepId: string | null;
  /** A Graph operation, or `lookupDomain` (the DNS port). */
  readonly op: ReadCall['op'];
  readonly args: ReadCall['args'];
  readonly purpose: 'probe' | 'write' | 'read';
  readonly attempt: number;
}

export interface ScheduleReminderEffect {
  readonly type: 'schedule-reminder';
  /** Stable per run and purpose, so scheduling again replaces (Store.scheduleReminder is idempotent by id). */
  readonly id: string;
  /** Epoch ms. */
  readonly dueAt: number;
  readonly messageKey: string;
  readonly params: Readonly<Record<string, string | number>>;
  /** false: an internal timer (poll, retry): deliver `timer-due` to the run but post nothing. */
  readonly notify: boolean;
  /** For `notify` reminders: the message to post, already filled in, in both languages. */
  readonly text?: LocalizedText;
}

export interface CancelReminderEffect {
  readonly type: 'cancel-reminder';
  readonly id: string;
}

export interface AuditEffect {
  readonly type: 'audit';
  /** e.g. 'run.started', 'graph.write', 'step.confirmed', 'check.evaluated', 'run.cancelled' */
  readonly action: string;
  /** 'ok' | 'failed' | 'refused' | 'skipped' */
  readonly result: string;
  readonly actor: Actor | 'sesame';
  readonly details: Readonly<Record<string, unknown>>;
}

/** Show the run's current state (the bot rebuilds the card from the run: see describeRun). */
export interface RenderEffect {
  readonly type: 'render';
  readonly stepId: string | null;
  readonly stepVersion: number;
  readonly pending: PendingKind | null;
}

/**
 * Generate a secret for this turn's card. The runner draws it from the SecretSource and hands it to the caller
 * with the outcome; it never enters the run, the store or an effect.
 */
export interface RevealSecretEffect {
  readonly type: 'reveal-secret';
  readonly stepId: string;
  readonly name: string;
  readonly length: number;
}

export type Effect =
  | GraphEffect
  | ScheduleReminderEffect
  | CancelReminderEffect
  | AuditEffect
  | RenderEffect
  | RevealSecretEffect;
