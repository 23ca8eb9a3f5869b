/**
 * Choice steps: the admin picks one of the options the card offered; anything else is refused. Options are
 * fixed in the data, or read from the tenant by the step's ChoiceSource (kept in the run's pending state, so
 * a submit is checked against exactly what was offered, not against what Graph says later).
 */
import type { ChoiceStep } from '../../procedures/types.js';
import { requestIdsOf } from '../call-result.js';
import { isTransient, nextRetry } from '../retry.js';
import { Refused, type StepKindModule, type Tx } from './step-kind.js';
import { accept, audit, ctx, end, isRetryTimer, issueCalls, scheduleRetry, setResult } from './tx.js';

function sourceOf(t: Tx, step: ChoiceStep) {
  const name = step.fromTenant?.source ?? '';
  const source = t.m.logic.choices?.[name];
  if (!source) throw new Error(`no choice source ${name}`);
  return source;
}

function readOptions(
  t: Tx,
  step: ChoiceStep,
  interactive: boolean,
  attempt = 1,
  firstAttemptAt = t.iso,
): void {
  setResult(t, step.id, 'running', {});
  issueCalls(
    t,
    step.id,
    'options',
    sourceOf(t, step).reads(ctx(t)),
    'read',
    attempt,
    firstAttemptAt,
    interactive,
  );
}

export const choiceKind: StepKindModule<ChoiceStep> = {
  kind: 'choice',
  enter(t, step) {
    if (step.fromTenant) return readOptions(t, step, false);
    t.d.pending = { kind: 'choice', stepId: step.id };
    setResult(t, step.id, 'running', {});
    t.wantsRender = true;
  },
  onAnswer(t, step, { results, attempt, firstAttemptAt }) {
    const from = step.fromTenant;
    if (!from) throw new Error(`choice ${step.id} read no options`);
    // Graph did not take the read now (429, 503): come back later within the transient budget, as a check does,
    // rather than show the admin an error for a read nobody answered.
    for (const r of Object.values(results)) {
      if (r.ok || !isTransient(r.error)) continue;
      const delay = nextRetry(undefined, r.error, attempt, Date.parse(firstAttemptAt), t.now);
      if (delay !== undefined)
        return scheduleRetry(t, step.id, 'check', attempt, firstAttemptAt, delay, r.error);
    }
    const answer = sourceOf(t, step).options(ctx(t), results);
    const requestIds = requestIdsOf(results);
    if ('error' in answer) {
      const error = Object.values(results).find((r) => !r.ok);
      t.d.pending = {
        kind: 'error',
        stepId: step.id,
        stage: 'options',
        error: error && !error.ok ? error.error : { code: 'graph_unexpected', message: answer.error.en },
        summary: answer.error,
      };
      setResult(t, step.id, 'failed', { summary: answer.error, requestIds });
      t.wantsRender = true;
      return;
    }
    if (answer.options.length === 0) {
      setResult(t, step.id, 'failed', { summary: from.none, requestIds });
      audit(t, 'choice.none-offered', 'failed', { stepId: step.id, requestIds });
      end(t, 'failed', from.none);
      return;
    }
    t.d.pending = { kind: 'choice', stepId: step.id, offered: answer.options };
    setResult(t, step.id, 'running', { requestIds });
    t.wantsRender = true;
  },
  onRetry(t, step) {
    readOptions(t, step, true);
  },
  onTimer(t, step, reminderId) {
    const p = isRetryTimer(t, step.id, reminderId);
    if (!p) return false;
    readOptions(t, step, false, p.attempt + 1, p.firstAttemptAt);
    return true;
  },
  onUserEvent(t, step, event) {
    const { d } = t;
    const p = d.pending;
    if (event.type !== 'submit-input' || p?.kind !== 'choice') return false;
    const picked = event.values.choice;
    if (step.fromTenant?.multiple) {
      const from = step.fromTenant;
      // Input.ChoiceSet isMultiSelect answers the picked values joined by commas.
      const ids = new Set(
        (typeof picked === 'string' ? picked.split(',') : []).map((v) => v.trim()).filter((v) => v !== ''),
      );
      const unknown = [...ids].filter((id) => !p.offered?.some((o) => o.id === id));
      if (unknown.length > 0)
        throw new Refused('input_invalid', `options ${unknown.join(',')} were not offered`);
      if (ids.size === 0) throw new Refused('input_invalid', 'no option picked');
      const chosen = (p.offered ?? []).filter((o) => ids.has(o.id));
      accept(t, event.type);
      d.facts = {
        ...d.facts,
        [from.fact]: chosen.map((o) => o.id),
        [`${from.fact}Labels`]: chosen.map((o) => o.label),
      };
      const labels = chosen.map((o) => o.label).join(', ');
      setResult(t, step.id, 'done', {
        summary: { fr: labels, en: labels },
        objectIds: chosen.map((o) => o.id),
      });
      audit(t, 'choice.made', 'ok', { stepId: step.id, options: chosen.map((o) => o.id) });
      t.enter(from.next);
      return true;
    }
    if (step.fromTenant) {
      const from = step.fromTenant;
      const option = p.offered?.find((o) => o.id === picked);
      if (!option) throw new Refused('input_invalid', `option ${String(picked)} was not offered`);
      accept(t, event.type);
      d.facts = { ...d.facts, [from.fact]: option.id, [`${from.fact}Label`]: option.label };
      setResult(t, step.id, 'done', {
        summary: { fr: option.label, en: option.label },
        objectIds: [option.id],
      });
      audit(t, 'choice.made', 'ok', { stepId: step.id, option: option.id });
      t.enter(from.next);
      return true;
    }
    const option = step.options.find((o) => o.id === picked);
    if (!option) throw new Refused('input_invalid', `unknown option ${String(picked)}`);
    accept(t, event.type);
    if (option.facts) d.facts = { ...d.facts, ...option.facts };
    setResult(t, step.id, 'done', { summary: option.label });
    audit(t, 'choice.made', 'ok', { stepId: step.id, option: option.id });
    t.enter(option.next);
    return true;
  },
};
