/** Applications and service principals: consented apps, app role assignments, gallery templates. */
import { guidFrom, type GraphObject } from '../../data/model.js';
import { servicePrincipal } from '../../data/seed.js';
import type { GraphResponse } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { contextUrl, type CollectionOptions } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import {
  type Handler,
  type HandlerArgs,
  checkBody,
  checkParams,
  entity,
  iso,
  list,
  ok,
  str,
} from './shared.js';

/** The app role assignments a service principal grants (as resource) or holds (as principal). */
export function appRoleAssignmentsOf(
  a: HandlerArgs,
  side: 'resourceId' | 'principalId',
  navigation: 'appRoleAssignedTo' | 'appRoleAssignments',
): GraphResponse {
  const sp = findSp(a);
  return list(
    a,
    a.rt.state.appRoleAssignments.filter((r) => r[side] === sp.id),
    {
      type: 'appRoleAssignment',
      directoryObjects: false,
      contextPath: `servicePrincipals('${sp.id}')/${navigation}`,
    },
    ['$select', '$filter', '$top', '$skiptoken', '$count'],
  );
}

export function findSp(a: HandlerArgs, by: 'id' | 'appId' = 'id'): GraphObject & { appId: string } {
  const key = decodeURIComponent(by === 'id' ? a.params.id! : a.params.appId!);
  const sp = a.rt.state.findServicePrincipal(key, by);
  if (!sp || !a.rt.visible(sp.id)) throw notFound(key);
  return sp;
}

export const spCollection = (a: HandlerArgs): CollectionOptions => ({
  type: 'servicePrincipal',
  directoryObjects: true,
  maxTop: 999,
  contextPath: 'servicePrincipals',
  ...(a ? {} : {}),
});

