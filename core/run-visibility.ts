/**
 * Who may read which procedure runs and audit events (the tab's `/api/tab/runs` and `/api/tab/audit`), always
 * within the reader's own tenant:
 * - holders of a directory role that administers what the procedures change or reads the whole directory
 *   (Global Administrator, Privileged Role Administrator, User Administrator, Global Reader, Security Reader),
 *   or of the app role `Sesame.Auditor` (declared in aad.manifest.json) a tenant assigns on Sesame's enterprise app, see every run and
 *   the whole audit log of their tenant;
 * - anyone else sees the runs they started or acted on, and the audit events of those runs only.
 *
 * Guest Inviter is deliberately not in the list: it is handed to vendors' guest accounts (procedure A does
 * exactly that) and to non-admin staff, who must not read who did what across the tenant.
 */
import { ROLE } from './directory-roles.js';

export const TENANT_WIDE_ROLES: readonly string[] = [
  ROLE.globalAdministrator,
  ROLE.privilegedRoleAdministrator,
  ROLE.userAdministrator,
  ROLE.globalReader,
  ROLE.securityReader,
];

/** The value of the app role (the token's `roles` claim) that grants the tenant-wide view without a directory role. */
export const AUDITOR_APP_ROLE = 'Sesame.Auditor';

export type RunVisibility =
  { readonly scope: 'tenant'; readonly via: 'directory-role' | 'app-role' } | { readonly scope: 'own' };

export interface Reader {
  readonly userId: string;
  /** Directory role template ids (`wids`). */
  readonly roleTemplateIds: readonly string[];
  /** App roles (`roles`). */
  readonly appRoles?: readonly string[];
}

export function runVisibility(reader: Reader): RunVisibility {
  if (reader.roleTemplateIds.some((r) => TENANT_WIDE_ROLES.includes(r.toLowerCase())))
    return { scope: 'tenant', via: 'directory-role' };
  if (reader.appRoles?.includes(AUDITOR_APP_ROLE)) return { scope: 'tenant', via: 'app-role' };
  return { scope: 'own' };
}

/** What visibility needs of a stored run. */
export interface RunParticipants {
  readonly startedBy: { readonly id: string };
  readonly admin?: { readonly id: string };
  readonly history?: readonly { readonly actorId?: string }[];
}

/** The reader started the run, or acted on it (confirmed a step, took over a blocked one…). */
export function isOwnRun(reader: Reader, run: RunParticipants): boolean {
  return (
    run.startedBy.id === reader.userId ||
    run.admin?.id === reader.userId ||
    (run.history ?? []).some((h) => h.actorId === reader.userId)
  );
}
