/** Input steps: a form whose values are validated by a pure function before they reach the run. */
import type { InputStep } from '../../procedures/types.js';
import { validateFields } from '../../procedures/validation.js';
import type { StepKindModule } from './step-kind.js';
import { accept, audit, nextOf, setResult } from './tx.js';

export const inputKind: StepKindModule<InputStep> = {
  kind: 'input',
  enter(t, step) {
    const { d } = t;
    const values: Record<string, string> = {};
    for (const f of step.fields) {
      const fact = f.defaultFact === undefined ? undefined : d.facts[f.defaultFact];
      values[f.id] = d.inputs[f.id] ?? (typeof fact === 'string' ? fact : undefined) ?? f.default ?? '';
    }
    d.pending = { kind: 'input', stepId: step.id, values };
    setResult(t, step.id, 'running', {});
    t.wantsRender = true;
  },
  onUserEvent(t, step, event) {
    const { d } = t;
    if (event.type !== 'submit-input' || d.pending?.kind !== 'input') return false;
    accept(t, event.type);
    const v = validateFields(step.fields, event.values);
    if (!v.ok) {
      d.pending = { kind: 'input', stepId: step.id, values: v.values, errors: v.errors };
      audit(t, 'input.rejected', 'refused', { stepId: step.id, fields: Object.keys(v.errors) });
      t.wantsRender = true;
      return true;
    }
    d.inputs = { ...d.inputs, ...v.values };
    setResult(t, step.id, 'done', {});
    audit(t, 'input.submitted', 'ok', { stepId: step.id, values: v.values });
    t.enter(nextOf(t, step));
    return true;
  },
};
