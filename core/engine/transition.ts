/**
 * The run engine: a PURE function from (procedure, run, event, now) to (next run, effects). No I/O, no clock
 * reads, no mutation of its arguments. The runner (runner.ts) performs the effects and feeds their outcomes
 * back as events; tests drive it directly with plain JSON.
 *
 * Invariants it keeps:
 * - a write happens only after an explicit `confirm` on the current stepVersion, and only after a probe said
 *   the work is not done yet (a crash or a `retry` while a write is in flight re-probes first);
 * - every write, decision and refusal yields an `audit` effect;
 * - card clicks naming an older stepVersion are refused as stale and change nothing.
 */
import type { GraphCall, RoleHolderList } from '../ports/tenant-graph.js';
import { END, type ProcedureModule } from '../procedures/types.js';
import type { CallResult } from './call-result.js';
import type { Effect, RunEvent, UserEvent } from './events.js';
import { computePreflight, rolesToLookUp, stepNeeds, type PreflightReport } from './preflight.js';
import type { Run } from './run.js';
import { kindOf } from './steps/index.js';
import { Refused, type GraphPending, type Mutable, type RefusalCode, type Tx } from './steps/step-kind.js';
import {
  accept,
  audit,
  cancelReminder,
  end,
  isOver,
  issueCalls,
  note,
  setResult,
  stepById,
} from './steps/tx.js';

export type { RefusalCode } from './steps/step-kind.js';

export interface Refusal {
  readonly code: RefusalCode;
  /** For logs; the bot describes the code to the user. */
  readonly reason: string;
}

export interface TransitionResult {
  readonly run: Run;
  readonly effects: readonly Effect[];
  /** Set when the event did not apply: `run` is then the input run and there are no effects. */
  readonly refused?: Refusal;
}

/**
 * A `retry` while Graph calls are outstanding is taken as a crash recovery only after this long. It must outlast
 * the longest a live instance can spend on one Graph operation (the adapter's retry budget, 45 s of waits).
 */
export const IN_FLIGHT_GRACE_MS = 90_000;

export function transition(
  module: ProcedureModule,
  run: Run,
  event: RunEvent,
  now: number,
): TransitionResult {
  if (run.procedureId !== module.procedure.id || run.procedureVersion !== module.procedure.version) {
    // Steps may differ between versions: a run only moves under the version it started with.
    const reason = `run is for ${run.procedureId} v${run.procedureVersion}, not ${module.procedure.id} v${module.procedure.version}`;
    return { run, effects: [], refused: { code: 'procedure_unknown', reason } };
  }
  const d: Mutable<Run> = { ...run };
  const userActor = 'actor' in event ? event.actor : undefined;
  if (userActor) {
    d.admin = {
      id: userActor.id,
      name: userActor.name,
      roleTemplateIds:
        userActor.roleTemplateIds ?? (userActor.id === run.admin.id ? run.admin.roleTemplateIds : undefined),
      scopes: userActor.scopes ?? (userActor.id === run.admin.id ? run.admin.scopes : undefined),
    };
  }
  const t: Tx = {
    m: module,
    d,
    fx: [],
    now,
    iso: new Date(now).toISOString(),
    actor:
      event.type === 'timer-due'
        ? 'sesame'
        : userActor
          ? { id: userActor.id, name: userActor.name }
          : { id: d.admin.id, name: d.admin.name },
    wantsRender: false,
    enter: (stepId) => enterStep(t, stepId),
    complete: (p) => completeStage(t, p),
  };
  try {
    dispatch(t, event);
  } catch (e) {
    if (e instanceof Refused) return { run, effects: [], refused: { code: e.code, reason: e.reason } };
    throw e;
  }
  if (!isOver(d))
    d.status =
      d.pending?.kind === 'wait' || (d.pending?.kind === 'graph' && d.pending.stage === 'poll')
        ? 'waiting'
        : 'active';
  d.updatedAt = t.iso;
  if (t.wantsRender) {
    d.stepVersion += 1;
    t.fx.push({
      type: 'render',
      stepId: d.currentStepId,
      stepVersion: d.stepVersion,
      pending: d.pending?.kind ?? null,
    });
  }
  return { run: d, effects: t.fx };
}

// ---------------------------------------------------------------------------------------------------------

