/** Check steps: read Graph, evaluate, explain; may stop the run or hand facts to later steps. */
import type { CheckStep, Outcome } from '../../procedures/types.js';
import { requestIdsOf, type CallResult } from '../call-result.js';
import { isTransient, nextRetry, retryDelayMs } from '../retry.js';
import type { StepKindModule, Tx } from './step-kind.js';
import {
  audit,
  ctx,
  end,
  isRetryTimer,
  issueCalls,
  mergeFacts,
  nextOf,
  outcomeFields,
  remindOnFailure,
  scheduleRetry,
  setResult,
} from './tx.js';

function logicOf(t: Tx, step: CheckStep) {
  const logic = t.m.logic.checks[step.logic];
  if (!logic) throw new Error(`no check logic ${step.logic}`);
  return logic;
}

function issueChecks(
  t: Tx,
  step: CheckStep,
  attempt: number,
  firstAttemptAt: string,
  interactive: boolean,
): void {
  const logic = logicOf(t, step);
  setResult(t, step.id, 'running', {});
  issueCalls(t, step.id, 'check', logic.reads(ctx(t)), 'read', attempt, firstAttemptAt, interactive);
}

/** The answer says "not ready yet": check again within the step's budget, then fail and tell the admin. */
function notYet(
  t: Tx,
  step: CheckStep,
  outcome: Outcome,
  attempt: number,
  firstAttemptAt: string,
  requestIds: readonly string[],
): void {
  const policy = step.retry;
  const delay = policy ? retryDelayMs(policy, attempt) : undefined;
  const withinBudget =
    policy !== undefined &&
    delay !== undefined &&
    (policy.maxAttempts === undefined || attempt < policy.maxAttempts) &&
    t.now + delay - Date.parse(firstAttemptAt) <= policy.maxElapsedMs;
  const error = { code: 'graph_unexpected' as const, message: outcome.summary.en };
  setResult(t, step.id, 'running', { ...outcomeFields(outcome), requestIds });
  if (withinBudget) {
    audit(t, 'check.not-yet', 'ok', { stepId: step.id, attempt, requestIds });
    return scheduleRetry(t, step.id, 'check', attempt, firstAttemptAt, delay, error, false, outcome.summary);
  }
  audit(t, 'check.not-yet', 'failed', { stepId: step.id, attempt, requestIds, budgetSpent: true });
  t.d.pending = { kind: 'error', stepId: step.id, stage: 'check', error, summary: outcome.summary };
  setResult(t, step.id, 'failed', { ...outcomeFields(outcome), requestIds });
  if (step.onGiveUp) remindOnFailure(t, step.id, step.onGiveUp, { attempts: attempt });
  t.wantsRender = true;
}

export const checkKind: StepKindModule<CheckStep> = {
  kind: 'check',
  enter(t, step) {
    issueChecks(t, step, 1, t.iso, false);
  },
  onAnswer(t, step, { results, attempt, firstAttemptAt }) {
    for (const r of Object.values(results)) {
      if (r.ok) continue;
      const delay = nextRetry(step.retry, r.error, attempt, Date.parse(firstAttemptAt), t.now);
      if (delay !== undefined)
        return scheduleRetry(t, step.id, 'check', attempt, firstAttemptAt, delay, r.error);
    }
    // Graph never answered the question (throttled, unavailable or unreachable to the end of the budget): the
    // check has no outcome, so it neither passes nor stops the procedure; the admin retries later.
    const unanswered = Object.values(results).find(
      (r): r is Extract<CallResult, { ok: false }> => !r.ok && isTransient(r.error),
    );
    if (unanswered) {
      const requestIds = requestIdsOf(results);
      t.d.pending = { kind: 'error', stepId: step.id, stage: 'check', error: unanswered.error };
      setResult(t, step.id, 'failed', { requestIds, error: unanswered.error });
      audit(t, 'check.unanswered', 'failed', {
        stepId: step.id,
        code: unanswered.error.code,
        attempts: attempt,
        requestIds,
      });
      t.wantsRender = true;
      return;
    }
    const outcome = logicOf(t, step).evaluate(ctx(t), results);
    mergeFacts(t, outcome);
    const requestIds = requestIdsOf(results);
    if (outcome.result === 'not-yet') return notYet(t, step, outcome, attempt, firstAttemptAt, requestIds);
    if (outcome.result === 'stop') {
      setResult(t, step.id, 'failed', { ...outcomeFields(outcome), requestIds });
      audit(t, 'check.evaluated', 'failed', { stepId: step.id, reason: outcome.reason.en, requestIds });
      end(t, 'failed', outcome.reason);
      return;
    }
    setResult(t, step.id, 'done', { ...outcomeFields(outcome), requestIds, verdict: outcome.result });
    audit(t, 'check.evaluated', 'ok', {
      stepId: step.id,
      result: outcome.result,
      summary: outcome.summary.en,
      requestIds,
    });
    t.enter(outcome.next ?? nextOf(t, step));
    if (outcome.result !== 'pass') t.wantsRender = true;
  },
  onRetry(t, step) {
    issueChecks(t, step, 1, t.iso, true);
  },
  onTimer(t, step, reminderId) {
    const p = isRetryTimer(t, step.id, reminderId);
    if (!p) return false;
    issueChecks(t, step, p.attempt + 1, p.firstAttemptAt, false);
    return true;
  },
};
