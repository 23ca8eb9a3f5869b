import { ROLE } from '../../sandbox/data/model.js';
import { SEED_USERS, SKU } from '../../sandbox/data/seed.js';
import { GraphHarness, expectGraphError, type SeedKey } from './graph-harness.js';

const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const MEMBERS: SeedKey[] = [
  'globalAdmin',
  'globalAdmin2',
  'privilegedRoleAdmin',
  'userAdmin',
  'guestInviter',
  'applicationAdmin',
  'globalReader',
  'plainUser',
];

let n = 0;
const invite = (as: SeedKey) =>
  h.call('POST', '/invitations', {
    as,
    body: {
      invitedUserEmailAddress: `vendor${++n}@cegid.com`,
      inviteRedirectUrl: 'https://myapps.microsoft.com',
      sendInvitationMessage: true,
      invitedUserMessageInfo: { messageLanguage: 'fr-FR' },
    },
  });

const setInvitePolicy = async (allowInvitesFrom: string) => {
  const res = await h.call('PATCH', '/policies/authorizationPolicy', {
    as: 'globalAdmin',
    body: { allowInvitesFrom },
  });
  expect(res.status).toBe(204);
};

describe('delegated authorization: scopes AND the signed-in user’s directory roles', () => {
  it('lets whoever allowInvitesFrom allows invite guests', async () => {
    const expected: Record<string, Record<string, number>> = {
      everyone: Object.fromEntries([...MEMBERS, 'acceptedGuest'].map((k) => [k, 201])),
      adminsGuestInvitersAndAllMembers: {
        ...Object.fromEntries(MEMBERS.map((k) => [k, 201])),
        acceptedGuest: 403,
      },
      adminsAndGuestInviters: {
        ...Object.fromEntries([...MEMBERS, 'acceptedGuest'].map((k) => [k, 403])),
        globalAdmin: 201,
        globalAdmin2: 201,
        userAdmin: 201,
        guestInviter: 201,
      },
      // Microsoft: "none" blocks everyone, administrators included.
      none: Object.fromEntries([...MEMBERS, 'acceptedGuest'].map((k) => [k, 403])),
    };
    for (const [policy, byUser] of Object.entries(expected)) {
      await setInvitePolicy(policy);
      const actual: Record<string, number> = {};
      for (const who of Object.keys(byUser)) actual[who] = (await invite(who as SeedKey)).status;
      expect({ policy, actual }).toEqual({ policy, actual: byUser });
    }
    await setInvitePolicy('everyone');
    const denied = await h.call('POST', '/invitations', {
      as: 'globalAdmin',
      scopes: ['User.Read', 'User.Read.All'],
      body: { invitedUserEmailAddress: 'x@cegid.com', inviteRedirectUrl: 'https://myapps.microsoft.com' },
    });
    expectGraphError(
      denied,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  });

  it('lets only Privileged Role Administrators and Global Administrators assign roles', async () => {
    const actual: Record<string, number> = {};
    for (const who of MEMBERS) {
      const res = await h.call('POST', '/roleManagement/directory/roleAssignments', {
        as: who,
        body: {
          '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
          principalId: SEED_USERS.acceptedGuest.id,
          roleDefinitionId: ROLE.guestInviter,
          directoryScopeId: '/',
        },
      });
      actual[who] = res.status;
      if (res.status === 201) {
        const del = await h.call('DELETE', `/roleManagement/directory/roleAssignments/${res.body.id}`, {
          as: who,
        });
        expect(del.status).toBe(204);
      } else expectGraphError(res, 403, 'Authorization_RequestDenied');
    }
    expect(actual).toEqual({
      globalAdmin: 201,
      globalAdmin2: 201,
      privilegedRoleAdmin: 201,
      userAdmin: 403,
      guestInviter: 403,
      applicationAdmin: 403,
      globalReader: 403,
      plainUser: 403,
    });
  });

  it('lets only User Administrators and Global Administrators create users and assign licences', async () => {
    const created: Record<string, number> = {};
    const licensed: Record<string, number> = {};
    for (const who of MEMBERS) {
      const res = await h.call('POST', '/users', {
        as: who,
        body: {
          accountEnabled: true,
          displayName: `Service ${who}`,
          mailNickname: `svc-${who}`,
          userPrincipalName: `svc-${who.toLowerCase()}@cabinet-exemple.fr`,
          usageLocation: 'FR',
          passwordProfile: { password: 'Xk4!pQ9#zL2@wR7v', forceChangePasswordNextSignIn: false },
        },
      });
      created[who] = res.status;
      const lic = await h.call('POST', `/users/${SEED_USERS.plainUser.id}/assignLicense`, {
        as: who,
        body: { addLicenses: [{ skuId: SKU.exchangeStandard, disabledPlans: [] }], removeLicenses: [] },
      });
      licensed[who] = lic.status;
      if (lic.status === 200) {
        const undo = await h.call('POST', `/users/${SEED_USERS.plainUser.id}/assignLicense`, {
          as: who,
          body: { addLicenses: [], removeLicenses: [SKU.exchangeStandard] },
        });
        expect(undo.status).toBe(200);
      }
    }
    const allowed = { globalAdmin: 201, globalAdmin2: 201, userAdmin: 201 };
    expect(created).toEqual({ ...Object.fromEntries(MEMBERS.map((k) => [k, 403])), ...allowed });
    expect(licensed).toEqual({
      ...Object.fromEntries(MEMBERS.map((k) => [k, 403])),
      globalAdmin: 200,
      globalAdmin2: 200,
      userAdmin: 200,
    });
  });

  it('does not let a User Administrator change or delete a Global Administrator', async () => {
    const patch = await h.call('PATCH', `/users/${SEED_USERS.globalAdmin.id}`, {
      as: 'userAdmin',
      body: { jobTitle: 'x' },
    });
    expectGraphError(patch, 403, 'Authorization_RequestDenied');
    expectGraphError(
      await h.call('DELETE', `/users/${SEED_USERS.globalAdmin2.id}`, { as: 'userAdmin' }),
      403,
      'Authorization_RequestDenied',
    );
    expect(
      (
        await h.call('PATCH', `/users/${SEED_USERS.plainUser.id}`, {
          as: 'userAdmin',
          body: { jobTitle: 'Comptable' },
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await h.call('PATCH', `/users/${SEED_USERS.globalAdmin2.id}`, {
          as: 'globalAdmin',
          body: { jobTitle: 'DSI' },
        })
      ).status,
    ).toBe(204);
  });

  it('takes roles from the directory at call time, not from the token', async () => {
    const token = await h.token('plainUser');
    const body = {
      principalId: SEED_USERS.inactiveGuest.id,
      roleDefinitionId: ROLE.directoryReaders,
      directoryScopeId: '/',
    };
    expect((await h.call('POST', '/roleManagement/directory/roleAssignments', { token, body })).status).toBe(
      403,
    );
    const grant = await h.call('POST', '/roleManagement/directory/roleAssignments', {
      as: 'globalAdmin',
      body: {
        principalId: SEED_USERS.plainUser.id,
        roleDefinitionId: ROLE.privilegedRoleAdministrator,
        directoryScopeId: '/',
      },
    });
    expect(grant.status).toBe(201);
    // Same token (its wids are stale), new rights.
    expect((await h.call('POST', '/roleManagement/directory/roleAssignments', { token, body })).status).toBe(
      201,
    );
    await h.call('DELETE', `/roleManagement/directory/roleAssignments/${grant.body.id}`, {
      as: 'globalAdmin',
    });
    expect(
      (await h.call('GET', '/roleManagement/directory/roleEligibilitySchedules', { token })).status,
    ).toBe(403);
  });

  it('checks scopes: User.Read reads oneself only; guests cannot list users', async () => {
    const scopes = ['User.Read'];
    expect((await h.call('GET', '/me', { as: 'plainUser', scopes })).status).toBe(200);
    expect(
      (await h.call('GET', `/users/${SEED_USERS.plainUser.id}`, { as: 'plainUser', scopes })).status,
    ).toBe(200);
    expectGraphError(
      await h.call('GET', `/users/${SEED_USERS.globalAdmin.id}`, { as: 'plainUser', scopes }),
      403,
      'Authorization_RequestDenied',
    );
    expectGraphError(
      await h.call('GET', '/users', { as: 'plainUser', scopes }),
      403,
      'Authorization_RequestDenied',
    );
    expect((await h.call('GET', '/me', { as: 'acceptedGuest' })).status).toBe(200);
    expectGraphError(
      await h.call('GET', '/users', { as: 'acceptedGuest' }),
      403,
      'Authorization_RequestDenied',
    );
  });

  it('reads the authorization policy only with a reader or admin role, as Microsoft now documents', async () => {
    expectGraphError(
      await h.call('GET', '/policies/authorizationPolicy', { as: 'plainUser' }),
      403,
      'Authorization_RequestDenied',
    );
    expectGraphError(
      await h.call('GET', '/policies/authorizationPolicy', { as: 'guestInviter' }),
      403,
      'Authorization_RequestDenied',
    );
    for (const who of ['globalReader', 'privilegedRoleAdmin', 'globalAdmin'] as const) {
      const res = await h.call('GET', '/policies/authorizationPolicy', { as: who });
      expect(res.body).toMatchObject({ id: 'authorizationPolicy', allowInvitesFrom: 'everyone' });
    }
  });

  it('needs AuditLog.Read.All and a reader role for signInActivity', async () => {
    const q = `/users?$select=id,signInActivity&$filter=userType eq 'Guest'`;
    expectGraphError(await h.call('GET', q, { as: 'plainUser' }), 403, 'Authorization_RequestDenied');
    const res = await h.call('GET', q, { as: 'globalReader' });
    expect(res.status).toBe(200);
    expect(res.body.value.every((u: { signInActivity?: unknown }) => 'signInActivity' in u)).toBe(true);
  });
});
