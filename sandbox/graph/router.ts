/**
 * Dispatches one Graph call: route match (from graphRouteTable), authentication, delegated scope and directory
 * role checks (permissions.ts), injected faults, then the handler. $batch runs its requests through the same path
 * with the outer call's token.
 */
import { randomUUID } from 'node:crypto';
import type { GraphUser } from '../data/model.js';
import { ROLE } from '../data/model.js';
import type { TokenIssuer } from '../identity/token-issuer.js';
import type { SandboxRuntime } from '../runtime.js';
import type { Caller, GraphRequest, GraphResponse } from './context.js';
import { GraphHttpError, badRequest, errorBody, forbidden } from './errors.js';
import { handlers } from './handlers.js';
import {
  INVITE_POLICY,
  MEMBER_LIKE_GUEST_ROLE,
  routePermissions,
  type RoutePermission,
} from './permissions.js';
import { graphRouteTable, routeKey, type RouteKey } from './route-table.js';

interface CompiledRoute {
  readonly key: RouteKey;
  readonly method: string;
  readonly regex: RegExp;
  readonly names: string[];
  readonly template: string;
}

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let src = '';
  let i = 0;
  while (i < path.length) {
    const open = path.indexOf('{', i);
    if (open < 0) {
      src += escape(path.slice(i));
      break;
    }
    src += escape(path.slice(i, open));
    const close = path.indexOf('}', open);
    names.push(path.slice(open + 1, close));
    // Inside a key predicate (appId='…') a value stops at the quote; in a segment it stops at the slash.
    src += path[open - 1] === "'" ? "([^']+)" : '([^/]+)';
    i = close + 1;
  }
  return { regex: new RegExp(`^${src}/?$`, 'i'), names };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const COMPILED: CompiledRoute[] = graphRouteTable.map((r) => ({
  key: routeKey(r),
  method: r.method,
  template: r.path,
  ...compile(r.path),
}));

