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
import { addBusinessDays } from '../calendar/business-days.js';
import type { GraphCall } from '../ports/tenant-graph.js';
import type { RoleHolderList } from '../ports/tenant-graph.js';
import { interpolate, type LocalizedText } from '../procedures/text.js';
import {
  END,
  type ActionStep,
  type CheckStep,
  type JsonValue,
  type Calls,
  type Outcome,
  type ProcedureModule,
  type Results,
  type Step,
  type StepContext,
  type WaitStep,
} from '../procedures/types.js';
import { validateFields } from '../procedures/validation.js';
import { requestIdsOf, type CallResult, type GraphErrorData } from './call-result.js';
import type { AuditEffect, Effect, RunEvent, UserEvent } from './events.js';
import { computePreflight, rolesToLookUp, stepNeeds, type PreflightReport } from './preflight.js';
import { nextRetry } from './retry.js';
import type { Actor, GraphStage, HistoryEntry, Pending, PendingCall, Run, StepResult } from './run.js';

export type RefusalCode = 'card_stale' | 'procedure_unknown' | 'input_invalid';

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

const HISTORY_LIMIT = 200;
/** A `retry` while Graph calls are outstanding is taken as a crash recovery only after this long. */
export const IN_FLIGHT_GRACE_MS = 30_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Tx {
  readonly m: ProcedureModule;
  readonly d: Mutable<Run>;
  readonly fx: Effect[];
  readonly now: number;
  readonly iso: string;
  readonly actor: Actor | 'sesame';
  wantsRender: boolean;
}

class Refused {
  constructor(
    readonly code: RefusalCode,
    readonly reason: string,
  ) {}
}

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
      completePoll(t, waitStep(t, p.stepId), event.results, true);
      return;
    }
    case 'timer-due':
      timerDue(t, event.reminderId);
      return;
    default:
      userEvent(t, event);
  }
}

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
    case 'confirm': {
      if (p?.kind !== 'confirm') throw new Refused('card_stale', 'nothing to confirm');
      const step = actionStep(t, p.stepId);
      accept(t, event.type);
      audit(t, 'step.confirmed', 'ok', { stepId: step.id });
      issueWrite(t, step, 1, t.iso);
      return;
    }
    case 'submit-input': {
      if (p?.kind === 'input') {
        const step = stepById(t, p.stepId);
        if (step.kind !== 'input') throw new Error(`step ${step.id} is not an input`);
        accept(t, event.type);
        const v = validateFields(step.fields, event.values);
        if (!v.ok) {
          d.pending = { kind: 'input', stepId: step.id, values: v.values, errors: v.errors };
          audit(t, 'input.rejected', 'refused', { stepId: step.id, fields: Object.keys(v.errors) });
          t.wantsRender = true;
          return;
        }
        d.inputs = { ...d.inputs, ...v.values };
        setResult(t, step.id, 'done', {});
        audit(t, 'input.submitted', 'ok', { stepId: step.id, values: v.values });
        enterStep(t, nextOf(t, step));
        return;
      }
      if (p?.kind === 'choice') {
        const step = stepById(t, p.stepId);
        if (step.kind !== 'choice') throw new Error(`step ${step.id} is not a choice`);
        const option = step.options.find((o) => o.id === event.values.choice);
        if (!option) throw new Refused('input_invalid', `unknown option ${String(event.values.choice)}`);
        accept(t, event.type);
        if (option.facts) d.facts = { ...d.facts, ...option.facts };
        setResult(t, step.id, 'done', { summary: option.label });
        audit(t, 'choice.made', 'ok', { stepId: step.id, option: option.id });
        enterStep(t, option.next);
        return;
      }
      throw new Refused('card_stale', 'no form awaited');
    }
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
    case 'manual-done': {
      if (p?.kind !== 'manual') throw new Refused('card_stale', 'no manual step awaited');
      const step = stepById(t, p.stepId);
      accept(t, event.type);
      setResult(t, step.id, 'done', {});
      audit(t, 'manual.done', 'ok', { stepId: step.id });
      enterStep(t, nextOf(t, step));
      return;
    }
    case 'retry':
      retry(t);
      return;
    case 'start':
      throw new Refused('card_stale', 'already started');
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
    case 'error':
    case 'graph':
    case 'retry': {
      const stage: GraphStage = p.stage;
      if (p.kind === 'retry') cancelReminder(t, p.reminderId);
      if (p.stepId === null || stage === 'preflight') return beginPreflight(t);
      const step = stepById(t, p.stepId);
      // A write that may or may not have happened is re-probed, never blindly repeated.
      if (stage === 'write' || stage === 'probe') return issueProbe(t, actionStep(t, step.id), true);
      if (stage === 'poll') return issuePoll(t, waitStep(t, step.id), true);
      return issueChecks(t, checkStep(t, step.id), 1, t.iso, true);
    }
    case 'wait':
      issuePoll(t, waitStep(t, p.stepId), true);
      return;
    default:
      t.wantsRender = true;
  }
}

