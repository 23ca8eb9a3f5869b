/**
 * An audit event as a person reads it: what happened, in a sentence, in French or English — not the store's
 * action codes, step ids, object GUIDs and request ids. Shared by the tab (its audit table) and the server (the CSV
 * export), so both say the same thing. Pure and browser-safe.
 *
 * Values that came from outside (addresses typed by an admin, directory names) are flattened to one line with
 * flattenUntrusted; each surface then shows the result as plain text.
 */
import { directoryRoleName, findDirectoryRole } from './directory-roles.js';
import { flattenUntrusted } from './i18n/inert-text.js';
import { interpolate, type Locale, type Localized } from './i18n/locale.js';

/** What describeAuditEvent needs of an event; the tab API adds the titles (server/tab-api.ts). */
export interface DescribableAuditEvent {
  readonly action: string;
  readonly result: string;
  readonly details?: Readonly<Record<string, unknown>> | string | null;
  /** The title of the run's procedure, when the event belongs to a run. */
  readonly procedureTitle?: Localized;
  /** The title of the step the event is about (details.stepId), when known. */
  readonly stepTitle?: Localized;
  /** Checklist events: the rule's title (details.ruleId). */
  readonly ruleTitle?: Localized;
}

/** Formats an ISO time for the reader; the server's CSV writes ISO times as they are. */
export type DateText = (iso: string) => string;

const ACTIONS: Readonly<Record<string, Localized>> = {
  'run.started': { fr: 'Procédure démarrée', en: 'Procedure started' },
  'run.preflight': { fr: 'Vérification des droits', en: 'Rights check' },
  'run.completed': { fr: 'Procédure terminée', en: 'Procedure completed' },
  'run.cancelled': { fr: 'Procédure annulée', en: 'Procedure cancelled' },
  'run.interrupted': { fr: 'Procédure interrompue', en: 'Procedure interrupted' },
  'step.changed': { fr: 'Étape suivante', en: 'Next step' },
  'step.blocked': { fr: 'Étape bloquée', en: 'Step blocked' },
  'step.confirmed': { fr: 'Étape confirmée', en: 'Step confirmed' },
  'step.retried': { fr: 'Étape relancée', en: 'Step retried' },
  'graph.write': { fr: 'Modification du tenant', en: 'Change to the tenant' },
  'graph.write.reconciled': {
    fr: 'Modification vérifiée après interruption',
    en: 'Change checked after an interruption',
  },
  'graph.retry-scheduled': { fr: 'Nouvel essai programmé', en: 'Retry scheduled' },
  'action.probe': { fr: 'Lecture avant modification', en: 'Read before the change' },
  'action.skipped': { fr: 'Déjà fait', en: 'Already done' },
  'action.not-allowed': { fr: 'Laissé à faire à la main', en: 'Left to do by hand' },
  'check.evaluated': { fr: 'Vérification', en: 'Check' },
  'check.not-yet': { fr: 'Pas encore prêt', en: 'Not ready yet' },
  'check.unanswered': { fr: 'Vérification sans réponse', en: 'Check unanswered' },
  'input.submitted': { fr: 'Informations saisies', en: 'Details entered' },
  'input.rejected': { fr: 'Saisie refusée', en: 'Entry refused' },
  'choice.made': { fr: 'Choix fait', en: 'Choice made' },
  'choice.none-offered': { fr: 'Aucun choix possible', en: 'Nothing to choose from' },
  'secret.generated': { fr: 'Secret généré (affiché une seule fois)', en: 'Secret generated (shown once)' },
  'secret.rejected': { fr: 'Secret saisi refusé (non conservé)', en: 'Typed secret refused (not kept)' },
  'action.validated': { fr: 'Identifiants testés', en: 'Credentials tested' },
  'manual.done': { fr: 'Étape manuelle faite', en: 'Manual step done' },
  'wait.started': { fr: 'Attente commencée', en: 'Wait started' },
  'wait.satisfied': { fr: 'Attente terminée', en: 'Wait over' },
  'wait.failed': { fr: 'Attente en échec', en: 'Wait failed' },
  'wait.polling-stopped': { fr: 'Vérifications automatiques arrêtées', en: 'Automatic checks stopped' },
  'reminder.due': { fr: 'Échéance atteinte', en: 'Deadline reached' },
  'reminder.on-failure': { fr: 'Rappel d’échec programmé', en: 'Failure reminder scheduled' },
  'reminder.sent': { fr: 'Rappel envoyé', en: 'Reminder sent' },
  'reminder.failed': { fr: 'Rappel abandonné', en: 'Reminder given up' },
  'reminder.retry-scheduled': { fr: 'Rappel reprogrammé', en: 'Reminder rescheduled' },
  'reminder.skipped': { fr: 'Rappel sans objet', en: 'Reminder skipped' },
  'reminder.snoozed': { fr: 'Rappel reporté', en: 'Reminder snoozed' },
  'reminder.done': { fr: 'Rappel traité', en: 'Reminder handled' },
  'reminder.stopped': { fr: 'Rappels arrêtés', en: 'Reminders stopped' },
  'reminder.rechecked': { fr: 'Revérification demandée', en: 'Re-check asked' },
  'checklist.snapshot': { fr: 'Photographie de la checklist', en: 'Checklist snapshot' },
  'checklist.exception.accepted': { fr: 'Exception acceptée', en: 'Exception accepted' },
  'checklist.exception.renewed': { fr: 'Exception renouvelée', en: 'Exception renewed' },
  'checklist.exception.revoked': { fr: 'Exception révoquée', en: 'Exception revoked' },
  'checklist.exception.expired': { fr: 'Exception expirée', en: 'Exception expired' },
};

