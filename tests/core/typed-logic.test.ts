/**
 * The typed step-logic helpers: what the engine receives from them (plain calls, a read the run makes unnecessary
 * not issued) and what the logic receives back (each result under the name it declared).
 */
import { defineAction, defineCheck, defineWait, graphCall } from '../../core/procedures/typed-logic.js';
import type { StepContext } from '../../core/procedures/types.js';

function ctx(facts: Record<string, string>): StepContext {
  return {
    run: { id: 'r1', tenantId: 't1', admin: { id: 'a1', name: 'Admin' }, stepResults: {} },
    inputs: {},
    facts,
    adminRoles: undefined,
    now: 0,
  };
}

const GUEST_INVITER = '95e79109-95c0-4d8e-aee3-d01accf2d47b';

const assign = defineAction({
  probe: (c) => ({
    assignments:
      typeof c.facts.guestId === 'string'
        ? graphCall('listRoleAssignments', { principalId: c.facts.guestId, roleDefinitionId: GUEST_INVITER })
        : undefined,
  }),
  interpretProbe: (_c, { assignments }) =>
    assignments === undefined
      ? { done: false }
      : assignments.ok && assignments.data.assignments.length > 0
        ? { done: true, summary: { fr: 'déjà', en: 'already' } }
        : { done: false },
  write: (c) =>
    graphCall('assignDirectoryRole', {
      principalId: String(c.facts.guestId),
      roleDefinitionId: GUEST_INVITER,
      directoryScopeId: '/',
    }),
  interpretWrite: (_c, r) =>
    r.ok
      ? { status: 'done', summary: { fr: r.data.id, en: r.data.id }, objectIds: [r.data.id] }
      : { status: 'failed', summary: { fr: 'non', en: 'no' } },
});

describe('typed step logic (defineCheck, defineWait, defineAction)', () => {
  it('does not issue a read left undefined, and issues it once the run knows its argument', () => {
    expect(assign.probe(ctx({}))).toEqual({});
    expect(assign.probe(ctx({ guestId: 'g1' }))).toEqual({
      assignments: {
        op: 'listRoleAssignments',
        args: [{ principalId: 'g1', roleDefinitionId: GUEST_INVITER }],
      },
    });
    const poll = defineWait({
      poll: (c) => ({
        user: graphCall('getUser', 'g1'),
        grants: c.facts.spId ? graphCall('listPermissionGrants', String(c.facts.spId)) : undefined,
      }),
      interpretPoll: () => ({ satisfied: false, summary: { fr: '', en: '' } }),
    });
    expect(Object.keys(poll.poll(ctx({})))).toEqual(['user']);
    expect(Object.keys(poll.poll(ctx({ spId: 's1' })))).toEqual(['user', 'grants']);
  });

  it('hands each result to the logic under the name it was read with, and the write as a plain call', () => {
    const found = assign.interpretProbe(ctx({ guestId: 'g1' }), {
      assignments: {
        ok: true,
        data: {
          assignments: [
            { id: 'ra1', principalId: 'g1', roleDefinitionId: GUEST_INVITER, directoryScopeId: '/' },
          ],
          requestId: 'q1',
        },
      },
    });
    expect(found).toEqual({ done: true, summary: { fr: 'déjà', en: 'already' } });
    expect(assign.interpretProbe(ctx({}), {})).toEqual({ done: false });
    expect(assign.write(ctx({ guestId: 'g1' }))).toEqual({
      op: 'assignDirectoryRole',
      args: [{ principalId: 'g1', roleDefinitionId: GUEST_INVITER, directoryScopeId: '/' }],
    });
    expect(
      assign.interpretWrite(ctx({}), {
        ok: true,
        data: { id: 'ra2', principalId: 'g1', roleDefinitionId: GUEST_INVITER, directoryScopeId: '/' },
      }),
    ).toMatchObject({ status: 'done', objectIds: ['ra2'] });

    const check = defineCheck({
      reads: () => ({ me: graphCall('getMe') }),
      evaluate: (_c, { me }) => ({
        result: me.ok && me.data.userType === 'Member' ? 'pass' : 'stop',
        reason: { fr: 'invité', en: 'guest' },
        summary: { fr: '', en: '' },
      }),
    });
    expect(check.reads(ctx({}))).toEqual({ me: { op: 'getMe', args: [] } });
    const me = (userType: string) => ({
      me: {
        ok: true as const,
        data: { id: 'a1', displayName: null, userPrincipalName: null, userType, mail: null, requestId: '' },
      },
    });
    expect(check.evaluate(ctx({}), me('Member')).result).toBe('pass');
    expect(check.evaluate(ctx({}), me('Guest')).result).toBe('stop');
  });
});
