/** Manual steps: instructions for what Graph cannot do, and a "done" button. */
import type { ManualStep } from '../../procedures/types.js';
import type { StepKindModule } from './step-kind.js';
import { accept, audit, nextOf, setResult } from './tx.js';

export const manualKind: StepKindModule<ManualStep> = {
  kind: 'manual',
  enter(t, step) {
    t.d.pending = { kind: 'manual', stepId: step.id };
    setResult(t, step.id, 'running', {});
    t.wantsRender = true;
  },
  onUserEvent(t, step, event) {
    if (event.type !== 'manual-done' || t.d.pending?.kind !== 'manual') return false;
    accept(t, event.type);
    setResult(t, step.id, 'done', {});
    audit(t, 'manual.done', 'ok', { stepId: step.id });
    t.enter(nextOf(t, step));
    return true;
  },
};
