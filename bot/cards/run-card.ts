import { SesameError } from '../../core/errors.js';
import { fromGraphErrorData } from '../../core/engine/call-result.js';
import { isTransient } from '../../core/engine/retry.js';
import { directoryRoleName, findDirectoryRole } from '../../core/directory-roles.js';
import type { ItemResult, Run, StepResult } from '../../core/engine/run.js';
import type { Locale, LocalizedText, TextParams } from '../../core/procedures/text.js';
import { localize } from '../../core/procedures/text.js';
import { fillUrl } from '../../core/procedures/context-escaping.js';
import { flattenUntrusted } from '../../core/i18n/inert-text.js';
import { CardText, errorText, fill, inert, joinText, md } from './card-text.js';
import type { Link, ProcedureModule, Step } from '../../core/procedures/types.js';
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

/**
 * A secret field's input is named `secret:<field id>` on the confirm card: a key that says "secret" is masked in
 * every log line (the Teams SDK logs incoming activities), and the messaging endpoint makes the value live
 * (masked by value) before the SDK reads it.
 */
export const SECRET_INPUT_PREFIX = 'secret:';

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
  /** Secrets generated in this turn, by name: shown on this card only (later cards never get them). */
  readonly revealed?: Readonly<Record<string, string>>;
  /** Formats an ISO time for the reader (Europe/Paris for the vendor calendar). */
  readonly formatTime: (iso: string) => string;
  /**
   * Where the person waited on can be played (the sandbox console, local mode only): a card that waits on someone
   * links to it. Unset in production.
   */
  readonly outsideWorldUrl?: string;
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
  secretOnce: L(
    'Copiez-le maintenant : Sesame ne le garde pas et ne le montrera plus.',
    'Copy it now: Sesame does not keep it and will not show it again.',
  ),
  secretGone: L(
    'Le secret a été affiché une seule fois et n’est pas conservé. Si vous ne l’avez pas copié, générez-en un nouveau.',
    'The secret was shown once and is not kept. If you did not copy it, generate a new one.',
  ),
  secretAgain: L('Générer à nouveau', 'Generate again'),
  secretShownOnce: L(
    '{label} : affiché une seule fois, quand l’étape a été faite ; Sesame ne le conserve pas.',
    '{label}: shown once, when the step was done; Sesame does not keep it.',
  ),
  secretNotEchoed: L(
    'Ce que vous tapez ici n’est ni affiché de nouveau, ni enregistré : Sesame le transmet à Microsoft 365 et l’oublie.',
    'What you type here is neither shown again nor stored: Sesame passes it to Microsoft 365 and forgets it.',
  ),
  notYetRetryAt: L(
    'Sesame vérifiera de nouveau de lui-même vers {at} ; vous pouvez aussi cliquer sur Réessayer.',
    'Sesame checks again by itself around {at}; you can also click Retry.',
  ),
  checkNow: L('Vérifier maintenant', 'Check now'),
  required: L('{label} : ce champ est obligatoire.', '{label}: this field is required.'),
  working: L('Sesame travaille sur cette étape…', 'Sesame is working on this step…'),
  waitingUntil: L('Échéance : {at}', 'Due: {at}'),
  outsideWorld: L('Jouer l’autre partie (console du bac à sable)', 'Play the other side (sandbox console)'),
  retryAt: L(
    'Microsoft 365 n’a pas encore propagé l’objet (tentative {attempt}) : Sesame réessaie de lui-même dans un instant, ou cliquez sur Réessayer.',
    'Microsoft 365 has not propagated the object yet (attempt {attempt}): Sesame retries by itself in a moment, or click Retry.',
  ),
  throttledRetryAt: L(
    'Microsoft 365 demande à Sesame de patienter (tentative {attempt}) : Sesame réessaie de lui-même vers {at}, sans rien écrire deux fois. Vous pouvez aussi cliquer sur Réessayer plus tard.',
    'Microsoft 365 asks Sesame to wait (attempt {attempt}): Sesame retries by itself around {at}, without writing anything twice. You can also click Retry later.',
  ),
  preflight: L('Pré-vérification', 'Pre-flight'),
  blockedStep: L('{step} : l’un de ces rôles — {roles}', '{step}: one of these roles — {roles}'),
  blockedNext: L(
    'Un administrateur qui détient ce rôle peut ouvrir cette carte et cliquer sur Réessayer, ou vous l’attribuer.',
    'An administrator who holds that role can open this card and click Retry, or give it to you.',
  ),
  details: L('Détail des étapes précédentes ({n})', 'Details of earlier steps ({n})'),
  blockedTitle: L('Droits insuffisants', 'Missing permissions'),
  blockedRoles: L('Rôle requis (l’un de) : {roles}', 'Role needed (any of): {roles}'),
  blockedScopes: L('Autorisations Graph manquantes : {scopes}', 'Missing Graph permissions: {scopes}'),
  holders: L('Dans votre organisation, {role} : {names}', 'In your organisation, {role}: {names}'),
  noHolders: L(
    'Personne ne détient {role} dans votre organisation.',
    'Nobody holds {role} in your organisation.',
  ),
  unknownHolders: L('Impossible de lire qui détient {role}.', 'Could not read who holds {role}.'),
  preflightByHand: L(
    'Pré-vérification : vos rôles ne permettent pas à Sesame de tout faire dans ces étapes : {steps}. Il vous dira quoi faire à la main ou à qui le demander.',
    'Pre-flight: your roles do not let Sesame do all of these steps: {steps}. It will tell you what to do by hand or whom to ask.',
  ),
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

