/**
 * The OData query options Graph honours on a collection: $filter, $select, $top (with Graph's maxima), $count with
 * the ConsistencyLevel rule for advanced directory queries, $orderby, $expand (only what a route allows) and
 * server-driven paging with an opaque $skiptoken.
 */
import { createHash } from 'node:crypto';
import { csdlTypes, type CsdlTypeName } from '../csdl-types.js';
import { GraphHttpError, badRequest, unsupportedQuery } from '../errors.js';
import type { GraphRequest } from '../context.js';
import { FilterSyntaxError, evaluateFilter, filterFeatures, parseFilter, type FilterNode } from './filter.js';

export interface CollectionOptions {
  readonly type: CsdlTypeName;
  /** Directory objects (users, servicePrincipals, applications): advanced queries need $count + ConsistencyLevel. */
  readonly directoryObjects: boolean;
  readonly maxTop?: number;
  readonly defaultPageSize?: number;
  readonly filterable?: boolean;
  /** Filterable properties when the API allows only some (e.g. roleAssignments). */
  readonly filterProperties?: readonly string[];
  readonly expandable?: readonly string[];
  readonly defaultSelect?: readonly string[];
  /** Entity set for @odata.context, e.g. 'users' or 'servicePrincipals(\'id\')/appRoleAssignedTo'. */
  readonly contextPath: string;
}

const KNOWN_OPTIONS = new Set([
  '$filter',
  '$select',
  '$top',
  '$count',
  '$orderby',
  '$skiptoken',
  '$expand',
  '$search',
  '$skip',
  '$format',
]);

export interface ParsedQuery {
  filter?: FilterNode;
  select?: string[];
  top?: number;
  count: boolean;
  orderby?: { path: string[]; desc: boolean };
  expand?: string[];
  skiptoken?: string;
}

function typeName(type: CsdlTypeName): string {
  return `microsoft.graph.${type}`;
}

export function noSuchProperty(name: string, type: CsdlTypeName): GraphHttpError {
  return new GraphHttpError(
    400,
    'BadRequest',
    `Could not find a property named '${name}' on type '${typeName(type)}'.`,
  );
}

