/** Helpers every step kind and the transition share: history, audit, results, reminders, Graph calls. */
import { interpolate, type LocalizedText } from '../../procedures/text.js';
import {
  END,
  type Calls,
  type JsonValue,
  type Outcome,
  type Step,
  type StepContext,
} from '../../procedures/types.js';
import type { GraphErrorData } from '../call-result.js';
import type { AuditEffect } from '../events.js';
import type { GraphStage, HistoryEntry, Pending, PendingCall, Run, StepResult } from '../run.js';
import type { Tx } from './step-kind.js';

const HISTORY_LIMIT = 200;

export function ctx(t: Tx): StepContext {
  const { d } = t;
  return { run: d, inputs: d.inputs, facts: d.facts, adminRoles: d.admin.roleTemplateIds, now: t.now };
}

export function textParams(t: Tx): Record<string, string | number> {
  return { ...t.m.logic.textParams(ctx(t), t.d.locale) };
}

/** A user event applies: cards rendered before it are now stale. */
export function accept(t: Tx, event: string): void {
  t.d.stepVersion += 1;
  note(t, event);
}

export function note(t: Tx, event: string, text?: string): void {
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

export function audit(t: Tx, action: string, result: string, details: Record<string, unknown>): void {
  const effect: AuditEffect = { type: 'audit', action, result, actor: t.actor, details };
  t.fx.push(effect);
}

export function schedule(
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

export function cancelReminder(t: Tx, id: string): void {
  const { d } = t;
  if (!d.reminders.includes(id)) return;
  t.fx.push({ type: 'cancel-reminder', id });
  d.reminders = d.reminders.filter((r) => r !== id);
}

export function reminderKey(runId: string, stepId: string, reminderId: string): string {
  return `${runId}:${stepId}:${reminderId}`;
}

export function setResult(
  t: Tx,
  stepId: string,
  status: StepResult['status'],
  extra: Partial<StepResult>,
): void {
  const { d } = t;
  const result: StepResult = { requestIds: [], objectIds: [], ...extra, status, at: t.iso };
  d.stepResults = { ...d.stepResults, [stepId]: result };
}

export function outcomeFields(o: Outcome): Partial<StepResult> {
  return {
    summary: o.summary,
    objectIds: o.objectIds ?? [],
    ...(o.notes ? { notes: o.notes } : {}),
    ...(o.links ? { links: o.links } : {}),
    ...(o.copyable ? { copyable: o.copyable } : {}),
  };
}

export function mergeFacts(t: Tx, o: { readonly facts?: Readonly<Record<string, JsonValue>> }): void {
  if (o.facts) t.d.facts = { ...t.d.facts, ...o.facts };
}

export function stepById(t: Tx, id: string): Step {
  const step = t.m.procedure.steps.find((s) => s.id === id);
  if (!step) throw new Error(`procedure ${t.m.procedure.id} has no step ${id}`);
  return step;
}

export function nextOf(t: Tx, step: Step): string {
  if (step.next) return step.next;
  const steps = t.m.procedure.steps;
  const i = steps.findIndex((s) => s.id === step.id);
  return steps[i + 1]?.id ?? END;
}

export function isOver(run: Run): boolean {
  return run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';
}

/** Issues a stage of Graph calls; the run waits for every answer (completes at once when there are none). */
export function issueCalls(
  t: Tx,
  stepId: string | null,
  stage: GraphStage,
  calls: Calls,
  purpose: PendingCall['purpose'],
  attempt: number,
  firstAttemptAt: string,
  interactive: boolean,
  flags: Pick<Extract<Pending, { kind: 'graph' }>, 'confirmed' | 'reconcile'> = {},
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
    ...flags,
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
  if (pending.length === 0) t.complete(p);
}

/**
 * Arms a retry timer for a stage after a "not yet" answer (replication lag, propagation) or Graph asking to
 * slow down. `reconcile`: the stage is the probe of an interrupted write.
 */
export function scheduleRetry(
  t: Tx,
  stepId: string,
  stage: 'check' | 'probe' | 'write',
  attempt: number,
  firstAttemptAt: string,
  delayMs: number,
  error: GraphErrorData,
  reconcile?: boolean,
  notYet?: LocalizedText,
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
    ...(reconcile ? { reconcile: true } : {}),
    ...(notYet ? { notYet } : {}),
  };
  schedule(t, reminderId, retryAt, 'engine.retry', { stepId }, false);
  audit(t, 'graph.retry-scheduled', 'ok', { stepId, stage, attempt, delayMs, code: error.code });
  // Tell the admin once that Sesame is waiting (for the directory to catch up, or for Graph to let it in).
  if (attempt === 1) t.wantsRender = true;
}

/** The pending retry timer of a step, if `reminderId` is it. */
export function isRetryTimer(
  t: Tx,
  stepId: string,
  reminderId: string,
): Extract<Pending, { kind: 'retry' }> | undefined {
  const p = t.d.pending;
  return p?.kind === 'retry' && p.reminderId === reminderId && p.stepId === stepId ? p : undefined;
}

export function end(t: Tx, status: 'done' | 'failed' | 'cancelled', reason?: LocalizedText): void {
  const { d } = t;
  for (const id of d.reminders) t.fx.push({ type: 'cancel-reminder', id });
  d.reminders = [];
  d.status = status;
  d.pending = undefined;
  if (reason) d.outcome = { reason, stepId: d.currentStepId };
  note(t, status);
  t.wantsRender = true;
}

/**
 * Tells the admin, as a proactive message, that something went wrong while nobody was looking (a retry budget
 * spent, a provisioning job in quarantine): a reminder due now, delivered by the scheduler like any other.
 */
export function remindOnFailure(
  t: Tx,
  stepId: string,
  failure: { readonly messageKey: string; readonly message: LocalizedText },
  details: Record<string, unknown>,
): void {
  const params = { ...textParams(t), stepId };
  const text = {
    fr: interpolate(failure.message.fr, t.m.logic.textParams(ctx(t), 'fr')),
    en: interpolate(failure.message.en, t.m.logic.textParams(ctx(t), 'en')),
  };
  schedule(t, reminderKey(t.d.id, stepId, 'failure'), t.now, failure.messageKey, params, true, text);
  audit(t, 'reminder.on-failure', 'ok', { stepId, messageKey: failure.messageKey, ...details });
}
