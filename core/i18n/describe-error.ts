import { isSesameError, type SesameError, type SesameErrorCode } from '../errors.js';
import type { Locale } from './locale.js';

/** What the user reads: what happened, and what to do next. */
export interface ErrorText {
  readonly message: string;
  readonly next: string;
}

type Texts = Record<Locale, [message: string, next: string]>;

const byCode: Partial<Record<SesameErrorCode, Texts>> = {
  config_invalid: {
    en: [
      'Sesame is not configured correctly: {detail}',
      'Ask whoever deployed Sesame to fix the setting named above.',
    ],
    fr: [
      'Sesame n’est pas configuré correctement : {detail}',
      'Demandez à la personne qui a déployé Sesame de corriger le paramètre indiqué.',
    ],
  },
  store_conflict: {
    en: ['Someone else changed this at the same time.', 'Look at the current state and try again.'],
    fr: ['Quelqu’un d’autre a modifié cet élément en même temps.', 'Regardez l’état actuel et réessayez.'],
  },
  graph_forbidden: {
    en: [
      'Microsoft 365 refused: your account lacks the permission for this step.',
      'Ask an administrator who holds the role named on the card, or have them run this step.',
    ],
    fr: [
      'Microsoft 365 a refusé : votre compte n’a pas le droit nécessaire pour cette étape.',
      'Demandez à un administrateur qui détient le rôle indiqué sur la carte, ou faites-lui exécuter cette étape.',
    ],
  },
  graph_not_found: {
    en: [
      'Microsoft 365 did not find the object.',
      'It may have just been created and not be visible everywhere yet: retry in a minute.',
    ],
    fr: [
      'Microsoft 365 n’a pas trouvé l’objet.',
      'Il vient peut-être d’être créé et n’est pas encore visible partout : réessayez dans une minute.',
    ],
  },
  graph_bad_request: {
    en: ['Microsoft 365 rejected the request: {detail}', 'Check the values entered and try again.'],
    fr: ['Microsoft 365 a rejeté la demande : {detail}', 'Vérifiez les valeurs saisies et réessayez.'],
  },
  graph_conflict: {
    en: ['This already exists in Microsoft 365.', 'Nothing more to do for this step.'],
    fr: ['Cet élément existe déjà dans Microsoft 365.', 'Rien de plus à faire pour cette étape.'],
  },
  graph_throttled: {
    en: [
      'Microsoft 365 is asking us to slow down.',
      'Sesame retried several times; try again in a few minutes.',
    ],
    fr: [
      'Microsoft 365 demande de ralentir.',
      'Sesame a réessayé plusieurs fois ; réessayez dans quelques minutes.',
    ],
  },
  graph_unavailable: {
    en: [
      'Microsoft 365 is temporarily unavailable.',
      'Sesame retried several times; try again in a few minutes.',
    ],
    fr: [
      'Microsoft 365 est momentanément indisponible.',
      'Sesame a réessayé plusieurs fois ; réessayez dans quelques minutes.',
    ],
  },
  graph_unauthorized: {
    en: ['Your sign-in has expired.', 'Sign in again, then retry.'],
    fr: ['Votre connexion a expiré.', 'Reconnectez-vous, puis réessayez.'],
  },
  graph_network: {
    en: ['Sesame could not reach Microsoft 365.', 'Try again in a few minutes.'],
    fr: ['Sesame n’a pas pu joindre Microsoft 365.', 'Réessayez dans quelques minutes.'],
  },
  auth_required: {
    en: ['You need to sign in.', 'Sign in with your Microsoft 365 administrator account.'],
    fr: ['Vous devez vous connecter.', 'Connectez-vous avec votre compte administrateur Microsoft 365.'],
  },
  auth_failed: {
    en: ['Your sign-in could not be verified.', 'Close and reopen Sesame, then sign in again.'],
    fr: ['Votre connexion n’a pas pu être vérifiée.', 'Fermez et rouvrez Sesame, puis reconnectez-vous.'],
  },
  card_stale: {
    en: ['This card is out of date: the procedure has moved on.', 'Use the latest card, or type **status**.'],
    fr: [
      'Cette carte n’est plus à jour : la procédure a avancé.',
      'Utilisez la dernière carte, ou tapez **statut**.',
    ],
  },
  card_tampered: {
    en: [
      'This card’s data is not valid; nothing was changed.',
      'Use a card Sesame sent, or type **status**.',
    ],
    fr: [
      'Les données de cette carte ne sont pas valides ; rien n’a été modifié.',
      'Utilisez une carte envoyée par Sesame, ou tapez **statut**.',
    ],
  },
  card_wrong_tenant: {
    en: [
      'This card belongs to another organisation; nothing was changed.',
      'Start the procedure from your own tenant.',
    ],
    fr: [
      'Cette carte appartient à une autre organisation ; rien n’a été modifié.',
      'Démarrez la procédure depuis votre propre tenant.',
    ],
  },
  card_wrong_conversation: {
    en: [
      'This card belongs to another conversation; nothing was changed.',
      'Continue the procedure where it was started.',
    ],
    fr: [
      'Cette carte appartient à une autre conversation ; rien n’a été modifié.',
      'Poursuivez la procédure là où elle a été démarrée.',
    ],
  },
  run_not_found: {
    en: ['This procedure run no longer exists.', 'Type **help** to start a procedure.'],
    fr: ['Cette exécution de procédure n’existe plus.', 'Tapez **aide** pour démarrer une procédure.'],
  },
  procedure_unknown: {
    en: ['I don’t know this procedure.', 'Type **help** to see the procedures.'],
    fr: ['Je ne connais pas cette procédure.', 'Tapez **aide** pour voir les procédures.'],
  },
  input_invalid: {
    en: ['Some values are not valid.', 'Correct the fields marked and send again.'],
    fr: ['Certaines valeurs ne sont pas valides.', 'Corrigez les champs indiqués et renvoyez.'],
  },
  missing_role: {
    en: ['Your account lacks a role this step needs.', 'Ask one of the people named on the card.'],
    fr: [
      'Votre compte n’a pas un rôle nécessaire à cette étape.',
      'Demandez à l’une des personnes indiquées sur la carte.',
    ],
  },
};

const fallback: Texts = {
  en: ['Something unexpected went wrong.', 'Try again; if it persists, tell whoever runs Sesame.'],
  fr: [
    'Une erreur inattendue s’est produite.',
    'Réessayez ; si cela persiste, prévenez la personne qui gère Sesame.',
  ],
};

/** The one place where errors become user-facing text. */
export function describeError(error: unknown, locale: Locale): ErrorText {
  const known = isSesameError(error) ? error : undefined;
  const [message, next] = (known && byCode[known.code]?.[locale]) || fallback[locale];
  const detail = known ? detailOf(known) : '';
  return { message: message.replace('{detail}', detail), next };
}

function detailOf(error: SesameError): string {
  const d = error.details.detail;
  return typeof d === 'string' ? d : error.message;
}
