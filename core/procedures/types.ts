/**
 * Procedures as data. A procedure is an ordered list of typed steps with their texts (FR + EN), the scopes and
 * directory roles each needs, and, for steps that talk to Graph, the NAME of the logic that says which
 * operations to run and how to read the answers. The logic itself lives in TypeScript in the procedure's
 * module (a ProcedureModule), so the data stays JSON and the behaviour stays testable.
 */
import type { CalendarId } from '../calendar/tenant-calendars.js';
import type { SesameErrorCode } from '../errors.js';
import type { ReadCall } from '../ports/domain-lookup.js';
import type { GraphCall, GraphOpName } from '../ports/tenant-graph.js';
import { GRAPH_OPERATIONS } from '../graph/operations/index.js';
import { impliedBy, withoutImplied, permissionsOf, stepRolesOf } from '../graph/scopes.js';
import type { CallResult } from '../engine/call-result.js';
import type { NamedHolidayCalendar } from '../calendar/business-days.js';
import type { LocalizedText, TextParams } from './text.js';

export type { JsonValue } from '../json.js';
import type { JsonValue } from '../json.js';
export { ifAllowed, impliedBy, missingScopes } from '../graph/scopes.js';
export { secretRef } from './secret-refs.js';

/** Where a step goes when it is done: a step id, or END to finish the run. */
export const END = '$end';

export interface Link {
  readonly label: LocalizedText;
  readonly url: string;
}

interface StepBase {
  readonly id: string;
  readonly title: LocalizedText;
  /** What the step does and why, shown on its card; may use `{param}` placeholders. */
  readonly body?: LocalizedText;
  /**
   * The Graph operations the step's logic runs (core/graph/operations). Spread `...graphNeeds(…)` to declare
   * them with the scopes they need.
   */
  readonly operations?: readonly GraphOpName[];
  /** The step's logic reads DNS (`domainLookup`, the DomainLookup port) instead of, or besides, Graph. */
  readonly readsDns?: boolean;
  /** Operations of `operations` the step can do without (`ifAllowed`): their roles are not required. */
  readonly optionalOperations?: readonly GraphOpName[];
  /** Delegated Graph scopes the step needs (all of them): those of its operations (graphNeeds). */
  readonly scopes: readonly string[];
  /**
   * Directory role template ids, any one of which lets the admin do the step ([] = none needed): those every
   * required operation accepts, plus Global Administrator (graphNeeds). A step without operations needs none.
   */
  readonly roles: readonly string[];
  /** Next step id (default: the following step in the list; END after the last). */
  readonly next?: string;
}

/** How to retry Graph answers that mean "not yet" (replication lag), e.g. 404 on a just-created guest. */
export interface RetryPolicy {
  readonly on: readonly SesameErrorCode[];
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** Give up once this long has passed since the first attempt. */
  readonly maxElapsedMs: number;
  /** Give up after this many attempts (default: only the elapsed time bounds it). */
  readonly maxAttempts?: number;
}

/** A proactive message sent when a step fails while nobody is looking (a retry budget spent, a job in quarantine). */
export interface FailureReminder {
  readonly messageKey: string;
  /** With the procedure's `{placeholders}`. */
  readonly message: LocalizedText;
}

/**
 * Reads Graph, evaluates, explains; may stop the run with a reason or hand facts to later steps. When the logic
 * answers `not-yet` (the result says "not ready": DNS propagating, a mailbox being provisioned), the check runs
 * again on `retry`'s schedule; once its budget is spent the step fails and `onGiveUp` is sent.
 */
export interface CheckStep extends StepBase {
  readonly kind: 'check';
  readonly logic: string;
  readonly retry?: RetryPolicy;
  readonly onGiveUp?: FailureReminder;
}

export type FieldRule =
  | { readonly kind: 'required' }
  | { readonly kind: 'email' }
  | { readonly kind: 'maxLength'; readonly max: number }
  | {
      readonly kind: 'pattern';
      readonly pattern: string;
      readonly flags?: string;
      readonly message: LocalizedText;
    };

