/**
 * What each Graph route does, with Graph's validation and failure messages. Authorization is done before a
 * handler runs (router.ts); a handler only enforces what depends on the data (self, existence, conflicts).
 */
import { randomUUID } from 'node:crypto';
import {
  ROLE,
  guidFrom,
  type GraphObject,
  type GraphUser,
  type Json,
  type SubscribedSku,
} from '../data/model.js';
import {
  addRoleAssignment,
  baseUser,
  domain,
  guestUser,
  refreshOrganizationDomains,
  servicePrincipal,
} from '../data/seed.js';
import type { SandboxRuntime } from '../runtime.js';
import { csdlTypes, type CsdlTypeName } from './csdl-types.js';
import type { Caller, GraphRequest, GraphResponse } from './context.js';
import { GraphHttpError, badRequest, forbidden, notFound } from './errors.js';
import {
  checkOptions,
  contextUrl,
  parseQuery,
  parseSelect,
  project,
  queryCollection,
  type CollectionOptions,
} from './odata/query.js';
import { propertyPermissions } from './permissions.js';
import type { RouteKey } from './route-table.js';

export interface HandlerArgs {
  readonly req: GraphRequest;
  readonly caller: Caller;
  readonly params: Readonly<Record<string, string>>;
  readonly rt: SandboxRuntime;
}
export type Handler = (a: HandlerArgs) => GraphResponse;

/** Properties Graph returns for a user when no $select is given. */
export const USER_DEFAULT_SELECT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ok = (body: unknown, status = 200): GraphResponse => ({ status, headers: {}, body });
const noContent = (): GraphResponse => ({ status: 204, headers: {} });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Graph refuses properties its type does not declare (instance annotations like @odata.type excepted). */
function checkBody(
  body: unknown,
  type: CsdlTypeName,
  nested: Partial<Record<string, CsdlTypeName>> = {},
  extra: readonly string[] = [],
): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  const props: readonly string[] = csdlTypes[type].properties;
  for (const [k, v] of Object.entries(body)) {
    if (k.includes('@')) continue;
    if (!props.includes(k) && !extra.includes(k))
      throw new GraphHttpError(
        400,
        'BadRequest',
        `The property '${k}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type.`,
      );
    const sub = nested[k];
    if (sub && v !== null && v !== undefined) {
      if (Array.isArray(v)) v.forEach((el) => checkBody(el, sub));
      else checkBody(v, sub);
    }
  }
  return body;
}

/** For action parameters (assignLicense, validateCredentials...): names fixed by the action's CSDL signature. */
function checkParams(body: unknown, names: readonly string[], action: string): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  for (const k of Object.keys(body)) {
    if (!names.includes(k))
      throw new GraphHttpError(
        400,
        'BadRequest',
        `The parameter '${k}' in the request payload is not a valid parameter for the operation '${action}'.`,
      );
  }
  return body;
}

function str(body: Record<string, unknown>, key: string, type: string, required = true): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`Invalid value specified for property '${key}' of resource '${type}'.`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw badRequest(`Invalid value specified for property '${key}' of resource '${type}'.`);
  return v;
}

function requireSelectPermission(caller: Caller, select: readonly string[] | undefined): void {
  for (const name of select ?? []) {
    const p = propertyPermissions[name];
    if (!p) continue;
    const scoped = p.scopes.some((s) => caller.scopes.has(s));
    const roled = caller.roles.has(ROLE.globalAdministrator) || p.roles.some((r) => caller.roles.has(r));
    if (!scoped || !roled) throw forbidden();
  }
}

function settleProvisioning(rt: SandboxRuntime, u: GraphUser): void {
  const plans = u.provisionedPlans as { provisioningStatus: string; readyAt?: number }[] | undefined;
  for (const p of plans ?? []) {
    if (
      p.provisioningStatus === 'PendingActivation' &&
      typeof p.readyAt === 'number' &&
      rt.now() >= p.readyAt
    ) {
      p.provisioningStatus = 'Success';
      delete p.readyAt;
    }
  }
}