const RESULTS: Readonly<Record<string, Localized>> = {
  ok: { fr: 'Réussi', en: 'Succeeded' },
  failed: { fr: 'Échec', en: 'Failed' },
  refused: { fr: 'Refusé', en: 'Refused' },
  skipped: { fr: 'Sans effet', en: 'Nothing to do' },
};

/** The action in words; an action this version does not know is shown as its code, words split. */
export function auditActionText(action: string, locale: Locale): string {
  return ACTIONS[action]?.[locale] ?? action.replace(/[._-]+/g, ' ');
}

export function auditResultText(result: string, locale: Locale): string {
  return RESULTS[result]?.[locale] ?? result;
}

/** The audit actions this module puts in words, for filters (grouped by their first word). */
export const KNOWN_AUDIT_ACTIONS: readonly string[] = Object.keys(ACTIONS);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const T = {
  missingRoles: { fr: 'il manque le rôle {roles}', en: 'missing the {roles} role' },
  missingScopes: { fr: 'il manque la permission {scopes}', en: 'missing the {scopes} permission' },
  feasibilityFull: { fr: 'toutes les étapes sont possibles', en: 'every step can be done' },
  feasibilityPartial: {
    fr: 'certaines étapes demanderont quelqu’un d’autre',
    en: 'some steps will need someone else',
  },
  feasibilityNone: { fr: 'la procédure ne peut pas être faite', en: 'the procedure cannot be done' },
  until: { fr: 'jusqu’au {at}', en: 'until {at}' },
  retryAt: { fr: 'nouvel essai dans {minutes} min', en: 'trying again in {minutes} min' },
  attempt: { fr: 'essai {n}', en: 'attempt {n}' },
  errorCode: { fr: 'erreur {code}', en: 'error {code}' },
  late: {
    fr: 'faite alors que la procédure était déjà passée à autre chose',
    en: 'made after the procedure had moved on',
  },
  alreadyDone: { fr: 'déjà fait', en: 'already done' },
  found: { fr: 'la modification avait été faite', en: 'the change had been made' },
  notFound: { fr: 'la modification n’avait pas été faite', en: 'the change had not been made' },
  fields: { fr: 'champs à corriger : {fields}', en: 'fields to correct: {fields}' },
  snoozedUntil: { fr: 'reporté au {at}', en: 'snoozed until {at}' },
  reason: { fr: 'motif : {reason}', en: 'reason: {reason}' },
  expires: { fr: 'expire le {at}', en: 'expires {at}' },
} satisfies Record<string, Localized>;

const say = (locale: Locale, text: Localized, params: Record<string, string | number> = {}) =>
  interpolate(text[locale], params);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The human parts of a Graph write's arguments: addresses and names, directory roles by name. Ids, URLs and long
 * texts (an invitation message) stay out of the sentence; the CSV keeps the raw details for whoever needs them.
 */
function writeTargets(args: unknown, locale: Locale): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key: string, depth: number): void => {
    if (depth > 3 || found.length >= 3) return;
    if (typeof value === 'string') {
      if (/roleDefinitionId|roleTemplateId/i.test(key) && findDirectoryRole(value)) {
        found.push(directoryRoleName(value)[locale]);
      } else if (ADDRESS.test(value) || /displayName|domain|name$/i.test(key)) {
        if (!GUID.test(value) && value.length <= 256 && !/^https?:/i.test(value)) found.push(value);
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((v) => visit(v, key, depth + 1));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) visit(v, k, depth + 1);
  };
  visit(args, '', 0);
  return [...new Set(found)];
}