export interface InputField {
  readonly id: string;
  readonly type: 'text' | 'email';
  readonly label: LocalizedText;
  readonly placeholder?: LocalizedText;
  readonly help?: LocalizedText;
  readonly default?: string;
  /**
   * A fact an earlier step read (the tenant's country) that pre-fills the field; `default` applies when the run
   * has no such text fact. What the admin submits is validated like any value.
   */
  readonly defaultFact?: string;
  readonly rules: readonly FieldRule[];
}

/** A form. Submitted values are validated by a pure function (procedures/validation.ts). */
export interface InputStep extends StepBase {
  readonly kind: 'input';
  readonly fields: readonly InputField[];
  readonly submitLabel?: LocalizedText;
}

/**
 * A secret Sesame generates when the write that uses it goes out (a service account's password): the write names
 * it with `secretRef(name)`, the card of that turn shows it once, and the run keeps only its name.
 */
export interface GeneratedSecret {
  readonly name: string;
  readonly length: number;
  /** What the card calls it ("Password of the service account"). */
  readonly label: LocalizedText;
}

/** A secret the admin types on the confirm card (a provisioning token): never echoed, stored or shown again. */
export interface SecretField {
  /** The write and the validation name it with `secretRef(id)`. */
  readonly id: string;
  readonly label: LocalizedText;
  readonly placeholder?: LocalizedText;
  readonly help?: LocalizedText;
  /** Validated like form fields; no `email` rule (its message repeats the value). */
  readonly rules: readonly Exclude<FieldRule, { readonly kind: 'email' }>[];
}

/**
 * A Graph write, confirmed by the admin first and guarded by an "already done?" probe. With `generates` or
 * `secretFields`, the write carries secrets: they live for the turn of the confirmation only, so that write is
 * never retried by a timer (a failure waits for the admin, who confirms again).
 */
export interface ActionStep extends StepBase {
  readonly kind: 'action';
  readonly logic: string;
  /** The confirmation question, e.g. "Invite {email} as a guest?". */
  readonly confirm: LocalizedText;
  readonly confirmLabel?: LocalizedText;
  readonly retry?: RetryPolicy;
  /** Secrets generated for the write (at each confirmed attempt) and shown once on the card of that turn. */
  readonly generates?: readonly GeneratedSecret[];
  /** Secrets the admin types on the confirm card, for the logic's `validate` reads and the write. */
  readonly secretFields?: readonly SecretField[];
  /**
   * For a write the step can do without (its operation declared `ifAllowed`): what the admin is told when their
   * roles do not allow it (known from the token before anything is written, or Graph's 403 when the token did not
   * say) — what is left undone and how to do it by hand or whom to ask. The step then ends without writing and the
   * run goes on. Required exactly when the step has such a write (checkProcedureModule).
   */
  readonly ifNotAllowed?: NotAllowedText;
}

/** What an optional write the admin may not make leaves to them: a summary, then what to do, with links. */
export interface NotAllowedText {
  /**
   * With the procedure's `{placeholders}` and `{roles}` (the roles that allow the write, by name), filled in when
   * the step ends; so are the instructions.
   */
  readonly summary: LocalizedText;
  readonly instructions: LocalizedText;
  readonly links?: readonly Link[];
}

/**
 * Several writes in one action (assign N users or groups to an app): one probe tells which items are already
 * done, the admin confirms the rest, then one write per missing item. Each item ends done, already done, or failed
 * with its reason, shown on the card; Retry redoes only the failed ones (the probe finds the others done).
 */
export interface BatchStep extends StepBase {
  readonly kind: 'batch';
  readonly logic: string;
  /** The confirmation question; `{count}` is the number of items to write. */
  readonly confirm: LocalizedText;
  readonly confirmLabel?: LocalizedText;
}

/** Instructions for what Graph cannot do, with links and a "done" button. */
export interface ManualStep extends StepBase {
  readonly kind: 'manual';
  readonly instructions: LocalizedText;
  readonly links?: readonly Link[];
  readonly doneLabel: LocalizedText;
}

export type WaitDue =
  | {
      readonly businessDays: number;
      readonly timeZone: string;
      readonly holidays: NamedHolidayCalendar;
    }
  | { readonly durationMs: number };

