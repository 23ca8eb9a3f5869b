/**
 * Secret steps: Sesame generates a secret and the card of that turn shows it once. The run keeps only the
 * secret's name; "generate again" replaces it (the old value was never kept, so it cannot be shown again).
 */
import type { SecretStep } from '../../procedures/types.js';
import type { StepKindModule, Tx } from './step-kind.js';
import { accept, audit, nextOf, setResult } from './tx.js';

function reveal(t: Tx, step: SecretStep): void {
  t.d.pending = { kind: 'secret', stepId: step.id, name: step.secret.name };
  t.fx.push({ type: 'reveal-secret', stepId: step.id, name: step.secret.name, length: step.secret.length });
  setResult(t, step.id, 'running', {});
  audit(t, 'secret.generated', 'ok', { stepId: step.id, name: step.secret.name });
  t.wantsRender = true;
}

export const secretKind: StepKindModule<SecretStep> = {
  kind: 'secret',
  enter: reveal,
  onRetry: reveal,
  onUserEvent(t, step, event) {
    if (event.type !== 'manual-done' || t.d.pending?.kind !== 'secret') return false;
    accept(t, event.type);
    setResult(t, step.id, 'done', {});
    audit(t, 'manual.done', 'ok', { stepId: step.id });
    t.enter(nextOf(t, step));
    return true;
  },
};
