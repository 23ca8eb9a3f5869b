// The delegated scopes Sesame asks for at sign-in: derived from the operations its procedures and engine run
// (core/graph/operations), checked against Microsoft's least-privilege map, and the same everywhere they are
// written down for Entra ID (the app registration manifest, the OAuth connection in docs/real-teams.md).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphOperation } from '../../core/graph/operation.js';
import { GRAPH_OPERATIONS } from '../../core/graph/operations/index.js';
import { OPENID_SCOPES, permissionsOf, signInScopes } from '../../core/graph/scopes.js';
import { PROCEDURES, SESAME_SIGN_IN_SCOPES, USED_GRAPH_OPERATIONS } from '../../core/procedures/catalog.js';
import { loadGraphModel } from './csdl.js';
import { checkLeastPrivilege, loadPermissionIndex, type ScopeException } from './permissions.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const used = USED_GRAPH_OPERATIONS.map((name) => ({
  name,
  op: GRAPH_OPERATIONS[name] as unknown as GraphOperation<readonly unknown[], object>,
}));
const requests = used.map(({ op }) => ({ method: op.method, path: op.path }));
/** A scope broader than the map's least privileged one is excused only by its operation's permissionNote. */
const exceptions: ScopeException[] = used.flatMap(({ op }) => [
  ...(op.permission && op.permissionNote ? [{ scope: op.permission, reason: op.permissionNote }] : []),
  // A property-level scope (signInActivity: AuditLog.Read.All) is not in the map's path sets: its reason is.
  ...(op.propertyScope ? [{ scope: op.propertyScope.scope, reason: op.propertyScope.why }] : []),
]);

describe("Sesame's sign-in scopes", () => {
  it('are the OpenID scopes and exactly the permissions of the operations its procedures and engine run', () => {
    const fromSteps = PROCEDURES.flatMap((m) => m.procedure.steps.flatMap((s) => s.operations ?? []));
    expect(USED_GRAPH_OPERATIONS).toEqual(expect.arrayContaining(fromSteps));
    expect(USED_GRAPH_OPERATIONS).toContain('listRoleHolders'); // the pre-flight's own
    expect(SESAME_SIGN_IN_SCOPES).toEqual(signInScopes(USED_GRAPH_OPERATIONS));
    const graphScopes = SESAME_SIGN_IN_SCOPES.filter(
      (s) => !(OPENID_SCOPES as readonly string[]).includes(s),
    );
    for (const scope of graphScopes) expect(permissionsOf(USED_GRAPH_OPERATIONS)).toContain(scope);
    expect(new Set(SESAME_SIGN_IN_SCOPES).size).toBe(SESAME_SIGN_IN_SCOPES.length);
  });

  it('cover every request those operations send, each scope least privileged for one of them', () => {
    const report = checkLeastPrivilege(requests, SESAME_SIGN_IN_SCOPES, exceptions);
    expect(report.uncovered).toEqual([]);
    expect(report.broader).toEqual([]);
    // Only what Microsoft documents with no permission (the gallery catalogue), each saying so.
    expect(report.unmapped).toEqual(
      used.filter(({ op }) => op.permission === null).map(({ op }) => ({ method: op.method, path: op.path })),
    );
    for (const { op } of used.filter((u) => u.op.permission === null)) expect(op.permissionNote).toBeTruthy();
  });

  it('hold for concrete request paths too (as the sandbox records them)', () => {
    const concrete = used.map(({ op }) => ({
      method: op.method,
      path: (op.request(...op.example).path ?? op.path).split('?')[0]!,
    }));
    const index = loadPermissionIndex(loadGraphModel());
    const report = checkLeastPrivilege(concrete, SESAME_SIGN_IN_SCOPES, exceptions, index);
    expect(report.uncovered).toEqual([]);
    expect(report.broader).toEqual([]);
  });

  it('a scope nothing uses would fail the check (the check can fail)', () => {
    const report = checkLeastPrivilege(
      requests,
      [...SESAME_SIGN_IN_SCOPES, 'Directory.ReadWrite.All'],
      exceptions,
    );
    expect(report.broader.map((b) => b.scope)).toEqual(['Directory.ReadWrite.All']);
  });

  it('are what the Entra app registration (aad.manifest.json) requests of Microsoft Graph', () => {
    const aad = JSON.parse(readFileSync(join(root, 'aad.manifest.json'), 'utf8')) as {
      requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
    };
    const graph = aad.requiredResourceAccess.find((r) => r.resourceAppId === 'Microsoft Graph');
    expect(graph?.resourceAccess.every((a) => a.type === 'Scope')).toBe(true);
    expect(graph?.resourceAccess.map((a) => a.id).sort()).toEqual([...SESAME_SIGN_IN_SCOPES].sort());
  });

  it('are the permissions docs/real-teams.md tells the admin to consent to', () => {
    const doc = readFileSync(join(root, 'docs', 'real-teams.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## 3.'), doc.indexOf('## 4.'));
    const listed = [...section.matchAll(/^\|\s*`([\w.]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...SESAME_SIGN_IN_SCOPES].sort());
  });
});
