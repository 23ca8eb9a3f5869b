/**
 * Delegated scopes, derived from the operations that need them: what a step needs, what a token lacks, and what
 * Sesame asks for at sign-in (the OpenID scopes plus the least privileged permission of every operation its
 * procedures and engine use — no more, see core/procedures/catalog.ts SESAME_SIGN_IN_SCOPES).
 */
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

/** What a step declares: the operations its logic runs, and the scopes they need (derived, never hand-written). */
export interface GraphNeeds {
  readonly operations: readonly GraphOpName[];
  readonly scopes: readonly string[];
}

/** `...graphNeeds('findUsersByMail', 'inviteGuest')` in a step: its operations and the scopes they need. */
export function graphNeeds(...operations: GraphOpName[]): GraphNeeds {
  return { operations, scopes: withoutImplied(permissionsOf(operations)) };
}

/** The scopes to request at sign-in for these operations: OpenID, then each needed permission once. */
export function signInScopes(operations: readonly GraphOpName[]): string[] {
  return [...OPENID_SCOPES, ...withoutImplied(permissionsOf(operations))];
}
