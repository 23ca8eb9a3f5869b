/**
 * Batch steps: several writes in one action. One probe says which items are already done; the admin confirms
 * the missing ones; one write per missing item, each answer saved as it arrives (the run's pending stage is the
 * journal: a crash mid-batch leaves it listing which writes answered). Every item ends done, already done or
 * failed with its reason. Retry after a partial failure re-probes and writes only what is still missing; after a
 * crash, the re-probe records what the interrupted writes did and the admin confirms the rest again.
 */
import type { LocalizedText } from '../../procedures/text.js';
import type { BatchItem, BatchStep, Results } from '../../procedures/types.js';
import { requestIdsOf, type CallResult, type GraphErrorData } from '../call-result.js';
import type { ItemResult } from '../run.js';
import { isTransient, nextRetry } from '../retry.js';
import type { GraphPending, StepKindModule, Tx } from './step-kind.js';
import {
  accept,
  audit,
  ctx,
  isRetryTimer,
  issueCalls,
  mergeFacts,
  nextOf,
  scheduleRetry,
  setResult,
} from './tx.js';

const ITEM_CALL = 'item:';

function logicOf(t: Tx, step: BatchStep) {
  const logic = t.m.logic.batches?.[step.logic];
  if (!logic) throw new Error(`no batch logic ${step.logic}`);
  return logic;
}

function itemsOf(t: Tx, step: BatchStep): readonly ItemResult[] {
  return t.d.stepResults[step.id]?.items ?? [];
}

/** "3 done, 1 already done, 1 failed", in both languages. */
export function batchSummary(items: readonly ItemResult[]): LocalizedText {
  const n = (s: ItemResult['status']) => items.filter((i) => i.status === s).length;
  const parts = (fr: boolean) =>
    [
      [n('done'), fr ? 'fait(s)' : 'done'],
      [n('already'), fr ? 'déjà fait(s)' : 'already done'],
      [n('failed'), fr ? 'en échec' : 'failed'],
      [n('todo'), fr ? 'à faire' : 'to do'],
    ]
      .filter(([count]) => (count as number) > 0)
      .map(([count, word]) => `${count} ${word}`)
      .join(', ');
  return { fr: `${parts(true)} (sur ${items.length})`, en: `${parts(false)} (of ${items.length})` };
}

interface ProbeFlags {
  readonly confirmed?: { readonly attempt: number; readonly firstAttemptAt: string };
  readonly reconcile?: boolean;
}

function issueProbe(
  t: Tx,
  step: BatchStep,
  interactive: boolean,
  flags: ProbeFlags = {},
  attempt = 1,
  firstAttemptAt = t.iso,
): void {
  const prev = t.d.stepResults[step.id];
  setResult(t, step.id, 'running', prev?.items ? { items: prev.items } : {});
  issueCalls(
    t,
    step.id,
    'probe',
    logicOf(t, step).probe(ctx(t)),
    'probe',
    attempt,
    firstAttemptAt,
    interactive,
    {
      ...(flags.confirmed ? { confirmed: flags.confirmed } : {}),
      ...(flags.reconcile ? { reconcile: true } : {}),
    },
  );
}

function completeProbe(
  t: Tx,
  step: BatchStep,
  results: Results,
  attempt: number,
  firstAttemptAt: string,
  p: GraphPending | undefined,
): void {
  const { d } = t;
  const logic = logicOf(t, step);
  const outcome = logic.interpretProbe(ctx(t), results);
  const requestIds = requestIdsOf(results);
  if ('error' in outcome) {
    const error = Object.values(results).find((r): r is Extract<CallResult, { ok: false }> => !r.ok)
      ?.error ?? { code: 'graph_unexpected' as const, message: outcome.summary.en };
    const delay = isTransient(error)
      ? nextRetry(undefined, error, attempt, Date.parse(firstAttemptAt), t.now)
      : undefined;
    audit(t, 'action.probe', 'failed', { stepId: step.id, code: error.code, requestIds });
    if (delay !== undefined)
      return scheduleRetry(t, step.id, 'probe', attempt, firstAttemptAt, delay, error, p?.reconcile);
    d.pending = { kind: 'error', stepId: step.id, stage: 'probe', error, summary: outcome.summary };
    setResult(t, step.id, 'failed', { summary: outcome.summary, requestIds, error, items: itemsOf(t, step) });
    t.wantsRender = true;
    return;
  }
  mergeFacts(t, outcome);
  const done = new Set(outcome.done);
  const before = new Map(itemsOf(t, step).map((i) => [i.key, i]));
  const items: ItemResult[] = logic.items(ctx(t)).map((item) => {
    const prev = before.get(item.key);
    if (done.has(item.key))
      return prev?.status === 'done' ? prev : { key: item.key, label: item.label, status: 'already' };
    // Still missing: a failure stays shown (with its reason) until the next write of it.
    return prev?.status === 'failed' ? prev : { key: item.key, label: item.label, status: 'todo' };
  });
  if (p?.reconcile) {
    audit(t, 'graph.write.reconciled', 'ok', {
      stepId: step.id,
      found: items.map((i) => ({ key: i.key, found: done.has(i.key) ? 'done' : 'not-done' })),
      requestIds,
    });
  }
  const missing = items.filter((i) => !done.has(i.key));
  if (missing.length === 0) {
    setResult(t, step.id, 'done', {
      summary: batchSummary(items),
      items,
      requestIds,
      objectIds: items.flatMap((i) => (i.objectId ? [i.objectId] : [])),
      already: items.every((i) => i.status === 'already'),
    });
    audit(t, 'action.skipped', 'skipped', {
      stepId: step.id,
      reason: 'every item already done',
      items: items.map((i) => i.key),
      requestIds,
    });
    t.enter(nextOf(t, step));
    return;
  }
  if (p?.confirmed && !p.reconcile) {
    setResult(t, step.id, 'running', { items, requestIds });
    return issueWrites(t, step, missing, p.confirmed.attempt, p.confirmed.firstAttemptAt);
  }
  d.pending = { kind: 'confirm', stepId: step.id };
  setResult(t, step.id, 'running', { items, requestIds, summary: batchSummary(items) });
  t.wantsRender = true;
}