function dispatch(t: Tx, event: RunEvent): void {
  const { d } = t;
  switch (event.type) {
    case 'start': {
      if (d.currentStepId !== null || d.pending || d.history.length > 0)
        throw new Refused('card_stale', 'already started');
      if (event.locale) d.locale = event.locale;
      note(t, 'start');
      audit(t, 'run.started', 'ok', { procedureId: d.procedureId, procedureVersion: d.procedureVersion });
      beginPreflight(t);
      return;
    }
    case 'preflight-result': {
      const p = d.pending;
      const awaiting =
        (p?.kind === 'graph' && p.stage === 'preflight') || (p?.kind === 'blocked' && p.stepId === null);
      if (!awaiting) throw new Refused('card_stale', 'no preflight awaited');
      applyPreflight(t, event.report);
      return;
    }
    case 'effect-result': {
      const p = d.pending;
      if (isOver(d) || p?.kind !== 'graph') throw new Refused('card_stale', 'no Graph call awaited');
      const call = p.calls.find((c) => c.callId === event.callId);
      if (!call || p.results[call.callId])
        throw new Refused('card_stale', `call ${event.callId} not awaited`);
      const results = { ...p.results, [call.callId]: event.result };
      d.pending = { ...p, results };
      if (p.calls.every((c) => results[c.callId])) completeStage(t, { ...p, results });
      return;
    }
    case 'poll-result': {
      const p = d.pending;
      if (isOver(d) || p?.kind !== 'wait') throw new Refused('card_stale', 'not waiting');
      const step = stepById(t, p.stepId);
      const kind = kindOf(step);
      if (!kind.onAnswer) throw new Refused('card_stale', 'not waiting');
      kind.onAnswer(t, step, {
        stage: 'poll',
        results: event.results,
        attempt: 1,
        firstAttemptAt: t.iso,
        interactive: true,
      });
      return;
    }
    case 'timer-due':
      timerDue(t, event.reminderId);
      return;
    case 'recover':
      recover(t, event.reachable);
      return;
    default:
      userEvent(t, event);
  }
}

/** Why a user event finds nothing to act on, by event (for logs). */
const NOT_AWAITED: Partial<Record<UserEvent['type'], string>> = {
  confirm: 'nothing to confirm',
  'submit-input': 'no form awaited',
  'manual-done': 'no manual step awaited',
};

function userEvent(t: Tx, event: UserEvent): void {
  const { d } = t;
  if (d.status === 'done' || d.status === 'cancelled') throw new Refused('card_stale', `run is ${d.status}`);
  if ('stepVersion' in event && event.stepVersion !== undefined && event.stepVersion !== d.stepVersion) {
    throw new Refused(
      'card_stale',
      `card is for step version ${event.stepVersion}, run is at ${d.stepVersion}`,
    );
  }
  if (d.status === 'failed' && event.type !== 'retry' && event.type !== 'change' && event.type !== 'cancel') {
    throw new Refused('card_stale', 'run has failed');
  }
  const p = d.pending;
  switch (event.type) {
    case 'change': {
      const changeable =
        d.status === 'failed' || ['confirm', 'input', 'choice', 'blocked', 'error'].includes(p?.kind ?? '');
      if (!changeable) throw new Refused('card_stale', 'cannot change now');
      const target = event.stepId ?? previousInput(t);
      const step = target ? t.m.procedure.steps.find((s) => s.id === target) : undefined;
      if (!step || step.kind !== 'input' || !isAtOrBefore(t, step.id, d.currentStepId)) {
        throw new Refused('input_invalid', `cannot go back to ${String(target)}`);
      }
      accept(t, event.type);
      reopen(t);
      audit(t, 'step.changed', 'ok', { from: d.currentStepId, to: step.id });
      enterStep(t, step.id);
      return;
    }
    case 'cancel': {
      accept(t, event.type);
      const inFlight = p?.kind === 'graph' && p.stage === 'write';
      audit(t, 'run.cancelled', 'ok', {
        stepId: d.currentStepId,
        writeInFlight: inFlight,
        done: doneSteps(t),
      });
      end(t, 'cancelled', {
        fr: `Procédure annulée par ${actorName(t)}.`,
        en: `Procedure cancelled by ${actorName(t)}.`,
      });
      return;
    }
    case 'retry':
      retry(t);
      return;
    case 'start':
      throw new Refused('card_stale', 'already started');
    default: {
      // The step the run waits on takes its own events (a form, a confirmation, a "done" button).
      const stepId = p && 'stepId' in p ? p.stepId : null;
      const step = stepId ? stepById(t, stepId) : undefined;
      const handled = step ? (kindOf(step).onUserEvent?.(t, step, event) ?? false) : false;
      if (!handled) throw new Refused('card_stale', NOT_AWAITED[event.type] ?? `${event.type} not awaited`);
    }
  }
}