function publicUser(u: GraphUser): Record<string, unknown> {
  const plans = (u.provisionedPlans as Record<string, unknown>[] | undefined)?.map(
    ({ readyAt: _r, ...p }) => p,
  );
  return { ...u, provisionedPlans: plans ?? [] };
}

function userEntity(a: HandlerArgs, u: GraphUser, status = 200): GraphResponse {
  const select = parseSelect(a.req, 'user');
  requireSelectPermission(a.caller, select);
  settleProvisioning(a.rt, u);
  return ok(
    {
      '@odata.context': contextUrl(a.req, 'users', select, true),
      ...project(publicUser(u), select, USER_DEFAULT_SELECT),
    },
    status,
  );
}

function visibleUser(a: HandlerArgs, idOrUpn: string): GraphUser {
  const u = a.rt.state.findUser(decodeURIComponent(idOrUpn));
  if (!u || !a.rt.visible(u.id)) throw notFound(decodeURIComponent(idOrUpn));
  return u;
}

function entity(
  a: HandlerArgs,
  type: CsdlTypeName,
  ctx: string,
  obj: Record<string, unknown>,
  status = 200,
): GraphResponse {
  checkOptions(a.req, ['$select', '$expand']);
  const select = parseSelect(a.req, type);
  return ok({ '@odata.context': contextUrl(a.req, ctx, select, true), ...project(obj, select) }, status);
}

