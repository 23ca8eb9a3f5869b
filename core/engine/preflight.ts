/**
 * Before a procedure starts: which steps the admin can do with the roles in their token (`wids`) and the
 * scopes granted (`scp`), what they lack, and who in the tenant holds the missing roles (to know whom to ask).
 */
import { directoryRoleName, holdsAnyRole } from '../directory-roles.js';
import { rolesOf } from '../graph/scopes.js';
import type { GraphOpName, RoleHolderList } from '../ports/tenant-graph.js';
import type { LocalizedText } from '../procedures/text.js';
import {
  missingScopes,
  optionalWritesOf,
  type Procedure,
  type Step,
  type StepKind,
} from '../procedures/types.js';

export type Feasibility = 'full' | 'partial' | 'none';

/** The Graph operations the pre-flight itself runs (who holds the roles the admin lacks). */
export const PREFLIGHT_OPERATIONS = ['listRoleHolders'] as const satisfies readonly GraphOpName[];

export interface PreflightStep {
  readonly stepId: string;
  readonly kind: StepKind;
  readonly title: LocalizedText;
  /** The step's any-of roles when the admin holds none of them; [] otherwise. */
  readonly missingRoles: readonly string[];
  readonly missingScopes: readonly string[];
  readonly blocked: boolean;
  /**
   * The roles that would let Sesame make the step's optional writes (`ifAllowed`), when the admin holds none of
   * them: Sesame will leave those writes to the admin (ActionStep.ifNotAllowed). [] otherwise; absent in reports
   * stored before it existed.
   */
  readonly byHandRoles?: readonly string[];
}

export interface RoleHolderSummary {
  readonly roleTemplateId: string;
  readonly roleName: LocalizedText;
  /** false when the holders could not be read (e.g. the admin may not list role assignments). */
  readonly known: boolean;
  readonly holders: readonly {
    readonly id: string;
    readonly displayName: string | null;
    readonly userPrincipalName: string | null;
  }[];
}

export interface PreflightReport {
  readonly procedureId: string;
  readonly procedureVersion: number;
  readonly feasibility: Feasibility;
  readonly steps: readonly PreflightStep[];
  readonly blockedSteps: readonly string[];
  readonly missingRoles: readonly string[];
  readonly missingScopes: readonly string[];
  /** Steps that will run but leave an optional write to the admin (their byHandRoles); absent in older reports. */
  readonly byHandSteps?: readonly string[];
  /** Who holds the missing roles, then the roles of the writes left to the admin (whom to ask). */
  readonly holders: readonly RoleHolderSummary[];
  /** false when the token's roles were not known: role needs are then not reported as missing. */
  readonly rolesKnown: boolean;
  readonly scopesKnown: boolean;
}

export interface PreflightInput {
  readonly procedure: Procedure;
  /** The token's `wids` claim (role template ids); undefined when unknown. */
  readonly roleTemplateIds: readonly string[] | undefined;
  /** The token's `scp` claim split on spaces; undefined when unknown. */
  readonly scopes: readonly string[] | undefined;
  /** listRoleHolders answers for the roles in rolesToLookUp(); a role missing here is reported as unknown. */
  readonly holders?: readonly RoleHolderList[];
}

/** What one step lacks for this admin. */
export function stepNeeds(
  step: Step,
  roleTemplateIds: readonly string[] | undefined,
  scopes: readonly string[] | undefined,
): { missingRoles: string[]; missingScopes: string[] } {
  const missingRoles = roleTemplateIds && !holdsAnyRole(roleTemplateIds, step.roles) ? [...step.roles] : [];
  return { missingRoles, missingScopes: scopes ? missingScopes(step.scopes, scopes) : [] };
}

/**
 * The roles that allow these operations when the admin holds none of them ([] when they hold one, or when their
 * roles are unknown: nothing is reported missing then).
 */
export function rolesLacking(
  operations: readonly GraphOpName[],
  roleTemplateIds: readonly string[] | undefined,
): string[] {
  if (!roleTemplateIds || operations.length === 0) return [];
  const roles = rolesOf(operations);
  return roles.length === 0 || holdsAnyRole(roleTemplateIds, roles) ? [] : roles;
}

/** What the admin's roles leave to them in a step that runs: the roles its optional writes need, if lacking. */
export function byHandRolesOf(step: Step, roleTemplateIds: readonly string[] | undefined): string[] {
  return rolesLacking(optionalWritesOf(step), roleTemplateIds);
}

/**
 * Role template ids whose holders are worth naming: every role of a step the admin cannot do, and of a write
 * Sesame will leave to them (whom they can ask).
 */
export function rolesToLookUp(
  procedure: Procedure,
  roleTemplateIds: readonly string[] | undefined,
): string[] {
  const roles = new Set<string>();
  for (const step of procedure.steps) {
    for (const r of stepNeeds(step, roleTemplateIds, undefined).missingRoles) roles.add(r);
    for (const r of byHandRolesOf(step, roleTemplateIds)) roles.add(r);
  }
  return [...roles];
}

export function computePreflight(input: PreflightInput): PreflightReport {
  const { procedure, roleTemplateIds, scopes } = input;
  const steps: PreflightStep[] = procedure.steps.map((step) => {
    const needs = stepNeeds(step, roleTemplateIds, scopes);
    const blocked = needs.missingRoles.length > 0 || needs.missingScopes.length > 0;
    return {
      stepId: step.id,
      kind: step.kind,
      title: step.title,
      missingRoles: needs.missingRoles,
      missingScopes: needs.missingScopes,
      blocked,
      // A blocked step waits for someone who can do it all: nothing of it is left to this admin by hand.
      byHandRoles: blocked ? [] : byHandRolesOf(step, roleTemplateIds),
    };
  });
  const blocked = steps.filter((s) => s.blocked);
  const writes = steps.filter((s) => s.kind === 'action' || s.kind === 'batch');
  // A write left to the admin by hand is not one Sesame can make for them: it does not make a run worth starting.
  const cannotWrite = (s: PreflightStep) => s.blocked || (s.byHandRoles ?? []).length > 0;
  const feasibility: Feasibility =
    blocked.length === 0
      ? 'full'
      : writes.length > 0
        ? writes.every(cannotWrite)
          ? 'none'
          : 'partial'
        : steps.every((s) => s.blocked)
          ? 'none'
          : 'partial';
  const missingRoles = unique(blocked.flatMap((s) => s.missingRoles));
  const byHand = steps.filter((s) => (s.byHandRoles ?? []).length > 0);
  const byRole = new Map((input.holders ?? []).map((h) => [h.roleTemplateId.toLowerCase(), h]));
  return {
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    feasibility,
    steps,
    blockedSteps: blocked.map((s) => s.stepId),
    missingRoles,
    missingScopes: unique(blocked.flatMap((s) => s.missingScopes)),
    byHandSteps: byHand.map((s) => s.stepId),
    holders: unique([...missingRoles, ...byHand.flatMap((s) => s.byHandRoles ?? [])]).map(
      (roleTemplateId) => {
        const list = byRole.get(roleTemplateId.toLowerCase());
        return {
          roleTemplateId,
          roleName: directoryRoleName(roleTemplateId),
          known: list !== undefined,
          holders: (list?.holders ?? [])
            .filter((h) => h.principalType === null || h.principalType.endsWith('user'))
            .map((h) => ({
              id: h.principalId,
              displayName: h.displayName,
              userPrincipalName: h.userPrincipalName,
            })),
        };
      },
    ),
    rolesKnown: roleTemplateIds !== undefined,
    scopesKnown: scopes !== undefined,
  };
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