/** Icons follow the outcome: pass ✅, warn ⚠️, unknown ❔, fail ❌ (never a tick next to something unread). */
const STATUS_ICON: Record<
  StepResult['status'] | 'current' | 'todo' | 'stopped' | 'warn' | 'unknown',
  string
> = {
  done: '✅',
  warn: '⚠️',
  unknown: '❔',
  stopped: '⏹️',
  skipped: '⏭️',
  failed: '❌',
  blocked: '⛔',
  waiting: '⏳',
  running: '⏳',
  current: '➡️',
  todo: '▫️',
};

/**
 * One card that shows a run as it is now. Top to bottom: where it stands, what the admin can do now, the last
 * result, the progress list, and the details of earlier steps folded away (Teams cards get long otherwise).
 */
export function runCard(module: ProcedureModule, run: Run, options: RunCardOptions): AdaptiveCard {
  const { locale, params } = options;
  const tr = translator(locale, params);
  const procedure = module.procedure;
  const steps = procedure.steps;
  const current = steps.find((s) => s.id === run.currentStepId);
  const index = current ? steps.indexOf(current) + 1 : steps.length;
  const terminal = run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';
  const pending = terminal ? undefined : run.pending;
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
      md`${tr(TXT.run)} ${run.id.slice(0, 8)} · ${tr(TXT.startedBy, { name: run.startedBy.name, at: options.formatTime(run.startedAt) })}`,
      { isSubtle: true, size: 'Small', spacing: 'None' },
    ),
  ];
  const actions: CardElement[] = [];
  // The step whose result the action area already tells (an error) is not repeated in the history.
  let shownResultStep: string | undefined;

  if (terminal) {
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
    if (run.outcome) body.push(textBlock(tr.data(run.outcome.reason)));
    // The engine lets a stopped run be retried from the step that failed.
    if (run.status === 'failed')
      actions.push(button(RUN_VERBS.retry, tr.plain(TXT.retry), { style: 'positive' }));
  } else if (current) {
    body.push(
      textBlock(md`${tr(TXT.step, { n: index, total: steps.length })} — ${tr(current.title)}`, {
        weight: 'Bolder',
        size: 'Medium',
        spacing: 'Large',
      }),
    );
    if (current.body) body.push(textBlock(tr(current.body)));
  }

  switch (pending?.kind) {
    case 'confirm': {
      if (current?.kind === 'batch') {
        const items = run.stepResults[current.id]?.items ?? [];
        const count = items.filter((i) => i.status === 'todo' || i.status === 'failed').length;
        body.push(textBlock(tr(current.confirm, { count }), { weight: 'Bolder', spacing: 'Medium' }));
        body.push(itemLines(items, tr));
        actions.push(
          button(RUN_VERBS.confirm, tr.plain(current.confirmLabel ?? TXT.confirm), { style: 'positive' }),
        );
      }
      if (current?.kind === 'action') {
        body.push(textBlock(tr(current.confirm), { weight: 'Bolder', spacing: 'Medium' }));
        if (pending.problem)
          body.push(textBlock(md`⚠️ ${tr.data(pending.problem)}`, { color: 'Attention', spacing: 'Small' }));
        for (const field of current.secretFields ?? []) {
          const error = pending.errors?.[field.id];
          // Never a value: a refused secret is typed again, not shown back.
          body.push({
            type: 'Input.Text',
            id: `${SECRET_INPUT_PREFIX}${field.id}`,
            label: tr.plain(field.label),
            ...(field.placeholder ? { placeholder: tr.plain(field.placeholder) } : {}),
            style: 'Password',
            isRequired: true,
            errorMessage: error ? tr.plain(error) : tr.plain(TXT.required, { label: tr.plain(field.label) }),
          });
          if (field.help)
            body.push(textBlock(tr(field.help), { isSubtle: true, size: 'Small', spacing: 'None' }));
          if (error) body.push(textBlock(md`⚠️ ${tr.data(error)}`, { color: 'Attention', spacing: 'None' }));
        }
        if ((current.secretFields?.length ?? 0) > 0)
          body.push(textBlock(tr(TXT.secretNotEchoed), { isSubtle: true, size: 'Small' }));
        actions.push(
          button(RUN_VERBS.confirm, tr.plain(current.confirmLabel ?? TXT.confirm), { style: 'positive' }),
          button(RUN_VERBS.change, tr.plain(TXT.change)),
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
            // Input labels, placeholders and values are plain text in Teams (no markdown): shown as typed.
            label: tr.plain(field.label),
            ...(field.placeholder ? { placeholder: tr.plain(field.placeholder) } : {}),
            value: pending.values[field.id] ?? run.inputs[field.id] ?? field.default ?? '',
            style: field.type === 'email' ? 'Email' : 'Text',
            isRequired: field.rules.some((r) => r.kind === 'required'),
            // Teams shows this when a required field is left empty, before anything is sent.
            errorMessage: error ? tr.plain(error) : tr.plain(TXT.required, { label: tr.plain(field.label) }),
          });
          if (field.help)
            body.push(textBlock(tr(field.help), { isSubtle: true, size: 'Small', spacing: 'None' }));
          if (error) body.push(textBlock(md`⚠️ ${tr.data(error)}`, { color: 'Attention', spacing: 'None' }));
        }
        actions.push(
          button(RUN_VERBS.submit, tr.plain(current.submitLabel ?? TXT.submit), { style: 'positive' }),
        );
      }
      break;
    }
    case 'choice': {
      if (current?.kind === 'choice' && current.fromTenant && pending.offered) {
        // Options read from the tenant: directory names, shown as data in a ChoiceSet (never as Markdown).
        const multiple = current.fromTenant.multiple === true;
        body.push({
          type: 'Input.ChoiceSet',
          id: 'choice',
          label: tr.plain(current.fromTenant.label),
          style: multiple ? 'expanded' : 'compact',
          ...(multiple ? { isMultiSelect: true } : {}),
          isRequired: true,
          errorMessage: tr.plain(TXT.required, { label: tr.plain(current.fromTenant.label) }),
          // Plain text, but still one line, bounded, without bidi controls.
          choices: pending.offered.map((o) => ({ title: flattenUntrusted(o.label), value: o.id })),
        });
        actions.push(button(RUN_VERBS.submit, tr.plain(TXT.submit), { style: 'positive' }));
      } else if (current?.kind === 'choice') {
        for (const option of current.options) {
          actions.push(button(RUN_VERBS.choose, tr.plain(option.label), { option: option.id }));
        }
      }
      break;
    }
    case 'manual': {
      if (current?.kind === 'manual') {
        body.push(textBlock(tr(current.instructions), { spacing: 'Medium' }));
        if (current.links && current.links.length > 0) body.push(linksBlock(current.links, tr, params));
        actions.push(button(RUN_VERBS.done, tr.plain(current.doneLabel), { style: 'positive' }));
      }
      break;
    }
    case 'secret': {
      if (current?.kind === 'secret') {
        body.push(textBlock(tr(current.instructions), { spacing: 'Medium' }));
        const value = options.revealed?.[pending.name];
        if (value !== undefined) {
          body.push(textBlock(tr(current.secret.label), { weight: 'Bolder', spacing: 'Medium' }));
          // A TextRun is never read as Markdown: every character of the secret shows as it is.
          body.push({
            type: 'RichTextBlock',
            inlines: [{ type: 'TextRun', text: value, fontType: 'Monospace', size: 'Large' }],
          });
          body.push(textBlock(tr(TXT.secretOnce), { color: 'Warning', spacing: 'Small' }));
        } else {
          body.push(textBlock(tr(TXT.secretGone), { color: 'Warning', spacing: 'Medium' }));
        }
        actions.push(button(RUN_VERBS.done, tr.plain(current.doneLabel), { style: 'positive' }));
        actions.push(button(RUN_VERBS.retry, tr.plain(TXT.secretAgain)));
      }
      break;
    }
    case 'wait': {
      // Procedures usually say the due time in the step's own text; say it here only when they do not.
      const bodyNamesDue = current?.body ? /\{dueAtText\}/.test(current.body[locale]) : false;
      if (!bodyNamesDue) {
        body.push(
          textBlock(tr(TXT.waitingUntil, { at: options.formatTime(pending.dueAt) }), { weight: 'Bolder' }),
        );
      }
      actions.push(button(RUN_VERBS.retry, tr.plain(TXT.checkNow)));
      if (options.outsideWorldUrl)
        actions.push({
          type: 'Action.OpenUrl',
          title: tr.plain(TXT.outsideWorld),
          url: options.outsideWorldUrl,
        });
      break;
    }
    case 'retry': {
      const waitText = pending.notYet
        ? md`${tr.data(pending.notYet)} ${tr(TXT.notYetRetryAt, { at: options.formatTime(pending.retryAt) })}`
        : isTransient(pending.lastError)
          ? tr(TXT.throttledRetryAt, { attempt: pending.attempt, at: options.formatTime(pending.retryAt) })
          : tr(TXT.retryAt, { attempt: pending.attempt });
      body.push(textBlock(waitText, { color: 'Warning' }));
      if (pending.lastError.requestId) body.push(requestIdLine(tr, pending.lastError.requestId));
      actions.push(button(RUN_VERBS.retry, tr.plain(TXT.retry)));
      break;
    }
    case 'blocked': {
      body.push(textBlock(tr(TXT.blockedTitle), { weight: 'Bolder', color: 'Attention', spacing: 'Medium' }));
      if (pending.stepId === null && run.preflight) {
        // Before the start: say, step by step, which roles would unblock it.
        for (const step of run.preflight.steps.filter((s) => s.blocked && s.missingRoles.length > 0)) {
          const roles = step.missingRoles.map((r) => tr.plain(directoryRoleName(r))).join(', ');
          body.push(
            textBlock(md`• ${tr(TXT.blockedStep, { step: tr.plain(step.title), roles })}`, {
              spacing: 'None',
            }),
          );
        }
      } else if (pending.missingRoles.length > 0) {
        const roles = pending.missingRoles.map((r) => tr.plain(directoryRoleName(r))).join(', ');
        body.push(textBlock(tr(TXT.blockedRoles, { roles })));
      }
      if (pending.missingScopes.length > 0) {
        body.push(textBlock(tr(TXT.blockedScopes, { scopes: pending.missingScopes.join(', ') })));
      }
      body.push(...holders(run, pending.missingRoles, tr));
      body.push(textBlock(tr(TXT.blockedNext), { isSubtle: true }));
      actions.push(button(RUN_VERBS.retry, tr.plain(TXT.retry)));
      break;
    }
    case 'error': {
      const result = pending.stepId ? run.stepResults[pending.stepId] : undefined;
      if (
        pending.summary &&
        (pending.stage === 'poll' || pending.stage === 'check') &&
        pending.error.code === 'graph_unexpected'
      ) {
        // The step's own verdict failed it (a job in quarantine, a domain still unverified): say what and why,
        // with what to fix, rather than a generic error. A check that gave up says so in its own words (its last
        // "not yet" would read as if Sesame were still trying).
        const gaveUp = current?.kind === 'check' ? current.onGiveUp : undefined;
        body.push(
          textBlock(gaveUp ? tr(gaveUp.message) : tr.data(pending.summary), {
            color: 'Attention',
            weight: 'Bolder',
            spacing: 'Medium',
          }),
        );
        for (const note of result?.notes ?? [])
          body.push(textBlock(tr.data(note), { isSubtle: true, spacing: 'None' }));
        if (result?.links && result.links.length > 0) body.push(linksBlock(result.links, tr, params));
        shownResultStep = pending.stepId ?? undefined;
        // A way back to what fixes it (new credentials for a job in quarantine), before a plain Retry.
        if (current?.kind === 'wait' && current.fix)
          actions.push(
            button(RUN_VERBS.change, tr.plain(current.fix.label), {
              option: current.fix.step,
              style: 'positive',
            }),
          );
        actions.push(
          button(
            RUN_VERBS.retry,
            tr.plain(TXT.retry),
            current?.kind === 'wait' && current.fix ? {} : { style: 'positive' },
          ),
        );
        break;
      }
      const text =
        pending.error.code === 'run_interrupted'
          ? errorText(
              new SesameError('run_interrupted', pending.error.message, {
                details: { detail: current ? tr.plain(current.title) : tr.plain(TXT.preflight) },
              }),
              locale,
            )
          : errorText(fromGraphErrorData(pending.error), locale);
      // The procedure's explanation (what this refusal means here, what to do) first, then Graph's error.
      if (pending.explanation)
        body.push(
          textBlock(tr.data(pending.explanation), {
            color: 'Attention',
            weight: 'Bolder',
            spacing: 'Medium',
          }),
        );
      body.push(
        textBlock(
          text.message,
          pending.explanation
            ? { spacing: 'Small' }
            : { color: 'Attention', weight: 'Bolder', spacing: 'Medium' },
        ),
      );
      if (pending.error.code === 'graph_forbidden' && current && current.roles.length > 0) {
        const roles = current.roles.map((r) => tr.plain(directoryRoleName(r))).join(', ');
        body.push(textBlock(tr(TXT.blockedRoles, { roles }), { spacing: 'None' }));
      }
      body.push(textBlock(text.next));
      if (pending.error.requestId) body.push(requestIdLine(tr, pending.error.requestId));
      shownResultStep = pending.stepId ?? undefined;
      actions.push(button(RUN_VERBS.retry, tr.plain(TXT.retry), { style: 'positive' }));
      if (current?.kind === 'action') actions.push(button(RUN_VERBS.change, tr.plain(TXT.change)));
      break;
    }
    case 'graph':
      body.push(textBlock(tr(TXT.working), { isSubtle: true }));
      break;
    case undefined:
      break;
  }

  // Steps that will run but leave a write to the admin, their roles not allowing it (older reports: none); said
  // until they are reached, where their own result says what to do.
  const byHand = (run.preflight?.steps ?? []).filter((s) => (s.byHandRoles ?? []).length > 0);
  const byHandAhead = byHand.filter((s) => !run.stepResults[s.stepId]);
  if (!terminal && byHand.length > 0) {
    if (byHandAhead.length > 0 && pending?.kind !== 'blocked')
      body.push(
        textBlock(tr(TXT.preflightByHand, { steps: byHandAhead.map((s) => tr.plain(s.title)).join(', ') }), {
          isSubtle: true,
          size: 'Small',
        }),
      );
  } else if (!terminal && run.preflight?.feasibility === 'full' && run.preflight.rolesKnown) {
    // Tokens also carry role ids Sesame has no name for (e.g. the default member role): name only the known ones.
    const roles = (run.admin.roleTemplateIds ?? [])
      .filter((id) => findDirectoryRole(id) !== undefined)
      .map((id) => tr.plain(directoryRoleName(id)));
    body.push(
      textBlock(tr(TXT.preflightFull, { roles: roles.length > 0 ? roles.join(', ') : '—' }), {
        isSubtle: true,
        size: 'Small',
      }),
    );
  }
  if (!terminal && run.preflight?.feasibility === 'partial' && pending?.kind !== 'blocked') {
    const blocked = run.preflight.steps.filter((s) => s.blocked).map((s) => tr.plain(s.title));
    if (blocked.length > 0) {
      body.push(
        textBlock(tr(TXT.preflightPartial, { steps: blocked.join(', ') }), { isSubtle: true, size: 'Small' }),
      );
    }
  }

  // The latest result stays in view; earlier ones fold away behind a toggle, except what Sesame left to the admin
  // (a write their roles did not allow): it is still to do, so it stays in view with whom to ask.
  const done = steps.filter((s) => run.stepResults[s.id]?.summary && s.id !== shownResultStep);
  const latest = [...done]
    .sort((a, b) => run.stepResults[a.id]!.at.localeCompare(run.stepResults[b.id]!.at))
    .pop();
  const leftToAdmin = done.filter((s) => run.stepResults[s.id]!.status === 'skipped');
  for (const s of leftToAdmin.filter((x) => x !== latest)) {
    body.push(resultBlock(s, run.stepResults[s.id]!, tr, 'Medium', params));
    body.push(...byHandHolders(run, s, tr));
  }
  if (latest) {
    body.push(resultBlock(latest, run.stepResults[latest.id]!, tr, 'Medium', params));
    if (leftToAdmin.includes(latest)) body.push(...byHandHolders(run, latest, tr));
  }
  body.push(...generatedSecrets(steps, run, tr, options.revealed));
  body.push(progress(steps, run, tr));
  const earlier = done.filter((s) => s !== latest && !leftToAdmin.includes(s));
  if (earlier.length > 0) {
    body.push({
      type: 'ActionSet',
      actions: [
        {
          type: 'Action.ToggleVisibility',
          title: tr.plain(TXT.details, { n: earlier.length }),
          targetElements: [`details-${run.id}`],
        },
      ],
    });
    body.push({
      type: 'Container',
      id: `details-${run.id}`,
      isVisible: false,
      items: earlier.map((s) => resultBlock(s, run.stepResults[s.id]!, tr, 'Small', params)),
    });
  }

  if (!terminal) actions.push(button(RUN_VERBS.cancel, tr.plain(TXT.cancel), { style: 'destructive' }));
  return adaptiveCard(body, { actions, refresh: refresh(run, options) });
}