/** The app role assignments a service principal grants (as resource) or holds (as principal). */
function appRoleAssignmentsOf(
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

function list(
  a: HandlerArgs,
  items: readonly Record<string, unknown>[],
  opts: CollectionOptions,
  allowed: readonly string[] = [
    '$filter',
    '$select',
    '$top',
    '$count',
    '$orderby',
    '$skiptoken',
    '$expand',
    '$search',
    '$skip',
  ],
  expand?: (o: Record<string, unknown>, out: Record<string, unknown>) => void,
): GraphResponse {
  checkOptions(a.req, allowed);
  const parsed = parseQuery(a.req, opts);
  if (opts.type === 'user') {
    requireSelectPermission(a.caller, parsed.select);
    const filterText = a.req.query.get('$filter') ?? '';
    if (/signInActivity/i.test(filterText)) requireSelectPermission(a.caller, ['signInActivity']);
  }
  return ok(queryCollection(a.req, items, opts, parsed, (o) => a.rt.visible(String(o.id)), expand));
}

// ---- passwords, addresses, domains ----

/** Entra ID's rule: 8 to 256 characters, three of four character classes, not containing the account name. */
export function isStrongPassword(password: string, upn: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) return false;
  const local = upn.split('@')[0]!.toLowerCase();
  return !(local.length >= 3 && password.toLowerCase().includes(local));
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export function isEmailAddress(s: string): boolean {
  return EMAIL.test(s) && !s.includes('..') && s.length <= 254;
}
const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

// ---- the routes ----

const usersCollection: CollectionOptions = {
  type: 'user',
  directoryObjects: true,
  maxTop: 999,
  defaultPageSize: 100,
  defaultSelect: USER_DEFAULT_SELECT,
  contextPath: 'users',
};

function createUser(a: HandlerArgs): GraphResponse {
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

const PATCHABLE_USER = new Set([
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
const PRIVILEGED_TARGET_ROLES = [
  ROLE.globalAdministrator,
  ROLE.privilegedRoleAdministrator,
  ROLE.privilegedAuthenticationAdministrator,
];

/** Graph: a User Administrator cannot update or delete a more privileged administrator. */
function guardPrivilegedTarget(a: HandlerArgs, u: GraphUser): void {
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

function patchUser(a: HandlerArgs): GraphResponse {
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

function assignLicense(a: HandlerArgs): GraphResponse {
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

function licenseDetails(a: HandlerArgs): GraphResponse {
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

function invite(a: HandlerArgs): GraphResponse {
  const body = checkBody(a.req.body, 'invitation', { invitedUserMessageInfo: 'invitedUserMessageInfo' });
  const address = body.invitedUserEmailAddress;
  if (typeof address !== 'string' || address === '')
    throw badRequest('The invitedUserEmailAddress property is required.', 'BadRequest');
  if (typeof body.inviteRedirectUrl !== 'string' || !/^https?:\/\/\S+$/.test(body.inviteRedirectUrl))
    throw badRequest('The inviteRedirectUrl property is required and must be an absolute URL.', 'BadRequest');
  if (!isEmailAddress(address)) throw badRequest('The email address specified is not valid.', 'BadRequest');
  const domainOfAddress = address.split('@')[1]!.toLowerCase();
  if (a.rt.state.verifiedDomainNames().includes(domainOfAddress))
    throw badRequest(
      `The invited user already exists in the directory as a member of this organization.`,
      'BadRequest',
    );
  const state = a.rt.state;
  const lower = address.toLowerCase();
  let user = [...state.users.values()].find(
    (u) =>
      u.userType === 'Guest' &&
      (u.mail?.toLowerCase() === lower || u.otherMails.some((m) => m.toLowerCase() === lower)),
  );
  const messageInfo = isRecord(body.invitedUserMessageInfo) ? body.invitedUserMessageInfo : {};
  if (!user) {
    const id = state.newId('guest');
    const g = guestUser(
      {
        id,
        userPrincipalName: `${lower.replace('@', '_')}#EXT#@${[...state.domains.values()].find((d) => d.isInitial)!.id}`,
        displayName:
          typeof body.invitedUserDisplayName === 'string'
            ? body.invitedUserDisplayName
            : address.split('@')[0]!,
        mail: address,
      },
      'PendingAcceptance',
      a.rt.now(),
      a.rt.now(),
    );
    state.addUser(g);
    a.rt.created(id);
    user = g;
  }
  const invitationId = state.newId('invitation');
  const invitation = {
    id: invitationId,
    inviteRedeemUrl: `${a.req.origin}/_sandbox/redeem/${invitationId}?tenant=${state.tenantId}&user=${user.id}`,
    invitedUserDisplayName:
      typeof body.invitedUserDisplayName === 'string' ? body.invitedUserDisplayName : null,
    invitedUserType: 'Guest',
    invitedUserEmailAddress: address,
    sendInvitationMessage: body.sendInvitationMessage === true,
    resetRedemption: body.resetRedemption === true,
    inviteRedirectUrl: body.inviteRedirectUrl,
    status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
    invitedUserMessageInfo: {
      messageLanguage: messageInfo.messageLanguage ?? null,
      ccRecipients: messageInfo.ccRecipients ?? [{ emailAddress: { name: null, address: null } }],
      customizedMessageBody: messageInfo.customizedMessageBody ?? null,
    },
    invitedUser: { id: user.id },
  };
  state.invitations.push(invitation as unknown as GraphObject);
  return ok({ '@odata.context': contextUrl(a.req, 'invitations', undefined, true), ...invitation }, 201);
}

const INVITES_FROM = ['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone'];
const GUEST_ROLES = [
  'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  '2af84b1e-32c8-42b7-82bc-daa82404023b',
];

function patchAuthorizationPolicy(a: HandlerArgs): GraphResponse {
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

const ROLE_ASSIGNMENT_FILTERS = ['principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'id'];

const ELIGIBILITY_INSTANCES: CollectionOptions = {
  type: 'unifiedRoleEligibilityScheduleInstance',
  directoryObjects: false,
  filterProperties: ROLE_ASSIGNMENT_FILTERS.concat('memberType'),
  expandable: ['principal'],
  contextPath: 'roleManagement/directory/roleEligibilityScheduleInstances',
};

/** The eligibilities in effect now: one instance per provisioned schedule that has started and not expired. */
function eligibilityInstances(a: HandlerArgs): Record<string, unknown>[] {
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

function expandPrincipal(a: HandlerArgs) {
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

function createRoleAssignment(a: HandlerArgs): GraphResponse {
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

function findDomain(a: HandlerArgs): GraphObject {
  const id = decodeURIComponent(a.params.id!).toLowerCase();
  const d = a.rt.state.domains.get(id);
  if (!d) throw notFound(id);
  return d;
}

function dnsRecords(a: HandlerArgs, d: GraphObject): Record<string, unknown>[] {
  const code = a.rt.state.domainVerificationCodes.get(d.id) ?? '';
  return [
    {
      '@odata.type': '#microsoft.graph.domainDnsTxtRecord',
      id: guidFrom(`dns:txt:${d.id}`),
      isOptional: false,
      label: d.id,
      recordType: 'Txt',
      supportedService: 'Email',
      ttl: 3600,
      text: code,
    },
    {
      '@odata.type': '#microsoft.graph.domainDnsMxRecord',
      id: guidFrom(`dns:mx:${d.id}`),
      isOptional: false,
      label: d.id,
      recordType: 'Mx',
      supportedService: 'Email',
      ttl: 3600,
      mailExchange: `${code.replace('MS=', '')}.msv1.invalid`,
      preference: 32767,
    },
  ];
}

function findSp(a: HandlerArgs, by: 'id' | 'appId' = 'id'): GraphObject & { appId: string } {
  const key = decodeURIComponent(by === 'id' ? a.params.id! : a.params.appId!);
  const sp = a.rt.state.findServicePrincipal(key, by);
  if (!sp || !a.rt.visible(sp.id)) throw notFound(key);
  return sp;
}

function syncState(a: HandlerArgs, spId: string) {
  let s = a.rt.state.synchronization.get(spId);
  if (!s) {
    s = { jobs: new Map(), secrets: [] };
    a.rt.state.synchronization.set(spId, s);
  }
  return s;
}

function syncTemplates(a: HandlerArgs, sp: GraphObject): GraphObject[] {
  const tpl = typeof sp.applicationTemplateId === 'string' ? sp.applicationTemplateId : '';
  return a.rt.state.synchronizationTemplatesByAppTemplate.get(tpl) ?? [];
}

function findJob(a: HandlerArgs): { sp: GraphObject; job: GraphObject } {
  const sp = findSp(a);
  const job = syncState(a, sp.id).jobs.get(decodeURIComponent(a.params.jobId!));
  if (!job) throw notFound(decodeURIComponent(a.params.jobId!));
  return { sp, job };
}

/** The sandbox's provisioning endpoint accepts a secret token of at least 16 characters, except "invalid…". */
function credentialsValid(creds: { key: string; value: string }[]): boolean {
  const token = creds.find((c) => c.key === 'SecretToken')?.value ?? '';
  const base = creds.find((c) => c.key === 'BaseAddress')?.value;
  return (
    token.length >= 16 &&
    !token.toLowerCase().startsWith('invalid') &&
    (base === undefined || /^https:\/\//.test(base))
  );
}

function keyValues(v: unknown, what: string): { key: string; value: string }[] {
  if (!Array.isArray(v))
    throw badRequest(`The '${what}' parameter must be a collection of key/value pairs.`, 'BadRequest');
  return v.map((el) => {
    checkBody(el, 'synchronizationSecretKeyStringValuePair');
    const r = el as Record<string, unknown>;
    if (typeof r.key !== 'string' || typeof r.value !== 'string')
      throw badRequest('Each credential needs a key and a string value.', 'BadRequest');
    return { key: r.key, value: r.value };
  });
}

const spCollection = (a: HandlerArgs): CollectionOptions => ({
  type: 'servicePrincipal',
  directoryObjects: true,
  maxTop: 999,
  contextPath: 'servicePrincipals',
  ...(a ? {} : {}),
});

export const handlers: Readonly<Record<Exclude<RouteKey, 'POST /$batch'>, Handler>> = {
  'GET /me': (a) => userEntity(a, a.caller.user),
  'GET /users': (a) => list(a, a.rt.state.userList(), usersCollection),
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
  'POST /invitations': invite,
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
  // Graph offers no $filter, $top or paging on subscribedSkus: callers filter in code.
  'GET /subscribedSkus': (a) =>
    list(
      a,
      a.rt.state.subscribedSkus,
      { type: 'subscribedSku', directoryObjects: false, filterable: false, contextPath: 'subscribedSkus' },
      ['$select'],
    ),
  'GET /domains': (a) =>
    list(
      a,
      [...a.rt.state.domains.values()],
      { type: 'domain', directoryObjects: false, contextPath: 'domains' },
      ['$select', '$filter', '$top', '$skiptoken'],
    ),
  'POST /domains': (a) => {
    const body = checkBody(a.req.body, 'domain');
    const name = str(body, 'id', 'Domain')!.toLowerCase();
    if (!DOMAIN_NAME.test(name)) throw badRequest(`Invalid domain name '${name}'.`);
    if (name.endsWith('.onmicrosoft.com'))
      throw badRequest('Domains ending in onmicrosoft.com cannot be added.');
    if (a.rt.state.domains.has(name))
      throw badRequest('Another object with the same value for property id already exists.');
    const d = domain(name, false, false, false);
    a.rt.state.domains.set(name, d);
    a.rt.state.domainVerificationCodes.set(
      name,
      `MS=ms${guidFrom(`domain-code:${name}`).replace(/-/g, '').slice(0, 8)}`,
    );
    return ok({ '@odata.context': contextUrl(a.req, 'domains', undefined, true), ...d }, 201);
  },
  'GET /domains/{id}': (a) => entity(a, 'domain', 'domains', findDomain(a)),
  'GET /domains/{id}/verificationDnsRecords': (a) => {
    const d = findDomain(a);
    return list(
      a,
      dnsRecords(a, d),
      {
        type: 'domainDnsRecord',
        directoryObjects: false,
        contextPath: `domains('${d.id}')/verificationDnsRecords`,
      },
      ['$select', '$filter'],
    );
  },
  'POST /domains/{id}/verify': (a) => {
    const d = findDomain(a);
    if (a.req.body !== undefined && !(isRecord(a.req.body) && Object.keys(a.req.body).length === 0))
      checkParams(a.req.body, [], 'verify');
    if (d.isVerified !== true) {
      if (!a.rt.state.publishedDnsTxt.has(d.id))
        throw badRequest(
          `Domain verification failed: the TXT record ${a.rt.state.domainVerificationCodes.get(d.id) ?? ''} was not found in the DNS of ${d.id}.`,
        );
      d.isVerified = true;
      d.supportedServices = ['Email', 'OfficeCommunicationsOnline'];
      refreshOrganizationDomains(a.rt.state);
    }
    return ok({ '@odata.context': contextUrl(a.req, 'domains', undefined, true), ...d });
  },
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
    if ((!user && !principalSp) || !a.rt.visible(principalId)) throw notFound(principalId);
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
      principalDisplayName: user?.displayName ?? principalSp?.displayName ?? null,
      principalId,
      principalType: user ? 'User' : 'ServicePrincipal',
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
  'GET /servicePrincipals/{id}/synchronization/templates': (a) => {
    const sp = findSp(a);
    return list(
      a,
      syncTemplates(a, sp),
      {
        type: 'synchronizationTemplate',
        directoryObjects: false,
        contextPath: `servicePrincipals('${sp.id}')/synchronization/templates`,
      },
      ['$select'],
    );
  },
  'GET /servicePrincipals/{id}/synchronization/jobs': (a) => {
    const sp = findSp(a);
    return list(
      a,
      [...syncState(a, sp.id).jobs.values()],
      {
        type: 'synchronizationJob',
        directoryObjects: false,
        contextPath: `servicePrincipals('${sp.id}')/synchronization/jobs`,
      },
      ['$select'],
    );
  },
  'POST /servicePrincipals/{id}/synchronization/jobs': (a) => {
    const sp = findSp(a);
    const body = checkBody(a.req.body, 'synchronizationJob');
    const templateId = str(body, 'templateId', 'SynchronizationJob')!;
    if (!syncTemplates(a, sp).some((t) => t.id === templateId))
      throw badRequest(
        `The template '${templateId}' is not available for this service principal.`,
        'BadRequest',
      );
    const hex = sp.id.replace(/-/g, '');
    const id = `${templateId}.${hex}.${a.rt.state.newId('job').replace(/-/g, '')}`;
    const job: GraphObject = {
      id,
      templateId,
      schedule: { expiration: null, interval: 'PT40M', state: 'Disabled' },
      status: {
        code: 'NotConfigured',
        countSuccessiveCompleteFailures: 0,
        escrowsPruned: false,
        lastExecution: null,
        lastSuccessfulExecution: null,
        lastSuccessfulExecutionWithExports: null,
        progress: [],
        quarantine: null,
        steadyStateFirstAchievedTime: '0001-01-01T00:00:00Z',
        steadyStateLastAchievedTime: '0001-01-01T00:00:00Z',
        synchronizedEntryCountByType: [],
        troubleshootingUrl: null,
      },
      synchronizationJobSettings: [],
    };
    syncState(a, sp.id).jobs.set(id, job);
    return ok(
      {
        '@odata.context': contextUrl(
          a.req,
          `servicePrincipals('${sp.id}')/synchronization/jobs`,
          undefined,
          true,
        ),
        ...job,
      },
      201,
    );
  },
  'GET /servicePrincipals/{id}/synchronization/jobs/{jobId}': (a) => {
    const { sp, job } = findJob(a);
    return entity(a, 'synchronizationJob', `servicePrincipals('${sp.id}')/synchronization/jobs`, job);
  },
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/start': (a) => {
    const { sp, job } = findJob(a);
    const now = iso(a.rt.now());
    const good = credentialsValid(syncState(a, sp.id).secrets);
    const status = job.status as Record<string, Json>;
    job.schedule = { ...(job.schedule as Record<string, Json>), state: 'Active' };
    if (good) {
      status.code = 'Active';
      status.quarantine = null;
      status.lastExecution = {
        activityIdentifier: randomUUID(),
        countEntitled: 0,
        countExported: 0,
        countImported: 0,
        state: 'Succeeded',
        timeBegan: now,
        timeEnded: now,
        error: null,
        countEntitledForProvisioning: 0,
        countEscrowed: 0,
        countEscrowedRaw: 0,

        countExports: 0,
        countImportedDeltas: 0,
        countImportedReferenceDeltas: 0,
      };
      status.lastSuccessfulExecution = status.lastExecution;
    } else {
      status.code = 'Quarantine';
      status.countSuccessiveCompleteFailures = Number(status.countSuccessiveCompleteFailures ?? 0) + 1;
      status.quarantine = {
        currentBegan: now,
        nextAttempt: iso(a.rt.now() + 3_600_000),
        reason: 'EncounteredQuarantineException',
        seriesBegan: now,
        seriesCount: 1,
        error: {
          code: 'CredentialsInvalid',
          message: 'The credentials saved for provisioning were rejected by the application.',
          tenantActionable: true,
        },
      };
    }
    return noContent();
  },
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/validateCredentials': (a) => {
    findJob(a);
    const body = checkParams(
      a.req.body,
      ['applicationIdentifier', 'templateId', 'useSavedCredentials', 'credentials'],
      'validateCredentials',
    );
    const sp = findSp(a);
    const creds =
      body.useSavedCredentials === true
        ? syncState(a, sp.id).secrets
        : keyValues(body.credentials, 'credentials');
    if (!credentialsValid(creds))
      throw badRequest(
        'Validation of the provided credentials failed: the application rejected the secret token or the tenant URL.',
        'BadRequest',
      );
    return noContent();
  },
  'PUT /servicePrincipals/{id}/synchronization/secrets': (a) => {
    const sp = findSp(a);
    const body = checkParams(a.req.body, ['value'], 'secrets');
    const pairs = keyValues(body.value, 'value');
    const s = syncState(a, sp.id);
    for (const p of pairs) {
      const i = s.secrets.findIndex((x) => x.key === p.key);
      if (i >= 0) s.secrets[i] = p;
      else s.secrets.push(p);
    }
    return noContent();
  },
  'GET /oauth2PermissionGrants': (a) =>
    list(a, a.rt.state.oauth2PermissionGrants, {
      type: 'oAuth2PermissionGrant',
      directoryObjects: false,
      contextPath: 'oauth2PermissionGrants',
    }),
  'GET /applications': (a) =>
    list(a, [...a.rt.state.applications.values()], {
      type: 'application',
      directoryObjects: true,
      maxTop: 999,
      contextPath: 'applications',
    }),
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
  'GET /organization': (a) =>
    list(
      a,
      [a.rt.state.organization],
      { type: 'organization', directoryObjects: false, contextPath: 'organization' },
      ['$select'],
    ),
};
