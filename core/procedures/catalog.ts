/** The procedures Sesame can run, and how a user's words find one. Only procedures that exist are listed. */
import { CHECKLIST_OPERATIONS } from '../checklist/snapshot-data.js';
import { PREFLIGHT_OPERATIONS } from '../engine/preflight.js';
import { signInScopes } from '../graph/scopes.js';
import type { GraphOpName } from '../ports/tenant-graph.js';
import { matchProcedures, type ProcedureMatch } from './procedure-matching.js';
import { localizeBoth, type Locale, type LocalizedText } from './text.js';
import type { Procedure, ProcedureModule } from './types.js';
export { moduleOfRun, newestVersions } from './versions.js';

export type { ProcedureMatch } from './procedure-matching.js';
import { clientCollaborationAccountModule } from './client-collaboration-account.js';
import { domainAndProvisioningModule } from './domain-and-provisioning.js';
import { emailServiceAccountModule } from './email-service-account.js';
import { partnerCenterRegistrationModule } from './partner-center-registration.js';
import { vendorGuestAccessModule, vendorGuestAccessV1Module } from './vendor-guest-access.js';

/** What admins can start: the newest version of each procedure. */
export const PROCEDURES: readonly ProcedureModule[] = [
  vendorGuestAccessModule,
  partnerCenterRegistrationModule,
  clientCollaborationAccountModule,
  emailServiceAccountModule,
  domainAndProvisioningModule,
];

/**
 * Earlier versions whose runs may still be open when a new version ships: a run moves only under the version it
 * started with (core/engine/transition.ts), so these carry such runs to their end. Nobody starts them: they are
 * neither matched, listed nor offered. A version leaves this list once no run of it can still be open.
 */
export const EARLIER_VERSIONS: readonly ProcedureModule[] = [vendorGuestAccessV1Module];

/** Every version a run may be on: what the runner, the timers and crash recovery are given. */
export const PROCEDURE_VERSIONS: readonly ProcedureModule[] = [...PROCEDURES, ...EARLIER_VERSIONS];

/**
 * The Graph operations Sesame runs: those its procedures' steps declare (earlier versions' too, for the runs still
 * on them), the pre-flight's own, the checklist's reads.
 */
export const USED_GRAPH_OPERATIONS: readonly GraphOpName[] = [
  ...new Set([
    ...PROCEDURE_VERSIONS.flatMap((m) => m.procedure.steps.flatMap((s) => s.operations ?? [])),
    ...PREFLIGHT_OPERATIONS,
    ...CHECKLIST_OPERATIONS,
  ]),
];

/**
 * The delegated scopes Sesame asks for at sign-in (the bot's OAuth connection, the app registration's
 * requiredResourceAccess, the on-behalf-of exchange): exactly what the operations it runs need.
 */
export const SESAME_SIGN_IN_SCOPES: readonly string[] = signInScopes(USED_GRAPH_OPERATIONS);

export function getProcedure(id: string): ProcedureModule | undefined {
  return PROCEDURES.find((m) => m.procedure.id === id);
}

/**
 * What the admin's message names: one procedure, several that could fit (the bot asks which), or none.
 * See procedure-matching.ts for how words are compared.
 */
export function matchProcedureText(
  text: string,
  procedures: readonly ProcedureModule[] = PROCEDURES,
): ProcedureMatch {
  return matchProcedures(text, procedures);
}

/** The one procedure a message names, or undefined (nothing named, or several could fit). */
export function findProcedureByText(
  text: string,
  _locale: Locale = 'fr',
  procedures: readonly ProcedureModule[] = PROCEDURES,
): ProcedureModule | undefined {
  const match = matchProcedures(text, procedures);
  return match.kind === 'one' ? match.module : undefined;
}

/**
 * What lists show of a procedure (help card, tab): its summary with `{placeholders}` filled from the defaults of
 * its input fields (e.g. the vendor's address), since no run exists yet to fill them.
 */
export function procedureListing(procedure: Procedure): {
  readonly id: string;
  readonly title: LocalizedText;
  readonly summary: LocalizedText;
  readonly steps: Procedure['steps'];
} {
  const defaults: Record<string, string> = {};
  for (const step of procedure.steps) {
    if (step.kind !== 'input') continue;
    for (const field of step.fields) if (field.default !== undefined) defaults[field.id] = field.default;
  }
  return {
    id: procedure.id,
    title: procedure.title,
    summary: localizeBoth(procedure.summary, defaults),
    steps: procedure.steps,
  };
}
