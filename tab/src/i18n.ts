import { resolveLocale, type Locale, type Localized } from '../../core/i18n/locale.js';

export { resolveLocale, type Locale, type Localized };

/**
 * The tab's interface texts. Procedures and runs carry their own titles as data (`Localized`); this catalogue
 * holds what the tab says around them. `fr` is typed against `en`, so a key missing in either language fails
 * the type check, and tests/tab compares the two at run time too.
 */
const en = {
  'app.title': 'Sesame',
  'app.subtitle.personal': 'Vendor access procedures for your Microsoft 365 tenant',
  'app.subtitle.channel': 'Vendor access procedures for this team’s Microsoft 365 tenant',
  'app.signedInAs': 'Signed in as {name} ({upn})',
  'app.access.tenant':
    'You see every procedure run and the whole audit log of your tenant (your directory role allows it).',
  'app.access.own':
    'You see your own procedure runs and their audit events. The tenant’s runs and audit log are visible to Global Administrators, Privileged Role Administrators, User Administrators, Global Readers, Security Readers and holders of the Sesame.Auditor app role.',
  'app.loading': 'Connecting to Microsoft Teams…',
  'app.loadingUser': 'Checking who you are…',
  'app.nav': 'Sections',

  'outside.title': 'Open Sesame in Microsoft Teams',
  'outside.text':
    'This page is Sesame’s tab: it runs inside Microsoft Teams, which signs you in and tells it which tenant to show. Opened directly in a browser, it has nothing to show.',
  'outside.teams':
    'In Teams: open Sesame from Apps, or the Sesame tab pinned in one of your team’s channels.',
  'outside.local':
    'On your own computer: run npm start, then open the Agents Playground address it prints to try the bot with the built-in sandbox tenant.',

  'outside.signIn.title': 'Sesame',
  'outside.signIn.text':
    'You opened Sesame’s tab outside Microsoft Teams. Sign in with an account of your tenant to see the procedure runs and the audit log.',
  'outside.signIn.button': 'Sign in',
  'outside.signIn.checking': 'Checking your sign-in…',
  'outside.signIn.failed': 'The sign-in did not succeed: {reason}. Try again.',
  'outside.signIn.signOut': 'Sign out',

  'procedures.title': 'Procedures',
  'procedures.intro': 'What Sesame can do for you. Each procedure runs as a conversation with the bot.',
  'procedures.loading': 'Loading procedures…',
  'procedures.empty': 'No procedure is available yet.',
  'procedures.start': 'Start in chat',
  'procedures.startLabel': 'Start in chat: {title}',
  'procedures.noBot':
    'The chat with Sesame cannot be opened: the bot’s settings could not be loaded. Reload the tab, or ask the person who installed Sesame.',
  'procedures.openFailed':
    'Teams could not open the chat with Sesame. Try again, or type the procedure’s name to the bot.',

  'runs.title': 'Procedure runs',
  'runs.loading': 'Loading procedure runs…',
  'runs.empty': 'No procedure run yet — start one from the list.',
  'runs.col.procedure': 'Procedure',
  'runs.col.status': 'Status',
  'runs.col.step': 'Current step',
  'runs.col.startedBy': 'Started by',
  'runs.col.startedAt': 'Started',
  'runs.col.updatedAt': 'Last change',
  'runs.noStep': '—',
  'runs.col.waitingFor': 'Waiting for',
  'runs.step.rightsCheck': 'Rights check, before the first step',
  'runs.waiting.roles': 'Someone with the {roles} role: the person signed in does not hold it.',
  'runs.waiting.scopes': 'The {scopes} permission, to be granted to Sesame.',
  'runs.waiting.rightsUnknown': 'Someone with the rights this step needs.',
  'runs.waiting.until': 'Until {until}',
  'runs.waiting.nextCheck': 'next automatic check {at}',
  'runs.waiting.ask.confirm': 'A confirmation in the chat',
  'runs.waiting.ask.input': 'Details to enter in the chat',
  'runs.waiting.ask.choice': 'A choice to make in the chat',
  'runs.waiting.ask.manual': 'A manual step, to confirm in the chat when done',
  'runs.waiting.ask.secret': 'The secret shown in the chat to be noted down',
  'runs.waiting.retry': 'Microsoft 365 asked Sesame to try again later',
  'runs.waiting.retryAt': 'next attempt {at}',
  'runs.waiting.error': 'A decision in the chat after an error',
  'runs.waiting.graph': 'Microsoft 365’s answer',
  'runs.lastActor': 'last action: {name}',
  'runs.reminderFailed': 'Reminder failed',
  'runs.nextReminder': 'Next reminder: {at}',
  'status.active': 'In progress',
  'status.blocked': 'Blocked',
  'status.stalled': 'Needs attention',
  'status.waiting': 'Waiting',
  'status.done': 'Done',
  'status.failed': 'Failed',
  'status.cancelled': 'Cancelled',

  'audit.title': 'Audit log',
  'audit.intro': 'Every change Sesame made in your tenant, newest first.',
  'audit.loading': 'Loading the audit log…',
  'audit.empty': 'Nothing has been recorded yet.',
  'audit.emptyFiltered': 'No entry matches these filters.',
  'audit.filters': 'Audit log filters',
  'audit.filter.result': 'Result',
  'audit.filter.kind': 'Kind',
  'audit.filter.from': 'From',
  'audit.filter.to': 'To',
  'audit.filter.all': 'All',
  'audit.filter.clear': 'Clear filters',
  'audit.kind.write': 'Changes to the tenant',
  'audit.kind.run': 'Procedures started, completed, cancelled',
  'audit.kind.step': 'Steps',
  'audit.kind.reminder': 'Reminders',
  'audit.kind.checklist': 'Checklist and exceptions',
  'audit.export': 'Export as CSV',
  'audit.exportFiltered': 'Export these entries as CSV',
  'audit.exporting': 'Preparing the file…',
  'audit.exportFailed': 'The export did not succeed.',
  'audit.col.at': 'When',
  'audit.col.actor': 'Who',
  'audit.col.action': 'Action',
  'audit.col.result': 'Result',
  'audit.col.details': 'Details',
  'audit.older': 'Show older entries',
  'audit.loadingOlder': 'Loading older entries…',
  'audit.end': 'This is the beginning of the audit log.',

  'error.title': 'Something went wrong',
  'error.retry': 'Retry',
  'error.network': 'Sesame’s server could not be reached. Check your connection and try again.',
  'error.auth':
    'Teams could not sign you in to Sesame. Try again; if it keeps failing, the app may need an administrator’s consent.',
  'error.unauthorized': 'Your Teams sign-in was not accepted by Sesame’s server. Try again.',
  'error.server': 'Sesame’s server answered with an error ({status}).',
  'error.badResponse': 'Sesame’s server sent an answer the tab does not understand.',

  'config.title': 'Add Sesame to this channel',
  'config.text':
    'The tab shows the procedures Sesame can run, the procedure runs of your tenant and the audit log, for everyone in this channel who administers the tenant.',
  'config.ready': 'Select Save to add the tab.',
  'config.loading': 'Preparing the tab…',
  'config.saveFailed': 'Teams could not save the tab. Try again.',
  'config.unavailable':
    'Teams did not let this page set up the tab. Add Sesame from a channel’s “+” (Add a tab) button and try again.',
} as const;

