/**
 * The sandbox's second tenant: "Atelier Durand", a joinery and a client of the accounting firm, with its own users,
 * domains and administrator. It exists so isolation can be proven (a token, a card or an id of one tenant must never
 * read or write the other) and for procedures that act in a client's tenant.
 */
import { ROLE, TenantState, guidFrom, type GraphUser } from './model.js';
import {
  MICROSOFT_GRAPH_APP_ID,
  addRoleAssignment,
  baseUser,
  domain,
  graphAppRoles,
  refreshOrganizationDomains,
  roleDefinitions,
  seedTenant,
  servicePrincipal,
  signIn,
} from './seed.js';

export const CLIENT_TENANT_ID = '5e3a9c12-8b4d-4f61-a2e7-0c9d81f4b7a3';
export const CLIENT_TENANT_NAME = 'Atelier Durand';
export const CLIENT_DEFAULT_DOMAIN = 'atelier-durand.fr';
export const CLIENT_INITIAL_DOMAIN = 'atelierdurand.onmicrosoft.com';

const CLIENT_SPECS = [
  { key: 'globalAdmin', displayName: 'Hugo Lefèvre', upnLocal: 'hugo.lefevre', roles: [ROLE.globalAdministrator], jobTitle: 'Gérant' },
  { key: 'userAdmin', displayName: 'Inès Caron', upnLocal: 'ines.caron', roles: [ROLE.userAdministrator], jobTitle: 'Assistante de direction' },
  { key: 'plainUser', displayName: 'Marc Vidal', upnLocal: 'marc.vidal', roles: [], jobTitle: 'Menuisier' },
] as const;

export type ClientUserKey = (typeof CLIENT_SPECS)[number]['key'];

export const CLIENT_USERS: Readonly<
  Record<ClientUserKey, { id: string; userPrincipalName: string; displayName: string; mail: string; roles: readonly string[] }>
> = Object.fromEntries(
  CLIENT_SPECS.map((s) => [
    s.key,
    {
      id: guidFrom(`client:user:${s.upnLocal}`),
      userPrincipalName: `${s.upnLocal}@${CLIENT_DEFAULT_DOMAIN}`,
      displayName: s.displayName,
      mail: `${s.upnLocal}@${CLIENT_DEFAULT_DOMAIN}`,
      roles: s.roles,
    },
  ]),
) as never;

const DAY = 86_400_000;

export function seedClientTenant(now: number): TenantState {
  const t = new TenantState(CLIENT_TENANT_ID, CLIENT_TENANT_NAME);
  // Tenant-wide settings start at Microsoft's defaults, as in the firm's tenant.
  const defaults = seedTenant(now);
  const created = now - 2 * 365 * DAY;
  for (const spec of CLIENT_SPECS) {
    const ref = CLIENT_USERS[spec.key];
    const u: GraphUser = baseUser(ref.id, ref.userPrincipalName, ref.displayName, created);
    const [given, ...rest] = spec.displayName.split(' ');
    u.givenName = given ?? null;
    u.surname = rest.join(' ') || null;
    u.jobTitle = spec.jobTitle;
    u.signInActivity = signIn(now - 2 * DAY);
    t.addUser(u);
  }
  for (const [name, isDefault, isInitial] of [
    [CLIENT_DEFAULT_DOMAIN, true, false],
    [CLIENT_INITIAL_DOMAIN, false, true],
  ] as const) {
    t.domains.set(name, domain(name, isDefault, isInitial, true));
    t.domainVerificationCodes.set(name, `MS=ms${guidFrom(`domain-code:${name}`).replace(/-/g, '').slice(0, 8)}`);
  }
  t.roleDefinitions = roleDefinitions();
  for (const spec of CLIENT_SPECS) for (const role of spec.roles) addRoleAssignment(t, CLIENT_USERS[spec.key].id, role);
  const graphSp = servicePrincipal(MICROSOFT_GRAPH_APP_ID, 'Microsoft Graph', {
    appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    appRoles: graphAppRoles(),
  });
  // No service principal of the Cegid Loop collaborative app (vendor-consent.ts): its consent is what procedure B
  // asks the client's administrator for, and the sandbox console plays it.
  t.servicePrincipals.set(graphSp.id, graphSp);
  t.authorizationPolicy = structuredClone(defaults.authorizationPolicy);
  t.adminConsentRequestPolicy = structuredClone(defaults.adminConsentRequestPolicy);
  t.crossTenantAccessPolicyDefault = structuredClone(defaults.crossTenantAccessPolicyDefault);
  t.organization = {
    ...structuredClone(defaults.organization),
    id: CLIENT_TENANT_ID,
    displayName: CLIENT_TENANT_NAME,
    city: 'Nantes',
    postalCode: '44000',
    street: '3 quai de la Fosse',
    businessPhones: ['+33 2 40 00 00 00'],
    technicalNotificationMails: [CLIENT_USERS.globalAdmin.mail],
  };
  refreshOrganizationDomains(t);
  return t;
}