export interface WaitReminder {
  /** Unique within the step. */
  readonly id: string;
  /** 'due' = at the due time; otherwise ms after entering the wait. */
  readonly at: 'due' | { readonly afterMs: number };
  /** Stable key of the message (for the bot's own formatting and for tests). */
  readonly messageKey: string;
  /** The proactive message, with the procedure's `{placeholders}`. */
  readonly message: LocalizedText;
}

/** Waits for a person or for propagation: a due time, a poll probe, reminders. */
export interface WaitStep extends StepBase {
  readonly kind: 'wait';
  readonly due: WaitDue;
  /** Name of the WaitLogic that polls. */
  readonly logic: string;
  readonly pollEveryMs: number;
  /** Stop polling this long after the wait began (default: poll until the run ends). */
  readonly pollForMs?: number;
  readonly reminders: readonly WaitReminder[];
  /** Reminders that stay armed after the wait is satisfied (cancelled when the run ends). */
  readonly keepRemindersUntilEnd?: readonly string[];
  /** Sent at once when a poll says what Sesame waits for has failed (not only when time runs out). */
  readonly onFailure?: FailureReminder;
  /**
   * When a poll fails the wait (a provisioning job in quarantine for refused credentials), the card offers a way
   * back to this earlier input step (new credentials), from which the run goes forward again.
   */
  readonly fix?: { readonly step: string; readonly label: LocalizedText };
}

export interface ChoiceOption {
  readonly id: string;
  readonly label: LocalizedText;
  readonly next: string;
  /** Facts set when this option is chosen. */
  readonly facts?: Readonly<Record<string, JsonValue>>;
}

/**
 * Options read from the tenant by a ChoiceSource (a licence with free seats, a verified domain, a group): the
 * card lists what Graph answered and a submit naming anything else is refused. The chosen id goes to
 * `facts[fact]`, its label to `facts[fact + 'Label']`.
 */
export interface TenantOptions {
  /** Name of the ChoiceSource in the procedure's logic. */
  readonly source: string;
  readonly fact: string;
  /** Where the run goes once an option is picked. */
  readonly next: string;
  readonly label: LocalizedText;
  /** Said instead of the list when the tenant offers nothing (the run then stops with this reason). */
  readonly none: LocalizedText;
  /**
   * The admin may pick several (Input.ChoiceSet isMultiSelect, at least one): `facts[fact]` is then the list of
   * ids and `facts[fact + 'Labels']` the list of labels, in the order offered.
   */
  readonly multiple?: boolean;
}

/** Branches: the admin picks one option, fixed in the data or read from the tenant. */
export interface ChoiceStep extends StepBase {
  readonly kind: 'choice';
  readonly options: readonly ChoiceOption[];
  readonly fromTenant?: TenantOptions;
}

/** One option read from the tenant: an object id (or another stable key) and what the admin sees. */
export interface TenantOption {
  readonly id: string;
  readonly label: string;
}

export interface ChoiceSource {
  reads(ctx: StepContext): Calls;
  /** What to offer; `error` when the reads failed (the step shows it and can be retried). */
  options(
    ctx: StepContext,
    results: Results,
  ): { readonly options: readonly TenantOption[] } | { readonly error: LocalizedText };
}

/**
 * A secret Sesame generates (a password for a service account, say): shown once, on this step's card, then
 * never again — not in the run, the audit log, a log line, a later card or a reminder. `name` is how the card
 * and the runner refer to it; the value itself exists only during the turn that generated it.
 */
export interface SecretStep extends StepBase {
  readonly kind: 'secret';
  readonly secret: { readonly name: string; readonly length: number; readonly label: LocalizedText };
  readonly instructions: LocalizedText;
  readonly doneLabel: LocalizedText;
}

export type Step =
  CheckStep | InputStep | ActionStep | BatchStep | ManualStep | WaitStep | ChoiceStep | SecretStep;
export type StepKind = Step['kind'];

