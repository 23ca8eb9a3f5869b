// The delegated scopes Sesame requests, checked against Microsoft's least-privilege map for the requests it sends.
import { SESAME_GRAPH_REQUESTS, SESAME_GRAPH_SCOPES } from '../../core/graph-permissions.js';
import { loadGraphModel } from './csdl.js';
import { checkLeastPrivilege, loadPermissionIndex, type ScopeException } from './permissions.js';

/** Scopes the path-level map cannot justify on its own, each with the property-level reason. */
const EXCEPTIONS: ScopeException[] = [
  {
    scope: 'User.Read.All',
    reason:
      "The map's least privileged scope for GET /users and /users/{id} is User.ReadBasic.All, which returns only the " +
      'basic profile (id, displayName, mail, userPrincipalName, names, photo). Procedure A and the guest checklist ' +
      'read userType, otherMails, externalUserState(ChangeDateTime) and createdDateTime, which need User.Read.All.',
  },
  {
    scope: 'AuditLog.Read.All',
    reason:
      "The 'inactive guests' rule reads signInActivity on /users, which Graph returns only with AuditLog.Read.All " +
      '(in addition to User.Read.All). The map lists AuditLog.Read.All on /auditLogs paths only, so no path shows it.',
  },
];

/** Requests the map does not list, with what Microsoft's API page says instead. */
const KNOWN_UNMAPPED: Record<string, string> = {
  'GET /applicationTemplates':
    'The gallery catalogue: permissions.json has no entry for it (its API page lists no specific scope).',
};

describe("Sesame's delegated Graph scopes", () => {
  const report = checkLeastPrivilege(SESAME_GRAPH_REQUESTS, SESAME_GRAPH_SCOPES, EXCEPTIONS);

  it('are listed once each', () => {
    expect(new Set(SESAME_GRAPH_SCOPES).size).toBe(SESAME_GRAPH_SCOPES.length);
  });

  it('permit every request Sesame sends', () => {
    expect(report.uncovered).toEqual([]);
  });

  it('are each least privileged for some request, or excused with a reason', () => {
    expect(report.broader).toEqual([]);
    expect(report.excepted.map((e) => e.scope).sort()).toEqual(EXCEPTIONS.map((e) => e.scope).sort());
    expect(report.unusedExceptions).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('leave only known requests unchecked (absent from the map)', () => {
    const unmapped = report.unmapped.map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(unmapped.sort()).toEqual(Object.keys(KNOWN_UNMAPPED).sort());
  });

  it('hold for concrete request paths too (as the sandbox will record them)', () => {
    const concrete = SESAME_GRAPH_REQUESTS.map((r) => ({
      method: r.method,
      path: r.path
        .split('?')[0]!
        .replace(/\{appId\}/g, 'ff28182b-b927-4697-9f0e-3d38e40971a8')
        .replace(/\{[^}]*\}/g, '0f6c4e1a-0000-4000-8000-000000000001'),
    }));
    const index = loadPermissionIndex(loadGraphModel());
    const concreteReport = checkLeastPrivilege(concrete, SESAME_GRAPH_SCOPES, EXCEPTIONS, index);
    expect(concreteReport.uncovered).toEqual([]);
    expect(concreteReport.broader).toEqual([]);
  });
});
