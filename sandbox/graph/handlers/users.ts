/** Users: /me, /users, licences assigned to a user. */
import { ROLE, type GraphUser, type Json, type SubscribedSku } from '../../data/model.js';
import { baseUser } from '../../data/seed.js';
import type { GraphResponse } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { checkOptions, contextUrl, project, type CollectionOptions } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import {
  type Handler,
  type HandlerArgs,
  USER_DEFAULT_SELECT,
  checkBody,
  checkParams,
  isRecord,
  isStrongPassword,
  iso,
  list,
  noContent,
  ok,
  str,
  userEntity,
  visibleUser,
} from './shared.js';

export const usersCollection: CollectionOptions = {
  type: 'user',
  directoryObjects: true,
  maxTop: 999,
  defaultPageSize: 100,
  defaultSelect: USER_DEFAULT_SELECT,
  contextPath: 'users',
  expandable: ['sponsors'],
};

/** A user's sponsors as directory objects (users; a deleted sponsor is left out). */
function sponsorObjects(a: HandlerArgs, userId: string): Record<string, unknown>[] {
  return (a.rt.state.sponsors.get(userId) ?? []).flatMap((id) => {
    const u = a.rt.state.users.get(id);
    return u
      ? [{ '@odata.type': '#microsoft.graph.user', id: u.id, displayName: u.displayName, mail: u.mail }]
      : [];
  });
}

/** `$expand=sponsors`: each guest's sponsors as directory objects. */
export function expandSponsors(a: HandlerArgs) {
  const wanted = (a.req.query.get('$expand') ?? '').split(',').some((n) => n.trim() === 'sponsors');
  return (o: Record<string, unknown>, out: Record<string, unknown>): void => {
    if (!wanted) return;
    out.sponsors = sponsorObjects(a, String(o.id));
  };
}

/**
 * POST /users/{id}/sponsors/$ref: the body names one user by its read URL, as Graph wants
 * (`{"@odata.id": "https://graph.microsoft.com/v1.0/users/{id}"}`); a sponsor already there is refused, as Graph does.
 */
