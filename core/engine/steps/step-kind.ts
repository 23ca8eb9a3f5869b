/**
 * What one kind of step (check, input, action, manual, wait, choice) contributes to the pure transition:
 * how it starts, which user events and Graph answers it takes while the run waits on it, how it retries, and
 * which timers are its own. transition.ts holds what is common to every kind (start, preflight, cancel,
 * change, retry routing); a new kind is one module here plus its line in steps/index.ts.
 */
import type { Step } from '../../procedures/types.js';
import type { ProcedureModule, Results } from '../../procedures/types.js';
import type { Effect, UserEvent } from '../events.js';
import type { Actor, GraphStage, Pending, Run } from '../run.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The transaction one transition builds: the run being changed, the effects asked for, and the time. */
export interface Tx {
  readonly m: ProcedureModule;
  readonly d: Mutable<Run>;
  readonly fx: Effect[];
  readonly now: number;
  readonly iso: string;
  readonly actor: Actor | 'sesame';
  wantsRender: boolean;
  /** Moves the run to a step (or END), checking the step's roles and scopes first. */
  enter(stepId: string): void;
  /** Hands a Graph stage whose calls have all answered to the step kind (or the preflight) that issued it. */
  complete(p: GraphPending): void;
}

export type GraphPending = Extract<Pending, { kind: 'graph' }>;

/** The Graph stage that just answered, as the step kind sees it. */
export interface StageAnswer {
  readonly stage: GraphStage;
  readonly results: Results;
  readonly pending?: GraphPending;
  readonly attempt: number;
  readonly firstAttemptAt: string;
  readonly interactive: boolean;
}

export interface StepKindModule<S extends Step = Step> {
  readonly kind: S['kind'];
  /** Starts the step; its roles and scopes have been checked. */
  enter(t: Tx, step: S): void;
  /**
   * A user event (submit-input, confirm, manual-done) while the run waits on this step. Returns false when
   * the step does not take that event now (the transition refuses it as stale).
   */
  onUserEvent?(t: Tx, step: S, event: UserEvent): boolean;
  /** Every call of a Graph stage this step issued has answered (or a poll-result arrived). */
  onAnswer?(t: Tx, step: S, answer: StageAnswer): void;
  /** The admin asked to retry a Graph stage of this step that failed, hung or is waiting to retry. */
  onRetry?(t: Tx, step: S, stage: GraphStage): void;
  /** A timer fired; returns true when it was this step's. */
  onTimer?(t: Tx, step: S, reminderId: string): boolean;
}

export type RefusalCode = 'card_stale' | 'procedure_unknown' | 'input_invalid';

/** Thrown inside a transition when an event does not apply; the transition returns the run unchanged. */
export class Refused {
  constructor(
    readonly code: RefusalCode,
    readonly reason: string,
  ) {}
}
