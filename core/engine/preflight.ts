/**
 * Before a procedure starts: which steps the admin can do with the roles in their token (`wids`) and the
 * scopes granted (`scp`), what they lack, and who in the tenant holds the missing roles (to know whom to ask).
 */
import { directoryRoleName, holdsAnyRole } from '../directory-roles.js';
import type { GraphOpName, RoleHolderList } from '../ports/tenant-graph.js';
import type { LocalizedText } from '../procedures/text.js';
import { missingScopes, type Procedure, type Step, type StepKind } from '../procedures/types.js';

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

/** Role template ids whose holders are worth naming: every role of a step the admin cannot do. */
export function rolesToLookUp(
  procedure: Procedure,
  roleTemplateIds: readonly string[] | undefined,
): string[] {
  const roles = new Set<string>();
  for (const step of procedure.steps)
    for (const r of stepNeeds(step, roleTemplateIds, undefined).missingRoles) roles.add(r);
  return [...roles];
}

export function computePreflight(input: PreflightInput): PreflightReport {
  const { procedure, roleTemplateIds, scopes } = input;
  const steps: PreflightStep[] = procedure.steps.map((step) => {
    const needs = stepNeeds(step, roleTemplateIds, scopes);
    return {
      stepId: step.id,
      kind: step.kind,
      title: step.title,
      missingRoles: needs.missingRoles,
      missingScopes: needs.missingScopes,
      blocked: needs.missingRoles.length > 0 || needs.missingScopes.length > 0,
    };
  });
  const blocked = steps.filter((s) => s.blocked);
  const writes = steps.filter((s) => s.kind === 'action' || s.kind === 'batch');
  const feasibility: Feasibility =
    blocked.length === 0
      ? 'full'
      : (writes.length > 0 ? writes : steps).every((s) => s.blocked)
        ? 'none'
        : 'partial';
  const missingRoles = unique(blocked.flatMap((s) => s.missingRoles));
  const byRole = new Map((input.holders ?? []).map((h) => [h.roleTemplateId.toLowerCase(), h]));
  return {
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    feasibility,
    steps,
    blockedSteps: blocked.map((s) => s.stepId),
    missingRoles,
    missingScopes: unique(blocked.flatMap((s) => s.missingScopes)),
    holders: missingRoles.map((roleTemplateId) => {
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
    }),
    rolesKnown: roleTemplateIds !== undefined,
    scopesKnown: scopes !== undefined,
  };
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
