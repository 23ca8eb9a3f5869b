import { ROLE } from '../../core/directory-roles.js';
import { computePreflight, rolesToLookUp } from '../../core/engine/preflight.js';
import type { GraphOpResult } from '../../core/ports/tenant-graph.js';
import { vendorGuestAccess } from '../../core/procedures/vendor-guest-access.js';

const SCOPES = [
  'Policy.Read.All',
  'User.Read',
  'User.Read.All',
  'User.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
];

function holders(roleTemplateId: string, ...names: string[]): GraphOpResult<'listRoleHolders'> {
  return {
    roleTemplateId,
    requestId: 'req',
    holders: names.map((n, i) => ({
      principalId: `${n}-id`,
      displayName: n,
      userPrincipalName: `${n.toLowerCase()}@cabinet.fr`,
      principalType: '#microsoft.graph.user',
      assignmentId: `a-${i}`,
    })),
  };
}

const TENANT_HOLDERS = [
  holders(ROLE.globalAdministrator, 'Claire', 'Marc'),
  holders(ROLE.privilegedRoleAdministrator, 'Paul'),
  holders(ROLE.guestInviter, 'Gina'),
  holders(ROLE.userAdministrator),
  holders(ROLE.globalReader, 'Rita'),
];

describe('preflight for procedure A', () => {
  it('a plain user cannot run it: names the missing roles and who holds them', () => {
    const toLookUp = rolesToLookUp(vendorGuestAccess, []);
    expect(toLookUp.sort()).toEqual(
      [
        ROLE.guestInviter,
        ROLE.userAdministrator,
        ROLE.globalAdministrator,
        ROLE.privilegedRoleAdministrator,
        ROLE.directoryWriters,
      ].sort(),
    );
    const report = computePreflight({
      procedure: vendorGuestAccess,
      roleTemplateIds: [],
      scopes: SCOPES,
      holders: TENANT_HOLDERS,
    });
    // The sponsor write is optional (left to the admin by hand): it does not make the run worth starting.
    expect(report.feasibility).toBe('none');
    expect(report.blockedSteps).toEqual(['invite', 'assign-role']);
    expect(report.byHandSteps).toEqual(['sponsor']);
    expect(report.steps.find((s) => s.stepId === 'invite')?.missingRoles).toEqual([
      ROLE.guestInviter,
      ROLE.userAdministrator,
      ROLE.globalAdministrator,
    ]);
    const pra = report.holders.find((h) => h.roleTemplateId === ROLE.privilegedRoleAdministrator);
    expect(pra).toEqual({
      roleTemplateId: ROLE.privilegedRoleAdministrator,
      roleName: { fr: 'Administrateur de rôle privilégié', en: 'Privileged Role Administrator' },
      known: true,
      holders: [{ id: 'Paul-id', displayName: 'Paul', userPrincipalName: 'paul@cabinet.fr' }],
    });
    expect(
      report.holders
        .find((h) => h.roleTemplateId === ROLE.globalAdministrator)
        ?.holders.map((h) => h.displayName),
    ).toEqual(['Claire', 'Marc']);
    expect(report.holders.find((h) => h.roleTemplateId === ROLE.userAdministrator)).toMatchObject({
      known: true,
      holders: [],
    });
    expect(report.holders.map((h) => h.roleTemplateId)).toContain(ROLE.directoryWriters);
  });

  it('a Guest Inviter can invite but cannot assign the role', () => {
    const report = computePreflight({
      procedure: vendorGuestAccess,
      roleTemplateIds: [ROLE.guestInviter],
      scopes: SCOPES,
      holders: [holders(ROLE.privilegedRoleAdministrator, 'Paul')],
    });
    expect(report.feasibility).toBe('partial');
    // The verification reads what any member may read: derived from its operations, it needs no role. The sponsor
    // step runs (its probe is a member's read) and leaves its write to the admin.
    expect(report.blockedSteps).toEqual(['assign-role']);
    expect(report.byHandSteps).toEqual(['sponsor']);
    expect(report.steps.find((s) => s.stepId === 'invite')?.blocked).toBe(false);
    expect(report.missingRoles).toEqual([ROLE.privilegedRoleAdministrator, ROLE.globalAdministrator]);
    // Whom to ask for the sponsor: its roles are looked up too.
    expect(rolesToLookUp(vendorGuestAccess, [ROLE.guestInviter]).sort()).toEqual(
      [
        ROLE.privilegedRoleAdministrator,
        ROLE.globalAdministrator,
        ROLE.userAdministrator,
        ROLE.directoryWriters,
      ].sort(),
    );
    // Roles whose holders were not read are reported unknown, never as "nobody".
    expect(report.holders.find((h) => h.roleTemplateId === ROLE.globalAdministrator)?.known).toBe(false);
  });

  it('a Guest Inviter who is also Privileged Role Administrator can do every step, the sponsor by hand', () => {
    const roles = [ROLE.guestInviter, ROLE.privilegedRoleAdministrator];
    const report = computePreflight({
      procedure: vendorGuestAccess,
      roleTemplateIds: roles,
      scopes: SCOPES,
      holders: TENANT_HOLDERS,
    });
    expect(report.feasibility).toBe('full');
    expect(report.blockedSteps).toEqual([]);
    expect(report.missingRoles).toEqual([]);
    expect(report.byHandSteps).toEqual(['sponsor']);
    const sponsor = report.steps.find((s) => s.stepId === 'sponsor');
    expect(sponsor).toMatchObject({
      blocked: false,
      missingRoles: [],
      byHandRoles: [ROLE.userAdministrator, ROLE.directoryWriters, ROLE.globalAdministrator],
    });
    // Who could add the sponsor is read before the start, so the sponsor step can name them.
    expect(rolesToLookUp(vendorGuestAccess, roles)).toEqual([
      ROLE.userAdministrator,
      ROLE.directoryWriters,
      ROLE.globalAdministrator,
    ]);
    expect(
      report.holders
        .find((h) => h.roleTemplateId === ROLE.globalAdministrator)
        ?.holders.map((h) => h.displayName),
    ).toEqual(['Claire', 'Marc']);
  });

  it('a Global Administrator is all clear', () => {
    const report = computePreflight({
      procedure: vendorGuestAccess,
      roleTemplateIds: [ROLE.globalAdministrator],
      scopes: SCOPES,
    });
    expect(report.feasibility).toBe('full');
    expect(report.blockedSteps).toEqual([]);
    expect(report.missingRoles).toEqual([]);
    expect(report.byHandSteps).toEqual([]);
    expect(report.holders).toEqual([]);
    expect(rolesToLookUp(vendorGuestAccess, [ROLE.globalAdministrator])).toEqual([]);
  });

  it('reports scopes the token lacks, and accepts broader scopes', () => {
    const report = computePreflight({
      procedure: vendorGuestAccess,
      roleTemplateIds: [ROLE.globalAdministrator],
      scopes: ['Policy.Read.All', 'Directory.Read.All', 'User.Invite.All'],
    });
    expect(report.feasibility).toBe('partial');
    // Directory.Read.All covers the reads, User.Invite.All the invitation; not the role or the sponsor writes.
    expect(report.missingScopes).toEqual([
      'RoleManagement.ReadWrite.Directory',
      'User.Read',
      'User.ReadWrite.All',
    ]);
    expect(report.blockedSteps).toEqual(['assign-role', 'sponsor']);
  });

  it('does not invent missing roles when the token roles are unknown', () => {
    const report = computePreflight({
      procedure: vendorGuestAccess,
      roleTemplateIds: undefined,
      scopes: undefined,
    });
    expect(report).toMatchObject({
      feasibility: 'full',
      rolesKnown: false,
      scopesKnown: false,
      byHandSteps: [],
    });
  });
});
