/**
 * What the identity side sees of the tenant (SandboxDirectory, over the live tenant data) and the app
 * registrations it knows: Sesame's own (env/.env.local: BOT_ID, AAD_APP_ID_URI) and a public test client.
 */
import type { SandboxAppRegistration, SandboxDirectory, SandboxPrincipal } from './contracts.js';
import type { GraphUser, TenantState } from './data/model.js';
import {
  SESAME_APP_ID_URI,
  SESAME_CLIENT_ID,
  SESAME_CLIENT_SECRET,
  SESAME_CONSENTED_SCOPES,
  TEST_CLIENT_ID,
} from './data/seed.js';
import type { SandboxRuntime } from './runtime.js';

export function toPrincipal(
  rt: SandboxRuntime,
  u: GraphUser,
  tenant: TenantState = rt.state,
): SandboxPrincipal {
  return {
    id: u.id,
    tenantId: tenant.tenantId,
    tenantDisplayName: tenant.tenantDisplayName,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    userType: u.userType,
    accountEnabled: u.accountEnabled,
    roleTemplateIds: tenant.roleTemplateIdsOf(u.id),
  };
}

/** Reads through `rt.state` at each call, so a reset or a new role assignment shows at the next sign-in. */
export function createDirectory(rt: SandboxRuntime): SandboxDirectory {
  return {
    get tenantId() {
      return rt.state.tenantId;
    },
    get tenantDisplayName() {
      return rt.state.tenantDisplayName;
    },
    get tenantIds() {
      return rt.tenants.map((t) => t.tenantId);
    },
    listSignInUsers(tenant?: string) {
      const named = tenant ? rt.tenant(tenant) : undefined;
      const out: SandboxPrincipal[] = [];
      for (const t of named ? [named] : rt.tenants) {
        // A large tenant has 100k members: the sign-in page offers the seeded ones (first in creation order).
        // Guests who redeemed their invitation sign in to the tenant too, as in Entra ID.
        let n = 0;
        for (const u of t.userList()) {
          const canSignIn = u.userType === 'Member' || u.externalUserState === 'Accepted';
          if (canSignIn && u.accountEnabled) {
            out.push(toPrincipal(rt, u, t));
            n += 1;
          }
          if (n >= 50) break;
        }
      }
      return out;
    },
    findPrincipal(idOrUpn: string) {
      for (const t of rt.tenants) {
        const u = t.findUser(idOrUpn);
        if (u) return toPrincipal(rt, u, t);
      }
      return undefined;
    },
  };
}

export const SESAME_APP: SandboxAppRegistration = {
  clientId: SESAME_CLIENT_ID,
  displayName: 'Sesame',
  clientSecret: SESAME_CLIENT_SECRET,
  applicationIdUri: SESAME_APP_ID_URI,
  redirectUris: [
    'https://localhost:3978/auth-end.html',
    'https://localhost:3978/auth/end',
    'http://localhost:3978/auth/end',
    'http://127.0.0.1:3978/auth/end',
    'https://token.botframework.com/.auth/web/redirect',
  ],
  // The tab outside Teams (npm start's printed tab URL) signs in with code + PKCE from the page itself.
  spaRedirectUris: ['http://127.0.0.1/tab/index.html', 'http://localhost/tab/index.html'],
  consentedGraphScopes: SESAME_CONSENTED_SCOPES,
};

export const TEST_CLIENT_APP: SandboxAppRegistration = {
  clientId: TEST_CLIENT_ID,
  displayName: 'Sandbox test client',
  redirectUris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
  consentedGraphScopes: SESAME_CONSENTED_SCOPES,
};

export const SANDBOX_APPS: readonly SandboxAppRegistration[] = [SESAME_APP, TEST_CLIENT_APP];
