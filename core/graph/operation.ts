/**
 * One Microsoft Graph v1.0 operation, declared once: what it sends (method, path, query, body), what Microsoft
 * says it needs (the least privileged delegated scope, the directory roles that allow it) and how its answer
 * reads into a typed result. The TenantGraph port's methods, the adapter, the scopes Sesame asks for at sign-in
 * and the contract tests all derive from these declarations (core/graph/operations/*.ts).
 */
import { GraphError } from '../errors.js';
import type { RoleTemplateId } from '../directory-roles.js';
import type { ResultShape, Shaped } from './shape.js';
import { readShape } from './shape.js';

export type GraphHttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Graph's `request-id` header of the response ('' if Graph sent none): every result carries it. */
export interface GraphResponseMeta {
  readonly requestId: string;
}

/** The resources the catalogue is grouped by (one module each in core/graph/operations, one in the sandbox). */
export type GraphResource =
  | 'users'
  | 'groups'
  | 'invitations'
  | 'policies'
  | 'role-management'
  | 'licences'
  | 'organization'
  | 'domains'
  | 'applications'
  | 'permission-grants'
  | 'synchronization'
  | 'tenant-relationships';

/**
 * Who may call an operation with a delegated token, besides the scope: any signed-in account, members (guests
 * only by the guest role setting), or any one of some directory roles (Global Administrator always allows).
 */
export type RoleRequirement =
  | { readonly kind: 'anyUser' }
  | { readonly kind: 'member' }
  | { readonly kind: 'anyOf'; readonly roles: readonly RoleTemplateId[] }
  /** POST /invitations: depends on authorizationPolicy.allowInvitesFrom (members, or the inviting roles). */
  | { readonly kind: 'invitePolicy'; readonly roles: readonly RoleTemplateId[] };

/** What an operation sends for given arguments; method, $select and headers come from the declaration. */
export interface OperationRequest {
  /** The concrete path (values percent-encoded); defaults to the declaration's path when it has no placeholder. */
  readonly path?: string;
  /** Query options other than $select, unencoded (the adapter encodes each value). */
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: Readonly<Record<string, unknown>>;
}

/** Reads an answer; its failures become one GraphError graph_unexpected naming the operation and request-id. */
export class GraphAnswer {
  constructor(
    readonly method: GraphHttpMethod,
    /** The path template, never a concrete path (it may hold an address). */
    readonly path: string,
    readonly requestId: string,
  ) {}

  fail(problem: string): never {
    throw graphUnexpectedAnswer(this.method, this.path, this.requestId, problem);
  }

  object(value: unknown): Readonly<Record<string, unknown>> {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      this.fail('the answer is not a JSON object');
    return value as Readonly<Record<string, unknown>>;
  }

  /** The `value` array of a collection answer (the adapter gathers every page into one). */
  items(body: unknown): readonly unknown[] {
    const value = this.object(body).value;
    if (!Array.isArray(value)) this.fail('a collection answer has no value array');
    return value;
  }

  shape<S extends ResultShape>(shape: S, value: unknown): Shaped<S> {
    return readShape(shape, value, this);
  }
}

/** A Graph answer Sesame cannot read (missing id, not JSON…): Graph changed, or something answered for it. */
export function graphUnexpectedAnswer(
  method: string,
  path: string,
  requestId: string,
  problem: string,
): GraphError {
  return new GraphError('graph_unexpected', `Graph ${method} ${path}: ${problem}`, {
    requestId,
    graphCode: 'UnexpectedResponse',
    details: { method, path },
  });
}

export interface GraphOperation<A extends readonly unknown[], R extends object> {
  readonly resource: GraphResource;
  readonly method: GraphHttpMethod;
  /** Relative to /v1.0, as Microsoft's API reference writes it, `{placeholders}` for values. */
  readonly path: string;
  /** The query Sesame sends besides $select, with `{placeholders}` (for the reader and the CSDL check). */
  readonly query?: string;
  /** Properties asked for ($select); omitted: Graph's default set. */
  readonly select?: readonly string[];
  /** `eventual` for advanced queries ($count, lambda filters on directory objects). */
  readonly consistencyLevel?: 'eventual';
  /** 'all': a collection whose @odata.nextLink pages are followed to the end; 'one': a single answer. */
  readonly paging: 'one' | 'all';
  /**
   * The delegated permission Microsoft's permissions map marks least privileged for the path; null only where
   * the map lists the path under no permission (then `permissionNote` says what Microsoft documents).
   */
  readonly permission: string | null;
  /** The map's AlsoRequires: the permission works only with this one granted too. */
  readonly alsoRequires?: string;
  /**
   * Why `permission` is not the map's least privileged one (a property the least privileged scope does not
   * return). Required whenever it is not: the contract test fails otherwise.
   */
  readonly permissionNote?: string;
  /**
   * A scope a selected or filtered property needs besides `permission` (signInActivity: AuditLog.Read.All). The
   * permissions map is by path, so it cannot say so: `why` does, and the sign-in scopes include `scope`.
   */
  readonly propertyScope?: { readonly scope: string; readonly why: string };
  /** The directory roles that allow the call for a delegated token (Microsoft's API page). */
  readonly roles: RoleRequirement;
  /** Who uses it and why (procedure letter, checklist rule). */
  readonly purpose: string;
  /** Arguments the contract tests build a real request from. */
  readonly example: A;
  request(...args: A): OperationRequest;
  /** Reads the answer (for 'all', `{ value: [every page's items] }`); the arguments too, when it echoes one. */
  read(body: unknown, answer: GraphAnswer, ...args: A): R;
}

/** Declares an operation (the identity function, for inference and one place to hang the type). */
export function operation<A extends readonly unknown[], R extends object>(
  declaration: GraphOperation<A, R>,
): GraphOperation<A, R> {
  return declaration;
}

/** An operation whose result is one object read with a shape (its $select comes from the shape too). */
export function readsShape<S extends ResultShape>(shape: S) {
  return (body: unknown, answer: GraphAnswer): Shaped<S> => answer.shape(shape, body);
}

/** An OData string literal: single quotes doubled, then quoted. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A path segment: the value percent-encoded (an id may be a UPN with `@`, `#`, `'`…). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** A query string with each value percent-encoded (a literal may hold `&`, `#`, `+`…). */
export function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The answer of a write Graph answers 204 No Content: nothing to read. */
export type NoContent = Readonly<Record<never, never>>;
export const noContent = (): NoContent => ({});