export function checkOptions(req: GraphRequest, allowed: readonly string[]): void {
  for (const key of req.query.keys()) {
    if (!key.startsWith('$')) continue;
    if (!KNOWN_OPTIONS.has(key)) throw badRequest(`Query option '${key}' is not supported.`, 'BadRequest');
    if (!allowed.includes(key))
      throw badRequest(
        `Query option '${key.slice(1).replace(/^./, (c) => c.toUpperCase())}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
        'BadRequest',
      );
  }
}

export function parseSelect(req: GraphRequest, type: CsdlTypeName): string[] | undefined {
  const raw = req.query.get('$select');
  if (raw === null) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw badRequest("Syntax error: '$select' is empty.", 'BadRequest');
  const props: readonly string[] = csdlTypes[type].properties;
  for (const n of names) {
    if (n === '*') continue;
    if (!props.includes(n)) throw noSuchProperty(n, type);
  }
  return names;
}

export function parseQuery(req: GraphRequest, opts: CollectionOptions): ParsedQuery {
  const q: ParsedQuery = { count: false };
  const props: readonly string[] = csdlTypes[opts.type].properties;
  const rawFilter = req.query.get('$filter');
  if (rawFilter !== null) {
    if (opts.filterable === false)
      throw badRequest(
        "Query option 'Filter' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
        'BadRequest',
      );
    try {
      q.filter = parseFilter(rawFilter);
    } catch (e) {
      if (e instanceof FilterSyntaxError)
        throw badRequest(`Invalid filter clause: ${e.message}`, 'BadRequest');
      throw e;
    }
    for (const path of filterFeatures(q.filter).paths) {
      const head = path[0]!;
      if (!props.includes(head)) throw noSuchProperty(head, opts.type);
      if (opts.filterProperties && !opts.filterProperties.includes(head)) throw unsupportedQuery();
    }
  }
  q.select = parseSelect(req, opts.type);
  const rawTop = req.query.get('$top');
  if (rawTop !== null) {
    if (!/^\d+$/.test(rawTop))
      throw badRequest(`Invalid value '${rawTop}' for $top query option found.`, 'BadRequest');
    const top = Number(rawTop);
    const max = opts.maxTop ?? 999;
    if (top < 1 || top > max)
      throw badRequest(
        `Invalid page size specified: '${top}'. Must be between 1 and ${max} inclusive.`,
        'Request_BadRequest',
      );
    q.top = top;
  }
  const rawCount = req.query.get('$count');
  if (rawCount !== null) {
    if (rawCount !== 'true' && rawCount !== 'false')
      throw badRequest(`Invalid value '${rawCount}' for $count query option.`, 'BadRequest');
    q.count = rawCount === 'true';
  }
  const rawOrder = req.query.get('$orderby');
  if (rawOrder !== null) {
    const m = /^\s*([A-Za-z][A-Za-z0-9/]*)(?:\s+(asc|desc))?\s*$/i.exec(rawOrder);
    if (!m) throw badRequest(`Invalid $orderby: '${rawOrder}'.`, 'BadRequest');
    const path = m[1]!.split('/');
    if (!props.includes(path[0]!)) throw noSuchProperty(path[0]!, opts.type);
    q.orderby = { path, desc: (m[2] ?? 'asc').toLowerCase() === 'desc' };
  }
  const rawExpand = req.query.get('$expand');
  if (rawExpand !== null) {
    const names = rawExpand.split(',').map((s) => s.trim());
    for (const n of names) {
      if (!(opts.expandable ?? []).includes(n)) {
        const nav: readonly string[] = csdlTypes[opts.type].navigation;
        if (!nav.includes(n))
          throw badRequest(
            `Parsing OData Select and Expand failed: Could not find a property named '${n}' on type '${typeName(opts.type)}'.`,
            'BadRequest',
          );
        throw unsupportedQuery(`Expanding '${n}' is not supported.`);
      }
    }
    q.expand = names;
  }
  if (req.query.has('$search')) throw unsupportedQuery('$search is not supported by the sandbox tenant.');
  if (req.query.has('$skip'))
    throw badRequest("'$skip' is not supported by the service.", 'Request_BadRequest');
  const token = req.query.get('$skiptoken');
  if (token !== null) q.skiptoken = token;

  if (opts.directoryObjects) {
    const f = q.filter ? filterFeatures(q.filter) : undefined;
    const advanced =
      q.count || f?.ne || f?.not || f?.endswith || (q.orderby !== undefined && q.filter !== undefined);
    const eventual = (req.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
    if (advanced && !(eventual && q.count))
      throw unsupportedQuery(
        q.count && !eventual
          ? '$count is not currently supported without the ConsistencyLevel header set to eventual.'
          : 'Unsupported Query.',
      );
  } else if (q.count && !(opts.directoryObjects || true)) {
    // other collections accept $count as is
  }
  return q;
}

export function project(
  obj: Record<string, unknown>,
  select: readonly string[] | undefined,
  defaults?: readonly string[],
): Record<string, unknown> {
  const names = select && !select.includes('*') ? select : defaults;
  if (!names) return { ...obj };
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = obj[n] ?? null;
  return out;
}

export function contextUrl(
  req: GraphRequest,
  path: string,
  select?: readonly string[],
  entity = false,
): string {
  const sel = select && select.length > 0 ? `(${select.join(',')})` : '';
  return `${req.origin}/v1.0/$metadata#${path}${sel}${entity ? '/$entity' : ''}`;
}

interface PageToken {
  readonly p: number;
  readonly h: string;
}

function queryHash(req: GraphRequest): string {
  const parts = [...req.query.entries()].filter(([k]) => k !== '$skiptoken').map(([k, v]) => `${k}=${v}`);
  return createHash('sha1')
    .update(`${req.path}?${parts.sort().join('&')}`)
    .digest('base64url')
    .slice(0, 12);
}

function decodeToken(req: GraphRequest, token: string): number {
  try {
    const raw = token.startsWith('RFNwdAIAAQAAA') ? token.slice(13) : token;
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    if (typeof t.p !== 'number' || t.h !== queryHash(req)) throw new Error('mismatch');
    return t.p;
  } catch {
    throw badRequest(
      'The specified page token value has expired and can no longer be included in your request.',
      'Directory_ExpiredPageToken',
    );
  }
}

function encodeToken(req: GraphRequest, p: number): string {
  // A prefix that looks like Graph's tokens, so nobody is tempted to parse them.
  return `RFNwdAIAAQAAA${Buffer.from(JSON.stringify({ p, h: queryHash(req) })).toString('base64url')}`;
}

function nextLink(req: GraphRequest, token: string): string {
  const params = new URLSearchParams(req.query);
  params.delete('$skiptoken');
  params.set('$skiptoken', token);
  return `${req.origin}/v1.0${req.path}?${params.toString().replace(/%24/g, '$')}`;
}

function sortValue(v: unknown): string | number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return v.toLowerCase();
  return '';
}

/**
 * Filters, pages and projects `items`. Without $orderby, a page token is the position reached in `items`, so a
 * 120,000-user directory pages in linear time overall.
 */
export function queryCollection(
  req: GraphRequest,
  items: readonly Record<string, unknown>[],
  opts: CollectionOptions,
  parsed: ParsedQuery,
  visible: (o: Record<string, unknown>) => boolean,
  expand?: (o: Record<string, unknown>, out: Record<string, unknown>) => void,
): Record<string, unknown> {
  const pageSize = parsed.top ?? opts.defaultPageSize ?? 100;
  const matches = (o: Record<string, unknown>): boolean =>
    visible(o) && (parsed.filter ? evaluateFilter(parsed.filter, o) : true);
  const start = parsed.skiptoken !== undefined ? decodeToken(req, parsed.skiptoken) : 0;
  let page: Record<string, unknown>[] = [];
  let next: number | undefined;
  let count: number | undefined;

  if (parsed.orderby) {
    const { path, desc } = parsed.orderby;
    const get = (o: Record<string, unknown>): unknown =>
      path.reduce<unknown>((c, k) => (c as Record<string, unknown> | null)?.[k], o);
    const all = items.filter(matches).sort((a, b) => {
      const x = sortValue(get(a));
      const y = sortValue(get(b));
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    });
    count = all.length;
    page = all.slice(start, start + pageSize);
    if (start + pageSize < all.length) next = start + pageSize;
  } else {
    let i = start;
    for (; i < items.length && page.length < pageSize; i++) {
      const o = items[i]!;
      if (matches(o)) page.push(o);
    }
    if (page.length === pageSize) {
      // Only announce a next page if one exists, as Graph does on the last page.
      let j = i;
      while (j < items.length && !matches(items[j]!)) j++;
      if (j < items.length) next = j;
    }
    if (parsed.count && start === 0) count = items.filter(matches).length;
  }

  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(req, opts.contextPath, parsed.select),
  };
  if (parsed.count && count !== undefined) body['@odata.count'] = count;
  if (next !== undefined) body['@odata.nextLink'] = nextLink(req, encodeToken(req, next));
  body.value = page.map((o) => {
    const out = project(o, parsed.select, opts.defaultSelect);
    expand?.(o, out);
    return out;
  });
  return body;
}