function retry(t: Tx): void {
  const { d } = t;
  const p = d.pending;
  if (p?.kind === 'graph' && t.now - Date.parse(p.issuedAt) < IN_FLIGHT_GRACE_MS) {
    throw new Refused('card_stale', 'Graph calls of this step are still in flight');
  }
  accept(t, 'retry');
  if (d.status === 'failed') {
    const stepId = d.outcome?.stepId ?? d.currentStepId;
    reopen(t);
    audit(t, 'step.retried', 'ok', { stepId });
    if (stepId) enterStep(t, stepId);
    else beginPreflight(t);
    return;
  }
  if (!p) throw new Refused('card_stale', 'nothing to retry');
  audit(t, 'step.retried', 'ok', { stepId: d.currentStepId, pending: p.kind });
  switch (p.kind) {
    case 'blocked':
      if (p.stepId === null) beginPreflight(t);
      else enterStep(t, p.stepId);
      return;
    case 'secret': {
      // "Generate again": the value shown before was never kept, so a new one replaces it.
      const step = stepById(t, p.stepId);
      kindOf(step).onRetry?.(t, step, 'check');
      return;
    }
    case 'error':
    case 'graph':
    case 'retry':
    case 'wait': {
      if (p.kind === 'retry') cancelReminder(t, p.reminderId);
      const stage = p.kind === 'wait' ? 'poll' : p.stage;
      if (p.stepId === null || stage === 'preflight') return beginPreflight(t);
      const step = stepById(t, p.stepId);
      const kind = kindOf(step);
      if (!kind.onRetry) throw new Error(`step ${step.id} (${step.kind}) cannot retry ${stage}`);
      kind.onRetry(t, step, stage);
      return;
    }
    default:
      t.wantsRender = true;
  }
}

function timerDue(t: Tx, reminderId: string): void {
  const { d } = t;
  if (isOver(d) || !d.reminders.includes(reminderId))
    throw new Refused('card_stale', `timer ${reminderId} not armed`);
  d.reminders = d.reminders.filter((r) => r !== reminderId);
  for (const step of t.m.procedure.steps) {
    if (kindOf(step).onTimer?.(t, step, reminderId)) return;
  }
}

/**
 * After a crash: the run's Graph calls were in flight and nobody will ever deliver their results. Reads are
 * issued again; an interrupted write is re-probed (the action kind records what it found in the audit) and
 * never re-sent blindly. Without a token for the admin, the run says it was interrupted and waits for them.
 */
function recover(t: Tx, reachable: boolean): void {
  const { d } = t;
  const p = d.pending;
  if (isOver(d) || p?.kind !== 'graph') throw new Refused('card_stale', 'no Graph call in flight');
  audit(t, 'run.interrupted', 'ok', {
    stepId: p.stepId,
    stage: p.stage,
    issuedAt: p.issuedAt,
    calls: p.calls
      .filter((c) => !p.results[c.callId])
      .map((c) => ({ op: c.call.op, purpose: c.purpose, attempt: c.attempt })),
    reachable,
  });
  if (!reachable) {
    d.pending = {
      kind: 'error',
      stepId: p.stepId,
      stage: p.stage,
      error: {
        code: 'run_interrupted',
        message: `Sesame stopped during the ${p.stage} stage of ${p.stepId ?? 'the preflight'}`,
      },
    };
    t.wantsRender = true;
    return;
  }
  if (p.stepId === null || p.stage === 'preflight') return beginPreflight(t);
  const step = stepById(t, p.stepId);
  const kind = kindOf(step);
  if (!kind.onRetry) throw new Error(`step ${step.id} (${step.kind}) cannot retry ${p.stage}`);
  kind.onRetry(t, step, p.stage);
  t.wantsRender = true;
}

// ---------------------------------------------------------------------------------------------------------
// Preflight and entering steps