/**
 * The card's texts. `tr` fills one of Sesame's templates (procedure data, this file) with the run's values made
 * inert; `tr.data` shows a text computed at run time (summaries, notes, reasons, field errors: they embed
 * directory and vendor values) entirely inert; `tr.plain` is for surfaces Teams shows as plain text (button
 * titles, input labels).
 */
interface Tr {
  (text: LocalizedText, extra?: Readonly<Record<string, string | number | CardText>>): CardText;
  data(text: LocalizedText, extra?: TextParams): CardText;
  plain(text: LocalizedText, extra?: TextParams): string;
}

function translator(locale: Locale, params: TextParams): Tr {
  const plain = (text: LocalizedText, extra: TextParams = {}) =>
    localize(text, locale, { ...params, ...extra });
  const tr = ((text: LocalizedText, extra: Readonly<Record<string, string | number | CardText>> = {}) =>
    fill(text[locale], { ...params, ...extra })) as Tr;
  tr.data = (text, extra) => inert(plain(text, extra), { maxLength: 1000 });
  tr.plain = plain;
  return tr;
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

function progress(steps: readonly Step[], run: Run, tr: Tr): CardElement {
  const terminal = run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';
  const lines = steps.map((step) => {
    const result = run.stepResults[step.id];
    let icon: string;
    if (step.id === run.currentStepId && !terminal) {
      const kind = run.pending?.kind;
      icon =
        kind === 'blocked' || kind === 'error'
          ? STATUS_ICON.blocked
          : kind === 'wait' || kind === 'retry' || kind === 'graph'
            ? STATUS_ICON.waiting
            : STATUS_ICON.current;
    } else if (step.id === run.currentStepId && run.status === 'cancelled') {
      icon = STATUS_ICON.stopped;
    } else if (result && result.status !== 'running') {
      icon = resultIcon(result);
    } else {
      // A finished run never took the steps it has no result for.
      icon = run.status === 'done' ? STATUS_ICON.skipped : STATUS_ICON.todo;
    }
    return md`${icon} ${tr(step.title)}`;
  });
  return textBlock(joinText(lines, '\n\n'), { size: 'Small', spacing: 'Medium' });
}

function resultIcon(result: StepResult): string {
  if (result.status === 'done' && (result.verdict === 'warn' || result.verdict === 'unknown'))
    return STATUS_ICON[result.verdict];
  // Skipped: Sesame could not do it with the admin's roles and left it to them (ActionStep.ifNotAllowed).
  if (result.status === 'skipped') return STATUS_ICON.warn;
  return STATUS_ICON[result.status];
}

/** Who holds the roles a step left to the admin needs, as the pre-flight read them (whom to ask). */
function byHandHolders(run: Run, step: Step, tr: Tr): CardElement[] {
  const roles = run.preflight?.steps.find((s) => s.stepId === step.id)?.byHandRoles ?? [];
  return holders(run, roles, tr);
}

function resultBlock(
  step: Step,
  result: StepResult,
  tr: Tr,
  spacing: 'Small' | 'Medium',
  params: TextParams = {},
): CardElement {
  const items: CardElement[] = [
    textBlock(
      md`${resultIcon(result)} **${tr(step.title)}** — ${tr.data(result.summary!)}${result.already ? md` ${tr(TXT.already)}` : ''}`,
      {
        spacing: 'Small',
      },
    ),
  ];
  if (result.items && result.items.length > 0) items.push(itemLines(result.items, tr));
  for (const note of result.notes ?? [])
    items.push(textBlock(tr.data(note), { isSubtle: true, spacing: 'None' }));
  for (const c of result.copyable ?? []) {
    items.push(textBlock(tr(c.label), { weight: 'Bolder', size: 'Small', spacing: 'Small' }));
    // A TextRun is never read as Markdown: the value shows character for character, ready to copy.
    items.push({
      type: 'RichTextBlock',
      spacing: 'None',
      inlines: [{ type: 'TextRun', text: flattenUntrusted(c.value), fontType: 'Monospace' }],
    });
  }
  if (result.links && result.links.length > 0) items.push(linksBlock(result.links, tr, params));
  const ids = [
    ...(result.objectIds.length > 0 ? [tr(TXT.objectIds, { ids: result.objectIds.join(', ') })] : []),
    ...(result.requestIds.length > 0
      ? [tr(TXT.requestId, { id: result.requestIds[result.requestIds.length - 1]! })]
      : []),
  ];
  if (ids.length > 0)
    items.push(textBlock(joinText(ids, ' · '), { isSubtle: true, size: 'Small', spacing: 'None' }));
  return { type: 'Container', spacing, items };
}

/**
 * Links as Markdown in one line: Teams cuts long button titles, not link texts. Labels are Sesame's (values in them
 * inert); a link's `{placeholders}` are filled from the run URL-encoded, so a value cannot change the link's target
 * or close the Markdown.
 */
function linksBlock(links: readonly Link[], tr: Tr, params: TextParams): CardElement {
  return textBlock(
    joinText(
      links.map((l) => md`[${tr(l.label)}](${CardText.trusted(fillUrl(l.url, params))})`),
      ' · ',
    ),
    { spacing: 'Small' },
  );
}

function holders(run: Run, roles: readonly string[], tr: Tr): CardElement[] {
  const out: CardElement[] = [];
  for (const roleId of roles) {
    const summary = run.preflight?.holders.find((h) => h.roleTemplateId === roleId);
    const role = tr.plain(directoryRoleName(roleId));
    if (!summary || !summary.known) out.push(textBlock(tr(TXT.unknownHolders, { role }), { isSubtle: true }));
    else if (summary.holders.length === 0)
      out.push(textBlock(tr(TXT.noHolders, { role }), { isSubtle: true }));
    else {
      // Directory values: each one inert and bounded on its own.
      const names = joinText(
        summary.holders
          .slice(0, 8)
          .map((h) =>
            h.userPrincipalName
              ? md`${h.displayName ?? h.userPrincipalName} (${h.userPrincipalName})`
              : md`${h.displayName ?? h.id}`,
          ),
        ', ',
      );
      out.push(textBlock(tr(TXT.holders, { role, names })));
    }
  }
  return out;
}

const ITEM_ICON: Record<ItemResult['status'], string> = {
  todo: '▫️',
  done: '✅',
  already: '☑️',
  failed: '❌',
};
const ITEM_STATUS: Record<ItemResult['status'], LocalizedText> = {
  todo: L('à faire', 'to do'),
  done: L('fait', 'done'),
  already: L('déjà fait', 'already done'),
  failed: L('échec', 'failed'),
};

/** One line per item of a batch: its icon, its name (directory data, inert), its status and why it failed. */
function itemLines(items: readonly ItemResult[], tr: Tr): CardElement {
  const lines = items.slice(0, 50).map((i) => {
    const head = md`${ITEM_ICON[i.status]} ${inert(i.label, { maxLength: 200 })} — ${tr(ITEM_STATUS[i.status])}`;
    return i.reason ? md`${head} : ${tr.data(i.reason)}` : head;
  });
  if (items.length > 50) lines.push(md`… (+${String(items.length - 50)})`);
  return textBlock(joinText(lines, '\n\n'), { size: 'Small', spacing: 'Small' });
}

/**
 * Secrets an action generated for its write (a service account's password): the value on the card of the turn
 * that did it, and only there; later cards say it was shown once.
 */
function generatedSecrets(
  steps: readonly Step[],
  run: Run,
  tr: Tr,
  revealed: Readonly<Record<string, string>> = {},
): CardElement[] {
  const out: CardElement[] = [];
  for (const step of steps) {
    if (step.kind !== 'action') continue;
    for (const name of run.stepResults[step.id]?.secrets ?? []) {
      const declared = step.generates?.find((g) => g.name === name);
      if (!declared) continue;
      const value = Object.hasOwn(revealed, name) ? revealed[name] : undefined;
      if (value === undefined) {
        out.push(
          textBlock(tr(TXT.secretShownOnce, { label: tr.plain(declared.label) }), {
            isSubtle: true,
            size: 'Small',
          }),
        );
        continue;
      }
      out.push(textBlock(tr(declared.label), { weight: 'Bolder', spacing: 'Medium' }));
      // A TextRun is never read as Markdown: every character of the secret shows as it is.
      out.push({
        type: 'RichTextBlock',
        inlines: [{ type: 'TextRun', text: value, fontType: 'Monospace', size: 'Large' }],
      });
      out.push(textBlock(tr(TXT.secretOnce), { color: 'Warning', spacing: 'Small' }));
    }
  }
  return out;
}

function requestIdLine(tr: Tr, id: string): CardElement {
  return textBlock(tr(TXT.requestId, { id }), {
    isSubtle: true,
    size: 'Small',
    spacing: 'None',
    fontType: 'Monospace',
  });
}
