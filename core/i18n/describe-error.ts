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
      'Microsoft 365 kept asking Sesame to slow down: Sesame retried by itself for as long as its budget allows (waiting each time as long as Microsoft asked) and stopped; nothing was written twice.',
      'Click Retry in a few minutes. If it keeps happening, other apps are using a lot of your tenant’s Microsoft Graph quota: try again outside busy hours.',
    ],
    fr: [
      'Microsoft 365 a demandé à Sesame de ralentir, encore et encore : Sesame a réessayé de lui-même aussi longtemps que son budget le permet (en attendant chaque fois le délai demandé par Microsoft), puis s’est arrêté ; rien n’a été écrit deux fois.',
      'Cliquez sur Réessayer dans quelques minutes. Si cela se répète, d’autres applications consomment beaucoup le quota Microsoft Graph de votre locataire : réessayez en dehors des heures chargées.',
    ],
  },
  graph_unavailable: {
    en: [
      'Microsoft 365 stayed unavailable: Sesame retried by itself for as long as its budget allows, then stopped; nothing was written twice.',
      'Click Retry in a few minutes; check the Microsoft 365 service health page (admin centre) if it persists.',
    ],
    fr: [
      'Microsoft 365 est resté indisponible : Sesame a réessayé de lui-même aussi longtemps que son budget le permet, puis s’est arrêté ; rien n’a été écrit deux fois.',
      'Cliquez sur Réessayer dans quelques minutes ; si cela persiste, consultez l’état des services Microsoft 365 (centre d’administration).',
    ],
  },
  graph_unauthorized: {
    en: ['Your sign-in has expired.', 'Sign in again, then retry.'],
    fr: ['Votre connexion a expiré.', 'Reconnectez-vous, puis réessayez.'],
  },
  graph_network: {
    en: [
      'Sesame could not reach Microsoft 365, even after retrying by itself.',
      'Click Retry in a few minutes; if it persists, tell whoever runs Sesame (network or proxy).',
    ],
    fr: [
      'Sesame n’a pas pu joindre Microsoft 365, même en réessayant de lui-même.',
      'Cliquez sur Réessayer dans quelques minutes ; si cela persiste, prévenez la personne qui gère Sesame (réseau ou proxy).',
    ],
  },
  dns_unavailable: {
    en: [
      'DNS could not answer about this domain (no answer, refused or failed); nothing is known of the domain.',
      'Try again in a few minutes; if it persists, tell whoever runs Sesame (DNS resolver or network).',
    ],
    fr: [
      'Le DNS n’a pas pu répondre au sujet de ce domaine (pas de réponse, refus ou échec) ; on ne sait rien du domaine.',
      'Réessayez dans quelques minutes ; si cela persiste, prévenez la personne qui gère Sesame (résolveur DNS ou réseau).',
    ],
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
  tenant_mismatch: {
    en: [
      'Your Microsoft 365 sign-in and this conversation belong to different organisations ({detail}): Sesame refused, nothing was changed.',
      'Type **sign out**, then sign in with an administrator account of the organisation this Teams conversation belongs to.',
    ],
    fr: [
      'Votre connexion Microsoft 365 et cette conversation appartiennent à deux organisations différentes ({detail}) : Sesame a refusé, rien n’a été modifié.',
      'Tapez **déconnexion**, puis connectez-vous avec un compte administrateur de l’organisation de cette conversation Teams.',
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
  run_interrupted: {
    en: [
      'Sesame was interrupted during the step “{detail}” (the server stopped while Microsoft 365 was working on it), so it does not know yet what happened.',
      'Sign in if asked, then click Retry or type **resume**: Sesame checks in Microsoft 365 what was done and carries on from there; it never writes the same thing twice.',
    ],
    fr: [
      'Sesame a été interrompu pendant l’étape « {detail} » (le serveur s’est arrêté pendant que Microsoft 365 y travaillait) : il ne sait pas encore ce qui s’est passé.',
      'Connectez-vous si on vous le demande, puis cliquez sur Réessayer ou tapez **reprendre** : Sesame vérifie dans Microsoft 365 ce qui a été fait et reprend à partir de là ; il n’écrit jamais deux fois la même chose.',
    ],
  },
  tab_forbidden: {
    en: [
      'You see your own procedure runs only; this one is not yours.',
      'The tenant’s runs and audit log are visible to Global Administrators, Privileged Role Administrators, User Administrators, Global Readers, Security Readers and holders of the Sesame.Auditor app role.',
    ],
    fr: [
      'Vous ne voyez que vos propres exécutions de procédure ; celle-ci n’est pas la vôtre.',
      'Les exécutions et le journal d’audit du locataire sont visibles des Administrateurs généraux, Administrateurs de rôle privilégié, Administrateurs d’utilisateurs, Lecteurs généraux, Lecteurs de sécurité et des titulaires du rôle d’application Sesame.Auditor.',
    ],
  },
  checklist_forbidden: {
    en: [
      'Only administrators can accept, renew or revoke a checklist exception; nothing was changed.',
      'Ask a Global Administrator, Privileged Role Administrator, Security Administrator or User Administrator.',
    ],
    fr: [
      'Seuls les administrateurs peuvent accepter, renouveler ou révoquer une exception de la check-list ; rien n’a été modifié.',
      'Demandez à un Administrateur général, de rôle privilégié, de la sécurité ou d’utilisateurs.',
    ],
  },
  checklist_invalid: {
    en: ['This request was refused: {detail}; nothing was changed.', 'Correct it and try again.'],
    fr: ['Cette demande a été refusée : {detail} ; rien n’a été modifié.', 'Corrigez-la et réessayez.'],
  },
  checklist_not_found: {
    en: ['This checklist exception does not exist (in your organisation).', 'Reload the checklist.'],
    fr: [
      'Cette exception de la check-list n’existe pas (dans votre organisation).',
      'Rechargez la check-list.',
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
  action_invalid: {
    en: [
      'This card action was refused: {detail}; nothing was changed.',
      'Use the buttons of the latest card Sesame sent, or type **status**.',
    ],
    fr: [
      'Cette action de carte a été refusée : {detail} ; rien n’a été modifié.',
      'Utilisez les boutons de la dernière carte envoyée par Sesame, ou tapez **statut**.',
    ],
  },
  input_invalid: {
    en: ['Some values are not valid.', 'Correct the fields marked and send again.'],
    fr: ['Certaines valeurs ne sont pas valides.', 'Corrigez les champs indiqués et renvoyez.'],
  },
  secret_unavailable: {
    en: [
      'The secret this step needs is no longer known to Sesame (it is kept only while the card that asked for it or showed it is being answered); nothing was sent to Microsoft 365.',
      'Click Retry: Sesame checks what is done, then asks you to confirm again (type the secret again if the card asks for it).',
    ],
    fr: [
      'Sesame ne connaît plus le secret dont cette étape a besoin (il n’est gardé que le temps de répondre à la carte qui l’a demandé ou affiché) ; rien n’a été envoyé à Microsoft 365.',
      'Cliquez sur Réessayer : Sesame vérifie ce qui est fait, puis vous demande de confirmer de nouveau (ressaisissez le secret si la carte le demande).',
    ],
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

/**
 * The one place where errors become user-facing text. `detail` (a Graph message, a setting name…) is not Sesame's
 * own text: a surface that renders markdown passes `inertText` so it shows literally.
 */
export function describeError(
  error: unknown,
  locale: Locale,
  formatDetail: (detail: string) => string = (d) => d,
): ErrorText {
  const known = isSesameError(error) ? error : undefined;
  const [message, next] = (known && byCode[known.code]?.[locale]) || fallback[locale];
  const detail = known ? formatDetail(detailOf(known, locale)) : '';
  return { message: message.replace('{detail}', () => detail), next };
}

const ACTION_PROBLEMS: Record<string, Record<Locale, string>> = {
  unknown: {
    en: 'field “{field}” is not one this card has',
    fr: 'le champ « {field} » n’existe pas sur cette carte',
  },
  missing: { en: 'field “{field}” is missing', fr: 'le champ « {field} » manque' },
  too_long: { en: 'field “{field}” is too long', fr: 'le champ « {field} » est trop long' },
  too_large: { en: 'the data sent is too large', fr: 'les données envoyées sont trop volumineuses' },
  type: { en: 'field “{field}” has the wrong type', fr: 'le champ « {field} » n’a pas le bon type' },
  format: {
    en: 'field “{field}” is not in the expected format',
    fr: 'le champ « {field} » n’a pas le format attendu',
  },
};

function detailOf(error: SesameError, locale: Locale): string {
  if (error.code === 'action_invalid') {
    const reason = ACTION_PROBLEMS[String(error.details.reason)] ?? ACTION_PROBLEMS.format!;
    // The field name came from the client: bounded here, made inert by surfaces that render markdown.
    return reason[locale].replace('{field}', () => String(error.details.field ?? '').slice(0, 64));
  }
  const d =
    locale === 'fr' && typeof error.details.detailFr === 'string'
      ? error.details.detailFr
      : error.details.detail;
  return typeof d === 'string' ? d : error.message;
}
