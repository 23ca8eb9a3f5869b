import { describeError } from '../../core/i18n/describe-error.js';
import { fromGraphErrorData } from '../../core/engine/call-result.js';
import { directoryRoleName, findDirectoryRole } from '../../core/directory-roles.js';
import type { Run, StepResult } from '../../core/engine/run.js';
import type { Locale, LocalizedText, TextParams } from '../../core/procedures/text.js';
import { localize } from '../../core/procedures/text.js';
import type { ProcedureModule, Step } from '../../core/procedures/types.js';
import {
  adaptiveCard,
  executeAction,
  textBlock,
  type AdaptiveCard,
  type CardElement,
} from './adaptive-card.js';

/** Verbs of the buttons on a run's card; the bot maps each to an engine event. */
export const RUN_VERBS = {
  refresh: 'run.refresh',
  submit: 'run.submit',
  confirm: 'run.confirm',
  change: 'run.change',
  cancel: 'run.cancel',
  choose: 'run.choose',
  done: 'run.done',
  retry: 'run.retry',
} as const;
export type RunVerb = (typeof RUN_VERBS)[keyof typeof RUN_VERBS];

/** What a button carries back. `sig` binds it to the run, the conversation and the card's step version. */
export interface RunActionData {
  readonly runId: string;
  readonly stepId: string | null;
  readonly stepVersion: number;
  readonly option?: string;
  readonly sig: string;
}

export interface RunCardOptions {
  readonly locale: Locale;
  /** Signs a button's payload (HMAC of verb, run, conversation and step version). */
  readonly sign: (verb: RunVerb, runId: string, stepVersion: number, option?: string) => string;
  /** Values for the procedure's `{placeholders}` at this point of the run. */
  readonly params: TextParams;
  /** Formats an ISO time for the reader (Europe/Paris for the vendor calendar). */
  readonly formatTime: (iso: string) => string;
}

const L = (fr: string, en: string): LocalizedText => ({ fr, en });

const TXT = {
  run: L('Exécution', 'Run'),
  step: L('Étape {n} sur {total}', 'Step {n} of {total}'),
  startedBy: L('Démarrée par {name} le {at}', 'Started by {name} on {at}'),
  cancel: L('Annuler', 'Cancel'),
  change: L('Modifier', 'Change'),
  confirm: L('Confirmer', 'Confirm'),
  submit: L('Continuer', 'Continue'),
  retry: L('Réessayer', 'Retry'),
  checkNow: L('Vérifier maintenant', 'Check now'),
  required: L('{label} : ce champ est obligatoire.', '{label}: this field is required.'),
  working: L('Sesame travaille sur cette étape…', 'Sesame is working on this step…'),
  waitingUntil: L('Échéance : {at}', 'Due: {at}'),
  retryAt: L(
    'Microsoft 365 n’a pas encore propagé l’objet (tentative {attempt}). Sesame réessaiera vers {at}.',
    'Microsoft 365 has not propagated the object yet (attempt {attempt}). Sesame will retry around {at}.',
  ),
  blockedTitle: L('Droits insuffisants', 'Missing permissions'),
  blockedRoles: L('Rôle requis (l’un de) : {roles}', 'Role needed (any of): {roles}'),
  blockedScopes: L('Autorisations Graph manquantes : {scopes}', 'Missing Graph permissions: {scopes}'),
  holders: L('Dans votre organisation, {role} : {names}', 'In your organisation, {role}: {names}'),
  noHolders: L(
    'Personne ne détient {role} dans votre organisation.',
    'Nobody holds {role} in your organisation.',
  ),
  unknownHolders: L('Impossible de lire qui détient {role}.', 'Could not read who holds {role}.'),
  preflightFull: L(
    'Pré-vérification : vos rôles ({roles}) permettent toutes les étapes.',
    'Pre-flight: your roles ({roles}) allow every step.',
  ),
  preflightPartial: L(
    'Vous pouvez commencer, mais ces étapes demanderont quelqu’un d’autre : {steps}.',
    'You can start, but these steps will need someone else: {steps}.',
  ),
  requestId: L('Identifiant de requête Graph : {id}', 'Graph request id: {id}'),
  doneTitle: L('Procédure terminée', 'Procedure complete'),
  failedTitle: L('Procédure arrêtée', 'Procedure stopped'),
  cancelledTitle: L('Procédure annulée', 'Procedure cancelled'),
  objectIds: L('Objets : {ids}', 'Objects: {ids}'),
  already: L('(déjà fait : rien n’a été réécrit)', '(already done: nothing was written again)'),
};

