/**
 * What the tab says about a run beyond its status: what it is waiting for and until when, who acted last, why it
 * ended. Read from the stored run's `pending` and `outcome` (core/engine/run.ts) so that a run blocked at its
 * rights check reads "blocked: needs Global Administrator", not "in progress" with no step.
 */
import { directoryRoleName } from '../core/directory-roles.js';
import type { Localized } from '../core/i18n/locale.js';
import type { TabRunWaitingFor } from '../core/run-waiting-for.js';

interface StepInfo {
  readonly id: string;
  readonly title: Localized;
}

/** The parts of a stored run (core/engine/run.ts Run) this view reads; all optional for older records. */
export interface RunStateRecord {
  readonly status: string;
  readonly currentStepId?: string | null;
  readonly admin?: { readonly id: string; readonly name?: string };
  readonly pending?: {
    readonly kind: string;
    readonly stepId?: string | null;
    readonly dueAt?: string;
    readonly nextPollAt?: string;
    readonly retryAt?: string;
    readonly missingRoles?: readonly string[];
    readonly missingScopes?: readonly string[];
    readonly summary?: Localized;
    readonly notYet?: Localized;
    readonly lastError?: { readonly code?: string };
    readonly error?: { readonly code?: string };
  };
  readonly outcome?: { readonly reason?: Localized };
}

export type { TabRunWaitingFor } from '../core/run-waiting-for.js';

export interface TabRunState {
  readonly waitingFor?: TabRunWaitingFor;
  /** The admin acting most recently (may differ from who started the run). */
  readonly lastActor?: { readonly id: string; readonly name: string };
  /** Why a failed or cancelled run ended. */
  readonly outcome?: { readonly reason: Localized };
}

const ASKS = new Set(['confirm', 'input', 'choice', 'manual', 'secret']);

export function runState(run: RunStateRecord, steps: readonly StepInfo[]): TabRunState {
  const stepTitle = (id: string | null | undefined) => steps.find((s) => s.id === id)?.title ?? null;
  const p = run.pending;
  let waitingFor: TabRunWaitingFor | undefined;
  const open = run.status === 'active' || run.status === 'waiting';
  if (p && open) {
    const title = stepTitle(p.stepId ?? null);
    if (p.kind === 'blocked') {
      waitingFor = {
        kind: 'rights',
        stepTitle: title,
        missingRoles: (p.missingRoles ?? []).map(directoryRoleName),
        missingScopes: p.missingScopes ?? [],
      };
    } else if (p.kind === 'wait' && p.dueAt) {
      waitingFor = {
        kind: 'deadline',
        stepTitle: title,
        until: p.dueAt,
        ...(p.nextPollAt ? { nextCheckAt: p.nextPollAt } : {}),
      };
    } else if (ASKS.has(p.kind)) {
      waitingFor = { kind: 'admin', stepTitle: title, ask: p.kind as 'confirm' };
    } else if (p.kind === 'retry' && p.retryAt) {
      waitingFor = {
        kind: 'retry',
        stepTitle: title,
        at: p.retryAt,
        ...(p.notYet ? { reason: p.notYet } : {}),
        ...(p.lastError?.code ? { code: p.lastError.code } : {}),
      };
    } else if (p.kind === 'error') {
      waitingFor = {
        kind: 'error',
        stepTitle: title,
        ...(p.summary ? { reason: p.summary } : {}),
        ...(p.error?.code ? { code: p.error.code } : {}),
      };
    } else if (p.kind === 'graph') {
      waitingFor = { kind: 'graph', stepTitle: title };
    }
  }
  return {
    ...(waitingFor ? { waitingFor } : {}),
    ...(run.admin?.name ? { lastActor: { id: run.admin.id, name: run.admin.name } } : {}),
    ...(!open && run.outcome?.reason ? { outcome: { reason: run.outcome.reason } } : {}),
  };
}
