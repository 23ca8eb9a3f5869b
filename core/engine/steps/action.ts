/**
 * Action steps: a Graph write, confirmed by the admin first and guarded by an "already done?" probe. A write
 * that may or may not have happened (crash, retry while in flight) is re-probed, never blindly repeated.
 */
import { directoryRoleName } from '../../directory-roles.js';
import type { GraphOpName } from '../../ports/tenant-graph.js';
import { interpolate, type LocalizedText } from '../../procedures/text.js';
import type { ActionStep, InputField } from '../../procedures/types.js';
import { validateFields } from '../../procedures/validation.js';
import { requestIdsOf, type CallResult, type GraphErrorData } from '../call-result.js';
import { rolesLacking } from '../preflight.js';
import { rolesOf } from '../../graph/scopes.js';
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
  outcomeFields,
  scheduleRetry,
  setResult,
} from './tx.js';

/** A write carrying secrets: they live for the turn of the confirmation, so no timer ever sends it again. */
export function carriesSecrets(step: ActionStep): boolean {
  return (step.generates?.length ?? 0) > 0 || (step.secretFields?.length ?? 0) > 0;
}

/** Shorter than this, a typed value is refused: it could not be told apart from ordinary text in logs. */
export const SECRET_FIELD_MIN_LENGTH = 8;

function secretInputFields(step: ActionStep): InputField[] {
  return (step.secretFields ?? []).map((f) => ({
    id: f.id,
    type: 'text',
    label: f.label,
    rules: [
      { kind: 'required' },
      ...f.rules,
      {
        kind: 'pattern',
        pattern: `^[\\s\\S]{${SECRET_FIELD_MIN_LENGTH},}$`,
        message: {
          fr: `${f.label.fr} : ${SECRET_FIELD_MIN_LENGTH} caractères au moins.`,
          en: `${f.label.en}: at least ${SECRET_FIELD_MIN_LENGTH} characters.`,
        },
      },
    ],
  }));
}

function logicOf(t: Tx, step: ActionStep) {
  const logic = t.m.logic.actions[step.logic];
  if (!logic) throw new Error(`no action logic ${step.logic}`);
  return logic;
}

interface ProbeOptions {
  readonly attempt?: number;
  readonly firstAttemptAt?: string;
  /** The admin already confirmed the write: if the probe finds the work not done, write without asking. */
  readonly confirmed?: { readonly attempt: number; readonly firstAttemptAt: string };
  /** Checking what an interrupted write did: the audit records what was found. */
  readonly reconcile?: boolean;
}

function issueProbe(t: Tx, step: ActionStep, interactive: boolean, o: ProbeOptions = {}): void {
  const logic = logicOf(t, step);
  setResult(t, step.id, 'running', {});
  issueCalls(
    t,
    step.id,
    'probe',
    logic.probe(ctx(t)),
    'probe',
    o.attempt ?? 1,
    o.firstAttemptAt ?? t.iso,
    interactive,
    { ...(o.confirmed ? { confirmed: o.confirmed } : {}), ...(o.reconcile ? { reconcile: true } : {}) },
  );
}

const INTERRUPTED_DONE: LocalizedText = {
  fr: 'Sesame a été interrompu pendant cette étape ; Microsoft 365 montre qu’elle a bien été faite : rien n’a été réécrit.',
  en: 'Sesame was interrupted during this step; Microsoft 365 shows it was done: nothing was written again.',
};
const SECRET_NOT_SHOWN: LocalizedText = {
  fr: 'Le secret généré pour cette étape n’a pas pu être affiché : Sesame ne le connaît plus. Définissez-en un nouveau dans le centre d’administration Microsoft 365.',
  en: 'The secret generated for this step could not be shown: Sesame no longer knows it. Set a new one in the Microsoft 365 admin center.',
};
const INTERRUPTED_NOT_DONE: LocalizedText = {
  fr: 'Sesame a été interrompu pendant cette étape ; Microsoft 365 montre qu’elle n’a pas été faite. Confirmez pour la faire maintenant.',
  en: 'Sesame was interrupted during this step; Microsoft 365 shows it was not done. Confirm to do it now.',
};

function issueWrite(t: Tx, step: ActionStep, attempt: number, firstAttemptAt: string): void {
  const logic = logicOf(t, step);
  // A fresh secret for each attempt: the runner draws it before the write goes out and puts it in the call.
  for (const g of step.generates ?? [])
    t.fx.push({ type: 'reveal-secret', stepId: step.id, name: g.name, length: g.length });
  issueCalls(t, step.id, 'write', { write: logic.write(ctx(t)) }, 'write', attempt, firstAttemptAt, true);
}

/**
 * The step's write when the step can do without it: the step says what the admin does instead (`ifNotAllowed`),
 * which checkProcedureModule allows only where the write's operation is declared `ifAllowed`. An earlier version of
 * a procedure without it writes, or is blocked, as it did.
 */