const STATUS_ICON: Record<StepResult['status'] | 'current' | 'todo', string> = {
  done: '✅',
  skipped: '⏭️',
  failed: '⛔',
  blocked: '⛔',
  waiting: '⏳',
  running: '⏳',
  current: '➡️',
  todo: '▫️',
};

/** One card that shows a run as it is now: where it stands, what was done, and what the admin can do next. */
export function runCard(module: ProcedureModule, run: Run, options: RunCardOptions): AdaptiveCard {
  const { locale, params } = options;
  const tr = (text: LocalizedText, extra: TextParams = {}) => localize(text, locale, { ...params, ...extra });
  const procedure = module.procedure;
  const steps = procedure.steps;
  const current = steps.find((s) => s.id === run.currentStepId);
  const index = current ? steps.indexOf(current) + 1 : steps.length;
  const button = (verb: RunVerb, title: string, extra: { option?: string; style?: string } = {}) =>
    executeAction(
      title,
      verb,
      {
        runId: run.id,
        stepId: run.currentStepId,
        stepVersion: run.stepVersion,
        ...(extra.option ? { option: extra.option } : {}),
        sig: options.sign(verb, run.id, run.stepVersion, extra.option),
      },
      extra.style ? { style: extra.style } : {},
    );

  const body: CardElement[] = [
    textBlock(tr(procedure.title), { size: 'Large', weight: 'Bolder', style: 'heading' }),
    textBlock(
      `${tr(TXT.run)} ${run.id.slice(0, 8)} · ${tr(TXT.startedBy, { name: run.startedBy.name, at: options.formatTime(run.startedAt) })}`,
      { isSubtle: true, size: 'Small', spacing: 'None' },
    ),
    progress(steps, run, tr),
  ];
  const actions: CardElement[] = [];

  if (run.status === 'done' || run.status === 'failed' || run.status === 'cancelled') {
    const title =
      run.status === 'done' ? TXT.doneTitle : run.status === 'failed' ? TXT.failedTitle : TXT.cancelledTitle;
    body.push(
      textBlock(tr(title), {
        weight: 'Bolder',
        size: 'Medium',
        color: run.status === 'done' ? 'Good' : 'Attention',
        spacing: 'Large',
      }),
    );
    if (run.outcome) body.push(textBlock(tr(run.outcome.reason)));
    body.push(...results(steps, run, tr));
    return adaptiveCard(body, { refresh: refresh(run, options) });
  }

  if (current) {
    body.push(
      textBlock(`${tr(TXT.step, { n: index, total: steps.length })} — ${tr(current.title)}`, {
        weight: 'Bolder',
        size: 'Medium',
        spacing: 'Large',
      }),
    );
    if (current.body) body.push(textBlock(tr(current.body)));
  }
  body.push(...results(steps, run, tr));

  const pending = run.pending;
  switch (pending?.kind) {
    case 'confirm': {
      if (current?.kind === 'action') {
        body.push(textBlock(tr(current.confirm), { weight: 'Bolder', spacing: 'Medium' }));
        actions.push(
          button(RUN_VERBS.confirm, tr(current.confirmLabel ?? TXT.confirm), { style: 'positive' }),
          button(RUN_VERBS.change, tr(TXT.change)),
        );
      }
      break;
    }
    case 'input': {
      if (current?.kind === 'input') {
        for (const field of current.fields) {
          const error = pending.errors?.[field.id];
          body.push({
            type: 'Input.Text',
            id: field.id,
            label: tr(field.label),
            ...(field.placeholder ? { placeholder: tr(field.placeholder) } : {}),
            value: pending.values[field.id] ?? run.inputs[field.id] ?? field.default ?? '',
            style: field.type === 'email' ? 'Email' : 'Text',
            isRequired: field.rules.some((r) => r.kind === 'required'),
            // Teams shows this when a required field is left empty, before anything is sent.
            errorMessage: error ? tr(error) : tr(TXT.required, { label: tr(field.label) }),
          });
          if (field.help)
            body.push(textBlock(tr(field.help), { isSubtle: true, size: 'Small', spacing: 'None' }));
          if (error) body.push(textBlock(`⚠️ ${tr(error)}`, { color: 'Attention', spacing: 'None' }));
        }
        actions.push(button(RUN_VERBS.submit, tr(current.submitLabel ?? TXT.submit), { style: 'positive' }));
      }
      break;
    }
    case 'choice': {
      if (current?.kind === 'choice') {
        for (const option of current.options)
          actions.push(button(RUN_VERBS.choose, tr(option.label), { option: option.id }));
      }
      break;
    }
    case 'manual': {
      if (current?.kind === 'manual') {
        body.push(textBlock(tr(current.instructions), { spacing: 'Medium' }));
        for (const link of current.links ?? [])
          actions.push({ type: 'Action.OpenUrl', title: tr(link.label), url: link.url });
        actions.push(button(RUN_VERBS.done, tr(current.doneLabel), { style: 'positive' }));
      }
      break;
    }
    case 'wait': {
      body.push(
        textBlock(tr(TXT.waitingUntil, { at: options.formatTime(pending.dueAt) }), { weight: 'Bolder' }),
      );
      actions.push(button(RUN_VERBS.retry, tr(TXT.checkNow)));
      break;
    }
    case 'retry': {
      body.push(
        textBlock(tr(TXT.retryAt, { attempt: pending.attempt, at: options.formatTime(pending.retryAt) }), {
          color: 'Warning',
        }),
      );
      if (pending.lastError.requestId) body.push(requestIdLine(tr, pending.lastError.requestId));
      actions.push(button(RUN_VERBS.retry, tr(TXT.retry)));
      break;
    }
    case 'blocked': {
      body.push(textBlock(tr(TXT.blockedTitle), { weight: 'Bolder', color: 'Attention', spacing: 'Medium' }));
      if (pending.missingRoles.length > 0) {
        const roles = pending.missingRoles.map((r) => tr(directoryRoleName(r))).join(', ');
        body.push(textBlock(tr(TXT.blockedRoles, { roles })));
      }
      if (pending.missingScopes.length > 0) {
        body.push(textBlock(tr(TXT.blockedScopes, { scopes: pending.missingScopes.join(', ') })));
      }
      body.push(...holders(run, pending.missingRoles, tr));
      actions.push(button(RUN_VERBS.retry, tr(TXT.retry)));
      break;
    }
    case 'error': {
      const text = describeError(fromGraphErrorData(pending.error), locale);
      body.push(
        textBlock(pending.summary ? tr(pending.summary) : text.message, {
          color: 'Attention',
          weight: 'Bolder',
        }),
      );
      body.push(textBlock(text.next));
      if (pending.error.requestId) body.push(requestIdLine(tr, pending.error.requestId));
      actions.push(button(RUN_VERBS.retry, tr(TXT.retry)));
      break;
    }
    case 'graph':
    case undefined:
      body.push(textBlock(tr(TXT.working), { isSubtle: true }));
      break;
  }

  if (run.preflight?.feasibility === 'full' && run.preflight.rolesKnown) {
    // Tokens also carry role ids Sesame has no name for (e.g. the default member role): name only the known ones.
    const roles = (run.admin.roleTemplateIds ?? [])
      .filter((id) => findDirectoryRole(id) !== undefined)
      .map((id) => tr(directoryRoleName(id)));
    body.push(
      textBlock(tr(TXT.preflightFull, { roles: roles.length > 0 ? roles.join(', ') : '—' }), {
        isSubtle: true,
        size: 'Small',
      }),
    );
  }
  if (run.preflight?.feasibility === 'partial' && pending?.kind !== 'blocked') {
    const blocked = run.preflight.steps.filter((s) => s.blocked).map((s) => tr(s.title));
    if (blocked.length > 0) {
      body.push(
        textBlock(tr(TXT.preflightPartial, { steps: blocked.join(', ') }), { isSubtle: true, size: 'Small' }),
      );
    }
  }

  actions.push(button(RUN_VERBS.cancel, tr(TXT.cancel), { style: 'destructive' }));
  return adaptiveCard(body, { actions, refresh: refresh(run, options) });
}

