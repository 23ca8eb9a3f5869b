import { loadGraphModel } from './csdl.js';
import {
  PermissionIndex,
  checkLeastPrivilege,
  grantingScopes,
  loadPermissionIndex,
  normalizePermissionPath,
  type PermissionsMapFile,
} from './permissions.js';

const index = loadPermissionIndex();

describe('the vendored permissions map', () => {
  it('normalizes paths the way the map writes them', () => {
    expect(normalizePermissionPath("/servicePrincipals(appId='{appId}')?$select=id")).toBe(
      '/serviceprincipals(appid={})',
    );
    expect(normalizePermissionPath('/users/{user-id}/assignLicense/')).toBe('/users/{}/assignlicense');
    // A reference write is listed under its navigation property.
    expect(normalizePermissionPath('/users/{id}/sponsors/$ref')).toBe('/users/{}/sponsors');
    expect(normalizePermissionPath('/groups/{id}/members/{id}/$ref')).toBe('/groups/{}/members/{}');
  });

  it.each([
    ['GET', '/users', ['User.ReadBasic.All'], 'User.Read.All'],
    ['GET', '/me', ['User.Read'], 'Directory.Read.All'],
    ['POST', '/users', ['User.ReadWrite.All'], 'Directory.ReadWrite.All'],
    ['POST', '/users/{id}/assignLicense', ['LicenseAssignment.ReadWrite.All'], 'User.ReadWrite.All'],
    ['GET', '/subscribedSkus', ['LicenseAssignment.Read.All'], 'Organization.Read.All'],
    ['GET', '/oauth2PermissionGrants', ['Directory.Read.All'], 'DelegatedPermissionGrant.ReadWrite.All'],
    [
      'GET',
      "/servicePrincipals(appId='{appId}')",
      ['Application.Read.All', 'Application.ReadWrite.All'],
      'Directory.Read.All',
    ],
    ['POST', '/invitations', ['User.Invite.All'], 'User.ReadWrite.All'],
    ['POST', '/users/{id}/sponsors/$ref', ['User.ReadWrite.All'], 'Directory.ReadWrite.All'],
    ['GET', '/users/{id}/sponsors', ['User.Read'], 'User.Read.All'],
    ['POST', '/roleManagement/directory/roleAssignments', ['RoleManagement.ReadWrite.Directory'], undefined],
    [
      'GET',
      '/roleManagement/directory/roleEligibilitySchedules',
      ['RoleEligibilitySchedule.Read.Directory'],
      'RoleManagement.Read.Directory',
    ],
    [
      'GET',
      '/policies/authorizationPolicy',
      ['Policy.Read.All', 'Policy.ReadWrite.Authorization'],
      undefined,
    ],
    ['POST', '/domains/{id}/verify', ['Domain.ReadWrite.All'], undefined],
    [
      'POST',
      '/applicationTemplates/{id}/instantiate',
      ['Application.ReadWrite.All'],
      'Directory.ReadWrite.All',
    ],
    [
      'POST',
      '/servicePrincipals/{id}/synchronization/jobs/{jobId}/start',
      ['Synchronization.ReadWrite.All'],
      undefined,
    ],
  ])('%s %s: least privileged %j', (method, path, least, alsoPermitting) => {
    const lookup = index.lookup(method, path);
    expect(lookup.found).toBe(true);
    expect([...lookup.leastPrivileged].sort()).toEqual([...least].sort());
    if (alsoPermitting) expect(lookup.permitting.map((g) => g.scope)).toContain(alsoPermitting);
  });

  it('matches whatever the case and placeholder names', () => {
    expect(index.lookup('get', '/USERS/{userId}/LicenseDetails').found).toBe(true);
  });

  it('turns a concrete path into its template through the CSDL when given the model', () => {
    const withModel = loadPermissionIndex(loadGraphModel());
    const lookup = withModel.lookup('POST', '/users/0f6c4e1a-0000-4000-8000-000000000001/assignLicense');
    expect(lookup.key).toBe('/users/{}/assignlicense');
    expect(lookup.leastPrivileged).toEqual(['LicenseAssignment.ReadWrite.All']);
    expect(
      withModel.lookup('GET', "/servicePrincipals(appId='ff28182b-b927-4697-9f0e-3d38e40971a8')").found,
    ).toBe(true);
  });

  it('honours AlsoRequires: AppRoleAssignment.ReadWrite.All alone does not permit POST appRoleAssignedTo', () => {
    const lookup = index.lookup('POST', '/servicePrincipals/{id}/appRoleAssignedTo');
    expect(grantingScopes(lookup, new Set(['AppRoleAssignment.ReadWrite.All']))).toEqual([]);
    expect(
      grantingScopes(lookup, new Set(['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'])).sort(),
    ).toEqual(['AppRoleAssignment.ReadWrite.All', 'Application.Read.All']);
  });

  it('reports a path the map does not list', () => {
    expect(index.lookup('GET', '/nothing/here').found).toBe(false);
  });
});

