// Microsoft's Graph permissions map (reference/msgraph/permissions-map.json, kibali format) as a contract:
// which delegated scopes permit a (method, path), which of them is least privileged, and whether the
// scopes Sesame requests are the least it needs for the requests it sends.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphModel } from './csdl.js';

export const VENDORED_PERMISSIONS_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'reference',
  'msgraph',
  'permissions-map.json',
);

export interface PermissionsMapFile {
  permissions: Record<
    string,
    {
      schemes: Record<string, { privilegeLevel?: number; requiresAdminConsent?: boolean }>;
      pathSets: { schemeKeys: string[]; methods: string[]; paths: Record<string, string> }[];
    }
  >;
}

export interface GraphRequest {
  method: string;
  path: string;
}

export interface ScopeGrant {
  scope: string;
  /** The map's privilege level for the scheme (1 = least … 5 = most); 5 when the map gives none. */
  privilegeLevel: number;
  /** The map marks this scope `least=` for the scheme on this path. */
  markedLeast: boolean;
  /** The map's `AlsoRequires=`: this scope permits the request only with one of these also granted. */
  alsoRequires: string[];
}

export interface PermissionLookup {
  method: string;
  /** The map key the request matched (lower-cased, placeholders as `{}`), or the attempted key. */
  key: string;
  found: boolean;
  permitting: ScopeGrant[];
  /** Least privileged: the scopes the map marks `least=` (lowest level among them), else the lowest level. */
  leastPrivileged: string[];
}

/** OpenID Connect scopes: requested for sign-in, not Graph API permissions, so not checked against paths. */
export const IDENTITY_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access', 'email'];

const UNKNOWN_LEVEL = 5;

/**
 * Map key of a path: no query, lower-cased, every `{placeholder}` or `'{placeholder}'` as `{}`, without a final
 * `/$ref`: the map lists most reference writes under the navigation property (POST /users/{id}/sponsors for
 * POST /users/{id}/sponsors/$ref), a few with it; both name the same permission.
 */
export function normalizePermissionPath(path: string): string {
  const noQuery = path.split('?')[0] as string;
  return (
    noQuery
      .replace(/'?\{[^}]*\}'?/g, '{}')
      .replace(/\/+$/, '')
      .replace(/\/\$ref$/i, '')
      .toLowerCase() || '/'
  );
}

export class PermissionIndex {
  private readonly byKey = new Map<string, ScopeGrant[]>();
  readonly levels = new Map<string, number>();

  constructor(
    map: PermissionsMapFile,
    readonly scheme: string = 'DelegatedWork',
    private readonly model?: GraphModel,
  ) {
    for (const [scope, p] of Object.entries(map.permissions)) {
      const s = p.schemes[scheme];
      if (!s) continue;
      this.levels.set(scope, s.privilegeLevel ?? UNKNOWN_LEVEL);
      for (const set of p.pathSets) {
        if (!set.schemeKeys.includes(scheme)) continue;
        for (const [path, markers] of Object.entries(set.paths)) {
          const parsed = parseMarkers(markers);
          for (const method of set.methods) {
            const key = `${method.toUpperCase()} ${normalizePermissionPath(path)}`;
            const grants = this.byKey.get(key) ?? [];
            const existing = grants.find((g) => g.scope === scope);
            const grant: ScopeGrant = {
              scope,
              privilegeLevel: s.privilegeLevel ?? UNKNOWN_LEVEL,
              markedLeast: parsed.least.includes(scheme),
              alsoRequires: parsed.alsoRequires,
            };
            // A scope may appear in several path sets for the same path: keep the most permissive reading.
            if (!existing) grants.push(grant);
            else {
              existing.markedLeast ||= grant.markedLeast;
              if (grant.alsoRequires.length === 0) existing.alsoRequires = [];
            }
            this.byKey.set(key, grants);
          }
        }
      }
    }
  }

