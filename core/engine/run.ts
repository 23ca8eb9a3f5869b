/**
 * A procedure run as plain JSON: what the store keeps, what the engine transforms, what cards are built from.
 * Times are ISO strings in the run, epoch ms in effects (as the Store's reminders take them).
 */
import type { CalendarId } from '../calendar/tenant-calendars.js';
import type { ReadCall } from '../ports/domain-lookup.js';
import type { JsonValue } from '../json.js';
import type { CopyableValue, Link } from '../procedures/types.js';
import type { Locale, LocalizedText } from '../procedures/text.js';
import type { CallResult, GraphErrorData } from './call-result.js';
import type { PreflightReport } from './preflight.js';

export type RunStatus = 'active' | 'waiting' | 'done' | 'failed' | 'cancelled';

export type StepStatus = 'running' | 'done' | 'skipped' | 'failed' | 'waiting' | 'blocked';

export interface StepResult {
  readonly status: StepStatus;
  /** ISO time of the last change. */
  readonly at: string;
  readonly requestIds: readonly string[];
  readonly objectIds: readonly string[];
  readonly summary?: LocalizedText;
  readonly notes?: readonly LocalizedText[];
  readonly links?: readonly Link[];
  readonly copyable?: readonly CopyableValue[];
  readonly error?: GraphErrorData;
  /** Wait steps: when the wait is over (ISO). */
  readonly dueAt?: string;
  /** Wait steps: when the wait began (ISO). */
  readonly since?: string;
  /** Wait steps: the polling window is over. */
  readonly pollingStopped?: boolean;
  readonly overdue?: boolean;
  /** Action steps: true when the probe found the work already done. */
  readonly already?: boolean;
  /** Check steps: what the check found (a done check is not always a pass). */
  readonly verdict?: 'pass' | 'warn' | 'unknown';
  /**
   * Action steps: the names of the secrets generated for the write that did it. Their values were on the card
   * of that turn only; later cards say they were shown once.
   */
  readonly secrets?: readonly string[];
  /** Batch steps: what became of each item (the latest attempt of each). */
  readonly items?: readonly ItemResult[];
}

export interface ItemResult {
  readonly key: string;
  readonly label: string;
  /** 'todo': found missing, to be written once the admin confirms. */
  readonly status: 'todo' | 'done' | 'already' | 'failed';
  readonly reason?: LocalizedText;
  readonly objectId?: string;
}

export type GraphStage = 'preflight' | 'check' | 'probe' | 'validate' | 'write' | 'poll' | 'options';

export interface PendingCall {
  readonly callId: string;
  /** The logic's name for this read ('user', 'policy'…), or 'write'. */
  readonly name: string;
  readonly call: ReadCall;
  readonly purpose: 'probe' | 'write' | 'read';
  readonly attempt: number;
}

export interface FieldErrors {
  readonly [fieldId: string]: LocalizedText;
}

export interface Actor {
  readonly id: string;
  readonly name: string;
}