function beginPreflight(t: Tx): void {
  const { d } = t;
  const roles = d.admin.roleTemplateIds ? rolesToLookUp(t.m.procedure, d.admin.roleTemplateIds) : [];
  if (roles.length === 0) return applyPreflight(t, preflightFrom(t, []));
  const calls: Record<string, GraphCall> = {};
  for (const role of roles) calls[role] = { op: 'listRoleHolders', args: [role] };
  issueCalls(t, null, 'preflight', calls, 'read', 1, t.iso, false);
}

function preflightFrom(t: Tx, holders: RoleHolderList[]): PreflightReport {
  return computePreflight({
    procedure: t.m.procedure,
    roleTemplateIds: t.d.admin.roleTemplateIds,
    scopes: t.d.admin.scopes,
    holders,
  });
}

function applyPreflight(t: Tx, report: PreflightReport): void {
  const { d } = t;
  d.preflight = report;
  audit(t, 'run.preflight', report.feasibility === 'none' ? 'refused' : 'ok', {
    feasibility: report.feasibility,
    blockedSteps: report.blockedSteps,
    missingRoles: report.missingRoles,
    missingScopes: report.missingScopes,
  });
  if (report.feasibility === 'none') {
    d.pending = {
      kind: 'blocked',
      stepId: null,
      missingRoles: report.missingRoles,
      missingScopes: report.missingScopes,
    };
    t.wantsRender = true;
    return;
  }
  const first = t.m.procedure.steps[0];
  enterStep(t, d.currentStepId ?? first?.id ?? END);
}

function enterStep(t: Tx, stepId: string): void {
  const { d } = t;
  if (stepId === END) return finish(t);
  const step = stepById(t, stepId);
  d.currentStepId = step.id;
  note(t, 'enter');
  const needs = stepNeeds(step, d.admin.roleTemplateIds, d.admin.scopes);
  if (needs.missingRoles.length > 0 || needs.missingScopes.length > 0) {
    d.pending = { kind: 'blocked', stepId: step.id, ...needs };
    setResult(t, step.id, 'blocked', {});
    audit(t, 'step.blocked', 'refused', { stepId: step.id, ...needs });
    t.wantsRender = true;
    return;
  }
  kindOf(step).enter(t, step);
}

/** Every call of a Graph stage answered: the preflight or the step that issued it takes the results. */
function completeStage(t: Tx, p: GraphPending): void {
  const byName: Record<string, CallResult> = {};
  for (const c of p.calls) {
    const r = p.results[c.callId];
    if (r) byName[c.name] = r;
  }
  if (p.stage === 'preflight' || p.stepId === null) {
    const holders = Object.values(byName).flatMap((r) => (r.ok ? [r.data as RoleHolderList] : []));
    return applyPreflight(t, preflightFrom(t, holders));
  }
  const step = stepById(t, p.stepId);
  const kind = kindOf(step);
  if (!kind.onAnswer) throw new Error(`step ${step.id} (${step.kind}) issued no Graph calls`);
  kind.onAnswer(t, step, {
    stage: p.stage,
    results: byName,
    pending: p,
    attempt: p.calls[0]?.attempt ?? 1,
    firstAttemptAt: p.firstAttemptAt,
    interactive: p.interactive,
  });
}

function finish(t: Tx): void {
  const { d } = t;
  audit(t, 'run.completed', 'ok', { done: doneSteps(t) });
  d.currentStepId = null;
  end(t, 'done');
}

/** Back from `failed` to a live run (retry or change after a check stopped it). */
function reopen(t: Tx): void {
  const { d } = t;
  if (d.status !== 'failed') return;
  d.status = 'active';
  d.outcome = undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function isAtOrBefore(t: Tx, a: string, b: string | null): boolean {
  if (b === null) return true;
  const steps = t.m.procedure.steps;
  return steps.findIndex((s) => s.id === a) <= steps.findIndex((s) => s.id === b);
}

function previousInput(t: Tx): string | undefined {
  const steps = t.m.procedure.steps;
  const upTo =
    t.d.currentStepId === null ? steps.length - 1 : steps.findIndex((s) => s.id === t.d.currentStepId);
  for (let i = upTo; i >= 0; i -= 1) if (steps[i]?.kind === 'input') return steps[i]?.id;
  return undefined;
}

function doneSteps(t: Tx): string[] {
  return Object.entries(t.d.stepResults)
    .filter(([, r]) => r.status === 'done')
    .map(([id]) => id);
}

function actorName(t: Tx): string {
  return t.actor === 'sesame' ? 'Sesame' : t.actor.name;
}
