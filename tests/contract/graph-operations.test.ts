// The Graph operations catalogue (core/graph/operations) against Microsoft's v1.0 CSDL and permissions map, and
// against the sandbox tenant: every declared operation is real Graph, declares the least privileged delegated
// permission (or says why not), and has a sandbox route that enforces the same directory roles.
import { ROLE } from '../../core/directory-roles.js';
import type { GraphOperation, GraphResource } from '../../core/graph/operation.js';
import { GRAPH_OPERATIONS, GRAPH_OPERATION_NAMES } from '../../core/graph/operations/index.js';
import { routePermissions, INVITE_POLICY } from '../../sandbox/graph/permissions.js';
import { graphRouteTable } from '../../sandbox/graph/route-table.js';
import { applicationHandlers } from '../../sandbox/graph/handlers/applications.js';
import { domainHandlers } from '../../sandbox/graph/handlers/domains.js';
import { groupHandlers } from '../../sandbox/graph/handlers/groups.js';
import { invitationHandlers } from '../../sandbox/graph/handlers/invitations.js';
import { licenceHandlers } from '../../sandbox/graph/handlers/licences.js';
import { organizationHandlers } from '../../sandbox/graph/handlers/organization.js';
import { permissionGrantHandlers } from '../../sandbox/graph/handlers/permission-grants.js';
import { policyHandlers } from '../../sandbox/graph/handlers/policies.js';
import { roleManagementHandlers } from '../../sandbox/graph/handlers/role-management.js';
import { synchronizationHandlers } from '../../sandbox/graph/handlers/synchronization.js';
import { tenantRelationshipHandlers } from '../../sandbox/graph/handlers/tenant-relationships.js';
import { userHandlers } from '../../sandbox/graph/handlers/users.js';
import { resolveGraphRequest, type GraphMethod } from './csdl.js';
import { loadPermissionIndex, normalizePermissionPath } from './permissions.js';

type AnyOperation = GraphOperation<readonly unknown[], object>;
const operations = GRAPH_OPERATION_NAMES.map(
  (name) => [name, GRAPH_OPERATIONS[name] as unknown as AnyOperation] as const,
);
const index = loadPermissionIndex();

/** Body property names as the CSDL resolver checks them: top level, and `a.b` inside a complex value. */
function bodyProperties(body: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
  if (!body) return undefined;
  return Object.entries(body).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? [k, ...Object.keys(v).map((n) => `${k}.${n}`)] : [k],
  );
}

