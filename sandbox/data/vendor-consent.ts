/**
 * The Cegid Loop collaborative app (client id from the vendor's procedure) and what an administrator's consent to it
 * creates in a tenant: its service principal, the tenant-wide (AllPrincipals) delegated grant to Microsoft Graph,
 * and its application permissions as app role assignments — the objects Entra ID writes when a Global
 * Administrator accepts the v2 admin-consent prompt. The sandbox console plays that consent for a client tenant.
 *
 * SANDBOX VALUES: the app's display name, publisher tenant and permission set below are invented for the sandbox
 * (Cegid does not publish them); only the client id is the vendor's. Sesame never relies on them: it reads
 * whatever the consent granted.
 */
import { guidFrom, type GraphObject, type TenantState } from './model.js';
import { GRAPH_APP_ROLE_USER_READ_ALL, MICROSOFT_GRAPH_APP_ID, servicePrincipal } from './seed.js';

export const CEGID_LOOP_COLLABORATIVE_APP = {
  appId: 'ff28182b-b927-4697-9f0e-3d38e40971a8',
  /** Sandbox value. */
  displayName: 'Cegid Loop',
  /** Sandbox value: the publisher's tenant. */
  appOwnerOrganizationId: guidFrom('tenant-of:cegid-loop-collaborative'),
  /** Sandbox value: the delegated Microsoft Graph permissions the consent grants. */
  delegatedScopes: ['openid', 'profile', 'offline_access', 'User.Read', 'Files.ReadWrite.All'],
  /** Sandbox value: the Microsoft Graph application permissions (app role ids) the consent grants. */
  applicationRoleIds: [GRAPH_APP_ROLE_USER_READ_ALL],
} as const;

/**
 * A domain that exists but belongs to no Microsoft 365 tenant. SANDBOX VALUE (invented): Graph answers 404 for
 * it like for any domain no tenant has verified.
 */
export const SANDBOX_NON_M365_DOMAIN = 'boulangerie-morel.fr';
/** SANDBOX VALUES: where that domain's mail goes (a French host's MX, not Exchange Online), as its DNS says. */
export const SANDBOX_NON_M365_MX = [
  { priority: 1, exchange: 'mx1.mail.ovh.net' },
  { priority: 5, exchange: 'mx2.mail.ovh.net' },
] as const;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Whether the app holds a tenant-wide delegated grant in the tenant (its admin consent was given). */
export function hasAdminConsent(t: TenantState, appId: string): boolean {
  const sp = t.findServicePrincipal(appId, 'appId');
  return (
    sp !== undefined &&
    t.oauth2PermissionGrants.some((g) => g.clientId === sp.id && g.consentType === 'AllPrincipals')
  );
}

/**
 * What Entra ID writes when an administrator of `t` consents to the Cegid Loop collaborative app for the whole
 * organisation. Consenting again adds nothing twice (the grant's scopes are merged, assignments kept).
 */
/** Microsoft Graph's service principal in the tenant, and Cegid Loop's (created the first time anyone consents). */
function cegidLoopServicePrincipals(t: TenantState): { sp: GraphObject; graphSp: GraphObject } {
  const app = CEGID_LOOP_COLLABORATIVE_APP;
  const graphSp = t.findServicePrincipal(MICROSOFT_GRAPH_APP_ID, 'appId');
  if (!graphSp) throw new Error(`tenant ${t.tenantId} has no Microsoft Graph service principal`);
  let sp = t.findServicePrincipal(app.appId, 'appId');
  if (!sp) {
    sp = servicePrincipal(app.appId, app.displayName, {
      appOwnerOrganizationId: app.appOwnerOrganizationId,
      replyUrls: ['https://loop.loopsoftware.fr/YPN/authorize'],
    });
    t.servicePrincipals.set(sp.id, sp);
  }
  return { sp, graphSp };
}

/**
 * A user consents to the app for themselves only (user consent allowed by the tenant's policy): the service
 * principal appears with a Principal grant of that user's basic scopes, and no admin consent.
 */
export function grantCegidLoopUserConsent(t: TenantState, userId: string): { servicePrincipalId: string } {
  const { sp, graphSp } = cegidLoopServicePrincipals(t);
  const spId = sp.id;
  const principalId = userId.toLowerCase();
  if (!t.oauth2PermissionGrants.some((g) => g.clientId === spId && g.principalId === principalId))
    t.oauth2PermissionGrants.push({
      id: guidFrom(`grant:${spId}:user:${principalId}`).replace(/-/g, '').slice(0, 27),
      clientId: spId,
      consentType: 'Principal',
      principalId,
      resourceId: graphSp.id,
      scope: 'openid profile offline_access User.Read',
    } satisfies GraphObject);
  return { servicePrincipalId: spId };
}

export function grantCegidLoopConsent(t: TenantState, now: number): { servicePrincipalId: string } {
  const app = CEGID_LOOP_COLLABORATIVE_APP;
  const { sp, graphSp } = cegidLoopServicePrincipals(t);
  const spId = sp.id;
  const existing = t.oauth2PermissionGrants.find(
    (g) => g.clientId === spId && g.consentType === 'AllPrincipals' && g.resourceId === graphSp.id,
  );
  if (existing) {
    const scopes = new Set([...String(existing.scope ?? '').split(' ').filter(Boolean), ...app.delegatedScopes]);
    existing.scope = [...scopes].join(' ');
  } else {
    t.oauth2PermissionGrants.push({
      id: guidFrom(`grant:${spId}:all:${t.tenantId}`).replace(/-/g, '').slice(0, 27),
      clientId: spId,
      consentType: 'AllPrincipals',
      principalId: null,
      resourceId: graphSp.id,
      scope: app.delegatedScopes.join(' '),
    } satisfies GraphObject);
  }
  for (const appRoleId of app.applicationRoleIds) {
    if (t.appRoleAssignments.some((a) => a.principalId === spId && a.appRoleId === appRoleId)) continue;
    t.appRoleAssignments.push({
      id: guidFrom(`appRoleAssignment:${spId}:${appRoleId}`).replace(/-/g, '').slice(0, 27),
      deletedDateTime: null,
      appRoleId,
      createdDateTime: iso(now),
      principalDisplayName: app.displayName,
      principalId: spId,
      principalType: 'ServicePrincipal',
      resourceDisplayName: graphSp.displayName,
      resourceId: graphSp.id,
    });
  }
  return { servicePrincipalId: spId };
}