export function matchRoute(
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | 'method-not-allowed' | undefined {
  let pathMatched = false;
  for (const route of COMPILED) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = m[i + 1]!));
    return { route, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

export const MAX_BATCH = 20;

export interface DispatchOptions {
  readonly rt: SandboxRuntime;
  readonly issuer: TokenIssuer;
  /** Faults are applied to inner $batch requests, never to the $batch call itself. */
  readonly applyFaults: boolean;
}

export interface DispatchResult extends GraphResponse {
  /** For the request log: who called, with which scopes. */
  readonly caller?: Caller;
}

function unknownSegment(path: string): GraphHttpError {
  const segs = path.split('/').filter(Boolean);
  const first = decodeURIComponent(segs[0] ?? '');
  const known = new Set(graphRouteTable.map((r) => r.path.split('/')[1]!.replace(/\(.*$/, '').toLowerCase()));
  let bad = first;
  if (known.has(first.replace(/\(.*$/, '').toLowerCase()))
    bad = decodeURIComponent(segs[segs.length - 1] ?? first);
  return new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${bad}'.`);
}

/**
 * Verifies the bearer token and resolves the caller's tenant from its `tid`: the one place where the sandbox's
 * tenants are told apart. Everything after it (authorization, handlers) runs on that tenant's data only.
 */
async function authenticate(
  req: GraphRequest,
  o: DispatchOptions,
): Promise<{ caller: Caller; rt: SandboxRuntime }> {
  const header = req.headers['authorization'];
  if (!header || !/^Bearer\s+\S+/i.test(header))
    throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  let claims;
  try {
    claims = await o.issuer.verifyGraphToken(header);
  } catch (e) {
    throw new GraphHttpError(
      401,
      'InvalidAuthenticationToken',
      e instanceof Error ? e.message : 'Access token validation failure.',
    );
  }
  const tenant = o.rt.tenant(claims.tid);
  if (!tenant)
    throw new GraphHttpError(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid audience or tenant.',
    );
  const rt = o.rt.forTenant(tenant);
  if (!claims.scp)
    // Application tokens (client credentials) are outside what the sandbox serves.
    throw new GraphHttpError(
      401,
      'InvalidAuthenticationToken',
      'The sandbox accepts delegated tokens only (no scp claim).',
    );
  const user = rt.state.users.get(claims.oid);
  if (!user || !user.accountEnabled)
    throw new GraphHttpError(
      401,
      'InvalidAuthenticationToken',
      'The user or administrator has not consented or the account is disabled.',
    );
  return {
    rt,
    caller: {
      user,
      claims,
      scopes: new Set(claims.scp.split(' ').filter(Boolean)),
      roles: new Set(rt.state.roleTemplateIdsOf(user.id)),
    },
  };
}

function guestHasMemberAccess(rt: SandboxRuntime, user: GraphUser): boolean {
  return (
    user.userType === 'Member' || rt.state.authorizationPolicy.guestUserRoleId === MEMBER_LIKE_GUEST_ROLE
  );
}

/** Graph's delegated model: the app's scopes AND the user's own rights must both allow the call. */
export function authorize(rt: SandboxRuntime, caller: Caller, perm: RoutePermission, isSelf: boolean): void {
  const scoped =
    perm.scopes.length === 0 ||
    perm.scopes.some((s) => caller.scopes.has(s)) ||
    (isSelf && (perm.selfScopes ?? []).some((s) => caller.scopes.has(s)));
  if (!scoped) throw forbidden();
  const isGA = caller.roles.has(ROLE.globalAdministrator);
  const rule = perm.roles;
  switch (rule.kind) {
    case 'anyUser':
      return;
    case 'member':
      if (isSelf || guestHasMemberAccess(rt, caller.user)) return;
      throw forbidden();
    case 'roles':
      if (isGA || rule.roles.some((r) => caller.roles.has(r)) || (rule.self === true && isSelf)) return;
      throw forbidden();
    case 'invitePolicy': {
      const policy =
        INVITE_POLICY[String(rt.state.authorizationPolicy.allowInvitesFrom)] ?? INVITE_POLICY.none!;
      if (policy.roles.some((r) => caller.roles.has(r))) return;
      if (caller.user.userType === 'Member' && policy.members) return;
      if (caller.user.userType === 'Guest' && policy.guests) return;
      throw forbidden();
    }
  }
}

function faultFor(req: GraphRequest, rt: SandboxRuntime): GraphHttpError | undefined {
  const f = rt.faults;
  if (f.onlyPaths && !f.onlyPaths.some((p) => req.path.toLowerCase().startsWith(p.toLowerCase())))
    return undefined;
  const retryAfter = String(f.retryAfterSeconds ?? 1);
  if ((f.throttleRate ?? 0) > 0 && rt.draw() < f.throttleRate!)
    return new GraphHttpError(
      429,
      'TooManyRequests',
      'Too many requests. Please retry after the time in Retry-After.',
      { 'retry-after': retryAfter },
    );
  if ((f.unavailableRate ?? 0) > 0 && rt.draw() < f.unavailableRate!)
    return new GraphHttpError(
      503,
      'ServiceNotAvailable',
      'The service is temporarily unavailable. Please retry later.',
      { 'retry-after': retryAfter },
    );
  return undefined;
}

export function errorResponse(req: GraphRequest, e: GraphHttpError, now: number): GraphResponse {
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', ...e.headers },
    body: errorBody(
      e.code,
      e.message,
      req.requestId,
      req.clientRequestId,
      new Date(now).toISOString().replace(/\.\d{3}Z$/, ''),
    ),
  };
}

export async function dispatch(req: GraphRequest, o: DispatchOptions): Promise<DispatchResult> {
  let caller: Caller | undefined;
  try {
    try {
      decodeURIComponent(req.path);
    } catch {
      throw new GraphHttpError(400, 'BadRequest', 'The request URI is not valid: bad percent-encoding.');
    }
    const match = matchRoute(req.method, req.path);
    if (match === undefined) throw unknownSegment(req.path);
    if (match === 'method-not-allowed')
      throw new GraphHttpError(
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request uri.',
      );
    const authenticated = await authenticate(req, { ...o });
    caller = authenticated.caller;
    o = { ...o, rt: authenticated.rt };
    if (o.applyFaults) {
      const fault = faultFor(req, o.rt);
      if (fault) throw fault;
    }
    if (match.route.key === 'POST /$batch') return { ...(await batch(req, o)), caller };
    const key = match.route.key as Exclude<RouteKey, 'POST /$batch'>;
    const isSelf =
      key === 'GET /me' ||
      (match.route.template.startsWith('/users/{id}') &&
        o.rt.state.findUser(decodeURIComponent(match.params.id ?? ''))?.id === caller.user.id);
    authorize(o.rt, caller, routePermissions[key], isSelf);
    const res = handlers[key]({ req, caller, params: match.params, rt: o.rt });
    return {
      ...res,
      headers: {
        ...(res.body !== undefined
          ? {
              'content-type':
                'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
            }
          : {}),
        ...res.headers,
      },
      caller,
    };
  } catch (e) {
    if (e instanceof GraphHttpError) return { ...errorResponse(req, e, o.rt.now()), caller };
    throw e;
  }
}

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

function parseBatch(body: unknown): BatchItem[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { requests?: unknown }).requests))
    throw badRequest('Invalid batch payload format.', 'BadRequest');
  const requests = (body as { requests: unknown[] }).requests;
  if (Object.keys(body).some((k) => k !== 'requests'))
    throw badRequest('Invalid batch payload format.', 'BadRequest');
  if (requests.length === 0) throw badRequest('Invalid batch payload format.', 'BadRequest');
  if (requests.length > MAX_BATCH)
    throw badRequest(`The number of requests in the batch is limited to ${MAX_BATCH}.`, 'BadRequest');
  const ids = new Set<string>();
  const items = requests.map((r) => {
    if (typeof r !== 'object' || r === null) throw badRequest('Invalid batch payload format.', 'BadRequest');
    const it = r as Record<string, unknown>;
    if (
      typeof it.id !== 'string' ||
      it.id === '' ||
      typeof it.method !== 'string' ||
      typeof it.url !== 'string'
    )
      throw badRequest('Each request in a batch needs an id, a method and a url.', 'BadRequest');
    if (ids.has(it.id)) throw badRequest(`Request id '${it.id}' is duplicated in the batch.`, 'BadRequest');
    ids.add(it.id);
    if (
      it.body !== undefined &&
      !(it.headers && typeof (it.headers as Record<string, unknown>)['Content-Type'] === 'string') &&
      !(it.headers && typeof (it.headers as Record<string, unknown>)['content-type'] === 'string')
    )
      throw badRequest('Content-Type header is required for requests with a body in a batch.', 'BadRequest');
    if (
      it.dependsOn !== undefined &&
      (!Array.isArray(it.dependsOn) || it.dependsOn.some((d) => typeof d !== 'string'))
    )
      throw badRequest('dependsOn must be an array of request ids.', 'BadRequest');
    return it as unknown as BatchItem;
  });
  for (const it of items)
    for (const d of it.dependsOn ?? [])
      if (!ids.has(d))
        throw badRequest(`Request '${it.id}' depends on an unknown request '${d}'.`, 'BadRequest');
  return items;
}