function optionalWrite(t: Tx, step: ActionStep): GraphOpName | undefined {
  return step.ifNotAllowed ? logicOf(t, step).write(ctx(t)).op : undefined;
}

/**
 * The admin may not make the step's optional write (their roles, or Graph's 403 when the token did not say): nothing
 * is written, the step says what is left to them and how, and the run goes on.
 */
function leaveToAdmin(
  t: Tx,
  step: ActionStep,
  op: GraphOpName,
  requestIds: readonly string[],
  refused?: GraphErrorData,
): void {
  const text = step.ifNotAllowed!;
  const roles = rolesOf([op]);
  const params = (locale: 'fr' | 'en') => ({
    ...t.m.logic.textParams(ctx(t), locale),
    roles: roles.map((r) => directoryRoleName(r)[locale]).join(', '),
  });
  const fill = (l: LocalizedText): LocalizedText => ({
    fr: interpolate(l.fr, params('fr')),
    en: interpolate(l.en, params('en')),
  });
  setResult(t, step.id, 'skipped', {
    summary: fill(text.summary),
    notes: [fill(text.instructions)],
    ...(text.links ? { links: text.links } : {}),
    requestIds,
    ...(refused ? { error: refused } : {}),
  });
  audit(t, 'action.not-allowed', 'skipped', {
    stepId: step.id,
    op,
    missingRoles: roles,
    requestIds,
    ...(refused ? { code: refused.code } : {}),
  });
  t.enter(nextOf(t, step));
}

