import {
  GraphModel,
  loadGraphModel,
  resolveGraphRequest,
  type GraphMethod,
  type ResolveOptions,
} from './csdl.js';

const model = loadGraphModel();

function expectOk(method: GraphMethod, path: string, options?: ResolveOptions) {
  const result = resolveGraphRequest(method, path, options);
  if (!result.ok) throw new Error(`${method} ${path} should resolve: ${result.reason}`);
  return result;
}

describe('the vendored Graph v1.0 CSDL', () => {
  it('loads every schema, the container, and the alias of microsoft.graph', () => {
    expect(model.entitySets.get('users')).toBe('microsoft.graph.user');
    expect(model.singletons.get('me')).toBe('microsoft.graph.user');
    expect(model.qualify('graph.user')).toBe('microsoft.graph.user');
    expect(model.types.get('microsoft.graph.user')?.baseType).toBe('microsoft.graph.directoryObject');
    expect(model.keyOf('microsoft.graph.user')).toEqual(['id']); // inherited from microsoft.graph.entity
    expect(model.types.has('microsoft.graph.callRecords.callRecord')).toBe(true);
    expect(model.types.size).toBeGreaterThan(2500);
  });

  it('keeps alternate keys (servicePrincipal by appId, user by userPrincipalName)', () => {
    const alias = (t: string) =>
      model.alternateKeysOf(t).map((k) => k.map((r) => r.alias || r.property).join(','));
    expect(alias('microsoft.graph.servicePrincipal')).toContain('appId');
    expect(alias('microsoft.graph.user')).toContain('userPrincipalName');
  });

  it('parses a small document on its own (aliases, inheritance, abstract types, bound operations)', () => {
    const tiny = new GraphModel(`<?xml version="1.0" encoding="utf-8"?>
      <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
      <Schema Namespace="ns.one" Alias="one" xmlns="http://docs.oasis-open.org/odata/ns/edm">
        <EntityType Name="base" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" /></EntityType>
        <EntityType Name="thing" BaseType="one.base"><Property Name="size" Type="Edm.Int32" /></EntityType>
        <Action Name="poke" IsBound="true"><Parameter Name="bindingParameter" Type="one.thing" /><Parameter Name="how" Type="Edm.String" /></Action>
        <EntityContainer Name="c"><EntitySet Name="bases" EntityType="one.base" /></EntityContainer>
      </Schema></edmx:DataServices></edmx:Edmx>`);
    expect(tiny.resolve('GET', '/bases/{id}/ns.one.thing', { select: ['size'] }).ok).toBe(true);
    expect(tiny.resolve('POST', '/bases/{id}/one.thing/poke', { bodyProperties: ['how'] }).ok).toBe(true);
    expect(tiny.resolve('POST', '/bases/{id}/poke').ok).toBe(false); // bound to the derived type only
    expect(tiny.resolve('POST', '/bases', { bodyProperties: ['id'] })).toMatchObject({ ok: false });
    expect(tiny.resolve('POST', '/bases', { bodyProperties: ['@odata.type', 'size'] }).ok).toBe(true);
  });
});

