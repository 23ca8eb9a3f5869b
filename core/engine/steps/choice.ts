/** Choice steps: the admin picks one of the options the card offered; anything else is refused. */
import type { ChoiceStep } from '../../procedures/types.js';
import { Refused, type StepKindModule } from './step-kind.js';
import { accept, audit, setResult } from './tx.js';

export const choiceKind: StepKindModule<ChoiceStep> = {
  kind: 'choice',
  enter(t, step) {
    t.d.pending = { kind: 'choice', stepId: step.id };
    setResult(t, step.id, 'running', {});
    t.wantsRender = true;
  },
  onUserEvent(t, step, event) {
    const { d } = t;
    if (event.type !== 'submit-input' || d.pending?.kind !== 'choice') return false;
    const option = step.options.find((o) => o.id === event.values.choice);
    if (!option) throw new Refused('input_invalid', `unknown option ${String(event.values.choice)}`);
    accept(t, event.type);
    if (option.facts) d.facts = { ...d.facts, ...option.facts };
    setResult(t, step.id, 'done', { summary: option.label });
    audit(t, 'choice.made', 'ok', { stepId: step.id, option: option.id });
    t.enter(option.next);
    return true;
  },
};
