/** Every step kind the engine knows, by kind: the compiler refuses a Step kind without its module. */
import type { Step, StepKind } from '../../procedures/types.js';
import { actionKind } from './action.js';
import { batchKind } from './batch.js';
import { checkKind } from './check.js';
import { choiceKind } from './choice.js';
import { inputKind } from './input.js';
import { manualKind } from './manual.js';
import { secretKind } from './secret.js';
import type { StepKindModule } from './step-kind.js';
import { waitKind } from './wait.js';

const STEP_KINDS: { readonly [K in StepKind]: StepKindModule<Extract<Step, { kind: K }>> } = {
  check: checkKind,
  input: inputKind,
  action: actionKind,
  batch: batchKind,
  manual: manualKind,
  wait: waitKind,
  choice: choiceKind,
  secret: secretKind,
};

/** The module of a step's kind, typed for that step. */
export function kindOf<S extends Step>(step: S): StepKindModule<S> {
  return STEP_KINDS[step.kind] as unknown as StepKindModule<S>;
}
