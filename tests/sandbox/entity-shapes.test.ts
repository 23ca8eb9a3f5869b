import { csdlTypes, type CsdlTypeName } from '../../sandbox/graph/csdl-types.js';
import { generateLargeTenant } from '../../sandbox/data/generate-large-tenant.js';
import { seedTenant } from '../../sandbox/data/seed.js';

/** Every property the sandbox stores (and so serves) must be one Graph v1.0 declares for the type. */
function undeclared(type: CsdlTypeName, objects: readonly Record<string, unknown>[]): string[] {
  const props: readonly string[] = csdlTypes[type].properties;
  const out = new Set<string>();
  for (const o of objects)
    for (const k of Object.keys(o)) if (!k.startsWith('@') && !props.includes(k)) out.add(k);
  return [...out];
}

describe('seeded entities use only Graph v1.0 property names', () => {
  const t = seedTenant(Date.parse('2026-11-20T09:00:00Z'));
  const large = generateLargeTenant(0, { users: 20, guests: 5 });
  it.each<[CsdlTypeName, () => Record<string, unknown>[]]>([
    ['user', () => [...t.users.values(), ...large.users.values()]],
    ['domain', () => [...t.domains.values()]],
    ['group', () => [...t.groups.values()]],
    ['subscribedSku', () => t.subscribedSkus],
    ['unifiedRoleDefinition', () => t.roleDefinitions],
    ['unifiedRoleAssignment', () => [...t.roleAssignments.values()]],
    ['unifiedRoleEligibilitySchedule', () => t.roleEligibilitySchedules],
    ['servicePrincipal', () => [...t.servicePrincipals.values()]],
    ['oAuth2PermissionGrant', () => t.oauth2PermissionGrants],
    ['appRoleAssignment', () => t.appRoleAssignments],
    ['authorizationPolicy', () => [t.authorizationPolicy]],
    ['adminConsentRequestPolicy', () => [t.adminConsentRequestPolicy]],
    ['crossTenantAccessPolicyConfigurationDefault', () => [t.crossTenantAccessPolicyDefault]],
    ['application', () => [...t.applications.values()]],
    ['applicationTemplate', () => t.applicationTemplates],
    ['synchronizationTemplate', () => [...t.synchronizationTemplatesByAppTemplate.values()].flat()],
    ['organization', () => [t.organization]],
    [
      'defaultUserRolePermissions',
      () => [t.authorizationPolicy.defaultUserRolePermissions as Record<string, unknown>],
    ],
  ])('%s', (type, objects) => {
    expect(undeclared(type, objects())).toEqual([]);
  });
});