/** Makes a card opened later, or by another admin in the chat, fetch the run's current state. */
function refresh(run: Run, options: RunCardOptions): Record<string, unknown> {
  return {
    action: {
      type: 'Action.Execute',
      title: 'refresh',
      verb: RUN_VERBS.refresh,
      data: {
        verb: RUN_VERBS.refresh,
        runId: run.id,
        stepId: run.currentStepId,
        stepVersion: run.stepVersion,
        sig: options.sign(RUN_VERBS.refresh, run.id, run.stepVersion),
      },
    },
  };
}

function progress(steps: readonly Step[], run: Run, tr: (t: LocalizedText) => string): CardElement {
  const lines = steps.map((step) => {
    const result = run.stepResults[step.id];
    const icon =
      step.id === run.currentStepId && !result?.status
        ? STATUS_ICON.current
        : result
          ? STATUS_ICON[result.status]
          : STATUS_ICON.todo;
    return `${icon} ${tr(step.title)}`;
  });
  return textBlock(lines.join('\n\n'), { size: 'Small', spacing: 'Medium' });
}

function results(
  steps: readonly Step[],
  run: Run,
  tr: (t: LocalizedText, p?: TextParams) => string,
): CardElement[] {
  const out: CardElement[] = [];
  for (const step of steps) {
    const result = run.stepResults[step.id];
    if (!result?.summary) continue;
    const items: CardElement[] = [
      textBlock(
        `**${tr(step.title)}** — ${tr(result.summary)}${result.already ? ` ${tr(TXT.already)}` : ''}`,
        {
          spacing: 'Small',
        },
      ),
    ];
    for (const note of result.notes ?? [])
      items.push(textBlock(tr(note), { isSubtle: true, spacing: 'None' }));
    if (result.objectIds.length > 0) {
      items.push(
        textBlock(tr(TXT.objectIds, { ids: result.objectIds.join(', ') }), {
          isSubtle: true,
          size: 'Small',
          spacing: 'None',
        }),
      );
    }
    if (result.requestIds.length > 0)
      items.push(requestIdLine(tr, result.requestIds[result.requestIds.length - 1]!));
    if (result.links && result.links.length > 0) {
      items.push({
        type: 'ActionSet',
        actions: result.links.map((l) => ({ type: 'Action.OpenUrl', title: tr(l.label), url: l.url })),
      });
    }
    out.push({ type: 'Container', spacing: 'Small', items });
  }
  return out;
}

function holders(
  run: Run,
  roles: readonly string[],
  tr: (t: LocalizedText, p?: TextParams) => string,
): CardElement[] {
  const out: CardElement[] = [];
  for (const roleId of roles) {
    const summary = run.preflight?.holders.find((h) => h.roleTemplateId === roleId);
    const role = tr(directoryRoleName(roleId));
    if (!summary || !summary.known) out.push(textBlock(tr(TXT.unknownHolders, { role }), { isSubtle: true }));
    else if (summary.holders.length === 0)
      out.push(textBlock(tr(TXT.noHolders, { role }), { isSubtle: true }));
    else {
      const names = summary.holders
        .slice(0, 8)
        .map((h) =>
          h.userPrincipalName
            ? `${h.displayName ?? h.userPrincipalName} (${h.userPrincipalName})`
            : (h.displayName ?? h.id),
        )
        .join(', ');
      out.push(textBlock(tr(TXT.holders, { role, names })));
    }
  }
  return out;
}

function requestIdLine(tr: (t: LocalizedText, p?: TextParams) => string, id: string): CardElement {
  return textBlock(tr(TXT.requestId, { id }), {
    isSubtle: true,
    size: 'Small',
    spacing: 'None',
    fontType: 'Monospace',
  });
}