export const applicationHandlers = {
  'GET /servicePrincipals': (a) => list(a, [...a.rt.state.servicePrincipals.values()], spCollection(a)),
  'GET /servicePrincipals/{id}': (a) => entity(a, 'servicePrincipal', 'servicePrincipals', findSp(a)),
  "GET /servicePrincipals(appId='{appId}')": (a) =>
    entity(a, 'servicePrincipal', 'servicePrincipals', findSp(a, 'appId')),
  'GET /servicePrincipals/{id}/appRoleAssignedTo': (a) =>
    appRoleAssignmentsOf(a, 'resourceId', 'appRoleAssignedTo'),
  'POST /servicePrincipals/{id}/appRoleAssignedTo': (a) => {
    const sp = findSp(a);
    const body = checkBody(a.req.body, 'appRoleAssignment');
    const principalId = str(body, 'principalId', 'AppRoleAssignment')!.toLowerCase();
    const resourceId = str(body, 'resourceId', 'AppRoleAssignment')!.toLowerCase();
    const appRoleId = str(body, 'appRoleId', 'AppRoleAssignment')!.toLowerCase();
    if (resourceId !== sp.id)
      throw badRequest('The resourceId must be the id of the service principal in the URL.');
    const user = a.rt.state.users.get(principalId);
    const principalSp = a.rt.state.servicePrincipals.get(principalId);
    const group = a.rt.state.groups.get(principalId);
    if ((!user && !principalSp && !group) || !a.rt.visible(principalId)) throw notFound(principalId);
    const roles = (sp.appRoles as { id: string }[] | undefined) ?? [];
    if (appRoleId !== '00000000-0000-0000-0000-000000000000' && !roles.some((r) => r.id === appRoleId))
      throw badRequest('Permission being assigned was not found on application');
    if (
      a.rt.state.appRoleAssignments.some(
        (r) => r.principalId === principalId && r.resourceId === sp.id && r.appRoleId === appRoleId,
      )
    )
      throw badRequest('Permission being assigned already exists on the object');
    const assignment: GraphObject = {
      id: Buffer.from(`${principalId}:${sp.id}:${appRoleId}`).toString('base64url').slice(0, 43),
      deletedDateTime: null,
      appRoleId,
      createdDateTime: iso(a.rt.now()),
      principalDisplayName:
        user?.displayName ?? principalSp?.displayName ?? (group?.displayName as string | undefined) ?? null,
      principalId,
      principalType: user ? 'User' : group ? 'Group' : 'ServicePrincipal',
      resourceDisplayName: sp.displayName as string,
      resourceId: sp.id,
    };
    a.rt.state.appRoleAssignments.push(assignment);
    return ok(
      {
        '@odata.context': contextUrl(
          a.req,
          `servicePrincipals('${sp.id}')/appRoleAssignedTo`,
          undefined,
          true,
        ),
        ...assignment,
      },
      201,
    );
  },
  'GET /servicePrincipals/{id}/appRoleAssignments': (a) =>
    appRoleAssignmentsOf(a, 'principalId', 'appRoleAssignments'),
  'GET /applications': (a) => {
    const withOwners = (a.req.query.get('$expand') ?? '').split(',').some((n) => n.trim() === 'owners');
    return list(
      a,
      [...a.rt.state.applications.values()],
      {
        type: 'application',
        directoryObjects: true,
        maxTop: 999,
        contextPath: 'applications',
        expandable: ['owners'],
      },
      undefined,
      (o, out) => {
        if (!withOwners) return;
        // Owners are users (or service principals); userType tells guests apart.
        out.owners = (a.rt.state.applicationOwners.get(String(o.id)) ?? []).flatMap((id) => {
          const u = a.rt.state.users.get(id);
          return u
            ? [
                {
                  '@odata.type': '#microsoft.graph.user',
                  id: u.id,
                  displayName: u.displayName,
                  userType: u.userType,
                },
              ]
            : [];
        });
      },
    );
  },
  'GET /applicationTemplates': (a) =>
    list(a, a.rt.state.applicationTemplates, {
      type: 'applicationTemplate',
      directoryObjects: false,
      contextPath: 'applicationTemplates',
    }),
  'GET /applicationTemplates/{id}': (a) => {
    const id = decodeURIComponent(a.params.id!).toLowerCase();
    const t = a.rt.state.applicationTemplates.find((x) => x.id === id);
    if (!t) throw notFound(id);
    return entity(a, 'applicationTemplate', 'applicationTemplates', t);
  },
  'POST /applicationTemplates/{id}/instantiate': (a) => {
    const id = decodeURIComponent(a.params.id!).toLowerCase();
    const t = a.rt.state.applicationTemplates.find((x) => x.id === id);
    if (!t) throw notFound(id);
    const body = checkParams(a.req.body, ['displayName', 'serviceManagementReference'], 'instantiate');
    const displayName =
      typeof body.displayName === 'string' && body.displayName !== '' ? body.displayName : null;
    if (!displayName) throw badRequest("The 'displayName' parameter is required.", 'BadRequest');
    const state = a.rt.state;
    const appId = state.newId('appId');
    const application: GraphObject = {
      id: state.newId('application'),
      deletedDateTime: null,
      appId,
      applicationTemplateId: t.id,
      createdDateTime: iso(a.rt.now()),
      description: null,
      displayName,
      identifierUris: [],
      keyCredentials: [],
      notes: null,
      passwordCredentials: [],
      publisherDomain: [...state.domains.values()].find((d) => d.isDefault)?.id ?? null,
      requiredResourceAccess: [],
      signInAudience: 'AzureADMyOrg',
      tags: [],
    };
    const sp = servicePrincipal(appId, displayName, {
      id: state.newId('servicePrincipal'),
      applicationTemplateId: t.id,
      appOwnerOrganizationId: state.tenantId,
      appRoles: [
        {
          allowedMemberTypes: ['User'],
          description: 'User',
          displayName: 'User',
          id: guidFrom(`approle:${appId}:user`),
          isEnabled: true,
          origin: 'Application',
          value: null,
        },
      ],
      tags: [
        'WindowsAzureActiveDirectoryIntegratedApp',
        'WindowsAzureActiveDirectoryGalleryApplicationNonPrimaryV1',
      ],
    });
    state.applications.set(application.id, application);
    state.servicePrincipals.set(sp.id, sp);
    a.rt.created(application.id);
    a.rt.created(sp.id);
    return ok(
      {
        '@odata.context': `${a.req.origin}/v1.0/$metadata#microsoft.graph.applicationServicePrincipal`,
        application,
        servicePrincipal: sp,
      },
      201,
    );
  },
} satisfies Partial<Record<RouteKey, Handler>>;