describe('checkLeastPrivilege', () => {
  it('passes least privileged scopes for their requests', () => {
    const report = checkLeastPrivilege(
      [
        { method: 'GET', path: '/me' },
        { method: 'POST', path: '/invitations' },
        { method: 'POST', path: '/$batch' },
      ],
      ['openid', 'profile', 'offline_access', 'User.Read', 'User.Invite.All'],
    );
    expect(report).toMatchObject({ ok: true, uncovered: [], broader: [], unmapped: [] });
  });

  it('must fail: Directory.ReadWrite.All requested where User.Read.All suffices', () => {
    const report = checkLeastPrivilege(
      [{ method: 'GET', path: "/users?$filter=userType eq 'Guest'" }],
      ['User.Read.All', 'Directory.ReadWrite.All'],
      [
        {
          scope: 'User.Read.All',
          reason: 'reads userType and externalUserState, which User.ReadBasic.All does not',
        },
      ],
    );
    expect(report.ok).toBe(false);
    expect(report.broader.map((b) => b.scope)).toEqual(['Directory.ReadWrite.All']);
    expect(report.broader[0]?.reason).toBe(
      'every request Directory.ReadWrite.All permits is also permitted by a less privileged requested scope',
    );
    expect(report.excepted.map((e) => e.scope)).toEqual(['User.Read.All']);
  });

  it('must fail: a request no requested scope permits', () => {
    const report = checkLeastPrivilege(
      [
        { method: 'GET', path: '/users' },
        { method: 'POST', path: '/invitations' },
      ],
      ['User.ReadBasic.All'],
    );
    expect(report.ok).toBe(false);
    expect(report.uncovered).toEqual([
      { request: { method: 'POST', path: '/invitations' }, leastPrivileged: ['User.Invite.All'] },
    ]);
  });

  it('must fail: a scope whose requests a less privileged requested scope already permits', () => {
    // GET /organization: the map marks DeviceManagementServiceConfig.Read.All (level 3) least, yet User.Read
    // (level 2) permits it too.
    const report = checkLeastPrivilege(
      [{ method: 'GET', path: '/organization' }],
      ['DeviceManagementServiceConfig.Read.All', 'User.Read'],
      [{ scope: 'User.Read', reason: 'test: accepted' }],
    );
    expect(report.broader).toEqual([
      {
        scope: 'DeviceManagementServiceConfig.Read.All',
        reason:
          'every request DeviceManagementServiceConfig.Read.All permits is also permitted by a less privileged requested scope',
      },
    ]);
  });

  it('must fail: a scope that is least privileged for none of its requests', () => {
    const report = checkLeastPrivilege([{ method: 'GET', path: '/users' }], ['User.Read.All']);
    expect(report.broader).toEqual([
      {
        scope: 'User.Read.All',
        reason:
          'User.Read.All is the least privileged scope for none of its requests (GET /users: User.ReadBasic.All)',
      },
    ]);
  });

  it('must fail: a scope no request needs, and a scope that is not a Graph permission', () => {
    const report = checkLeastPrivilege(
      [{ method: 'GET', path: '/me' }],
      ['User.Read', 'Mail.Send', 'Foo.Bar'],
    );
    expect(report.broader.map((b) => b.scope)).toEqual(['Mail.Send', 'Foo.Bar']);
  });

  it('an exception without a reason does not excuse; a stale exception is reported', () => {
    const report = checkLeastPrivilege(
      [{ method: 'GET', path: '/users' }],
      ['User.ReadBasic.All', 'Directory.Read.All'],
      [
        { scope: 'Directory.Read.All', reason: ' ' },
        { scope: 'User.ReadBasic.All', reason: 'not needed: it is least privileged' },
      ],
    );
    expect(report.broader.map((b) => b.scope)).toEqual(['Directory.Read.All']);
    expect(report.unusedExceptions.map((e) => e.scope)).toEqual(['User.ReadBasic.All']);
  });

  it('lists requests the map does not know, without failing on them', () => {
    const report = checkLeastPrivilege([{ method: 'GET', path: '/applicationTemplates' }], []);
    expect(report.unmapped).toEqual([{ method: 'GET', path: '/applicationTemplates' }]);
    expect(report.ok).toBe(true);
  });

  it('works on any map in the kibali format', () => {
    const map: PermissionsMapFile = {
      permissions: {
        'Thing.Read': {
          schemes: { DelegatedWork: { privilegeLevel: 1 } },
          pathSets: [
            { schemeKeys: ['DelegatedWork'], methods: ['GET'], paths: { '/things': 'least=DelegatedWork' } },
          ],
        },
        'Thing.ReadWrite': {
          schemes: { DelegatedWork: { privilegeLevel: 3 } },
          pathSets: [
            { schemeKeys: ['DelegatedWork'], methods: ['GET'], paths: { '/things': '' } },
            { schemeKeys: ['DelegatedWork'], methods: ['POST'], paths: { '/things': 'least=DelegatedWork' } },
          ],
        },
      },
    };
    const small = new PermissionIndex(map);
    const reads = [{ method: 'GET', path: '/things' }];
    expect(checkLeastPrivilege(reads, ['Thing.Read'], [], small).ok).toBe(true);
    expect(checkLeastPrivilege(reads, ['Thing.ReadWrite'], [], small).broader[0]?.scope).toBe(
      'Thing.ReadWrite',
    );
    expect(
      checkLeastPrivilege(
        [...reads, { method: 'POST', path: '/things' }],
        ['Thing.Read', 'Thing.ReadWrite'],
        [],
        small,
      ),
    ).toMatchObject({ ok: true, redundant: ['Thing.Read'] });
  });
});
