import type { SandboxAppRegistration, SandboxDirectory } from '../contracts.js';
import type { TokenIssuer } from './token-issuer.js';

/** Teams' own client id (desktop and web), the `azp` of the SSO tokens getAuthToken returns. */
export const TEAMS_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';

export function ssoAudience(app: SandboxAppRegistration): string {
  return app.applicationIdUri ?? `api://${app.clientId}`;
}

/**
 * What Teams' getAuthToken (tab) or the OAuth card's token exchange (bot) hands the app: a token for the app's
 * own API (its Application ID URI), scope access_as_user, requested by Teams' client on the user's behalf.
 */
export async function mintTeamsSsoToken(
  issuer: TokenIssuer,
  directory: SandboxDirectory,
  app: SandboxAppRegistration,
  userIdOrUpn: string,
): Promise<string> {
  const principal = directory.findPrincipal(userIdOrUpn);
  if (!principal || !principal.accountEnabled) throw new Error(`unknown or disabled user '${userIdOrUpn}'`);
  return issuer.sign({
    aud: ssoAudience(app),
    oid: principal.id,
    sub: principal.id,
    upn: principal.userPrincipalName,
    preferred_username: principal.userPrincipalName,
    name: principal.displayName,
    scp: 'access_as_user',
    wids: [...principal.roleTemplateIds],
    azp: TEAMS_CLIENT_ID,
    appid: TEAMS_CLIENT_ID,
  });
}