/** A template path as a pattern: each `{placeholder}` stands for one encoded value. */
function templatePattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\?'?\{[^}]*\}\\?'?/g, "'?[^/']+'?")}$`);
}

describe('the Graph operations catalogue', () => {
  it('has operations, each under its own name', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  it.each(operations)('%s: the declared path and query are Graph v1.0', (_name, op) => {
    const result = resolveGraphRequest(
      op.method as GraphMethod,
      `${op.path}${op.query ? `?${op.query}` : ''}`,
      {
        ...(op.select ? { select: [...op.select] } : {}),
      },
    );
    if (!result.ok) throw new Error(`${op.method} ${op.path}: ${result.reason}`);
  });

  it.each(operations)('%s: the request it builds is Graph v1.0 and fits its path', (_name, op) => {
    const request = op.request(...op.example);
    const path = request.path ?? op.path;
    expect(decodeURIComponent(path)).toMatch(templatePattern(op.path));
    const expand = request.query?.$expand;
    const result = resolveGraphRequest(op.method as GraphMethod, path, {
      ...(op.select ? { select: [...op.select] } : {}),
      ...(expand ? { expand: [expand] } : {}),
      ...(request.body ? { bodyProperties: bodyProperties(request.body) } : {}),
    });
    if (!result.ok) throw new Error(`${op.method} ${path}: ${result.reason}`);
    if (op.method === 'GET') expect(request.body).toBeUndefined();
  });

  it.each(operations)("%s: declares the map's least privileged delegated permission", (_name, op) => {
    const lookup = index.lookup(op.method, op.path);
    if (op.permission === null) {
      expect({ inMap: lookup.found, note: Boolean(op.permissionNote?.trim()) }).toEqual({
        inMap: false,
        note: true,
      });
      return;
    }
    expect(lookup.found).toBe(true);
    const grant = lookup.permitting.find((g) => g.scope === op.permission);
    expect(grant).toBeDefined();
    if (!lookup.leastPrivileged.includes(op.permission)) {
      // Only a property-level reason may justify more than the map's least privileged scope.
      expect({ least: lookup.leastPrivileged, note: op.permissionNote?.trim() || undefined }).toEqual({
        least: lookup.leastPrivileged,
        note: expect.any(String),
      });
    } else {
      expect(op.permissionNote).toBeUndefined();
    }
    if (grant!.alsoRequires.length > 0) expect(grant!.alsoRequires).toContain(op.alsoRequires);
    else expect(op.alsoRequires).toBeUndefined();
  });

  it.each(operations)('%s: the sandbox serves it, with the directory roles it declares', (_name, op) => {
    const key = `${op.method} ${normalizePermissionPath(op.path)}`;
    const route = graphRouteTable.find((r) => `${r.method} ${normalizePermissionPath(r.path)}` === key);
    expect({ key, served: route !== undefined }).toEqual({ key, served: true });
    const rule = routePermissions[`${route!.method} ${route!.path}` as keyof typeof routePermissions];
    const withoutGlobalAdmin = (roles: readonly string[]) =>
      [...new Set(roles)].filter((r) => r !== ROLE.globalAdministrator).sort();
    switch (op.roles.kind) {
      case 'anyUser':
      case 'member':
        expect(rule.roles).toEqual({ kind: op.roles.kind });
        break;
      case 'anyOf':
        expect(rule.roles.kind).toBe('roles');
        expect(withoutGlobalAdmin(rule.roles.kind === 'roles' ? rule.roles.roles : [])).toEqual(
          withoutGlobalAdmin(op.roles.roles),
        );
        break;
      case 'invitePolicy':
        expect(rule.roles.kind).toBe('invitePolicy');
        expect(withoutGlobalAdmin(INVITE_POLICY.adminsAndGuestInviters!.roles)).toEqual(
          withoutGlobalAdmin(op.roles.roles),
        );
        break;
    }
    // The sandbox accepts the declared permission for the route.
    if (op.permission) expect([...rule.scopes, ...(rule.selfScopes ?? [])]).toContain(op.permission);
  });

  /** The sandbox module of each resource (sandbox/graph/handlers/<resource>.ts). */
  const sandboxModules: Record<GraphResource, Readonly<Record<string, unknown>>> = {
    users: userHandlers,
    groups: groupHandlers,
    invitations: invitationHandlers,
    policies: policyHandlers,
    'role-management': roleManagementHandlers,
    licences: licenceHandlers,
    organization: organizationHandlers,
    domains: domainHandlers,
    applications: applicationHandlers,
    'permission-grants': permissionGrantHandlers,
    synchronization: synchronizationHandlers,
    'tenant-relationships': tenantRelationshipHandlers,
  };

  it.each(operations)('%s: its sandbox handler sits in the module of its resource', (_name, op) => {
    const key = `${op.method} ${normalizePermissionPath(op.path)}`;
    const handled = Object.keys(sandboxModules[op.resource]).map((k) => {
      const [method, path] = k.split(' ');
      return `${method} ${normalizePermissionPath(path!)}`;
    });
    expect({ resource: op.resource, key, there: handled.includes(key) }).toEqual({
      resource: op.resource,
      key,
      there: true,
    });
  });

  it('a paged operation reads a collection, a single one does not', () => {
    for (const [name, op] of operations) {
      if (op.paging === 'all') expect({ name, method: op.method }).toEqual({ name, method: 'GET' });
    }
  });
});
