/**
 * Delegated scopes, derived from the operations that need them: what a step needs, what a token lacks, and what
 * Sesame asks for at sign-in (the OpenID scopes plus the least privileged permission of every operation its
 * procedures and engine use — no more, see core/procedures/catalog.ts SESAME_SIGN_IN_SCOPES).
 */
import { ROLE } from '../directory-roles.js';
import { GRAPH_OPERATIONS, type GraphOpName } from './operations/index.js';

/** Sign-in itself (OpenID Connect) and refresh tokens, so reminders and polls can act later for the admin. */
export const OPENID_SCOPES = ['openid', 'profile', 'offline_access'] as const;

/**
 * Scopes that grant at least what `scope` grants (a delegated token with any of them will do). Kept to the
 * scopes Sesame's operations use.
 */
export function impliedBy(scope: string): readonly string[] {
  const supersets: Record<string, readonly string[]> = {
    'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    'User.ReadBasic.All': [
      'User.Read.All',
      'User.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    'RoleManagement.Read.Directory': [
      'RoleManagement.ReadWrite.Directory',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    'User.Invite.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    'RoleEligibilitySchedule.Read.Directory': [
      'RoleEligibilitySchedule.ReadWrite.Directory',
      'RoleManagement.Read.Directory',
      'RoleManagement.Read.All',
      'RoleManagement.ReadWrite.Directory',
    ],
    'Domain.Read.All': ['Domain.ReadWrite.All'],
    'Synchronization.Read.All': ['Synchronization.ReadWrite.All'],
    'Application.Read.All': ['Application.ReadWrite.All'],
    'LicenseAssignment.Read.All': ['LicenseAssignment.ReadWrite.All'],
    // "Read directory data" covers groups' basic properties (D lists security groups to assign).
    'Group.ReadBasic.All': [
      'Group.Read.All',
      'Group.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
  };
  return supersets[scope] ?? [];
}

/** Scopes of `needed` that `granted` (a token's `scp`) does not cover. */
export function missingScopes(needed: readonly string[], granted: readonly string[]): string[] {
  const set = new Set(granted.map((s) => s.toLowerCase()));
  return needed.filter(
    (s) => !set.has(s.toLowerCase()) && !impliedBy(s).some((x) => set.has(x.toLowerCase())),
  );
}

/** The delegated permissions the operations need (with AlsoRequires and property scopes), in catalogue order, each once. */
export function permissionsOf(operations: readonly GraphOpName[]): string[] {
  const out: string[] = [];
  for (const name of operations) {
    const op = GRAPH_OPERATIONS[name];
    const extra = op as { alsoRequires?: string; propertyScope?: { scope: string } };
    for (const scope of [op.permission, extra.alsoRequires, extra.propertyScope?.scope]) {
      if (typeof scope === 'string' && !out.includes(scope)) out.push(scope);
    }
  }
  return out;
}

/** `scopes` without those another of them already grants (RoleManagement.Read.Directory beside ReadWrite). */
export function withoutImplied(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !impliedBy(s).some((x) => x !== s && scopes.includes(x)));
}

/**
 * The directory roles that let an admin run all of these operations: the roles every one of them accepts (an
 * operation any member may call does not narrow it), then Global Administrator, who may do all. [] when none of
 * them asks for a role.
 */
export function rolesOf(operations: readonly GraphOpName[]): string[] {
  let common: string[] | undefined;
  for (const name of operations) {
    const roles = GRAPH_OPERATIONS[name].roles;
    if (roles.kind !== 'anyOf' && roles.kind !== 'invitePolicy') continue;
    common = common ? common.filter((r) => roles.roles.includes(r as never)) : [...roles.roles];
  }
  if (!common) return [];
  return [...common.filter((r) => r !== ROLE.globalAdministrator), ROLE.globalAdministrator];
}

/** An operation a step runs only when the admin may: its scope is asked for, its roles are not required. */
export interface OptionalOperation {
  readonly ifAllowed: GraphOpName;
}

/**
 * In `graphNeeds`: an operation whose refusal the step's logic reads as "unknown" and goes on (a policy only some
 * admins may read). Its permission counts in the step's scopes; its directory roles do not count in the step's.
 */
export function ifAllowed(operation: GraphOpName): OptionalOperation {
  return { ifAllowed: operation };
}

/**
 * What a step declares: the operations its logic runs, the scopes they need and the directory roles that allow
 * them, all derived from the operations' declarations (never hand-written: checkProcedureModule refuses it).
 */
export interface GraphNeeds {
  readonly operations: readonly GraphOpName[];
  /** Those of `operations` declared with ifAllowed: their roles are not the step's. */
  readonly optionalOperations?: readonly GraphOpName[];
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/**
 * `...graphNeeds('findUsersByMail', 'inviteGuest')` in a step: its operations, the scopes they need and the roles
 * that allow them (`ifAllowed('op')` for an operation the step can do without).
 */
export function graphNeeds(...needs: (GraphOpName | OptionalOperation)[]): GraphNeeds {
  const operations = needs.map((n) => (typeof n === 'string' ? n : n.ifAllowed));
  const optional = needs.flatMap((n) => (typeof n === 'string' ? [] : [n.ifAllowed]));
  return {
    operations,
    ...(optional.length > 0 ? { optionalOperations: optional } : {}),
    scopes: withoutImplied(permissionsOf(operations)),
    roles: rolesOf(operations.filter((o) => !optional.includes(o))),
  };
}

/** The roles a step's data should carry: those of its required operations (graphNeeds). */
export function stepRolesOf(step: {
  readonly operations?: readonly GraphOpName[];
  readonly optionalOperations?: readonly GraphOpName[];
}): string[] {
  const optional = step.optionalOperations ?? [];
  return rolesOf((step.operations ?? []).filter((o) => !optional.includes(o)));
}

/** The scopes to request at sign-in for these operations: OpenID, then each needed permission once. */
export function signInScopes(operations: readonly GraphOpName[]): string[] {
  return [...OPENID_SCOPES, ...withoutImplied(permissionsOf(operations))];
}
