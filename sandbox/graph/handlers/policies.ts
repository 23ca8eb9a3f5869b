/** Policies: authorization, admin consent requests, cross-tenant access. */
import type { Json } from '../../data/model.js';
import type { GraphResponse } from '../context.js';
import { badRequest } from '../errors.js';
import type { RouteKey } from '../route-table.js';
import { type Handler, type HandlerArgs, checkBody, entity, noContent } from './shared.js';

export const INVITES_FROM = [
  'none',
  'adminsAndGuestInviters',
  'adminsGuestInvitersAndAllMembers',
  'everyone',
];

export const GUEST_ROLES = [
  'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  '2af84b1e-32c8-42b7-82bc-daa82404023b',
];

export function patchAuthorizationPolicy(a: HandlerArgs): GraphResponse {
  const body = checkBody(a.req.body, 'authorizationPolicy', {
    defaultUserRolePermissions: 'defaultUserRolePermissions',
  });
  const policy = a.rt.state.authorizationPolicy;
  for (const [k, v] of Object.entries(body)) {
    if (k.includes('@')) continue;
    if (k === 'id' || k === 'deletedDateTime')
      throw badRequest(`Property '${k}' is read-only and cannot be set.`);
    if (k === 'allowInvitesFrom' && !INVITES_FROM.includes(String(v)))
      throw badRequest(
        `Cannot convert the literal '${String(v)}' to the expected type 'microsoft.graph.allowInvitesFrom'.`,
        'BadRequest',
      );
    if (k === 'guestUserRoleId' && !GUEST_ROLES.includes(String(v).toLowerCase()))
      throw badRequest(
        "Invalid value specified for property 'guestUserRoleId' of resource 'AuthorizationPolicy'.",
      );
    if (k === 'defaultUserRolePermissions') {
      policy.defaultUserRolePermissions = {
        ...(policy.defaultUserRolePermissions as Record<string, Json>),
        ...(v as Record<string, Json>),
      };
      continue;
    }
    policy[k] = v as Json;
  }
  return noContent();
}

export const policyHandlers = {
  'GET /policies/authorizationPolicy': (a) =>
    entity(a, 'authorizationPolicy', 'policies/authorizationPolicy', a.rt.state.authorizationPolicy),
  'PATCH /policies/authorizationPolicy': patchAuthorizationPolicy,
  'GET /policies/adminConsentRequestPolicy': (a) =>
    entity(
      a,
      'adminConsentRequestPolicy',
      'policies/adminConsentRequestPolicy',
      a.rt.state.adminConsentRequestPolicy,
    ),
  'GET /policies/crossTenantAccessPolicy/default': (a) => {
    const { id: _id, ...policy } = a.rt.state.crossTenantAccessPolicyDefault;
    return entity(
      a,
      'crossTenantAccessPolicyConfigurationDefault',
      'policies/crossTenantAccessPolicy/default',
      policy,
    );
  },
} satisfies Partial<Record<RouteKey, Handler>>;
