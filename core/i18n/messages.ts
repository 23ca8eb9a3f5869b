import { interpolate, type Locale, type TextParams } from './locale.js';

/**
 * Sesame's interface texts. Procedures carry their own texts as data; this catalogue holds what the bot and
 * the tab say around them. Both languages must define every key (the type checks it).
 */
const en = {
  'help.title': 'Sesame — vendor access procedures',
  'help.intro':
    'I take you through the access procedures vendors send you, one step at a time, and do the work in Microsoft 365 with your own permissions.',
  'help.procedures': 'Procedures',
  'help.start': 'Start',
  'help.commands': 'At any time: **help**, **status**, **resume**, **cancel**, **sign out**.',
  'help.none': 'No procedure is available yet.',
  'help.openChecklist': 'Open the checklist',
  'unknown.title': "I didn't understand “{text}”.",
  'unknown.text':
    'Type the name of a procedure (for example “guest access”), or pick one below. Type **help** to see everything I can do.',
  'choose.title': 'Which procedure do you mean?',
  'choose.text': 'Several procedures match what you typed. Pick the one to start:',
  'error.title': 'Something went wrong',
  'error.requestId': 'Graph request id',
  'error.retry': 'Retry',
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'help.title': 'Sesame — procédures d’accès des éditeurs',
  'help.intro':
    'Je vous guide pas à pas dans les procédures d’accès que vous envoient les éditeurs, et je fais le travail dans Microsoft 365 avec vos propres droits.',
  'help.procedures': 'Procédures',
  'help.start': 'Démarrer',
  'help.commands': 'À tout moment : **aide**, **statut**, **reprendre**, **annuler**, **déconnexion**.',
  'help.none': 'Aucune procédure n’est encore disponible.',
  'help.openChecklist': 'Ouvrir la check-list',
  'unknown.title': 'Je n’ai pas compris « {text} ».',
  'unknown.text':
    'Tapez le nom d’une procédure (par exemple « accès invité »), ou choisissez-en une ci-dessous. Tapez **aide** pour voir tout ce que je sais faire.',
  'choose.title': 'De quelle procédure parlez-vous ?',
  'choose.text': 'Plusieurs procédures correspondent à ce que vous avez écrit. Choisissez celle à démarrer :',
  'error.title': 'Un problème est survenu',
  'error.requestId': 'Identifiant de requête Graph',
  'error.retry': 'Réessayer',
};

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, fr };

/** A text as written, `{name}` placeholders unfilled (for callers that escape the values first). */
export function messageTemplate(locale: Locale, key: MessageKey): string {
  return catalogues[locale][key];
}

/** Looks up a text and fills `{name}` placeholders. */
export function t(locale: Locale, key: MessageKey, params: TextParams = {}): string {
  return interpolate(catalogues[locale][key], params);
}
