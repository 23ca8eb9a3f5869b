import { SesameError } from '../core/errors.js';

/**
 * The one check that the tenants of a turn agree: the signed-in token's `tid`, the activity's tenant (Teams puts it
 * in conversation.tenantId and channelData.tenant.id) and, when a run is involved, the run's tenant. Any mismatch —
 * or a missing activity tenant — refuses the turn before anything is read or written.
 */
export function assertSameTenant(tenants: {
  readonly token?: string;
  readonly activity: string;
  readonly channelData?: string;
  readonly run?: string;
}): void {
  const activity = tenants.activity.toLowerCase();
  const mismatch = (what: string, other: string | undefined) =>
    other !== undefined && other.toLowerCase() !== activity ? what : undefined;
  const problem =
    (activity === '' ? 'activity' : undefined) ??
    mismatch('channelData', tenants.channelData) ??
    mismatch('token', tenants.token) ??
    mismatch('run', tenants.run);
  if (problem) {
    throw new SesameError('tenant_mismatch', `tenant mismatch (${problem})`, {
      details: {
        detail: [tenants.token, tenants.activity || '—', tenants.run]
          .filter((t, i, all) => t !== undefined && all.indexOf(t) === i)
          .join(' ≠ '),
        where: problem,
      },
    });
  }
}