/**
 * The event's details in a sentence (may be empty): the step, what was done to what, why it failed. Never GUIDs,
 * step ids or request ids.
 */
export function describeAuditDetails(
  event: DescribableAuditEvent,
  locale: Locale,
  dateText: DateText = (iso) => iso,
): string {
  const d: Readonly<Record<string, unknown>> =
    typeof event.details === 'object' && event.details !== null ? event.details : {};
  const parts: string[] = [];
  const step = event.stepTitle?.[locale];
  const roles = () => strings(d.missingRoles).map((r) => directoryRoleName(r)[locale]);
  const scopes = () => strings(d.missingScopes);
  const needs = () => {
    const out: string[] = [];
    if (roles().length) out.push(say(locale, T.missingRoles, { roles: roles().join(', ') }));
    if (scopes().length) out.push(say(locale, T.missingScopes, { scopes: scopes().join(', ') }));
    return out;
  };
  switch (event.action) {
    case 'run.preflight': {
      const f = d.feasibility;
      parts.push(
        say(
          locale,
          f === 'none' ? T.feasibilityNone : f === 'partial' ? T.feasibilityPartial : T.feasibilityFull,
        ),
        ...needs(),
      );
      break;
    }
    case 'step.blocked':
    case 'action.not-allowed':
      if (step) parts.push(step);
      parts.push(...needs());
      break;
    case 'graph.write':
    case 'graph.write.reconciled': {
      if (step) parts.push(step);
      parts.push(...writeTargets(d.args, locale).map((t) => flattenUntrusted(t)));
      if (event.action === 'graph.write.reconciled')
        parts.push(say(locale, d.found === 'done' ? T.found : T.notFound));
      if (d.reason === 'already done') parts.push(say(locale, T.alreadyDone));
      if (d.late === true) parts.push(say(locale, T.late));
      if (typeof d.code === 'string' && event.result === 'failed')
        parts.push(say(locale, T.errorCode, { code: d.code }));
      break;
    }
    case 'graph.retry-scheduled':
      if (step) parts.push(step);
      if (typeof d.delayMs === 'number')
        parts.push(say(locale, T.retryAt, { minutes: Math.max(1, Math.round(d.delayMs / 60_000)) }));
      if (typeof d.attempt === 'number') parts.push(say(locale, T.attempt, { n: d.attempt }));
      if (typeof d.code === 'string') parts.push(say(locale, T.errorCode, { code: d.code }));
      break;
    case 'input.submitted': {
      if (step) parts.push(step);
      const values = d.values && typeof d.values === 'object' ? Object.values(d.values) : [];
      parts.push(
        ...values
          .filter((v): v is string => typeof v === 'string' && v !== '' && !GUID.test(v))
          .map((v) => flattenUntrusted(v, { maxLength: 120 })),
      );
      break;
    }
    case 'input.rejected':
      if (step) parts.push(step);
      if (strings(d.fields).length)
        parts.push(say(locale, T.fields, { fields: strings(d.fields).join(', ') }));
      break;
    case 'wait.started':
      if (step) parts.push(step);
      if (typeof d.dueAt === 'string') parts.push(say(locale, T.until, { at: dateText(d.dueAt) }));
      break;
    case 'reminder.snoozed':
      if (typeof d.until === 'string') parts.push(say(locale, T.snoozedUntil, { at: dateText(d.until) }));
      break;
    case 'step.changed':
      if (step) parts.push(step);
      break;
    case 'checklist.exception.accepted':
    case 'checklist.exception.renewed':
    case 'checklist.exception.revoked':
    case 'checklist.exception.expired': {
      const title = event.ruleTitle ?? (d.ruleTitle as Localized | undefined);
      if (title && typeof title[locale] === 'string') parts.push(title[locale]);
      if (typeof d.reason === 'string' && d.reason !== '')
        parts.push(say(locale, T.reason, { reason: flattenUntrusted(d.reason, { maxLength: 200 }) }));
      if (typeof d.expiresAt === 'string') parts.push(say(locale, T.expires, { at: dateText(d.expiresAt) }));
      break;
    }
    default:
      if (step) parts.push(step);
      if (typeof d.code === 'string' && event.result === 'failed')
        parts.push(say(locale, T.errorCode, { code: d.code }));
      if (typeof d.reason === 'string' && d.reason !== '' && d.reason !== 'already done')
        parts.push(flattenUntrusted(d.reason, { maxLength: 200 }));
  }
  if (typeof event.details === 'string' && event.details !== '') parts.push(flattenUntrusted(event.details));
  return parts.filter((p) => p !== '').join(' · ');
}
