// Every Graph route the sandbox tenant serves must be real Graph v1.0 (Microsoft's CSDL), and the scopes the
// sandbox accepts for it must be ones Microsoft's permissions map lists for that route.
import { graphRouteTable } from '../../sandbox/graph/route-table.js';
import { csdlTypes } from '../../sandbox/graph/csdl-types.js';
import { routePermissions } from '../../sandbox/graph/permissions.js';
import { loadGraphModel, resolveGraphRequest } from './csdl.js';
import { loadPermissionIndex } from './permissions.js';

const routes: readonly { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; path: string }[] =
  graphRouteTable;

/** Routes served by the sandbox that Microsoft's permissions map does not list. */
const KNOWN_UNMAPPED = new Set([
  'GET /applicationTemplates',
  'GET /applicationTemplates/{id}',
  'POST /$batch',
]);

/**
 * Where the sandbox accepts a scope Microsoft's map does not list for the route. Each entry must still be a
 * discrepancy (the test fails when it is fixed, so the entry gets removed); the sandbox owners decide.
 */
const KNOWN_SANDBOX_DISCREPANCIES: Record<string, { extraScopes: string[]; note: string }> = {};

describe('sandbox Graph routes', () => {
  it('are declared', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it.each(routes.map((r) => [r.method, r.path] as const))('%s %s is a Graph v1.0 route', (method, path) => {
    const result = resolveGraphRequest(method, path);
    if (!result.ok) throw new Error(`${method} ${path}: ${result.reason}`);
  });

  const index = loadPermissionIndex();
  const permissions = routePermissions as Readonly<
    Record<string, { scopes: readonly string[]; selfScopes?: readonly string[] }>
  >;

  it.each(routes.map((r) => [r.method, r.path] as const))(
    '%s %s accepts only scopes Microsoft lists, including the least privileged one',
    (method, path) => {
      const key = `${method} ${path}`;
      const lookup = index.lookup(method, path);
      if (!lookup.found) {
        expect(KNOWN_UNMAPPED).toContain(key);
        return;
      }
      const rule = permissions[key];
      if (!rule) throw new Error(`${key}: no permission rule in sandbox/graph/permissions.ts`);
      const listed = new Set(lookup.permitting.map((g) => g.scope));
      const accepted = [...rule.scopes, ...(rule.selfScopes ?? [])];
      expect(accepted.filter((s) => !listed.has(s))).toEqual(
        KNOWN_SANDBOX_DISCREPANCIES[key]?.extraScopes ?? [],
      );
      // It must not demand more than Microsoft does: some accepted scope is least privileged, or of no higher level.
      const leastLevel = Math.min(...lookup.leastPrivileged.map((s) => index.privilegeLevel(s)));
      const permissive = accepted.filter((s) => listed.has(s) && index.privilegeLevel(s) <= leastLevel);
      expect({ key, permissive: permissive.length > 0 }).toEqual({ key, permissive: true });
    },
  );
});

describe('sandbox entity shapes', () => {
  const model = loadGraphModel();
  const shapes = csdlTypes as Readonly<
    Record<string, { properties: readonly string[]; navigation: readonly string[] }>
  >;

  it.each(Object.keys(shapes))(
    'microsoft.graph.%s has exactly the properties Graph v1.0 declares',
    (name) => {
      const fullName = `microsoft.graph.${name}`;
      const lineage = model.lineage(fullName);
      expect(lineage.length).toBeGreaterThan(0);
      const properties = lineage.flatMap((t) => [...t.properties.keys()]).sort();
      const navigation = lineage.flatMap((t) => [...t.navigation.keys()]).sort();
      const shape = shapes[name] as { properties: readonly string[]; navigation: readonly string[] };
      expect([...shape.properties].sort()).toEqual(properties);
      expect([...shape.navigation].sort()).toEqual(navigation);
    },
  );
});
// That the sandbox serves every operation Sesame declares: tests/contract/graph-operations.test.ts.
