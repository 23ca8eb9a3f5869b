import { isSesameError } from '../../core/errors.js';
import type { Run } from '../../core/engine/run.js';
import type { Locale } from '../../core/procedures/text.js';
import type { ProcedureModule } from '../../core/procedures/types.js';
import { moduleOfRun } from '../../core/procedures/versions.js';
import type { CardSigner } from '../card-signing.js';
import { adaptiveCard, executeAction, textBlock, type AdaptiveCard } from './adaptive-card.js';
import { CardText, errorText, fill, inert, md } from './card-text.js';
import { RUN_VERBS } from './run-card.js';

/** Cards of the conversation around runs: sign-in, status, errors on their own. */

const L = (fr: string, en: string) => ({ fr, en });
const TXT = {
  signInTitle: L('Connexion nécessaire', 'Sign-in needed'),
  signInText: L(
    'Sesame agit avec vos propres droits d’administrateur : connectez-vous, puis la procédure « {title} » démarrera.',
    'Sesame acts with your own administrator permissions: sign in, then the “{title}” procedure will start.',
  ),
  signInTextNoProcedure: L(
    'Sesame agit avec vos propres droits d’administrateur : connectez-vous, puis reprenez là où vous en étiez.',
    'Sesame acts with your own administrator permissions: sign in, then carry on where you were.',
  ),
  signInSteps: L(
    '« Se connecter » ouvre la page de connexion de Microsoft 365 ; une fois connecté, la conversation continue ici. Si rien ne se passe, cliquez sur « Je suis connecté ».',
    '“Sign in” opens the Microsoft 365 sign-in page; once you are signed in, the conversation carries on here. If nothing happens, click “I have signed in”.',
  ),
  wrongTenant: L(
    'Vous êtes connecté à un autre tenant ({signedIn}) que celui de cette conversation : rien n’a été modifié.',
    'You are signed in to another tenant ({signedIn}) than this conversation’s: nothing was changed.',
  ),
  noRuns: L(
    'Aucune procédure en cours dans cette conversation.',
    'No procedure is running in this conversation.',
  ),
  statusTitle: L('Procédures de cette conversation', 'Procedures in this conversation'),
  show: L('Afficher', 'Show'),
  status: {
    active: L('en cours', 'in progress'),
    waiting: L('en attente', 'waiting'),
    done: L('terminée', 'done'),
    failed: L('arrêtée', 'stopped'),
    cancelled: L('annulée', 'cancelled'),
  },
  refusedTitle: L('Action refusée', 'Action refused'),
};

/** The card asking the admin to sign in before the procedure starts. */
export function signInCard(
  locale: Locale,
  module: ProcedureModule | undefined,
  procedureId: string | undefined,
  signInLink: string,
): AdaptiveCard {
  const title = procedureId ? (module?.procedure.title[locale] ?? procedureId) : undefined;
  return adaptiveCard(
    [
      textBlock(CardText.trusted(TXT.signInTitle[locale]), { weight: 'Bolder', size: 'Medium' }),
      textBlock(
        title ? fill(TXT.signInText[locale], { title }) : CardText.trusted(TXT.signInTextNoProcedure[locale]),
      ),
      textBlock(CardText.trusted(TXT.signInSteps[locale]), { isSubtle: true, size: 'Small' }),
    ],
    {
      actions: [
        { type: 'Action.OpenUrl', title: locale === 'fr' ? 'Se connecter' : 'Sign in', url: signInLink },
        executeAction(locale === 'fr' ? 'Je suis connecté' : 'I have signed in', 'signin.done', { locale }),
      ],
    },
  );
}

/** "status": one line per run with a Show button. */
export function runStatusCard(
  runs: readonly Run[],
  locale: Locale,
  procedures: readonly ProcedureModule[],
  signer: Pick<CardSigner, 'sign'>,
): AdaptiveCard {
  // The version the run is on (its step titles), else any of its procedure (the title).
  const moduleOf = (run: Run) =>
    moduleOfRun(procedures, run) ?? procedures.find((m) => m.procedure.id === run.procedureId);
  if (runs.length === 0) return adaptiveCard([textBlock(CardText.trusted(TXT.noRuns[locale]))]);
  return adaptiveCard([
    textBlock(CardText.trusted(TXT.statusTitle[locale]), { weight: 'Bolder', size: 'Medium' }),
    ...runs.map((run) => {
      const module = moduleOf(run);
      const step = module?.procedure.steps.find((s) => s.id === run.currentStepId);
      return {
        type: 'Container',
        separator: true,
        items: [
          textBlock(
            md`**${module?.procedure.title[locale] ?? run.procedureId}** · ${run.id.slice(0, 8)} · ${TXT.status[run.status][locale]}`,
          ),
          ...(step ? [textBlock(inert(step.title[locale]), { isSubtle: true, spacing: 'None' })] : []),
          {
            type: 'ActionSet',
            actions: [
              executeAction(TXT.show[locale], RUN_VERBS.refresh, {
                runId: run.id,
                stepId: run.currentStepId,
                stepVersion: run.stepVersion,
                sig: signer.sign([RUN_VERBS.refresh, run.id, run.conversationId, run.stepVersion, undefined]),
              }),
            ],
          },
        ],
      };
    }),
  ]);
}

/** A described error or refusal on its own (no run to show it above). */
export function messageOnly(text: { message: CardText; next: CardText }): AdaptiveCard {
  return adaptiveCard([textBlock(text.message, { weight: 'Bolder' }), textBlock(text.next)]);
}

/** What went wrong, in the user's language, with the Graph request-id when there is one. */
export function errorCard(e: unknown, locale: Locale): AdaptiveCard {
  if (isSesameError(e) && e.code === 'card_wrong_tenant') {
    return adaptiveCard([
      textBlock(CardText.trusted(TXT.refusedTitle[locale]), { weight: 'Bolder', color: 'Attention' }),
      textBlock(fill(TXT.wrongTenant[locale], { signedIn: String(e.details.detail ?? '') })),
    ]);
  }
  const text = errorText(e, locale);
  const lines = [textBlock(text.message, { weight: 'Bolder', color: 'Attention' }), textBlock(text.next)];
  if (isSesameError(e) && e.requestId) {
    lines.push(textBlock(md`Graph request-id: ${e.requestId}`, { isSubtle: true, size: 'Small' }));
  }
  return adaptiveCard(lines);
}