export function addSponsor(a: HandlerArgs): GraphResponse {
  const u = visibleUser(a, a.params.id!);
  const body = a.req.body;
  if (!isRecord(body) || Object.keys(body).length !== 1 || typeof body['@odata.id'] !== 'string')
    throw badRequest('Invalid request body: a reference is written {"@odata.id": "<url of the object>"}.');
  const ref = /^https:\/\/graph\.microsoft\.com\/v1\.0\/(?:users|directoryObjects)\/([^/?#]+)$/i.exec(
    body['@odata.id'],
  );
  if (!ref) throw badRequest(`Invalid object identifier '${body['@odata.id']}'.`);
  const sponsor = a.rt.state.findUser(decodeURIComponent(ref[1]!));
  if (!sponsor || !a.rt.visible(sponsor.id)) throw notFound(decodeURIComponent(ref[1]!));
  const sponsors = a.rt.state.sponsors.get(u.id) ?? [];
  if (sponsors.includes(sponsor.id))
    throw badRequest(
      "One or more added object references already exist for the following modified properties: 'sponsors'.",
    );
  a.rt.state.sponsors.set(u.id, [...sponsors, sponsor.id]);
  return noContent();
}

export function createUser(a: HandlerArgs): GraphResponse {
  const body = checkBody(a.req.body, 'user', {
    passwordProfile: 'passwordProfile',
    assignedLicenses: 'assignedLicense',
  });
  if (typeof body.accountEnabled !== 'boolean')
    throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  const displayName = str(body, 'displayName', 'User')!;
  const mailNickname = str(body, 'mailNickname', 'User')!;
  const upn = str(body, 'userPrincipalName', 'User')!;
  const profile = body.passwordProfile;
  if (!isRecord(profile) || typeof profile.password !== 'string' || profile.password === '')
    throw badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
  const at = upn.lastIndexOf('@');
  if (at <= 0 || !/^[A-Za-z0-9._'+-]+$/.test(upn.slice(0, at)))
    throw badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
  const domainName = upn.slice(at + 1).toLowerCase();
  if (!a.rt.state.verifiedDomainNames().includes(domainName))
    throw badRequest(
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
    );
  if (a.rt.state.findUser(upn))
    throw badRequest('Another object with the same value for property userPrincipalName already exists.');
  if (!isStrongPassword(profile.password, upn))
    throw badRequest(
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
    );
  const usage = body.usageLocation;
  if (usage !== undefined && usage !== null && (typeof usage !== 'string' || !/^[A-Z]{2}$/.test(usage)))
    throw badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");

  const id = a.rt.state.newId('user');
  const u = baseUser(id, upn, displayName, a.rt.now());
  u.mail = null;
  u.mailNickname = mailNickname;
  u.usageLocation = (usage as string | undefined) ?? null;
  u.preferredLanguage = null;
  for (const k of [
    'givenName',
    'surname',
    'jobTitle',
    'department',
    'companyName',
    'officeLocation',
    'mobilePhone',
    'passwordPolicies',
    'preferredLanguage',
  ] as const) {
    const v = body[k];
    if (typeof v === 'string') u[k] = v;
  }
  u.accountEnabled = body.accountEnabled;
  // The password itself is never kept: the sandbox has no sign-in by password.
  a.rt.state.addUser(u);
  a.rt.created(id);
  return {
    status: 201,
    headers: { location: `${a.req.origin}/v1.0/users/${id}` },
    body: {
      '@odata.context': contextUrl(a.req, 'users', undefined, true),
      ...project(u, undefined, USER_DEFAULT_SELECT),
    },
  };
}

export const PATCHABLE_USER = new Set([
  'accountEnabled',
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'usageLocation',
  'passwordPolicies',
  'preferredLanguage',
  'mailNickname',
  'otherMails',
  'passwordProfile',
  'userPrincipalName',
  'showInAddressList',
  'employeeId',
  'city',
  'country',
]);

/** Roles whose holders only a Global Administrator (or Privileged Authentication Administrator) may change. */

export const PRIVILEGED_TARGET_ROLES = [
  ROLE.globalAdministrator,
  ROLE.privilegedRoleAdministrator,
  ROLE.privilegedAuthenticationAdministrator,
];

/** Graph: a User Administrator cannot update or delete a more privileged administrator. */

export function guardPrivilegedTarget(a: HandlerArgs, u: GraphUser): void {
  if (u.id === a.caller.user.id) return;
  const targetRoles = a.rt.state.roleTemplateIdsOf(u.id);
  if (!targetRoles.some((r) => (PRIVILEGED_TARGET_ROLES as readonly string[]).includes(r))) return;
  if (
    a.caller.roles.has(ROLE.globalAdministrator) ||
    a.caller.roles.has(ROLE.privilegedAuthenticationAdministrator)
  )
    return;
  throw forbidden();
}

export function patchUser(a: HandlerArgs): GraphResponse {
  const u = visibleUser(a, a.params.id!);
  guardPrivilegedTarget(a, u);
  const body = checkBody(a.req.body, 'user', { passwordProfile: 'passwordProfile' });
  for (const [k, v] of Object.entries(body)) {
    if (k.includes('@')) continue;
    if (!PATCHABLE_USER.has(k)) throw badRequest(`Property '${k}' is read-only and cannot be set.`);
    if (k === 'usageLocation' && v !== null && (typeof v !== 'string' || !/^[A-Z]{2}$/.test(v)))
      throw badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");
    if (k === 'passwordProfile') {
      const p = v as Record<string, unknown>;
      if (typeof p.password === 'string' && !isStrongPassword(p.password, u.userPrincipalName))
        throw badRequest(
          'The specified password does not comply with password complexity requirements. Please provide a different password.',
        );
      continue;
    }
    if (k === 'userPrincipalName') {
      const upn = String(v);
      const d = upn.split('@')[1]?.toLowerCase() ?? '';
      if (!a.rt.state.verifiedDomainNames().includes(d))
        throw badRequest(
          'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
        );
      const old = u.userPrincipalName;
      u.userPrincipalName = upn;
      a.rt.state.reindexUser(old, u);
      continue;
    }
    (u as Record<string, unknown>)[k] = v;
  }
  return noContent();
}

export function assignLicense(a: HandlerArgs): GraphResponse {
  const u = visibleUser(a, a.params.id!);
  const body = checkParams(a.req.body, ['addLicenses', 'removeLicenses'], 'assignLicense');
  const add = body.addLicenses;
  const remove = body.removeLicenses;
  if (!Array.isArray(add) || !Array.isArray(remove))
    throw badRequest(
      "The request is missing the required parameters 'addLicenses' and 'removeLicenses'.",
      'BadRequest',
    );
  const skus = a.rt.state.subscribedSkus;
  const toAdd: { sku: SubscribedSku; disabledPlans: string[] }[] = [];
  for (const l of add) {
    if (!isRecord(l)) throw badRequest('Invalid license in addLicenses.', 'BadRequest');
    checkBody(l, 'assignedLicense');
    const skuId = String(l.skuId ?? '').toLowerCase();
    const sku = skus.find((s) => s.skuId === skuId);
    if (!sku) throw badRequest(`License ${String(l.skuId)} does not correspond to a valid company License.`);
    toAdd.push({ sku, disabledPlans: Array.isArray(l.disabledPlans) ? (l.disabledPlans as string[]) : [] });
  }
  for (const r of remove) {
    if (typeof r !== 'string' || !skus.some((s) => s.skuId === r.toLowerCase()))
      throw badRequest(`License ${String(r)} does not correspond to a valid company License.`);
  }
  if (toAdd.length > 0 && !u.usageLocation)
    throw badRequest('License assignment cannot be done for user with invalid usage location.');
  for (const { sku } of toAdd) {
    const already = u.assignedLicenses.some((l) => l.skuId === sku.skuId);
    if (!already && sku.consumedUnits >= sku.prepaidUnits.enabled)
      throw badRequest(`Subscription with SKU ${sku.skuId} does not have any available licenses.`);
  }
  // Arrays are replaced, never changed in place: generated users share frozen empty ones.
  for (const r of remove as string[]) {
    if (u.assignedLicenses.some((l) => l.skuId === r.toLowerCase())) {
      u.assignedLicenses = u.assignedLicenses.filter((l) => l.skuId !== r.toLowerCase());
      const sku = skus.find((s) => s.skuId === r.toLowerCase())!;
      sku.consumedUnits = Math.max(0, sku.consumedUnits - 1);
    }
  }
  for (const { sku, disabledPlans } of toAdd) {
    if (u.assignedLicenses.some((l) => l.skuId === sku.skuId)) {
      u.assignedLicenses = u.assignedLicenses.map((l) =>
        l.skuId === sku.skuId ? { skuId: l.skuId, disabledPlans } : l,
      );
      continue;
    }
    u.assignedLicenses = [...u.assignedLicenses, { skuId: sku.skuId, disabledPlans }];
    sku.consumedUnits += 1;
    const exchange = sku.servicePlans.find((p) => p.servicePlanName.startsWith('EXCHANGE_S_'));
    if (exchange && !disabledPlans.includes(exchange.servicePlanId)) {
      u.assignedPlans = [
        ...(u.assignedPlans as Json[]),
        {
          assignedDateTime: iso(a.rt.now()),
          capabilityStatus: 'Enabled',
          service: 'exchange',
          servicePlanId: exchange.servicePlanId,
        },
      ];
      const ready = a.rt.mailboxProvisioningMs <= 0;
      u.provisionedPlans = [
        ...(u.provisionedPlans as Json[]),
        {
          capabilityStatus: 'Enabled',
          provisioningStatus: ready ? 'Success' : 'PendingActivation',
          service: 'exchange',
          ...(ready ? {} : { readyAt: a.rt.now() + a.rt.mailboxProvisioningMs }),
        },
      ];
    }
  }
  return userEntity(a, u);
}

export function licenseDetails(a: HandlerArgs): GraphResponse {
  const u = visibleUser(a, a.params.id!);
  const items = u.assignedLicenses.map((l) => {
    const sku = a.rt.state.subscribedSkus.find((s) => s.skuId === l.skuId);
    return {
      id: Buffer.from(`${u.id}:${l.skuId}`).toString('base64url').slice(0, 43),
      servicePlans: (sku?.servicePlans ?? []).map((p) => ({
        ...p,
        provisioningStatus: l.disabledPlans.includes(p.servicePlanId) ? 'Disabled' : p.provisioningStatus,
      })),
      skuId: l.skuId,
      skuPartNumber: sku?.skuPartNumber ?? null,
    };
  });
  return list(
    a,
    items,
    { type: 'licenseDetails', directoryObjects: false, contextPath: `users('${u.id}')/licenseDetails` },
    ['$select', '$filter', '$top'],
  );
}

export const userHandlers = {
  'GET /me': (a) => userEntity(a, a.caller.user),
  'GET /users': (a) => list(a, a.rt.state.userList(), usersCollection, undefined, expandSponsors(a)),
  'POST /users': createUser,
  'GET /users/{id}': (a) => {
    checkOptions(a.req, ['$select', '$expand']);
    return userEntity(a, visibleUser(a, a.params.id!));
  },
  'PATCH /users/{id}': patchUser,
  'DELETE /users/{id}': (a) => {
    const u = visibleUser(a, a.params.id!);
    guardPrivilegedTarget(a, u);
    for (const l of u.assignedLicenses) {
      const sku = a.rt.state.subscribedSkus.find((s) => s.skuId === l.skuId);
      if (sku) sku.consumedUnits = Math.max(0, sku.consumedUnits - 1);
    }
    a.rt.state.removeUser(u.id);
    for (const [id, ra] of a.rt.state.roleAssignments)
      if (ra.principalId === u.id) a.rt.state.roleAssignments.delete(id);
    return noContent();
  },
  'POST /users/{id}/assignLicense': assignLicense,
  'GET /users/{id}/licenseDetails': licenseDetails,
  'GET /users/{id}/sponsors': (a) => {
    checkOptions(a.req, ['$select']);
    const u = visibleUser(a, a.params.id!);
    return ok({
      '@odata.context': contextUrl(a.req, 'directoryObjects'),
      value: sponsorObjects(a, u.id),
    });
  },
  'POST /users/{id}/sponsors/$ref': addSponsor,
} satisfies Partial<Record<RouteKey, Handler>>;
