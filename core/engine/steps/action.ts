/**
 * Action steps: a Graph write, confirmed by the admin first and guarded by an "already done?" probe. A write
 * that may or may not have happened (crash, retry while in flight) is re-probed, never blindly repeated.
 */
import type { ActionStep } from '../../procedures/types.js';
import { requestIdsOf, type CallResult, type GraphErrorData } from '../call-result.js';
import { nextRetry } from '../retry.js';
import type { StepKindModule, Tx } from './step-kind.js';
import {
  accept,
  audit,
  ctx,
  isRetryTimer,
  issueCalls,
  mergeFacts,
  nextOf,
  outcomeFields,
  scheduleRetry,
  setResult,
} from './tx.js';

function logicOf(t: Tx, step: ActionStep) {
  const logic = t.m.logic.actions[step.logic];
  if (!logic) throw new Error(`no action logic ${step.logic}`);
  return logic;
}

function issueProbe(t: Tx, step: ActionStep, interactive: boolean): void {
  const logic = logicOf(t, step);
  setResult(t, step.id, 'running', {});
  issueCalls(t, step.id, 'probe', logic.probe(ctx(t)), 'probe', 1, t.iso, interactive);
}

function issueWrite(t: Tx, step: ActionStep, attempt: number, firstAttemptAt: string): void {
  const logic = logicOf(t, step);
  issueCalls(t, step.id, 'write', { write: logic.write(ctx(t)) }, 'write', attempt, firstAttemptAt, true);
}

function completeProbe(t: Tx, step: ActionStep, results: Readonly<Record<string, CallResult>>): void {
  const { d } = t;
  const outcome = logicOf(t, step).interpretProbe(ctx(t), results);
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
    t.enter(nextOf(t, step));
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
  results: Readonly<Record<string, CallResult>>,
  attempt: number,
  firstAttemptAt: string,
): void {
  const { d } = t;
  const p = d.pending;
  const call = p?.kind === 'graph' ? p.calls[0] : undefined;
  const result = results.write;
  if (!result || !call) throw new Error(`write of ${step.id} has no result`);
  const outcome = logicOf(t, step).interpretWrite(ctx(t), result);
  const requestIds = requestIdsOf(results);
  const details = {
    stepId: step.id,
    op: call.call.op,
    args: call.call.args,
    attempt,
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
    t.enter(nextOf(t, step));
    return;
  }
  const error: GraphErrorData = result.ok
    ? { code: 'graph_unexpected', message: outcome.summary.en }
    : result.error;
  const delay = nextRetry(step.retry, error, attempt, Date.parse(firstAttemptAt), t.now);
  audit(t, 'graph.write', 'failed', {
    ...details,
    code: error.code,
    status: error.status,
    retrying: delay !== undefined,
  });
  if (delay !== undefined) return scheduleRetry(t, step.id, 'write', attempt, firstAttemptAt, delay, error);
  d.pending = { kind: 'error', stepId: step.id, stage: 'write', error, summary: outcome.summary };
  setResult(t, step.id, 'failed', { summary: outcome.summary, requestIds, error });
  t.wantsRender = true;
}

export const actionKind: StepKindModule<ActionStep> = {
  kind: 'action',
  enter(t, step) {
    issueProbe(t, step, false);
  },
  onUserEvent(t, step, event) {
    if (event.type !== 'confirm' || t.d.pending?.kind !== 'confirm') return false;
    accept(t, event.type);
    audit(t, 'step.confirmed', 'ok', { stepId: step.id });
    issueWrite(t, step, 1, t.iso);
    return true;
  },
  onAnswer(t, step, { stage, results, attempt, firstAttemptAt }) {
    if (stage === 'probe') return completeProbe(t, step, results);
    if (stage === 'write') return completeWrite(t, step, results, attempt, firstAttemptAt);
    throw new Error(`action ${step.id} got a ${stage} answer`);
  },
  onRetry(t, step) {
    issueProbe(t, step, true);
  },
  onTimer(t, step, reminderId) {
    const p = isRetryTimer(t, step.id, reminderId);
    if (!p) return false;
    issueWrite(t, step, p.attempt + 1, p.firstAttemptAt);
    return true;
  },
};