  /**
   * Which delegated scopes permit `method pathTemplate`. The path may be concrete (`/users/8f…/assignLicense`)
   * when the index was built with a GraphModel: the CSDL resolver turns it into a template first.
   */
  lookup(method: string, path: string): PermissionLookup {
    const m = method.toUpperCase();
    const candidates = [normalizePermissionPath(path)];
    if (this.model) {
      const resolved = this.model.resolve(m as 'GET', path.split('?')[0] as string);
      candidates.push(normalizePermissionPath(resolved.template));
    }
    // $count and $value read what the collection or entity read does.
    for (const c of [...candidates]) candidates.push(c.replace(/\/\$(count|value)$/, ''));
    for (const key of candidates) {
      const permitting = this.byKey.get(`${m} ${key}`);
      if (permitting)
        return { method: m, key, found: true, permitting, leastPrivileged: leastOf(permitting) };
    }
    return { method: m, key: candidates[0] as string, found: false, permitting: [], leastPrivileged: [] };
  }

  privilegeLevel(scope: string): number {
    return this.levels.get(scope) ?? UNKNOWN_LEVEL;
  }

  isKnownScope(scope: string): boolean {
    return this.levels.has(scope);
  }
}

function parseMarkers(markers: string): { least: string[]; alsoRequires: string[] } {
  const out = { least: [] as string[], alsoRequires: [] as string[] };
  for (const part of markers.split(';')) {
    const [k, v] = part.split('=');
    if (!k || !v) continue;
    if (k.trim().toLowerCase() === 'least') out.least = v.split(',').map((s) => s.trim());
    if (k.trim().toLowerCase() === 'alsorequires') out.alsoRequires = v.split(',').map((s) => s.trim());
  }
  return out;
}

function leastOf(grants: ScopeGrant[]): string[] {
  // The map's `least=` marks are Microsoft's call and win; the privilege level only breaks ties between marks
  // (GET /users marks both User.ReadBasic.All and User.ReadWrite.All). Levels alone would mislead: POST /users is
  // also permitted by Intune scopes of a lower level than the marked User.ReadWrite.All.
  const marked = grants.filter((g) => g.markedLeast);
  const pool = marked.length > 0 ? marked : grants;
  const min = Math.min(...pool.map((g) => g.privilegeLevel));
  return pool.filter((g) => g.privilegeLevel === min).map((g) => g.scope);
}

/** Does a granted set of scopes permit the request (honouring AlsoRequires)? Returns the scopes that do. */
export function grantingScopes(lookup: PermissionLookup, granted: ReadonlySet<string>): string[] {
  return lookup.permitting
    .filter(
      (g) =>
        granted.has(g.scope) && (g.alsoRequires.length === 0 || g.alsoRequires.some((a) => granted.has(a))),
    )
    .map((g) => g.scope);
}

let defaultIndex: PermissionIndex | undefined;

/** The delegated (work account) index of the vendored permissions map, built once per process. */
export function loadPermissionIndex(
  model?: GraphModel,
  path: string = VENDORED_PERMISSIONS_PATH,
): PermissionIndex {
  const build = () =>
    new PermissionIndex(JSON.parse(readFileSync(path, 'utf8')) as PermissionsMapFile, 'DelegatedWork', model);
  if (model || path !== VENDORED_PERMISSIONS_PATH) return build();
  defaultIndex ??= build();
  return defaultIndex;
}

export interface ScopeException {
  scope: string;
  reason: string;
}

export interface LeastPrivilegeReport {
  /** No uncovered request and no unexcused broader scope. */
  ok: boolean;
  /** Requests no requested scope permits. */
  uncovered: { request: GraphRequest; leastPrivileged: string[] }[];
  /** Requested scopes broader than needed, with why. */
  broader: { scope: string; reason: string }[];
  /** Broader scopes excused by an exception, with the exception's reason. */
  excepted: { scope: string; finding: string; reason: string }[];
  /** Exceptions for scopes that are not flagged (or not requested): stale, remove them. */
  unusedExceptions: ScopeException[];
  /** Requests the map does not list at all (cannot be checked; not counted as failures). */
  unmapped: GraphRequest[];
  /** For information: scopes whose every request is also permitted by other requested scopes. */
  redundant: string[];
  /** For each request, the least privileged scopes and the requested scopes that permit it. */
  perRequest: { request: GraphRequest; leastPrivileged: string[]; grantedBy: string[] }[];
}