export interface Procedure {
  readonly id: string;
  /** Bumped when steps change; runs remember the version they started with. */
  readonly version: number;
  readonly title: LocalizedText;
  readonly summary: LocalizedText;
  /** Names users type to start it, in French and English. */
  readonly aliases: readonly string[];
  readonly vendor: { readonly name: string; readonly url?: string };
  /** Every delegated scope any step needs. */
  readonly requiredScopes: readonly string[];
  readonly steps: readonly Step[];
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour referenced by name from the data.

/**
 * What step logic may read of its run (the engine's Run has all of it). Declared here, not imported from the
 * engine, because the engine runs procedures: the arrow goes engine → procedures only.
 */
export interface RunView {
  readonly id: string;
  readonly tenantId: string;
  readonly admin: { readonly id: string; readonly name: string };
  readonly stepResults: Readonly<Record<string, { readonly dueAt?: string } | undefined>>;
  /** The tenant's calendar the run's business days are counted on (absent: each wait step's own). */
  readonly calendar?: CalendarId;
}

/** What step logic sees: a read-only view of the run, and the time (never read from a clock). */
export interface StepContext {
  readonly run: RunView;
  readonly inputs: Readonly<Record<string, string>>;
  readonly facts: Readonly<Record<string, JsonValue>>;
  /** The roles of the admin acting now (token `wids`), when known. */
  readonly adminRoles: readonly string[] | undefined;
  readonly now: number;
}

/** Named reads, issued together; results come back under the same names. */
/** A stage's named reads: Graph operations, or the DNS lookup (core/ports/domain-lookup.ts). */
export type Calls = Readonly<Record<string, ReadCall>>;
export type Results = Readonly<Record<string, CallResult>>;

export interface Outcome {
  readonly summary: LocalizedText;
  readonly facts?: Readonly<Record<string, JsonValue>>;
  readonly objectIds?: readonly string[];
  /** Extra notes shown with the summary (e.g. a manual check to make). */
  readonly notes?: readonly LocalizedText[];
  readonly links?: readonly Link[];
  /** Values the admin copies elsewhere as they are (a DNS record for their DNS host), shown apart, in monospace. */
  readonly copyable?: readonly CopyableValue[];
}

/** One value to copy: what it is, and the exact text (directory or Graph data, never read as Markdown). */
export interface CopyableValue {
  readonly label: LocalizedText;
  readonly value: string;
}

/**
 * What a check found: 'pass' (as hoped), 'warn' (it can go on, but something needs the admin's eye), 'unknown'
 * (Sesame could not read it, e.g. 403: it goes on without knowing), 'not-yet', 'stop'. Cards show each with its own icon.
 */
export type CheckOutcome =
  | (Outcome & { readonly result: 'pass' | 'warn' | 'unknown'; readonly next?: string })
  | (Outcome & { readonly result: 'not-yet' })
  | (Outcome & { readonly result: 'stop'; readonly reason: LocalizedText });

export interface CheckLogic {
  reads(ctx: StepContext): Calls;
  evaluate(ctx: StepContext, results: Results): CheckOutcome;
}

export type ProbeOutcome =
  | (Outcome & { readonly done: true })
  | { readonly done: false; readonly facts?: Readonly<Record<string, JsonValue>> }
  | { readonly error: true; readonly summary: LocalizedText };

export type WriteOutcome =
  | (Outcome & { readonly status: 'done'; readonly already?: boolean })
  | {
      readonly status: 'failed';
      readonly summary: LocalizedText;
      /**
       * What this refusal means and what to do, in the procedure's words (no usage location, no free seat): the
       * error card shows it first, then Graph's error.
       */
      readonly explanation?: LocalizedText;
    };

/** What the `validate` stage found: the write goes out, or the confirm card asks again and says why. */
export type ValidateOutcome = { readonly ok: true } | { readonly ok: false; readonly problem: LocalizedText };

export interface ActionLogic {
  /** Reads that tell whether the write is already done (so re-running never writes twice). */
  probe(ctx: StepContext): Calls;
  interpretProbe(ctx: StepContext, results: Results): ProbeOutcome;
  /**
   * After the confirmation, before the write, in the same turn: calls that test what the admin typed (Graph's
   * validateCredentials), which may name the step's secrets with `secretRef`.
   */
  validate?(ctx: StepContext): Calls;
  interpretValidate?(ctx: StepContext, results: Results): ValidateOutcome;
  write(ctx: StepContext): GraphCall;
  interpretWrite(ctx: StepContext, result: CallResult): WriteOutcome;
}

/** One item of a batch: a stable key (an object id) and what the card calls it (directory data, shown inert). */
export interface BatchItem {
  readonly key: string;
  readonly label: string;
}

export type BatchProbeOutcome =
  | {
      /** Keys of the items already done. */
      readonly done: readonly string[];
      readonly facts?: Readonly<Record<string, JsonValue>>;
    }
  | { readonly error: true; readonly summary: LocalizedText };

export type ItemOutcome =
  | { readonly status: 'done' | 'already'; readonly objectId?: string }
  | { readonly status: 'failed'; readonly reason: LocalizedText };

export interface BatchLogic {
  /** What the step is about to write, from the run (a multi-select tenant choice, usually). */
  items(ctx: StepContext): readonly BatchItem[];
  /** Reads that tell which items exist already (one listing, or one read per item). */
  probe(ctx: StepContext): Calls;
  interpretProbe(ctx: StepContext, results: Results): BatchProbeOutcome;
  /** The write of one missing item. */
  writeItem(ctx: StepContext, item: BatchItem): GraphCall;
  interpretItem(ctx: StepContext, item: BatchItem, result: CallResult): ItemOutcome;
}

/** `failed`: what was polled went wrong (a provisioning job in quarantine): stop waiting, tell the admin. */
export type PollOutcome = Outcome & { readonly satisfied: boolean; readonly failed?: boolean };

export interface WaitLogic {
  poll(ctx: StepContext): Calls;
  interpretPoll(ctx: StepContext, results: Results): PollOutcome;
}

export interface ProcedureLogic {
  readonly checks: Readonly<Record<string, CheckLogic>>;
  readonly actions: Readonly<Record<string, ActionLogic>>;
  readonly batches?: Readonly<Record<string, BatchLogic>>;
  readonly waits: Readonly<Record<string, WaitLogic>>;
  readonly choices?: Readonly<Record<string, ChoiceSource>>;
  /** Values for `{placeholders}` in the procedure's texts at this point of the run. */
  textParams(ctx: StepContext, locale: 'fr' | 'en'): TextParams;
}

/** A procedure's data with the behaviour its steps name. */
export interface ProcedureModule {
  readonly procedure: Procedure;
  readonly logic: ProcedureLogic;
}

/** Problems in a module's wiring: unknown logic names, duplicate or dangling step ids. [] when sound. */
export function checkProcedureModule(module: ProcedureModule): string[] {
  const problems: string[] = [];
  const { procedure, logic } = module;
  const ids = new Set<string>();
  for (const step of procedure.steps) {
    if (ids.has(step.id)) problems.push(`duplicate step id ${step.id}`);
    ids.add(step.id);
  }
  const target = (from: string, to: string | undefined): void => {
    if (to !== undefined && to !== END && !ids.has(to)) problems.push(`${from} → unknown step ${to}`);
  };
  for (const step of procedure.steps) {
    target(step.id, step.next);
    if (step.kind === 'check' && !logic.checks[step.logic])
      problems.push(`${step.id}: no check ${step.logic}`);
    if (step.kind === 'action' && !logic.actions[step.logic])
      problems.push(`${step.id}: no action ${step.logic}`);
    if (step.kind === 'action') problems.push(...secretProblems(step, logic.actions[step.logic]));
    if (step.kind === 'wait' && !logic.waits[step.logic]) problems.push(`${step.id}: no wait ${step.logic}`);
    if (step.kind === 'batch' && !logic.batches?.[step.logic])
      problems.push(`${step.id}: no batch ${step.logic}`);
    if (step.kind === 'choice') for (const o of step.options) target(`${step.id}/${o.id}`, o.next);
    if (
      (step.kind === 'check' || step.kind === 'action' || step.kind === 'batch' || step.kind === 'wait') &&
      !step.operations?.length &&
      !step.readsDns
    )
      problems.push(`${step.id}: declares no Graph operations (graphNeeds) nor DNS reads (readsDns)`);
    for (const op of step.operations ?? []) {
      if (!Object.hasOwn(GRAPH_OPERATIONS, op)) problems.push(`${step.id}: unknown Graph operation ${op}`);
    }
    for (const op of step.optionalOperations ?? []) {
      if (!(step.operations ?? []).includes(op))
        problems.push(`${step.id}: optional operation ${op} is not among its operations`);
    }
    const optionalWrites = optionalWritesOf(step);
    if (optionalWrites.length > 0 && (step.kind !== 'action' || !step.ifNotAllowed))
      problems.push(
        `${step.id}: optional write ${optionalWrites.join(' ')} needs an action step with ifNotAllowed ` +
          '(what the admin does instead)',
      );
    if (step.kind === 'action' && step.ifNotAllowed && optionalWrites.length === 0)
      problems.push(
        `${step.id}: ifNotAllowed without an optional write (ifAllowed on the write's operation)`,
      );
    const roles = stepRolesOf(step);
    if ([...roles].sort().join(' ') !== [...step.roles].sort().join(' '))
      problems.push(
        `${step.id}: roles ${step.roles.join(' ') || '(none)'} are not its operations' ` +
          `(${roles.join(' ') || 'none'}): roles are declared on the operations, and graphNeeds derives the step's`,
      );
    if (step.operations) {
      const derived = withoutImplied(permissionsOf(step.operations));
      if ([...derived].sort().join(' ') !== [...step.scopes].sort().join(' '))
        problems.push(
          `${step.id}: scopes ${step.scopes.join(' ')} are not its operations' (${derived.join(' ')})`,
        );
    }
    if (step.kind === 'wait' && step.fix) {
      const fix = step.fix.step;
      const index = procedure.steps.findIndex((s) => s.id === fix);
      if (procedure.steps[index]?.kind !== 'input' || index > procedure.steps.indexOf(step))
        problems.push(`${step.id}/fix → ${fix} is not an earlier input step`);
    }
    if (step.kind === 'choice' && step.fromTenant) {
      target(`${step.id}/fromTenant`, step.fromTenant.next);
      if (!logic.choices?.[step.fromTenant.source])
        problems.push(`${step.id}: no choice source ${step.fromTenant.source}`);
    }
    for (const s of step.scopes) {
      if (
        !procedure.requiredScopes.includes(s) &&
        !impliedBy(s).some((x) => procedure.requiredScopes.includes(x))
      )
        problems.push(`${step.id}: scope ${s} missing from requiredScopes`);
    }
  }
  return problems;
}

/** Secrets of an action: names unique, no email rule, validate and interpretValidate together. */
function secretProblems(step: ActionStep, logic: ActionLogic | undefined): string[] {
  const problems: string[] = [];
  const names = [...(step.generates ?? []).map((g) => g.name), ...(step.secretFields ?? []).map((f) => f.id)];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) problems.push(`${step.id}: secret ${name} declared twice`);
    if (!/^[A-Za-z][\w.-]{0,63}$/.test(name))
      problems.push(`${step.id}: secret name ${name} is not a plain name`);
    seen.add(name);
  }
  for (const field of step.secretFields ?? []) {
    if ((field.rules as readonly FieldRule[]).some((r) => r.kind === 'email'))
      problems.push(`${step.id}: secret field ${field.id} has an email rule (its message repeats the value)`);
  }
  for (const g of step.generates ?? []) {
    if (!Number.isInteger(g.length) || g.length < 12 || g.length > 256)
      problems.push(`${step.id}: generated secret ${g.name} length ${g.length} (12 to 256)`);
  }
  if (logic && (logic.validate === undefined) !== (logic.interpretValidate === undefined))
    problems.push(`${step.id}: validate and interpretValidate go together`);
  return problems;
}

/** The writes among a step's optional operations (`ifAllowed`): Sesame may leave them to the admin. */
export function optionalWritesOf(step: Step): GraphOpName[] {
  return (step.optionalOperations ?? []).filter(
    (op) => Object.hasOwn(GRAPH_OPERATIONS, op) && GRAPH_OPERATIONS[op].method !== 'GET',
  );
}

/** Every scope the steps need, each once, without those another of them grants (for `requiredScopes`). */
export function requiredScopesOf(steps: readonly Step[]): string[] {
  return withoutImplied([...new Set(steps.flatMap((s) => s.scopes))]);
}
