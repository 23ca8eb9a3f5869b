import { ROLE } from '../../sandbox/data/model.js';
import { APPLICATION_TEMPLATES, SEED_USERS, SKU, UNVERIFIED_DOMAIN } from '../../sandbox/data/seed.js';
import { GraphHarness, expectGraphError } from './graph-harness.js';

const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(async () => {
  expect((await h.admin('POST', '/reset')).status).toBe(200);
});

const newUser = (upn: string, extra: Record<string, unknown> = {}) => ({
  accountEnabled: true,
  displayName: 'Indio service',
  mailNickname: 'indio-svc',
  userPrincipalName: upn,
  passwordProfile: { password: 'Xk4!pQ9#zL2@wR7v', forceChangePasswordNextSignIn: false },
  ...extra,
});

describe('behaviours procedures must survive', () => {
  it('answers a duplicate role assignment 400 "conflicting object"', async () => {
    const body = {
      principalId: SEED_USERS.acceptedGuest.id,
      roleDefinitionId: ROLE.guestInviter,
      directoryScopeId: '/',
    };
    expect(
      (await h.call('POST', '/roleManagement/directory/roleAssignments', { as: 'globalAdmin', body })).status,
    ).toBe(201);
    const dup = await h.call('POST', '/roleManagement/directory/roleAssignments', {
      as: 'globalAdmin',
      body,
    });
    expectGraphError(
      dup,
      400,
      'Request_BadRequest',
      'A conflicting object with one or more of the specified property values is present in the directory.',
    );
  });

  it('refuses a licence without usageLocation, and a SKU with no free seat', async () => {
    await h.admin('PUT', '/mailbox-provisioning', { ms: 0 });
    const created = await h.call('POST', '/users', {
      as: 'userAdmin',
      body: newUser('indio@cabinet-exemple.fr'),
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('passwordProfile');
    const noLocation = await h.call('POST', `/users/${created.body.id}/assignLicense`, {
      as: 'userAdmin',
      body: { addLicenses: [{ skuId: SKU.m365E3, disabledPlans: [] }], removeLicenses: [] },
    });
    expectGraphError(
      noLocation,
      400,
      'Request_BadRequest',
      'License assignment cannot be done for user with invalid usage location.',
    );
    expect(
      (await h.call('PATCH', `/users/${created.body.id}`, { as: 'userAdmin', body: { usageLocation: 'FR' } }))
        .status,
    ).toBe(204);
    const full = await h.call('POST', `/users/${created.body.id}/assignLicense`, {
      as: 'userAdmin',
      body: { addLicenses: [{ skuId: SKU.businessStandard, disabledPlans: [] }], removeLicenses: [] },
    });
    expectGraphError(full, 400, 'Request_BadRequest', 'does not have any available licenses');
    const ok = await h.call('POST', `/users/${created.body.id}/assignLicense`, {
      as: 'userAdmin',
      body: { addLicenses: [{ skuId: SKU.exchangeStandard, disabledPlans: [] }], removeLicenses: [] },
    });
    expect(ok.status).toBe(200);
    const mailbox = await h.call(
      'GET',
      `/users/${created.body.id}?$select=provisionedPlans,assignedLicenses`,
      { as: 'userAdmin' },
    );
    expect(mailbox.body.provisionedPlans).toEqual([
      { capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' },
    ]);
    const details = await h.call('GET', `/users/${created.body.id}/licenseDetails`, { as: 'userAdmin' });
    expect(details.body.value[0]).toMatchObject({
      skuId: SKU.exchangeStandard,
      skuPartNumber: 'EXCHANGESTANDARD',
    });
  });

  it('provisions the mailbox after the configured delay (moved clock)', async () => {
    await h.admin('PUT', '/mailbox-provisioning', { ms: 60 * 60_000 });
    const created = await h.call('POST', '/users', {
      as: 'userAdmin',
      body: newUser('mbx@cabinet-exemple.fr', { usageLocation: 'FR' }),
    });
    await h.call('POST', `/users/${created.body.id}/assignLicense`, {
      as: 'userAdmin',
      body: { addLicenses: [{ skuId: SKU.m365E3, disabledPlans: [] }], removeLicenses: [] },
    });
    const read = () =>
      h.call('GET', `/users/${created.body.id}?$select=provisionedPlans`, { as: 'userAdmin' });
    expect((await read()).body.provisionedPlans[0].provisioningStatus).toBe('PendingActivation');
    h.clock += 61 * 60_000;
    expect((await read()).body.provisionedPlans[0].provisioningStatus).toBe('Success');
  });

  it('refuses a UPN outside the verified domains and a weak password', async () => {
    const outside = await h.call('POST', '/users', {
      as: 'userAdmin',
      body: newUser(`svc@${UNVERIFIED_DOMAIN}`),
    });
    expectGraphError(
      outside,
      400,
      'Request_BadRequest',
      'The domain portion of the userPrincipalName property is invalid',
    );
    const weak = await h.call('POST', '/users', {
      as: 'userAdmin',
      body: newUser('svc@cabinet-exemple.fr', {
        passwordProfile: { password: 'password', forceChangePasswordNextSignIn: false },
      }),
    });
    expectGraphError(weak, 400, 'Request_BadRequest', 'password complexity requirements');
    const dup = await h.call('POST', '/users', {
      as: 'userAdmin',
      body: newUser(SEED_USERS.plainUser.userPrincipalName),
    });
    expectGraphError(dup, 400, 'Request_BadRequest', 'already exists');
    expect(h.sandbox.state.findUser('svc@cabinet-exemple.fr')).toBeUndefined();
  });

  it('refuses a malformed invitation address and returns the existing guest on re-invite', async () => {
    for (const bad of ['not-an-address', 'a@b', 'x@@cegid.com', 'jean dupont@cegid.com']) {
      const res = await h.call('POST', '/invitations', {
        as: 'guestInviter',
        body: { invitedUserEmailAddress: bad, inviteRedirectUrl: 'https://myapps.microsoft.com' },
      });
      expectGraphError(res, 400, 'BadRequest');
    }
    const before = h.sandbox.state.users.size;
    const again = await h.call('POST', '/invitations', {
      as: 'guestInviter',
      body: {
        invitedUserEmailAddress: 'JEAN.DUPONT@cegid.com',
        inviteRedirectUrl: 'https://myapps.microsoft.com',
      },
    });
    expect(again.status).toBe(201);
    expect(again.body.invitedUser.id).toBe(SEED_USERS.acceptedGuest.id);
    expect(h.sandbox.state.users.size).toBe(before);
    const fresh = await h.call('POST', '/invitations', {
      as: 'guestInviter',
      body: {
        invitedUserEmailAddress: 'nouveau@cegid.com',
        inviteRedirectUrl: 'https://myapps.microsoft.com',
        sendInvitationMessage: true,
        invitedUserMessageInfo: { messageLanguage: 'fr-FR' },
      },
    });
    expect(fresh.body).toMatchObject({
      status: 'PendingAcceptance',
      invitedUserType: 'Guest',
      invitedUserMessageInfo: { messageLanguage: 'fr-FR' },
    });
    const guest = await h.call(
      'GET',
      `/users/${fresh.body.invitedUser.id}?$select=userType,externalUserState,mail`,
      { as: 'guestInviter' },
    );
    expect(guest.body).toMatchObject({
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
      mail: 'nouveau@cegid.com',
    });
    expect((await h.admin('POST', `/guests/${fresh.body.invitedUser.id}/accept`)).status).toBe(204);
    const accepted = await h.call('GET', `/users/${fresh.body.invitedUser.id}?$select=externalUserState`, {
      as: 'guestInviter',
    });
    expect(accepted.body.externalUserState).toBe('Accepted');
  });

  it('hides just-created objects during replication lag, until the clock moves', async () => {
    expect((await h.admin('PUT', '/replication-lag', { ms: 90_000 })).status).toBe(200);
    const inv = await h.call('POST', '/invitations', {
      as: 'guestInviter',
      body: { invitedUserEmailAddress: 'lag@cegid.com', inviteRedirectUrl: 'https://myapps.microsoft.com' },
    });
    const id = inv.body.invitedUser.id as string;
    expectGraphError(
      await h.call('GET', `/users/${id}`, { as: 'plainUser' }),
      404,
      'Request_ResourceNotFound',
    );
    const filtered = await h.call('GET', `/users?$filter=mail eq 'lag@cegid.com'`, { as: 'plainUser' });
    expect(filtered.body.value).toEqual([]);
    const body = { principalId: id, roleDefinitionId: ROLE.guestInviter, directoryScopeId: '/' };
    expectGraphError(
      await h.call('POST', '/roleManagement/directory/roleAssignments', { as: 'privilegedRoleAdmin', body }),
      404,
      'Request_ResourceNotFound',
    );
    h.clock += 60_000;
    expect((await h.call('GET', `/users/${id}`, { as: 'plainUser' })).status).toBe(404);
    h.clock += 31_000;
    expect((await h.call('GET', `/users/${id}`, { as: 'plainUser' })).status).toBe(200);
    expect(
      (await h.call('GET', `/users?$filter=mail eq 'lag@cegid.com'`, { as: 'plainUser' })).body.value,
    ).toHaveLength(1);
    expect(
      (await h.call('POST', '/roleManagement/directory/roleAssignments', { as: 'privilegedRoleAdmin', body }))
        .status,
    ).toBe(201);
  });

  it('verifies a domain only once its TXT record is published', async () => {
    const added = await h.call('POST', '/domains', {
      as: 'globalAdmin',
      body: { id: 'cabinet-exemple.net' },
    });
    expect(added.status).toBe(201);
    expect(added.body.isVerified).toBe(false);
    const records = await h.call('GET', '/domains/cabinet-exemple.net/verificationDnsRecords', {
      as: 'globalAdmin',
    });
    const txt = records.body.value.find((r: { recordType: string }) => r.recordType === 'Txt');
    expect(txt.text).toMatch(/^MS=ms[0-9a-f]{8}$/);
    expectGraphError(
      await h.call('POST', '/domains/cabinet-exemple.net/verify', { as: 'globalAdmin' }),
      400,
      'Request_BadRequest',
    );
    await h.admin('PUT', '/dns/cabinet-exemple.net');
    const verified = await h.call('POST', '/domains/cabinet-exemple.net/verify', { as: 'globalAdmin' });
    expect(verified.body.isVerified).toBe(true);
    expect(
      (await h.call('POST', '/users', { as: 'userAdmin', body: newUser('svc@cabinet-exemple.net') })).status,
    ).toBe(201);
  });

  it('instantiates a gallery app and runs its provisioning job', async () => {
    const tpl = APPLICATION_TEMPLATES.goTo;
    const inst = await h.call('POST', `/applicationTemplates/${tpl.id}/instantiate`, {
      as: 'applicationAdmin',
      body: { displayName: 'GoTo Meeting' },
    });
    expect(inst.status).toBe(201);
    const sp = inst.body.servicePrincipal.id as string;
    const templates = await h.call('GET', `/servicePrincipals/${sp}/synchronization/templates`, {
      as: 'applicationAdmin',
    });
    expect(templates.body.value[0].factoryTag).toBe(tpl.factoryTag);
    const job = await h.call('POST', `/servicePrincipals/${sp}/synchronization/jobs`, {
      as: 'applicationAdmin',
      body: { templateId: templates.body.value[0].id },
    });
    expect(job.status).toBe(201);
    const jobUrl = `/servicePrincipals/${sp}/synchronization/jobs/${job.body.id}`;
    const bad = await h.call('POST', `${jobUrl}/validateCredentials`, {
      as: 'applicationAdmin',
      body: {
        credentials: [
          { key: 'BaseAddress', value: 'https://api.goto.example' },
          { key: 'SecretToken', value: 'short' },
        ],
      },
    });
    expectGraphError(bad, 400, 'BadRequest');
    const creds = [
      { key: 'BaseAddress', value: 'https://api.goto.example/scim' },
      { key: 'SecretToken', value: 'a-long-enough-secret-token' },
    ];
    expect(
      (
        await h.call('POST', `${jobUrl}/validateCredentials`, {
          as: 'applicationAdmin',
          body: { credentials: creds },
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await h.call('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
          as: 'applicationAdmin',
          body: { value: creds },
        })
      ).status,
    ).toBe(204);
    expect((await h.call('POST', `${jobUrl}/start`, { as: 'applicationAdmin' })).status).toBe(204);
    const status = await h.call('GET', jobUrl, { as: 'applicationAdmin' });
    expect(status.body.status.code).toBe('Active');
    const assign = await h.call('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, {
      as: 'applicationAdmin',
      body: {
        principalId: SEED_USERS.plainUser.id,
        resourceId: sp,
        appRoleId: inst.body.servicePrincipal.appRoles[0].id,
      },
    });
    expect(assign.status).toBe(201);
    const log = await (await h.admin('GET', '/log')).json();
    expect(JSON.stringify(log)).not.toContain('a-long-enough-secret-token');
    expect(JSON.stringify(log)).not.toContain('Xk4!pQ9');
  });
});

describe('request bodies', () => {
  it('answers malformed JSON, unknown properties and oversized bodies Graph-shaped, and keeps serving', async () => {
    expectGraphError(
      await h.call('POST', '/users', {
        as: 'userAdmin',
        raw: '{"accountEnabled": tru',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'BadRequest',
      'Unable to read JSON request payload',
    );
    expectGraphError(
      await h.call('POST', '/users', {
        as: 'userAdmin',
        body: newUser('x1@cabinet-exemple.fr', { favouriteColour: 'blue' }),
      }),
      400,
      'BadRequest',
      "'favouriteColour'",
    );
    expectGraphError(
      await h.call('POST', '/invitations', {
        as: 'userAdmin',
        body: { invitedUserEmailAddress: 'a@cegid.com', inviteRedirectUrl: 'https://x.fr', sendInvite: true },
      }),
      400,
      'BadRequest',
      "'sendInvite'",
    );
    expectGraphError(
      await h.call('PATCH', '/policies/authorizationPolicy', {
        as: 'globalAdmin',
        body: { allowInvitesFrom: 'sometimes' },
      }),
      400,
      'BadRequest',
    );
    expectGraphError(
      await h.call('PATCH', '/policies/authorizationPolicy', {
        as: 'globalAdmin',
        body: { defaultUserRolePermissions: { allowedToFly: true } },
      }),
      400,
      'BadRequest',
    );
    expectGraphError(
      await h.call('POST', '/users/' + SEED_USERS.plainUser.id + '/assignLicense', {
        as: 'userAdmin',
        body: { addLicenses: [], removeLicenses: [], extra: 1 },
      }),
      400,
      'BadRequest',
    );
    expectGraphError(await h.call('POST', '/users', { as: 'userAdmin', body: [1, 2] }), 400, 'BadRequest');
    const huge = JSON.stringify({ displayName: 'x'.repeat(5 * 1024 * 1024) });
    expectGraphError(
      await h.call('POST', '/users', {
        as: 'userAdmin',
        raw: huge,
        headers: { 'content-type': 'application/json' },
      }),
      413,
      'RequestEntityTooLarge',
    );
    expectGraphError(await h.call('GET', '/users/%E0%A4%A', { as: 'plainUser' }), 400, 'BadRequest');
    const typed = await h.call('POST', '/roleManagement/directory/roleAssignments', {
      as: 'globalAdmin',
      body: {
        '@odata.type': '#microsoft.graph.group',
        principalId: SEED_USERS.plainUser.id,
        roleDefinitionId: ROLE.guestInviter,
        directoryScopeId: '/',
      },
    });
    expectGraphError(typed, 400, 'BadRequest');
    expect((await h.call('GET', '/me', { as: 'plainUser' })).status).toBe(200);
  });
});

describe('replication lag on service principals', () => {
  it('hides an instantiated gallery app’s service principal until the lag has passed', async () => {
    await h.admin('PUT', '/replication-lag', { ms: 30_000 });
    const inst = await h.call(
      'POST',
      `/applicationTemplates/${APPLICATION_TEMPLATES.logMeIn.id}/instantiate`,
      {
        as: 'globalAdmin',
        body: { displayName: 'LogMeIn' },
      },
    );
    expect(inst.status).toBe(201);
    const sp = inst.body.servicePrincipal as { id: string; appId: string };
    expectGraphError(
      await h.call('GET', `/servicePrincipals/${sp.id}`, { as: 'globalAdmin' }),
      404,
      'Request_ResourceNotFound',
    );
    expectGraphError(
      await h.call('GET', `/servicePrincipals(appId='${sp.appId}')`, { as: 'globalAdmin' }),
      404,
      'Request_ResourceNotFound',
    );
    h.clock += 30_000;
    expect(
      (await h.call('GET', `/servicePrincipals(appId='${sp.appId}')`, { as: 'globalAdmin' })).body.id,
    ).toBe(sp.id);
  });
});