async function batch(req: GraphRequest, o: DispatchOptions): Promise<GraphResponse> {
  const items = parseBatch(req.body);
  const results = new Map<
    string,
    { id: string; status: number; headers: Record<string, string>; body?: unknown }
  >();
  const visiting = new Set<string>();
  const byId = new Map(items.map((i) => [i.id, i]));

  const run = async (it: BatchItem): Promise<void> => {
    if (results.has(it.id)) return;
    if (visiting.has(it.id)) throw badRequest('The dependsOn chain of the batch has a cycle.', 'BadRequest');
    visiting.add(it.id);
    for (const d of it.dependsOn ?? []) await run(byId.get(d)!);
    visiting.delete(it.id);
    const failedDep = (it.dependsOn ?? []).some((d) => (results.get(d)?.status ?? 500) >= 400);
    if (failedDep) {
      // Graph answers 424 Failed Dependency for a request whose dependency failed.
      results.set(it.id, {
        id: it.id,
        status: 424,
        headers: {},
        body: errorBody(
          'FailedDependency',
          'The dependency failed.',
          req.requestId,
          req.clientRequestId,
          new Date(o.rt.now()).toISOString(),
        ),
      });
      return;
    }
    const rel = it.url.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/v1\.0/i, '');
    const url = new URL(rel.startsWith('/') ? rel : `/${rel}`, 'http://batch.invalid');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(it.headers ?? {})) headers[k.toLowerCase()] = String(v);
    headers['authorization'] = req.headers['authorization'] ?? '';
    const inner: GraphRequest = {
      method: it.method.toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: it.body,
      origin: req.origin,
      requestId: randomUUID(),
      clientRequestId: headers['client-request-id'] ?? req.clientRequestId,
    };
    if (inner.path === '/$batch') {
      results.set(it.id, {
        id: it.id,
        status: 400,
        headers: {},
        body: errorBody(
          'BadRequest',
          'A batch cannot contain a batch.',
          inner.requestId,
          inner.clientRequestId,
          new Date(o.rt.now()).toISOString(),
        ),
      });
      return;
    }
    const res = await dispatch(inner, { ...o, applyFaults: true });
    results.set(it.id, {
      id: it.id,
      status: res.status,
      headers: { ...res.headers, 'request-id': inner.requestId, 'client-request-id': inner.clientRequestId },
      ...(res.body !== undefined ? { body: res.body } : {}),
    });
  };
  for (const it of items) await run(it);
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: { responses: items.map((i) => results.get(i.id)!) },
  };
}
