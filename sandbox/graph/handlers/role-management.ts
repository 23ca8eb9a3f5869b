/** Directory role management: definitions, assignments, PIM eligibilities. */
import { addRoleAssignment } from '../../data/seed.js';
import type { GraphResponse } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { checkOptions, contextUrl, parseSelect, project, type CollectionOptions } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import {
  type Handler,
  type HandlerArgs,
  USER_DEFAULT_SELECT,
  checkBody,
  entity,
  list,
  noContent,
  ok,
  str,
} from './shared.js';

export const ROLE_ASSIGNMENT_FILTERS = [
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'id',
];

export const ELIGIBILITY_INSTANCES: CollectionOptions = {
  type: 'unifiedRoleEligibilityScheduleInstance',
  directoryObjects: false,
  filterProperties: ROLE_ASSIGNMENT_FILTERS.concat('memberType'),
  expandable: ['principal'],
  contextPath: 'roleManagement/directory/roleEligibilityScheduleInstances',
};

/** The eligibilities in effect now: one instance per provisioned schedule that has started and not expired. */

export function eligibilityInstances(a: HandlerArgs): Record<string, unknown>[] {
  const now = a.rt.now();
  return a.rt.state.roleEligibilitySchedules.flatMap((s) => {
    const info = s.scheduleInfo as {
      startDateTime: string | null;
      expiration: { endDateTime: string | null } | null;
    } | null;
    const start = info?.startDateTime ?? null;
    const endAt = info?.expiration?.endDateTime ?? null;
    if (s.status !== 'Provisioned') return [];
    if (start && Date.parse(start) > now) return [];
    if (endAt && Date.parse(endAt) <= now) return [];
    return [
      {
        id: s.id,
        appScopeId: s.appScopeId ?? null,
        directoryScopeId: s.directoryScopeId,
        principalId: s.principalId,
        roleDefinitionId: s.roleDefinitionId,
        startDateTime: start,
        endDateTime: endAt,
        memberType: s.memberType,
        roleEligibilityScheduleId: s.id,
      },
    ];
  });
}

export function expandPrincipal(a: HandlerArgs) {
  return (o: Record<string, unknown>, out: Record<string, unknown>): void => {
    if (!a.req.query.get('$expand')?.includes('principal')) return;
    const id = String(o.principalId);
    const u = a.rt.state.users.get(id);
    if (u) {
      out.principal = {
        '@odata.type': '#microsoft.graph.user',
        ...project(u, undefined, USER_DEFAULT_SELECT),
        userType: u.userType,
      };
      return;
    }
    const sp = a.rt.state.servicePrincipals.get(id);
    out.principal = sp
      ? {
          '@odata.type': '#microsoft.graph.servicePrincipal',
          id: sp.id,
          appId: sp.appId,
          displayName: sp.displayName,
        }
      : null;
  };
}

export function createRoleAssignment(a: HandlerArgs): GraphResponse {
  const body = checkBody(a.req.body, 'unifiedRoleAssignment');
  const odataType = body['@odata.type'];
  if (odataType !== undefined && odataType !== '#microsoft.graph.unifiedRoleAssignment')
    throw badRequest(
      `A type named '${String(odataType).replace(/^#/, '')}' could not be resolved by the model.`,
      'BadRequest',
    );
  const principalId = str(body, 'principalId', 'unifiedRoleAssignment')!.toLowerCase();
  const roleDefinitionId = str(body, 'roleDefinitionId', 'unifiedRoleAssignment')!.toLowerCase();
  const directoryScopeId = str(body, 'directoryScopeId', 'unifiedRoleAssignment', false) ?? '/';
  if (directoryScopeId !== '/')
    throw badRequest('The sandbox tenant supports only the tenant-wide directory scope "/".');
  const state = a.rt.state;
  const def = state.roleDefinitions.find(
    (d) => d.id === roleDefinitionId || d.templateId === roleDefinitionId,
  );
  if (!def) throw notFound(roleDefinitionId);
  const principalExists =
    (state.users.has(principalId) || state.servicePrincipals.has(principalId)) && a.rt.visible(principalId);
  if (!principalExists) throw notFound(principalId);
  for (const existing of state.roleAssignments.values()) {
    if (
      existing.principalId === principalId &&
      existing.roleDefinitionId === def.id &&
      existing.directoryScopeId === directoryScopeId
    )
      throw badRequest(
        'A conflicting object with one or more of the specified property values is present in the directory.',
      );
  }
  const created = addRoleAssignment(state, principalId, def.id);
  return ok(
    {
      '@odata.context': contextUrl(a.req, 'roleManagement/directory/roleAssignments', undefined, true),
      ...created,
    },
    201,
  );
}