function issueWrites(
  t: Tx,
  step: BatchStep,
  items: readonly BatchItem[],
  attempt: number,
  firstAttemptAt: string,
): void {
  const logic = logicOf(t, step);
  const calls = Object.fromEntries(
    items.map((item) => [
      `${ITEM_CALL}${item.key}`,
      logic.writeItem(ctx(t), { key: item.key, label: item.label }),
    ]),
  );
  issueCalls(t, step.id, 'write', calls, 'write', attempt, firstAttemptAt, true);
}

function completeWrites(t: Tx, step: BatchStep, results: Results, p: GraphPending | undefined): void {
  const { d } = t;
  const logic = logicOf(t, step);
  const byKey = new Map(itemsOf(t, step).map((i) => [i.key, i]));
  let firstError: GraphErrorData | undefined;
  for (const call of p?.calls ?? []) {
    if (!call.name.startsWith(ITEM_CALL)) continue;
    const key = call.name.slice(ITEM_CALL.length);
    const result = results[call.name];
    const prev = byKey.get(key);
    if (!result || !prev) continue;
    const item = { key, label: prev.label };
    const outcome = logic.interpretItem(ctx(t), item, result);
    const requestIds = requestIdsOf({ [call.name]: result });
    if (outcome.status === 'failed') {
      const error: GraphErrorData = result.ok
        ? { code: 'graph_unexpected', message: outcome.reason.en }
        : result.error;
      firstError ??= error;
      byKey.set(key, { ...item, status: 'failed', reason: outcome.reason });
      audit(t, 'graph.write', 'failed', {
        stepId: step.id,
        item: key,
        op: call.call.op,
        args: call.call.args,
        code: error.code,
        requestIds,
      });
    } else {
      byKey.set(key, {
        ...item,
        status: outcome.status,
        ...(outcome.objectId ? { objectId: outcome.objectId } : {}),
      });
      audit(t, 'graph.write', outcome.status === 'already' ? 'skipped' : 'ok', {
        stepId: step.id,
        item: key,
        op: call.call.op,
        args: call.call.args,
        objectIds: outcome.objectId ? [outcome.objectId] : [],
        requestIds,
      });
    }
  }
  const items = [...byKey.values()];
  const requestIds = requestIdsOf(results);
  const objectIds = items.flatMap((i) => (i.objectId ? [i.objectId] : []));
  const summary = batchSummary(items);
  if (!firstError) {
    setResult(t, step.id, 'done', { summary, items, requestIds, objectIds });
    t.enter(nextOf(t, step));
    return;
  }
  d.pending = { kind: 'error', stepId: step.id, stage: 'write', error: firstError, summary };
  setResult(t, step.id, 'failed', { summary, items, requestIds, objectIds, error: firstError });
  t.wantsRender = true;
}

export const batchKind: StepKindModule<BatchStep> = {
  kind: 'batch',
  enter(t, step) {
    // A new pass over the step (a change, a later visit): what the earlier one found is not evidence now.
    setResult(t, step.id, 'running', {});
    issueProbe(t, step, false);
  },
  onUserEvent(t, step, event) {
    if (event.type !== 'confirm' || t.d.pending?.kind !== 'confirm') return false;
    accept(t, event.type);
    const todo = itemsOf(t, step).filter((i) => i.status === 'todo' || i.status === 'failed');
    audit(t, 'step.confirmed', 'ok', { stepId: step.id, items: todo.map((i) => i.key) });
    issueWrites(t, step, todo, 1, t.iso);
    return true;
  },
  onAnswer(t, step, { stage, results, attempt, firstAttemptAt, pending }) {
    if (stage === 'probe') return completeProbe(t, step, results, attempt, firstAttemptAt, pending);
    if (stage === 'write') return completeWrites(t, step, results, pending);
    throw new Error(`batch ${step.id} got a ${stage} answer`);
  },
  onRetry(t, step, stage) {
    const p = t.d.pending;
    // Writes still out when Sesame stopped: find out what they did, then ask again. After a partial failure the
    // admin's confirmation stands: only the items still missing are written.
    if (stage === 'write' && p?.kind === 'graph') return issueProbe(t, step, true, { reconcile: true });
    if (stage === 'write')
      return issueProbe(t, step, true, { confirmed: { attempt: 1, firstAttemptAt: t.iso } });
    issueProbe(t, step, true);
  },
  onTimer(t, step, reminderId) {
    const p = isRetryTimer(t, step.id, reminderId);
    if (!p) return false;
    issueProbe(t, step, false, p.reconcile ? { reconcile: true } : {}, p.attempt + 1, p.firstAttemptAt);
    return true;
  },
};