describe('resolving requests (must pass)', () => {
  // Every operation Sesame declares is resolved in tests/contract/graph-operations.test.ts.
  it('entity sets, singletons and containment navigation', () => {
    expect(expectOk('GET', '/users').target).toEqual({
      kind: 'collection',
      type: { type: 'microsoft.graph.user', collection: true },
    });
    expect(expectOk('GET', '/me').target.kind).toBe('entity');
    expect(expectOk('GET', '/policies/authorizationPolicy').target.type?.type).toBe(
      'microsoft.graph.authorizationPolicy',
    );
    expect(expectOk('GET', '/roleManagement/directory/roleAssignments').target.type?.type).toBe(
      'microsoft.graph.unifiedRoleAssignment',
    );
  });

  it('keys as segments and in parentheses, and alternate keys', () => {
    expect(expectOk('GET', '/users/{id}').template).toBe('/users/{id}');
    expect(expectOk('GET', '/users/jane.doe@contoso.fr').template).toBe('/users/{id}'); // a UPN is a key
    expect(expectOk('GET', "/users('0f6c4e1a-0000-4000-8000-000000000001')").template).toBe('/users({id})');
    expect(expectOk('GET', "/servicePrincipals(appId='ff28182b-b927-4697-9f0e-3d38e40971a8')").template).toBe(
      '/servicePrincipals(appId={appId})',
    );
    expect(expectOk('GET', "/users(userPrincipalName='jane@contoso.fr')").target.kind).toBe('entity');
    expect(
      expectOk('GET', "/directoryRoles(roleTemplateId='62e90394-69f5-4237-9190-012177145e10')/members").target
        .kind,
    ).toBe('collection');
  });

  it('navigation properties, $count, $ref and type casts', () => {
    expect(expectOk('GET', '/users/{id}/licenseDetails').target.type?.type).toBe(
      'microsoft.graph.licenseDetails',
    );
    expect(expectOk('GET', '/users/$count').target.kind).toBe('count');
    expect(expectOk('GET', '/groups/{id}/members/microsoft.graph.user/$count').target.kind).toBe('count');
    expect(expectOk('POST', '/groups/{id}/members/$ref', { bodyProperties: ['@odata.id'] }).target.kind).toBe(
      'ref',
    );
    expect(expectOk('DELETE', '/groups/{id}/members/{id}/$ref').target.kind).toBe('ref');
    expect(
      expectOk('GET', '/directoryObjects/graph.user', { select: ['userPrincipalName'] }).target.type?.type,
    ).toBe('microsoft.graph.user');
    expect(
      expectOk('GET', '/users/{id}/memberOf', { select: ['microsoft.graph.group/displayName'] }).ok,
    ).toBe(true);
  });

  it('bound actions (POST) and functions (GET), qualified or not', () => {
    expect(
      expectOk('POST', '/users/{id}/assignLicense', { bodyProperties: ['addLicenses', 'removeLicenses'] })
        .target,
    ).toMatchObject({ kind: 'action', operation: 'microsoft.graph.assignLicense' });
    expect(expectOk('POST', '/users/{id}/microsoft.graph.assignLicense').target.operation).toBe(
      'microsoft.graph.assignLicense',
    );
    expect(expectOk('POST', '/domains/{id}/verify').target.type?.type).toBe('microsoft.graph.domain');
    expect(
      expectOk('POST', '/applicationTemplates/{id}/instantiate', { bodyProperties: ['displayName'] }).target
        .type?.type,
    ).toBe('microsoft.graph.applicationServicePrincipal');
    expect(expectOk('POST', '/servicePrincipals/{id}/synchronization/jobs/{id}/start').target.kind).toBe(
      'action',
    );
    expect(
      expectOk('POST', '/servicePrincipals/{id}/synchronization/jobs/validateCredentials').target.kind,
    ).toBe('action'); // bound to the collection of jobs
    expect(expectOk('GET', '/users/delta()').target.kind).toBe('function');
    expect(expectOk('GET', '/me/reminderView(StartDateTime={s},EndDateTime={e})').target.kind).toBe(
      'function',
    );
  });

  it('$batch, bodies with inherited properties, @odata.type and @odata.bind', () => {
    expect(expectOk('POST', '/$batch').target.kind).toBe('batch');
    // deletedDateTime is on directoryObject, id on entity: both inherited by user.
    expectOk('PATCH', '/users/{id}', { bodyProperties: ['usageLocation', 'deletedDateTime'] });
    expectOk('POST', '/groups', {
      bodyProperties: [
        '@odata.type',
        'displayName',
        'mailEnabled',
        'members@odata.bind',
        'owners@odata.bind',
      ],
    });
    expectOk('PUT', '/servicePrincipals/{id}/synchronization/secrets', { bodyProperties: ['value'] });
  });

  it('checks $expand navigation names', () => {
    expectOk(
      'GET',
      "/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '{id}'&$expand=principal",
    );
    expectOk('GET', '/users/{id}', { expand: ['manager($select=id,displayName)', 'memberOf'] });
    const bad = resolveGraphRequest('GET', '/users?$expand=principal');
    expect(bad).toMatchObject({
      ok: false,
      reason: "navigation property 'principal' is not on microsoft.graph.user",
    });
  });

  it('reads $select from the query string too', () => {
    expectOk('GET', '/users?$select=id,mail,externalUserState&$filter=userType%20eq%20%27Guest%27');
  });
});

describe('resolving requests (must fail, with the reason)', () => {
  const cases: [GraphMethod, string, ResolveOptions | undefined, string][] = [
    ['GET', '/users/{id}/foo', undefined, "unknown segment 'foo' after /users/{id}"],
    ['GET', '/userz', undefined, "unknown entity set or singleton 'userz'"],
    ['GET', '/users', { select: ['foo'] }, "property 'foo' is not on microsoft.graph.user"],
    ['GET', '/users?$select=id,foo', undefined, "property 'foo' is not on microsoft.graph.user"],
    [
      'GET',
      '/directoryObjects',
      { select: ['userPrincipalName'] },
      "property 'userPrincipalName' is not on microsoft.graph.directoryObject (it is on microsoft.graph.user",
    ],
    [
      'POST',
      '/users',
      { bodyProperties: ['displayName', 'foo'] },
      "property 'foo' is not on microsoft.graph.user",
    ],
    [
      'POST',
      '/users',
      { bodyProperties: ['passwordProfile.mustChange'] },
      "property 'mustChange' is not on microsoft.graph.passwordProfile",
    ],
    [
      'POST',
      '/users/{id}/assignLicense',
      { bodyProperties: ['skuId'] },
      "parameter 'skuId' is not on action",
    ],
    ['POST', '/groups', { bodyProperties: ['foo@odata.bind'] }, "'foo' is not a navigation property"],
    ['GET', '/users/{id}/assignLicense', undefined, 'assignLicense is an action: it takes POST, not GET'],
    ['POST', '/users/delta()', undefined, 'delta is a function: it takes GET, not POST'],
    ['GET', '/me/{id}', undefined, "unexpected key '{id}': /me is a singleton"],
    ['GET', "/me('x')", undefined, "'me' is a singleton: it takes no key"],
    [
      'GET',
      "/policies/authorizationPolicy('x')",
      undefined,
      "'authorizationPolicy' of microsoft.graph.policyRoot is single-valued",
    ],
    [
      'GET',
      "/servicePrincipals(clientId='x')",
      undefined,
      "'clientId' is not a key of microsoft.graph.servicePrincipal",
    ],
    ['POST', '/users/{id}', undefined, 'POST on a single entity is not defined'],
    ['DELETE', '/users', undefined, 'DELETE on a collection is not defined'],
    ['GET', '/me/$count', undefined, '$count needs a collection'],
    ['GET', '/users/{id}/assignLicense/foo', undefined, 'nothing may follow the action assignLicense'],
    ['GET', '/users/microsoft.graph.group', undefined, 'not a derived type'],
    ['GET', '/users/microsoft.graph.nope', undefined, "unknown type or operation 'microsoft.graph.nope'"],
    ['GET', '/$batch', undefined, '$batch accepts POST only'],
    ['POST', '/directoryObjects', { bodyProperties: ['displayName'] }, "property 'displayName' is not on"],
  ];
  it.each(cases)('%s %s', (method, path, options, reason) => {
    const result = resolveGraphRequest(method, path, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