export type TabMessageKey = keyof typeof en;

const fr: Record<TabMessageKey, string> = {
  'app.title': 'Sesame',
  'app.subtitle.personal': 'Procédures d’accès des éditeurs pour votre tenant Microsoft 365',
  'app.subtitle.channel': 'Procédures d’accès des éditeurs pour le tenant Microsoft 365 de cette équipe',
  'app.signedInAs': 'Connecté en tant que {name} ({upn})',
  'app.access.tenant':
    'Vous voyez toutes les exécutions de procédure et tout le journal d’audit de votre locataire (votre rôle d’annuaire le permet).',
  'app.access.own':
    'Vous voyez vos propres exécutions de procédure et leurs événements d’audit. Les exécutions et le journal d’audit du locataire sont visibles des Administrateurs généraux, Administrateurs de rôle privilégié, Administrateurs d’utilisateurs, Lecteurs généraux, Lecteurs de sécurité et des titulaires du rôle d’application Sesame.Auditor.',
  'app.loading': 'Connexion à Microsoft Teams…',
  'app.loadingUser': 'Vérification de votre identité…',
  'app.nav': 'Sections',

  'outside.title': 'Ouvrez Sesame dans Microsoft Teams',
  'outside.text':
    'Cette page est l’onglet de Sesame : il s’exécute dans Microsoft Teams, qui vous connecte et lui indique quel tenant afficher. Ouvert directement dans un navigateur, il n’a rien à montrer.',
  'outside.teams':
    'Dans Teams : ouvrez l’application Sesame depuis le menu Applications, puis son onglet « Procédures ».',
  'outside.local':
    'Sur votre ordinateur : lancez npm start, puis ouvrez l’adresse de l’Agents Playground qu’il affiche pour essayer le bot avec le tenant de test intégré.',

  'outside.signIn.title': 'Sesame',
  'outside.signIn.text':
    'Vous avez ouvert l’onglet de Sesame hors de Microsoft Teams. Connectez-vous avec un compte de votre tenant pour voir les exécutions de procédures et le journal d’audit.',
  'outside.signIn.button': 'Se connecter',
  'outside.signIn.checking': 'Vérification de votre connexion…',
  'outside.signIn.failed': 'La connexion n’a pas abouti : {reason}. Réessayez.',
  'outside.signIn.signOut': 'Se déconnecter',

  'procedures.title': 'Procédures',
  'procedures.intro':
    'Ce que Sesame peut faire pour vous. Chaque procédure se déroule sous forme de conversation avec le bot.',
  'procedures.loading': 'Chargement des procédures…',
  'procedures.empty': 'Aucune procédure n’est encore disponible.',
  'procedures.start': 'Démarrer dans la conversation',
  'procedures.startLabel': 'Démarrer dans la conversation : {title}',
  'procedures.noBot':
    'Impossible d’ouvrir la conversation avec Sesame : les paramètres du bot n’ont pas pu être chargés. Rechargez l’onglet, ou demandez à la personne qui a installé Sesame.',
  'procedures.openFailed':
    'Teams n’a pas pu ouvrir la conversation avec Sesame. Réessayez, ou tapez le nom de la procédure au bot.',

  'runs.title': 'Procédures en cours et passées',
  'runs.loading': 'Chargement des procédures lancées…',
  'runs.empty': 'Aucune procédure lancée pour l’instant — démarrez-en une depuis la liste.',
  'runs.col.procedure': 'Procédure',
  'runs.col.status': 'État',
  'runs.col.step': 'Étape en cours',
  'runs.col.startedBy': 'Lancée par',
  'runs.col.startedAt': 'Début',
  'runs.col.updatedAt': 'Dernière modification',
  'runs.noStep': '—',
  'runs.col.waitingFor': 'En attente de',
  'runs.step.rightsCheck': 'Vérification des droits, avant la première étape',
  'runs.waiting.roles': 'Une personne ayant le rôle {roles} : la personne connectée ne l’a pas.',
  'runs.waiting.scopes': 'La permission {scopes}, à accorder à Sesame.',
  'runs.waiting.rightsUnknown': 'Une personne ayant les droits que cette étape demande.',
  'runs.waiting.until': 'Jusqu’au {until}',
  'runs.waiting.nextCheck': 'prochaine vérification automatique {at}',
  'runs.waiting.ask.confirm': 'Une confirmation dans la conversation',
  'runs.waiting.ask.input': 'Des informations à saisir dans la conversation',
  'runs.waiting.ask.choice': 'Un choix à faire dans la conversation',
  'runs.waiting.ask.manual': 'Une étape manuelle, à confirmer dans la conversation une fois faite',
  'runs.waiting.ask.secret': 'Le secret affiché dans la conversation, à noter',
  'runs.waiting.retry': 'Microsoft 365 a demandé à Sesame de réessayer plus tard',
  'runs.waiting.retryAt': 'prochain essai {at}',
  'runs.waiting.error': 'Une décision dans la conversation après une erreur',
  'runs.waiting.graph': 'La réponse de Microsoft 365',
  'runs.lastActor': 'dernière action : {name}',
  'runs.reminderFailed': 'Rappel en échec',
  'runs.nextReminder': 'Prochain rappel : {at}',
  'status.active': 'En cours',
  'status.blocked': 'Bloquée',
  'status.stalled': 'À reprendre',
  'status.waiting': 'En attente',
  'status.done': 'Terminée',
  'status.failed': 'Échec',
  'status.cancelled': 'Annulée',

  'audit.title': 'Journal d’audit',
  'audit.intro':
    'Chaque modification faite par Sesame dans votre tenant, de la plus récente à la plus ancienne.',
  'audit.loading': 'Chargement du journal d’audit…',
  'audit.empty': 'Rien n’a encore été enregistré.',
  'audit.emptyFiltered': 'Aucune entrée ne correspond à ces filtres.',
  'audit.filters': 'Filtres du journal d’audit',
  'audit.filter.result': 'Résultat',
  'audit.filter.kind': 'Type',
  'audit.filter.from': 'Du',
  'audit.filter.to': 'Au',
  'audit.filter.all': 'Tous',
  'audit.filter.clear': 'Effacer les filtres',
  'audit.kind.write': 'Modifications du tenant',
  'audit.kind.run': 'Procédures démarrées, terminées, annulées',
  'audit.kind.step': 'Étapes',
  'audit.kind.reminder': 'Rappels',
  'audit.kind.checklist': 'Checklist et exceptions',
  'audit.export': 'Exporter en CSV',
  'audit.exportFiltered': 'Exporter ces entrées en CSV',
  'audit.exporting': 'Préparation du fichier…',
  'audit.exportFailed': 'L’export n’a pas abouti.',
  'audit.col.at': 'Date',
  'audit.col.actor': 'Qui',
  'audit.col.action': 'Action',
  'audit.col.result': 'Résultat',
  'audit.col.details': 'Détails',
  'audit.older': 'Afficher les entrées plus anciennes',
  'audit.loadingOlder': 'Chargement des entrées plus anciennes…',
  'audit.end': 'C’est le début du journal d’audit.',

  'error.title': 'Un problème est survenu',
  'error.retry': 'Réessayer',
  'error.network': 'Le serveur de Sesame est injoignable. Vérifiez votre connexion et réessayez.',
  'error.auth':
    'Teams n’a pas pu vous connecter à Sesame. Réessayez ; si l’échec persiste, l’application doit peut-être être approuvée par un administrateur.',
  'error.unauthorized': 'Le serveur de Sesame n’a pas accepté votre connexion Teams. Réessayez.',
  'error.server': 'Le serveur de Sesame a répondu par une erreur ({status}).',
  'error.badResponse': 'Le serveur de Sesame a envoyé une réponse que l’onglet ne comprend pas.',

  'config.title': 'Ajouter Sesame à ce canal',
  'config.text':
    'L’onglet affiche les procédures que Sesame sait exécuter, les procédures lancées dans votre tenant et le journal d’audit, pour les membres du canal qui administrent le tenant.',
  'config.ready': 'Sélectionnez Enregistrer pour ajouter l’onglet.',
  'config.loading': 'Préparation de l’onglet…',
  'config.saveFailed': 'Teams n’a pas pu enregistrer l’onglet. Réessayez.',
  'config.unavailable':
    'Teams n’a pas laissé cette page configurer l’onglet. Ajoutez Sesame depuis le bouton « + » (Ajouter un onglet) d’un canal et réessayez.',
};

/** Both catalogues, exported so tests can check that they define the same keys. */
export const tabCatalogues: Readonly<Record<Locale, Readonly<Record<TabMessageKey, string>>>> = { en, fr };

/** Looks up a text and fills `{name}` placeholders. */
export function tt(
  locale: Locale,
  key: TabMessageKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  const template = tabCatalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The locale the tab speaks: Teams' app locale first, then the browser's. */
export function tabLocale(teamsLocale: string | undefined, browserLanguage: string | undefined): Locale {
  return resolveLocale(teamsLocale || browserLanguage);
}

/** A BCP-47 tag for `Intl` formatting: Teams' own tag when it matches the text language, else a sensible one. */
export function formattingTag(locale: Locale, teamsLocale: string | undefined): string {
  if (teamsLocale && resolveLocale(teamsLocale) === locale) return teamsLocale;
  return locale === 'fr' ? 'fr-FR' : 'en-GB';
}