function completeProbe(
  t: Tx,
  step: ActionStep,
  results: Readonly<Record<string, CallResult>>,
  attempt: number,
  firstAttemptAt: string,
  p: GraphPending | undefined,
): void {
  const { d } = t;
  const logic = logicOf(t, step);
  const outcome = logic.interpretProbe(ctx(t), results);
  const requestIds = requestIdsOf(results);
  // A write the admin confirmed, or one that was interrupted, may have happened: it stays a write stage.
  const writeStage = p?.confirmed !== undefined || p?.reconcile === true;
  if ('error' in outcome) {
    const error = Object.values(results).find((r): r is Extract<CallResult, { ok: false }> => !r.ok)
      ?.error ?? {
      code: 'graph_unexpected' as const,
      message: outcome.summary.en,
    };
    const delay = isTransient(error)
      ? nextRetry(undefined, error, attempt, Date.parse(firstAttemptAt), t.now)
      : undefined;
    audit(t, 'action.probe', 'failed', {
      stepId: step.id,
      code: error.code,
      requestIds,
      retrying: delay !== undefined,
    });
    const stage = writeStage ? 'write' : 'probe';
    if (delay !== undefined)
      return scheduleRetry(t, step.id, stage, attempt, firstAttemptAt, delay, error, p?.reconcile);
    d.pending = { kind: 'error', stepId: step.id, stage, error, summary: outcome.summary };
    setResult(t, step.id, 'failed', { summary: outcome.summary, requestIds, error });
    t.wantsRender = true;
    return;
  }
  if (p?.reconcile) {
    const write = logic.write(ctx(t));
    audit(t, 'graph.write.reconciled', 'ok', {
      stepId: step.id,
      op: write.op,
      args: write.args,
      found: outcome.done ? 'done' : 'not-done',
      objectIds: outcome.done ? (outcome.objectIds ?? []) : [],
      requestIds,
    });
  }
  if (outcome.done) {
    mergeFacts(t, outcome);
    const fields = outcomeFields(outcome);
    setResult(t, step.id, 'done', {
      ...fields,
      requestIds,
      already: true,
      ...(p?.reconcile
        ? {
            notes: [
              INTERRUPTED_DONE,
              ...((step.generates?.length ?? 0) > 0 ? [SECRET_NOT_SHOWN] : []),
              ...(fields.notes ?? []),
            ],
          }
        : {}),
    });
    if (!p?.reconcile) {
      audit(t, 'action.skipped', 'skipped', {
        stepId: step.id,
        reason: 'already done',
        objectIds: outcome.objectIds ?? [],
        requestIds,
      });
    }
    t.enter(nextOf(t, step));
    return;
  }
  if (outcome.facts) d.facts = { ...d.facts, ...outcome.facts };
  // Not done, and the admin's roles do not allow the write the step can do without: not asked, not sent.
  const optional = optionalWrite(t, step);
  if (optional && rolesLacking([optional], d.admin.roleTemplateIds).length > 0)
    return leaveToAdmin(t, step, optional, requestIds);
  if (p?.confirmed && !p.reconcile) {
    // Graph asked Sesame to come back later and the work is still not done: the admin's confirmation stands.
    return issueWrite(t, step, p.confirmed.attempt, p.confirmed.firstAttemptAt);
  }
  d.pending = { kind: 'confirm', stepId: step.id };
  setResult(t, step.id, 'running', {
    requestIds,
    ...(p?.reconcile ? { notes: [INTERRUPTED_NOT_DONE] } : {}),
  });
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
    const generated = outcome.already ? [] : (step.generates ?? []).map((g) => g.name);
    setResult(t, step.id, 'done', {
      ...outcomeFields(outcome),
      requestIds,
      already: outcome.already ?? false,
      ...(generated.length > 0 ? { secrets: generated } : {}),
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
  const optional = error.code === 'graph_forbidden' ? optionalWrite(t, step) : undefined;
  if (optional) {
    // The token did not tell (roles unknown, or not those Graph checks): Graph's refusal ends it the same way.
    audit(t, 'graph.write', 'failed', {
      ...details,
      code: error.code,
      status: error.status,
      retrying: false,
    });
    return leaveToAdmin(t, step, optional, requestIds, error);
  }
  // Its secrets die with this turn: the admin retries and confirms again (a timer would have nothing to send).
  const delay = carriesSecrets(step)
    ? undefined
    : nextRetry(step.retry, error, attempt, Date.parse(firstAttemptAt), t.now);
  audit(t, 'graph.write', 'failed', {
    ...details,
    code: error.code,
    status: error.status,
    retrying: delay !== undefined,
  });
  if (delay !== undefined) return scheduleRetry(t, step.id, 'write', attempt, firstAttemptAt, delay, error);
  const explanation = outcome.status === 'failed' ? outcome.explanation : undefined;
  d.pending = {
    kind: 'error',
    stepId: step.id,
    stage: 'write',
    error,
    summary: outcome.summary,
    ...(explanation ? { explanation } : {}),
  };
  setResult(t, step.id, 'failed', { summary: outcome.summary, requestIds, error });
  t.wantsRender = true;
}

/** What the admin typed was tested (validateCredentials): write now, or ask again saying why. */
function completeValidate(t: Tx, step: ActionStep, results: Readonly<Record<string, CallResult>>): void {
  const logic = logicOf(t, step);
  if (!logic.interpretValidate) throw new Error(`action ${step.id} has validate without interpretValidate`);
  const outcome = logic.interpretValidate(ctx(t), results);
  const requestIds = requestIdsOf(results);
  if (outcome.ok) {
    audit(t, 'action.validated', 'ok', { stepId: step.id, requestIds });
    return issueWrite(t, step, 1, t.iso);
  }
  audit(t, 'action.validated', 'failed', { stepId: step.id, requestIds });
  t.d.pending = { kind: 'confirm', stepId: step.id, problem: outcome.problem };
  setResult(t, step.id, 'running', { requestIds });
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
    if ((step.secretFields?.length ?? 0) > 0) {
      // The values are checked here and go no further: the run keeps which fields were wrong, never what was typed.
      const v = validateFields(secretInputFields(step), event.secrets ?? {});
      if (!v.ok) {
        t.d.pending = { kind: 'confirm', stepId: step.id, errors: v.errors };
        audit(t, 'secret.rejected', 'refused', { stepId: step.id, fields: Object.keys(v.errors) });
        t.wantsRender = true;
        return true;
      }
    }
    audit(t, 'step.confirmed', 'ok', { stepId: step.id });
    const logic = logicOf(t, step);
    if (logic.validate) {
      issueCalls(t, step.id, 'validate', logic.validate(ctx(t)), 'read', 1, t.iso, true);
      return true;
    }
    issueWrite(t, step, 1, t.iso);
    return true;
  },
  onAnswer(t, step, { stage, results, attempt, firstAttemptAt, pending }) {
    if (stage === 'probe') return completeProbe(t, step, results, attempt, firstAttemptAt, pending);
    if (stage === 'validate') return completeValidate(t, step, results);
    if (stage === 'write') return completeWrite(t, step, results, attempt, firstAttemptAt);
    throw new Error(`action ${step.id} got a ${stage} answer`);
  },
  onRetry(t, step, stage) {
    // A write that may or may not have happened is re-probed, and what was found goes to the audit.
    issueProbe(t, step, true, stage === 'write' ? { reconcile: true } : {});
  },
  onTimer(t, step, reminderId) {
    const p = isRetryTimer(t, step.id, reminderId);
    if (!p) return false;
    const next = { attempt: p.attempt + 1, firstAttemptAt: p.firstAttemptAt };
    if (p.stage === 'write' && !isTransient(p.lastError)) {
      // The step's own policy ("not yet": the object has not replicated): Graph refused the write outright.
      issueWrite(t, step, next.attempt, next.firstAttemptAt);
    } else if (p.stage === 'write') {
      // Throttled or unavailable: look before writing again. An interrupted write found not done is put to
      // the admin again instead.
      issueProbe(t, step, false, { ...next, ...(p.reconcile ? { reconcile: true } : { confirmed: next }) });
    } else issueProbe(t, step, false, next);
    return true;
  },
};