const isTransport = (r: GraphRequest) => /^\/?\$batch$/i.test(r.path.split('?')[0] as string);

/**
 * Checks requested delegated scopes against the requests they must permit:
 * (a) every request must be permitted by some requested scope;
 * (b) a requested scope is broader than needed when every request it permits is also permitted by a strictly
 *     less privileged requested scope, or when it is the least privileged scope for none of the requests it
 *     permits (or permits none, or is not a delegated Graph permission) — unless an exception with a reason
 *     names it. AlsoRequires pairs count only when both scopes are requested.
 * `$batch` is transport (its inner requests are checked on their own); OpenID scopes are not Graph permissions.
 */
export function checkLeastPrivilege(
  requests: readonly GraphRequest[],
  requestedScopes: readonly string[],
  exceptions: readonly ScopeException[] = [],
  index: PermissionIndex = loadPermissionIndex(),
): LeastPrivilegeReport {
  const granted = new Set(requestedScopes);
  const graphScopes = requestedScopes.filter((s) => !IDENTITY_SCOPES.includes(s));
  const report: LeastPrivilegeReport = {
    ok: true,
    uncovered: [],
    broader: [],
    excepted: [],
    unusedExceptions: [],
    unmapped: [],
    redundant: [],
    perRequest: [],
  };
  const lookups: { request: GraphRequest; lookup: PermissionLookup; grantedBy: string[] }[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    if (isTransport(request)) continue;
    const lookup = index.lookup(request.method, request.path);
    const dedupe = `${lookup.method} ${lookup.key}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    if (!lookup.found) {
      report.unmapped.push(request);
      continue;
    }
    const grantedBy = grantingScopes(lookup, granted);
    lookups.push({ request, lookup, grantedBy });
    report.perRequest.push({ request, leastPrivileged: lookup.leastPrivileged, grantedBy });
    if (grantedBy.length === 0) report.uncovered.push({ request, leastPrivileged: lookup.leastPrivileged });
  }

  const findings: { scope: string; reason: string }[] = [];
  for (const scope of graphScopes) {
    if (!index.isKnownScope(scope)) {
      findings.push({ scope, reason: `${scope} is not a delegated Graph permission in the map` });
      continue;
    }
    const covers = lookups.filter((l) => l.grantedBy.includes(scope));
    const label = (l: (typeof lookups)[number]) => `${l.request.method} ${l.request.path}`;
    if (covers.length === 0) {
      findings.push({ scope, reason: `${scope} permits none of the requests` });
      continue;
    }
    const level = index.privilegeLevel(scope);
    const dominated = covers.every((l) =>
      l.grantedBy.some((other) => other !== scope && index.privilegeLevel(other) < level),
    );
    if (dominated) {
      findings.push({
        scope,
        reason: `every request ${scope} permits is also permitted by a less privileged requested scope`,
      });
      continue;
    }
    const leastFor = covers.filter((l) => l.lookup.leastPrivileged.includes(scope));
    if (leastFor.length === 0) {
      const examples = covers
        .slice(0, 3)
        .map((l) => `${label(l)}: ${l.lookup.leastPrivileged.join(' or ')}`)
        .join('; ');
      findings.push({
        scope,
        reason: `${scope} is the least privileged scope for none of its requests (${examples})`,
      });
    }
  }

  for (const finding of findings) {
    const exception = exceptions.find((e) => e.scope === finding.scope);
    if (exception && exception.reason.trim() !== '') {
      report.excepted.push({ scope: finding.scope, finding: finding.reason, reason: exception.reason });
    } else report.broader.push(finding);
  }
  report.unusedExceptions = exceptions.filter((e) => !findings.some((f) => f.scope === e.scope));

  for (const scope of graphScopes) {
    const covers = lookups.filter((l) => l.grantedBy.includes(scope));
    if (covers.length > 0 && covers.every((l) => l.grantedBy.some((other) => other !== scope))) {
      report.redundant.push(scope);
    }
  }
  report.ok = report.uncovered.length === 0 && report.broader.length === 0;
  return report;
}