function timerDue(t: Tx, reminderId: string): void {
  const { d } = t;
  if (isOver(d) || !d.reminders.includes(reminderId))
    throw new Refused('card_stale', `timer ${reminderId} not armed`);
  d.reminders = d.reminders.filter((r) => r !== reminderId);
  const p = d.pending;
  if (p?.kind === 'retry' && p.reminderId === reminderId) {
    const step = stepById(t, p.stepId);
    if (p.stage === 'write') issueWrite(t, actionStep(t, step.id), p.attempt + 1, p.firstAttemptAt);
    else issueChecks(t, checkStep(t, step.id), p.attempt + 1, p.firstAttemptAt, false);
    return;
  }
  if (p?.kind === 'wait' && p.pollReminderId === reminderId) {
    issuePoll(t, waitStep(t, p.stepId), false);
    return;
  }
  // A wait's own reminder (the proactive message is the bot's job): remember the wait is overdue.
  for (const step of t.m.procedure.steps) {
    if (step.kind !== 'wait') continue;
    const reminder = step.reminders.find((r) => reminderKey(d.id, step.id, r.id) === reminderId);
    if (!reminder) continue;
    const prev = d.stepResults[step.id];
    if (reminder.at === 'due' && prev) setResult(t, step.id, prev.status, { ...prev, overdue: true });
    audit(t, 'reminder.due', 'ok', {
      stepId: step.id,
      reminder: reminder.id,
      messageKey: reminder.messageKey,
    });
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Preflight and steps

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
  switch (step.kind) {
    case 'check':
      return issueChecks(t, step, 1, t.iso, false);
    case 'action':
      return issueProbe(t, step, false);
    case 'input': {
      const values: Record<string, string> = {};
      for (const f of step.fields) values[f.id] = d.inputs[f.id] ?? f.default ?? '';
      d.pending = { kind: 'input', stepId: step.id, values };
      setResult(t, step.id, 'running', {});
      t.wantsRender = true;
      return;
    }
    case 'manual':
      d.pending = { kind: 'manual', stepId: step.id };
      setResult(t, step.id, 'running', {});
      t.wantsRender = true;
      return;
    case 'choice':
      d.pending = { kind: 'choice', stepId: step.id };
      setResult(t, step.id, 'running', {});
      t.wantsRender = true;
      return;
    case 'wait':
      return enterWait(t, step);
  }
}

function issueChecks(
  t: Tx,
  step: CheckStep,
  attempt: number,
  firstAttemptAt: string,
  interactive: boolean,
): void {
  const logic = t.m.logic.checks[step.logic];
  if (!logic) throw new Error(`no check logic ${step.logic}`);
  setResult(t, step.id, 'running', {});
  issueCalls(t, step.id, 'check', logic.reads(ctx(t)), 'read', attempt, firstAttemptAt, interactive);
}

function issueProbe(t: Tx, step: ActionStep, interactive: boolean): void {
  const logic = t.m.logic.actions[step.logic];
  if (!logic) throw new Error(`no action logic ${step.logic}`);
  setResult(t, step.id, 'running', {});
  issueCalls(t, step.id, 'probe', logic.probe(ctx(t)), 'probe', 1, t.iso, interactive);
}

function issueWrite(t: Tx, step: ActionStep, attempt: number, firstAttemptAt: string): void {
  const logic = t.m.logic.actions[step.logic];
  if (!logic) throw new Error(`no action logic ${step.logic}`);
  issueCalls(t, step.id, 'write', { write: logic.write(ctx(t)) }, 'write', attempt, firstAttemptAt, true);
}

function issuePoll(t: Tx, step: WaitStep, interactive: boolean): void {
  const logic = t.m.logic.waits[step.logic];
  if (!logic) throw new Error(`no wait logic ${step.logic}`);
  issueCalls(t, step.id, 'poll', logic.poll(ctx(t)), 'read', 1, t.iso, interactive);
}

function issueCalls(
  t: Tx,
  stepId: string | null,
  stage: GraphStage,
  calls: Calls,
  purpose: PendingCall['purpose'],
  attempt: number,
  firstAttemptAt: string,
  interactive: boolean,
): void {
  const { d } = t;
  const pending: PendingCall[] = Object.entries(calls).map(([name, call]) => {
    d.seq += 1;
    return { callId: `c${d.seq}`, name, call, purpose, attempt };
  });
  const p: Pending = {
    kind: 'graph',
    stepId,
    stage,
    calls: pending,
    results: {},
    firstAttemptAt,
    issuedAt: t.iso,
    interactive,
  };
  d.pending = p;
  for (const c of pending) {
    t.fx.push({
      type: 'graph',
      callId: c.callId,
      stepId,
      op: c.call.op,
      args: c.call.args,
      purpose,
      attempt,
    });
  }
  if (pending.length === 0) completeStage(t, p);
}

function completeStage(t: Tx, p: Extract<Pending, { kind: 'graph' }>): void {
  const byName: Record<string, CallResult> = {};
  for (const c of p.calls) {
    const r = p.results[c.callId];
    if (r) byName[c.name] = r;
  }
  if (p.stage === 'preflight' || p.stepId === null) {
    const holders = Object.values(byName).flatMap((r) => (r.ok ? [r.data as RoleHolderList] : []));
    return applyPreflight(t, preflightFrom(t, holders));
  }
  const attempt = p.calls[0]?.attempt ?? 1;
  switch (p.stage) {
    case 'check':
      return completeCheck(t, checkStep(t, p.stepId), byName, attempt, p.firstAttemptAt);
    case 'probe':
      return completeProbe(t, actionStep(t, p.stepId), byName);
    case 'write':
      return completeWrite(t, actionStep(t, p.stepId), byName, p.calls[0], p.firstAttemptAt);
    case 'poll':
      return completePoll(t, waitStep(t, p.stepId), byName, p.interactive);
  }
}

function completeCheck(
  t: Tx,
  step: CheckStep,
  results: Results,
  attempt: number,
  firstAttemptAt: string,
): void {
  for (const r of Object.values(results)) {
    if (r.ok) continue;
    const delay = nextRetry(step.retry, r.error, attempt, Date.parse(firstAttemptAt), t.now);
    if (delay !== undefined)
      return scheduleRetry(t, step.id, 'check', attempt, firstAttemptAt, delay, r.error);
  }
  const logic = t.m.logic.checks[step.logic];
  if (!logic) throw new Error(`no check logic ${step.logic}`);
  const outcome = logic.evaluate(ctx(t), results);
  mergeFacts(t, outcome);
  const requestIds = requestIdsOf(results);
  if (outcome.result === 'stop') {
    setResult(t, step.id, 'failed', { ...outcomeFields(outcome), requestIds });
    audit(t, 'check.evaluated', 'failed', { stepId: step.id, reason: outcome.reason.en, requestIds });
    end(t, 'failed', outcome.reason);
    return;
  }
  setResult(t, step.id, 'done', { ...outcomeFields(outcome), requestIds });
  audit(t, 'check.evaluated', 'ok', {
    stepId: step.id,
    result: outcome.result,
    summary: outcome.summary.en,
    requestIds,
  });
  enterStep(t, outcome.next ?? nextOf(t, step));
  if (outcome.result === 'warn') t.wantsRender = true;
}

function completeProbe(t: Tx, step: ActionStep, results: Results): void {
  const { d } = t;
  const logic = t.m.logic.actions[step.logic];
  if (!logic) throw new Error(`no action logic ${step.logic}`);
  const outcome = logic.interpretProbe(ctx(t), results);
  const requestIds = requestIdsOf(results);
  if ('error' in outcome) {
    const error = Object.values(results).find((r): r is Extract<CallResult, { ok: false }> => !r.ok)
      ?.error ?? {
      code: 'graph_unexpected' as const,
      message: outcome.summary.en,
    };
    d.pending = { kind: 'error', stepId: step.id, stage: 'probe', error, summary: outcome.summary };
    setResult(t, step.id, 'failed', { summary: outcome.summary, requestIds, error });
    audit(t, 'action.probe', 'failed', { stepId: step.id, code: error.code, requestIds });
    t.wantsRender = true;
    return;
  }
  if (outcome.done) {
    mergeFacts(t, outcome);
    setResult(t, step.id, 'done', { ...outcomeFields(outcome), requestIds, already: true });
    audit(t, 'action.skipped', 'skipped', {
      stepId: step.id,
      reason: 'already done',
      objectIds: outcome.objectIds ?? [],
      requestIds,
    });
    enterStep(t, nextOf(t, step));
    return;
  }
  if (outcome.facts) d.facts = { ...d.facts, ...outcome.facts };
  d.pending = { kind: 'confirm', stepId: step.id };
  setResult(t, step.id, 'running', { requestIds });
  t.wantsRender = true;
}

function completeWrite(
  t: Tx,
  step: ActionStep,
  results: Results,
  call: PendingCall | undefined,
  firstAttemptAt: string,
): void {
  const { d } = t;
  const logic = t.m.logic.actions[step.logic];
  const result = results.write;
  if (!logic || !result || !call) throw new Error(`write of ${step.id} has no result`);
  const outcome = logic.interpretWrite(ctx(t), result);
  const requestIds = requestIdsOf(results);
  const details = {
    stepId: step.id,
    op: call.call.op,
    args: call.call.args,
    attempt: call.attempt,
    requestIds,
  };
  if (outcome.status === 'done') {
    mergeFacts(t, outcome);
    setResult(t, step.id, 'done', {
      ...outcomeFields(outcome),
      requestIds,
      already: outcome.already ?? false,
    });
    audit(t, 'graph.write', outcome.already ? 'skipped' : 'ok', {
      ...details,
      objectIds: outcome.objectIds ?? [],
      ...(outcome.already ? { reason: 'already done' } : {}),
    });
    enterStep(t, nextOf(t, step));
    return;
  }
  const error: GraphErrorData = result.ok
    ? { code: 'graph_unexpected', message: outcome.summary.en }
    : result.error;
  const delay = nextRetry(step.retry, error, call.attempt, Date.parse(firstAttemptAt), t.now);
  audit(t, 'graph.write', 'failed', {
    ...details,
    code: error.code,
    status: error.status,
    retrying: delay !== undefined,
  });
  if (delay !== undefined)
    return scheduleRetry(t, step.id, 'write', call.attempt, firstAttemptAt, delay, error);
  d.pending = { kind: 'error', stepId: step.id, stage: 'write', error, summary: outcome.summary };
  setResult(t, step.id, 'failed', { summary: outcome.summary, requestIds, error });
  t.wantsRender = true;
}

function scheduleRetry(
  t: Tx,
  stepId: string,
  stage: 'check' | 'write',
  attempt: number,
  firstAttemptAt: string,
  delayMs: number,
  error: GraphErrorData,
): void {
  const { d } = t;
  const reminderId = `${d.id}:${stepId}:retry`;
  const retryAt = t.now + delayMs;
  d.pending = {
    kind: 'retry',
    stepId,
    stage,
    attempt,
    firstAttemptAt,
    retryAt: new Date(retryAt).toISOString(),
    reminderId,
    lastError: error,
  };
  schedule(t, reminderId, retryAt, 'engine.retry', { stepId }, false);
  audit(t, 'graph.retry-scheduled', 'ok', { stepId, stage, attempt, delayMs, code: error.code });
  // Tell the admin once that Sesame is waiting for Microsoft's directory to catch up.
  if (attempt === 1) t.wantsRender = true;
}

function enterWait(t: Tx, step: WaitStep): void {
  const { d } = t;
  const dueAt =
    'businessDays' in step.due
      ? addBusinessDays(t.now, step.due.businessDays, {
          timeZone: step.due.timeZone,
          holidays: step.due.holidays,
        })
      : t.now + step.due.durationMs;
  setResult(t, step.id, 'waiting', { dueAt: new Date(dueAt).toISOString(), since: t.iso });
  const params = { ...textParams(t), dueAt: new Date(dueAt).toISOString(), stepId: step.id };
  for (const r of step.reminders) {
    const at = r.at === 'due' ? dueAt : t.now + r.at.afterMs;
    // The step result already holds dueAt, so the procedure's params can format it.
    const text = {
      fr: interpolate(r.message.fr, t.m.logic.textParams(ctx(t), 'fr')),
      en: interpolate(r.message.en, t.m.logic.textParams(ctx(t), 'en')),
    };
    schedule(t, reminderKey(d.id, step.id, r.id), at, r.messageKey, params, true, text);
  }
  audit(t, 'wait.started', 'ok', { stepId: step.id, dueAt: new Date(dueAt).toISOString() });
  issuePoll(t, step, true);
}

function completePoll(t: Tx, step: WaitStep, results: Results, interactive: boolean): void {
  const { d } = t;
  const logic = t.m.logic.waits[step.logic];
  if (!logic) throw new Error(`no wait logic ${step.logic}`);
  const outcome = logic.interpretPoll(ctx(t), results);
  mergeFacts(t, outcome);
  const prev = d.stepResults[step.id];
  const pollReminderId = reminderKey(d.id, step.id, 'poll');
  const requestIds = requestIdsOf(results);
  if (outcome.satisfied) {
    cancelReminder(t, pollReminderId);
    const keep = new Set((step.keepRemindersUntilEnd ?? []).map((r) => reminderKey(d.id, step.id, r)));
    for (const r of step.reminders) {
      const id = reminderKey(d.id, step.id, r.id);
      if (!keep.has(id)) cancelReminder(t, id);
    }
    setResult(t, step.id, 'done', { ...prev, ...outcomeFields(outcome), requestIds });
    audit(t, 'wait.satisfied', 'ok', { stepId: step.id, requestIds, objectIds: outcome.objectIds ?? [] });
    enterStep(t, nextOf(t, step));
    return;
  }
  const since = Date.parse(prev?.since ?? t.iso);
  const nextPollAt = t.now + step.pollEveryMs;
  // Past the polling window Sesame stops asking Graph every hour; "check now" still polls once.
  const keepPolling = step.pollForMs === undefined || nextPollAt - since <= step.pollForMs;
  if (keepPolling) schedule(t, pollReminderId, nextPollAt, 'engine.poll', { stepId: step.id }, false);
  else if (!prev?.pollingStopped) {
    audit(t, 'wait.polling-stopped', 'ok', { stepId: step.id, pollForMs: step.pollForMs });
    t.wantsRender = true;
  }
  d.pending = {
    kind: 'wait',
    stepId: step.id,
    dueAt: prev?.dueAt ?? t.iso,
    ...(keepPolling ? { nextPollAt: new Date(nextPollAt).toISOString() } : {}),
    pollReminderId,
  };
  setResult(t, step.id, 'waiting', {
    ...prev,
    ...outcomeFields(outcome),
    requestIds,
    ...(keepPolling ? {} : { pollingStopped: true }),
  });
  if (interactive) t.wantsRender = true;
}

function finish(t: Tx): void {
  const { d } = t;
  audit(t, 'run.completed', 'ok', { done: doneSteps(t) });
  d.currentStepId = null;
  end(t, 'done');
}

function end(t: Tx, status: 'done' | 'failed' | 'cancelled', reason?: LocalizedText): void {
  const { d } = t;
  for (const id of d.reminders) t.fx.push({ type: 'cancel-reminder', id });
  d.reminders = [];
  d.status = status;
  d.pending = undefined;
  if (reason) d.outcome = { reason, stepId: d.currentStepId };
  note(t, status);
  t.wantsRender = true;
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

function ctx(t: Tx): StepContext {
  const { d } = t;
  return { run: d, inputs: d.inputs, facts: d.facts, adminRoles: d.admin.roleTemplateIds, now: t.now };
}

function textParams(t: Tx): Record<string, string | number> {
  return { ...t.m.logic.textParams(ctx(t), t.d.locale) };
}

function accept(t: Tx, event: string): void {
  t.d.stepVersion += 1;
  note(t, event);
}

function note(t: Tx, event: string, text?: string): void {
  const { d } = t;
  const entry: HistoryEntry = {
    at: t.iso,
    event,
    stepId: d.currentStepId,
    stepVersion: d.stepVersion,
    ...(t.actor === 'sesame' ? {} : { actorId: t.actor.id }),
    ...(text ? { note: text } : {}),
  };
  d.history = [...d.history, entry].slice(-HISTORY_LIMIT);
}

function audit(t: Tx, action: string, result: string, details: Record<string, unknown>): void {
  const effect: AuditEffect = { type: 'audit', action, result, actor: t.actor, details };
  t.fx.push(effect);
}

function schedule(
  t: Tx,
  id: string,
  dueAt: number,
  messageKey: string,
  params: Record<string, string | number>,
  notify: boolean,
  text?: LocalizedText,
): void {
  const { d } = t;
  t.fx.push({ type: 'schedule-reminder', id, dueAt, messageKey, params, notify, ...(text ? { text } : {}) });
  if (!d.reminders.includes(id)) d.reminders = [...d.reminders, id];
}

function cancelReminder(t: Tx, id: string): void {
  const { d } = t;
  if (!d.reminders.includes(id)) return;
  t.fx.push({ type: 'cancel-reminder', id });
  d.reminders = d.reminders.filter((r) => r !== id);
}

function reminderKey(runId: string, stepId: string, reminderId: string): string {
  return `${runId}:${stepId}:${reminderId}`;
}

function setResult(t: Tx, stepId: string, status: StepResult['status'], extra: Partial<StepResult>): void {
  const { d } = t;
  const result: StepResult = { requestIds: [], objectIds: [], ...extra, status, at: t.iso };
  d.stepResults = { ...d.stepResults, [stepId]: result };
}

function outcomeFields(o: Outcome): Partial<StepResult> {
  return {
    summary: o.summary,
    objectIds: o.objectIds ?? [],
    ...(o.notes ? { notes: o.notes } : {}),
    ...(o.links ? { links: o.links } : {}),
  };
}

function mergeFacts(t: Tx, o: { readonly facts?: Readonly<Record<string, JsonValue>> }): void {
  if (o.facts) t.d.facts = { ...t.d.facts, ...o.facts };
}

function stepById(t: Tx, id: string): Step {
  const step = t.m.procedure.steps.find((s) => s.id === id);
  if (!step) throw new Error(`procedure ${t.m.procedure.id} has no step ${id}`);
  return step;
}

function checkStep(t: Tx, id: string): CheckStep {
  const s = stepById(t, id);
  if (s.kind !== 'check') throw new Error(`step ${id} is not a check`);
  return s;
}

function actionStep(t: Tx, id: string): ActionStep {
  const s = stepById(t, id);
  if (s.kind !== 'action') throw new Error(`step ${id} is not an action`);
  return s;
}

function waitStep(t: Tx, id: string): WaitStep {
  const s = stepById(t, id);
  if (s.kind !== 'wait') throw new Error(`step ${id} is not a wait`);
  return s;
}

function nextOf(t: Tx, step: Step): string {
  if (step.next) return step.next;
  const steps = t.m.procedure.steps;
  const i = steps.findIndex((s) => s.id === step.id);
  return steps[i + 1]?.id ?? END;
}

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

function isOver(run: Run): boolean {
  return run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';
}