export const roleManagementHandlers = {
  'GET /roleManagement/directory/roleDefinitions': (a) =>
    list(a, a.rt.state.roleDefinitions, {
      type: 'unifiedRoleDefinition',
      directoryObjects: false,
      contextPath: 'roleManagement/directory/roleDefinitions',
    }),
  'GET /roleManagement/directory/roleDefinitions/{id}': (a) => {
    const id = decodeURIComponent(a.params.id!).toLowerCase();
    const d = a.rt.state.roleDefinitions.find((r) => r.id === id);
    if (!d) throw notFound(id);
    return entity(a, 'unifiedRoleDefinition', 'roleManagement/directory/roleDefinitions', d);
  },
  'GET /roleManagement/directory/roleAssignments': (a) =>
    list(
      a,
      [...a.rt.state.roleAssignments.values()],
      {
        type: 'unifiedRoleAssignment',
        directoryObjects: false,
        filterProperties: ROLE_ASSIGNMENT_FILTERS,
        expandable: ['principal'],
        contextPath: 'roleManagement/directory/roleAssignments',
      },
      undefined,
      expandPrincipal(a),
    ),
  'POST /roleManagement/directory/roleAssignments': createRoleAssignment,
  'GET /roleManagement/directory/roleAssignments/{id}': (a) => {
    const ra = a.rt.state.roleAssignments.get(decodeURIComponent(a.params.id!));
    if (!ra) throw notFound(decodeURIComponent(a.params.id!));
    checkOptions(a.req, ['$select', '$expand']);
    const select = parseSelect(a.req, 'unifiedRoleAssignment');
    const out = project(ra, select);
    expandPrincipal(a)(ra, out);
    return ok({
      '@odata.context': contextUrl(a.req, 'roleManagement/directory/roleAssignments', select, true),
      ...out,
    });
  },
  'DELETE /roleManagement/directory/roleAssignments/{id}': (a) => {
    const id = decodeURIComponent(a.params.id!);
    if (!a.rt.state.roleAssignments.delete(id)) throw notFound(id);
    return noContent();
  },
  'GET /roleManagement/directory/roleEligibilitySchedules': (a) =>
    list(
      a,
      a.rt.state.roleEligibilitySchedules,
      {
        type: 'unifiedRoleEligibilitySchedule',
        directoryObjects: false,
        filterProperties: ROLE_ASSIGNMENT_FILTERS.concat('status', 'memberType'),
        expandable: ['principal'],
        contextPath: 'roleManagement/directory/roleEligibilitySchedules',
      },
      undefined,
      expandPrincipal(a),
    ),
  'GET /roleManagement/directory/roleEligibilityScheduleInstances': (a) =>
    list(a, eligibilityInstances(a), ELIGIBILITY_INSTANCES, undefined, expandPrincipal(a)),
  "GET /roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='{on}')": (a) => {
    const on = decodeURIComponent(a.params.on!);
    if (on !== 'principal') throw badRequest(`Unsupported value '${on}' for parameter 'on'.`);
    return list(
      a,
      eligibilityInstances(a).filter((i) => i.principalId === a.caller.user.id),
      ELIGIBILITY_INSTANCES,
      undefined,
      expandPrincipal(a),
    );
  },
} satisfies Partial<Record<RouteKey, Handler>>;
