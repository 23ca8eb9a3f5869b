import { readFileSync } from 'node:fs';
import { SEED_TENANT_ID, SEED_USERS, SESAME_APP_ID_URI, SESAME_CLIENT_ID } from '../../sandbox/data/seed.js';
import { GraphHarness, expectGraphError } from './graph-harness.js';

const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

describe('Graph v1.0 basics', () => {
  it('answers /me with the default user properties, @odata.context and request ids', async () => {
    const res = await h.call('GET', '/me', { as: 'plainUser', headers: { 'client-request-id': 'abc-123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    expect(res.body['@odata.context']).toBe(`${h.sandbox.graphUrl}/$metadata#users/$entity`);
    expect(res.body.userPrincipalName).toBe(SEED_USERS.plainUser.userPrincipalName);
    expect(res.body).not.toHaveProperty('userType');
    const sel = await h.call('GET', '/me?$select=id,userType,displayName', { as: 'plainUser' });
    expect(sel.body).toMatchObject({ id: SEED_USERS.plainUser.id, userType: 'Member' });
    expect(sel.body['@odata.context']).toContain('users(id,userType,displayName)/$entity');
  });

  it('reads a user by id and by UPN, 404s an unknown one', async () => {
    const byUpn = await h.call(
      'GET',
      `/users/${encodeURIComponent(SEED_USERS.guestInviter.userPrincipalName)}`,
      { as: 'plainUser' },
    );
    expect(byUpn.body.id).toBe(SEED_USERS.guestInviter.id);
    const missing = await h.call('GET', '/users/00000000-0000-0000-0000-000000000001', { as: 'plainUser' });
    expectGraphError(missing, 404, 'Request_ResourceNotFound');
  });

  it('filters users and rejects unknown $select properties like Graph', async () => {
    const res = await h.call(
      'GET',
      `/users?$filter=mail eq '${SEED_USERS.acceptedGuest.mail}'&$select=id,mail,externalUserState`,
      {
        as: 'plainUser',
        headers: { ConsistencyLevel: 'eventual' },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([
      { id: SEED_USERS.acceptedGuest.id, mail: SEED_USERS.acceptedGuest.mail, externalUserState: 'Accepted' },
    ]);
    expectGraphError(
      await h.call('GET', '/users?$select=id,shoeSize', { as: 'plainUser' }),
      400,
      'BadRequest',
      "'shoeSize'",
    );
    expectGraphError(
      await h.call('GET', "/users?$filter=shoeSize eq 'x'", { as: 'plainUser' }),
      400,
      'BadRequest',
      "'shoeSize'",
    );
    expectGraphError(
      await h.call('GET', "/users?$filter=mail eq 'x", { as: 'plainUser' }),
      400,
      'BadRequest',
      'Invalid filter clause',
    );
  });

  it('enforces $top maxima', async () => {
    const ok = await h.call('GET', '/users?$top=999', { as: 'plainUser' });
    expect(ok.status).toBe(200);
    expectGraphError(await h.call('GET', '/users?$top=1000', { as: 'plainUser' }), 400, 'Request_BadRequest');
    expectGraphError(await h.call('GET', '/users?$top=0', { as: 'plainUser' }), 400, 'Request_BadRequest');
    expectGraphError(await h.call('GET', '/users?$top=abc', { as: 'plainUser' }), 400, 'BadRequest');
  });

  it('needs $count=true and ConsistencyLevel: eventual for advanced queries', async () => {
    const advanced = [
      "/users?$filter=userType ne 'Member'",
      "/users?$filter=not(userType eq 'Member')",
      "/users?$filter=endswith(mail,'@cegid.com')",
      '/users?$count=true',
    ];
    for (const q of advanced) {
      expectGraphError(await h.call('GET', q, { as: 'plainUser' }), 400, 'Request_UnsupportedQuery');
    }
    // The header alone is not enough for ne / not / endswith: $count=true must come with it.
    for (const q of advanced.slice(0, 3)) {
      const res = await h.call('GET', q, { as: 'plainUser', headers: { ConsistencyLevel: 'eventual' } });
      expectGraphError(res, 400, 'Request_UnsupportedQuery');
    }
    const counted = await h.call('GET', '/users?$count=true', {
      as: 'plainUser',
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(counted.body['@odata.count']).toBe(h.sandbox.state.users.size);
    const guests = await h.call('GET', "/users?$filter=userType ne 'Member'&$count=true&$select=id", {
      as: 'plainUser',
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(guests.status).toBe(200);
    expect(guests.body['@odata.count']).toBe(4);
    expect(guests.body.value).toHaveLength(4);
    const ends = await h.call('GET', "/users?$filter=endswith(mail,'@cegid.com')&$count=true&$select=id", {
      as: 'plainUser',
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(ends.body.value).toEqual([{ id: SEED_USERS.acceptedGuest.id }]);
  });

  it('pages with an opaque $skiptoken and refuses a forged one', async () => {
    const first = await h.call('GET', '/users?$top=4&$select=id', { as: 'plainUser' });
    expect(first.body.value).toHaveLength(4);
    const next = first.body['@odata.nextLink'] as string;
    expect(next).toContain('$skiptoken=');
    const seen = new Set(first.body.value.map((u: { id: string }) => u.id));
    let link: string | undefined = next;
    while (link) {
      const page = await h.call('GET', link, { as: 'plainUser' });
      expect(page.status).toBe(200);
      for (const u of page.body.value) seen.add(u.id);
      link = page.body['@odata.nextLink'];
    }
    expect(seen.size).toBe(h.sandbox.state.users.size);
    expectGraphError(
      await h.call('GET', '/users?$top=4&$skiptoken=forged', { as: 'plainUser' }),
      400,
      'Directory_ExpiredPageToken',
    );
  });

  it('orders and expands principal on role assignments filtered by roleDefinitionId', async () => {
    const res = await h.call(
      'GET',
      "/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'&$expand=principal",
      { as: 'plainUser' },
    );
    expect(res.status).toBe(200);
    const names = res.body.value
      .map((a: { principal: { displayName: string } }) => a.principal.displayName)
      .sort();
    expect(names).toEqual(['Claire Martin', 'Paul Durand']);
    const ordered = await h.call('GET', '/users?$orderby=displayName desc&$top=2&$select=displayName', {
      as: 'plainUser',
    });
    expect(ordered.body.value[0].displayName >= ordered.body.value[1].displayName).toBe(true);
    expectGraphError(
      await h.call('GET', '/roleManagement/directory/roleAssignments?$expand=nonsense', { as: 'plainUser' }),
      400,
      'BadRequest',
    );
  });

  it('offers no $filter on subscribedSkus, as Graph', async () => {
    const all = await h.call('GET', '/subscribedSkus', { as: 'plainUser' });
    expect(all.status).toBe(200);
    expect(
      all.body.value.some(
        (s: { prepaidUnits: { enabled: number }; consumedUnits: number }) =>
          s.prepaidUnits.enabled === s.consumedUnits,
      ),
    ).toBe(true);
    expectGraphError(
      await h.call('GET', "/subscribedSkus?$filter=skuPartNumber eq 'SPE_E3'", { as: 'plainUser' }),
      400,
      'BadRequest',
    );
  });

  it('answers Graph-shaped errors for unknown routes, methods, tokens', async () => {
    expectGraphError(
      await h.call('GET', '/frobnicate', { as: 'plainUser' }),
      400,
      'BadRequest',
      "Resource not found for the segment 'frobnicate'.",
    );
    expectGraphError(await h.call('PUT', '/users', { as: 'plainUser' }), 405, 'Request_BadRequest');
    expectGraphError(await h.call('GET', '/me'), 401, 'InvalidAuthenticationToken');
    expectGraphError(await h.call('GET', '/me', { token: 'not.a.jwt' }), 401, 'InvalidAuthenticationToken');
    const token = await h.token('plainUser');
    h.clock += 2 * 3600_000;
    expectGraphError(await h.call('GET', '/me', { token }), 401, 'InvalidAuthenticationToken');
  });

  it('serves servicePrincipals(appId=…) and 404s an app never consented', async () => {
    const sp = await h.call('GET', `/servicePrincipals(appId='${SESAME_CLIENT_ID}')`, { as: 'plainUser' });
    expect(sp.body).toMatchObject({ appId: SESAME_CLIENT_ID, displayName: 'Sesame' });
    const grants = await h.call('GET', `/oauth2PermissionGrants?$filter=clientId eq '${sp.body.id}'`, {
      as: 'plainUser',
    });
    expect(grants.body.value[0].scope).toContain('User.Invite.All');
    expectGraphError(
      await h.call('GET', "/servicePrincipals(appId='ff28182b-b927-4697-9f0e-3d38e40971a8')", {
        as: 'plainUser',
      }),
      404,
      'Request_ResourceNotFound',
    );
  });

  it('serves the cross-tenant access default and a service principal’s own app role assignments', async () => {
    const policy = await h.call('GET', '/policies/crossTenantAccessPolicy/default', { as: 'globalReader' });
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({
      isServiceDefault: true,
      b2bCollaborationInbound: { usersAndGroups: { accessType: 'allowed' } },
    });
    expectGraphError(
      await h.call('GET', '/policies/crossTenantAccessPolicy/default', { as: 'plainUser' }),
      403,
      'Authorization_RequestDenied',
    );
    const sps = await h.call('GET', "/servicePrincipals?$filter=displayName eq 'Cegid Loop'&$select=id", {
      as: 'plainUser',
    });
    const granted = await h.call('GET', `/servicePrincipals/${sps.body.value[0].id}/appRoleAssignments`, {
      as: 'plainUser',
    });
    expect(granted.body.value).toEqual([
      expect.objectContaining({
        appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
        resourceDisplayName: 'Microsoft Graph',
      }),
    ]);
  });

  it('seeds the tenant and Sesame registration that env/.env.local points at', () => {
    const env = readFileSync(new URL('../../env/.env.local', import.meta.url), 'utf8');
    const value = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(env)?.[1];
    expect(value('AAD_APP_TENANT_ID')).toBe(SEED_TENANT_ID);
    expect(value('BOT_ID')).toBe(SESAME_CLIENT_ID);
    expect(value('AAD_APP_ID_URI')).toBe(SESAME_APP_ID_URI);
    expect(h.sandbox.tenantId).toBe(SEED_TENANT_ID);
  });
});