/** What the run is waiting for. Absent when the run is over. */
export type Pending =
  | {
      readonly kind: 'graph';
      readonly stepId: string | null;
      readonly stage: GraphStage;
      readonly calls: readonly PendingCall[];
      readonly results: Readonly<Record<string, CallResult>>;
      /** ISO time of the first attempt of this stage (for the retry budget). */
      readonly firstAttemptAt: string;
      /** ISO time these calls were issued (a `retry` soon after is refused: they are still in flight). */
      readonly issuedAt: string;
      /** Whether the user asked for this (render when done even if nothing changed). */
      readonly interactive: boolean;
      /**
       * Probe stage: the admin already confirmed the write (it is being retried after Graph asked to slow down):
       * if the probe finds the work not done, write without asking again.
       */
      readonly confirmed?: { readonly attempt: number; readonly firstAttemptAt: string };
      /** Probe stage: checking what an interrupted write did; the audit records what was found. */
      readonly reconcile?: boolean;
    }
  | {
      readonly kind: 'confirm';
      readonly stepId: string;
      /** Secret fields refused (by field id); the values themselves are never kept, not even to show them again. */
      readonly errors?: FieldErrors;
      /** What the validate stage said about the secrets typed last time (Microsoft refused the credentials). */
      readonly problem?: LocalizedText;
    }
  | {
      readonly kind: 'input';
      readonly stepId: string;
      readonly values: Readonly<Record<string, string>>;
      readonly errors?: FieldErrors;
    }
  | {
      readonly kind: 'choice';
      readonly stepId: string;
      /** Options read from the tenant for this step: the only ids a submit may name. */
      readonly offered?: readonly { readonly id: string; readonly label: string }[];
    }
  | { readonly kind: 'manual'; readonly stepId: string }
  /** A secret was generated and shown on the card of that turn; only its name is kept. */
  | { readonly kind: 'secret'; readonly stepId: string; readonly name: string }
  | {
      readonly kind: 'wait';
      readonly stepId: string;
      readonly dueAt: string;
      /** Absent once the step's polling window is over (the admin can still check now). */
      readonly nextPollAt?: string;
      readonly pollReminderId: string;
    }
  | {
      readonly kind: 'retry';
      readonly stepId: string;
      /** 'write': the admin confirmed; the retry re-probes, then writes only if the work is not done. */
      readonly stage: 'check' | 'probe' | 'write';
      readonly attempt: number;
      readonly firstAttemptAt: string;
      readonly retryAt: string;
      readonly reminderId: string;
      readonly lastError: GraphErrorData;
      /** Retrying the probe of an interrupted write (see the graph pending's `reconcile`). */
      readonly reconcile?: boolean;
      /** Set when the answer itself said "not yet" (DNS still propagating…): what Sesame is waiting for. */
      readonly notYet?: LocalizedText;
    }
  | {
      readonly kind: 'blocked';
      /** null: the preflight found the procedure cannot run at all for this admin. */
      readonly stepId: string | null;
      readonly missingRoles: readonly string[];
      readonly missingScopes: readonly string[];
    }
  | {
      readonly kind: 'error';
      /** null: the preflight was interrupted. */
      readonly stepId: string | null;
      readonly stage: GraphStage;
      readonly error: GraphErrorData;
      readonly summary?: LocalizedText;
      /** The procedure's explanation of a refused write, shown before Graph's error. */
      readonly explanation?: LocalizedText;
    };

export type PendingKind = Pending['kind'];

export interface HistoryEntry {
  readonly at: string;
  readonly event: string;
  readonly stepId: string | null;
  readonly stepVersion: number;
  readonly actorId?: string;
  readonly note?: string;
}

export interface Run {
  readonly id: string;
  readonly procedureId: string;
  readonly procedureVersion: number;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly locale: Locale;
  /** The tenant's calendar when the run started: wait steps count business days on it. Absent: the procedure's. */
  readonly calendar?: CalendarId;
  readonly startedBy: Actor;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly status: RunStatus;
  readonly currentStepId: string | null;
  /** Bumped on every accepted user event and every new card: a card click naming another value is stale. */
  readonly stepVersion: number;
  /** Counter for call ids. */
  readonly seq: number;
  /** The admin acting most recently, with the roles (`wids`) and scopes (`scp`) of their token when known. */
  readonly admin: Actor & {
    readonly roleTemplateIds?: readonly string[];
    readonly scopes?: readonly string[];
  };
  readonly preflight?: PreflightReport;
  readonly inputs: Readonly<Record<string, string>>;
  readonly facts: Readonly<Record<string, JsonValue>>;
  readonly stepResults: Readonly<Record<string, StepResult>>;
  readonly pending?: Pending;
  /** Ids of reminders scheduled and not cancelled yet. */
  readonly reminders: readonly string[];
  /** Why the run failed or was cancelled. */
  readonly outcome?: { readonly reason: LocalizedText; readonly stepId: string | null };
  readonly history: readonly HistoryEntry[];
}

export interface NewRun {
  readonly id: string;
  readonly procedureId: string;
  readonly procedureVersion: number;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly locale: Locale;
  readonly startedBy: Actor;
  readonly now: number;
  readonly calendar?: CalendarId;
}

/** A run that has not started: feed it a `start` event. */
export function createRun(init: NewRun): Run {
  const at = new Date(init.now).toISOString();
  return {
    id: init.id,
    procedureId: init.procedureId,
    procedureVersion: init.procedureVersion,
    tenantId: init.tenantId,
    conversationId: init.conversationId,
    locale: init.locale,
    ...(init.calendar ? { calendar: init.calendar } : {}),
    startedBy: init.startedBy,
    startedAt: at,
    updatedAt: at,
    status: 'active',
    currentStepId: null,
    stepVersion: 0,
    seq: 0,
    admin: init.startedBy,
    inputs: {},
    facts: {},
    stepResults: {},
    reminders: [],
    history: [],
  };
}

export function isTerminal(run: Run): boolean {
  return run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';
}
