/** What every resource's Graph handlers share: the handler signature, JSON bodies, entities, collections. */
import { ROLE, type GraphUser } from '../../data/model.js';
import type { SandboxRuntime } from '../../runtime.js';
import { csdlTypes, type CsdlTypeName } from '../csdl-types.js';
import type { Caller, GraphRequest, GraphResponse } from '../context.js';
import { GraphHttpError, badRequest, forbidden, notFound } from '../errors.js';
import {
  checkOptions,
  contextUrl,
  parseQuery,
  parseSelect,
  project,
  queryCollection,
  type CollectionOptions,
} from '../odata/query.js';
import { propertyPermissions } from '../permissions.js';
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

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const ok = (body: unknown, status = 200): GraphResponse => ({ status, headers: {}, body });
export const noContent = (): GraphResponse => ({ status: 204, headers: {} });

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Graph refuses properties its type does not declare (instance annotations like @odata.type excepted). */
export function checkBody(
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
export function checkParams(
  body: unknown,
  names: readonly string[],
  action: string,
): Record<string, unknown> {
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

export function str(
  body: Record<string, unknown>,
  key: string,
  type: string,
  required = true,
): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`Invalid value specified for property '${key}' of resource '${type}'.`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw badRequest(`Invalid value specified for property '${key}' of resource '${type}'.`);
  return v;
}

export function requireSelectPermission(caller: Caller, select: readonly string[] | undefined): void {
  for (const name of select ?? []) {
    const p = propertyPermissions[name];
    if (!p) continue;
    const scoped = p.scopes.some((s) => caller.scopes.has(s));
    const roled = caller.roles.has(ROLE.globalAdministrator) || p.roles.some((r) => caller.roles.has(r));
    if (!scoped || !roled) throw forbidden();
  }
}

export function settleProvisioning(rt: SandboxRuntime, u: GraphUser): void {
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

export function publicUser(u: GraphUser): Record<string, unknown> {
  const plans = (u.provisionedPlans as Record<string, unknown>[] | undefined)?.map(
    ({ readyAt: _r, ...p }) => p,
  );
  return { ...u, provisionedPlans: plans ?? [] };
}

export function userEntity(a: HandlerArgs, u: GraphUser, status = 200): GraphResponse {
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

export function visibleUser(a: HandlerArgs, idOrUpn: string): GraphUser {
  const u = a.rt.state.findUser(decodeURIComponent(idOrUpn));
  if (!u || !a.rt.visible(u.id)) throw notFound(decodeURIComponent(idOrUpn));
  return u;
}

export function entity(
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

export function list(
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

export const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export function isEmailAddress(s: string): boolean {
  return EMAIL.test(s) && !s.includes('..') && s.length <= 254;
}
export const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
