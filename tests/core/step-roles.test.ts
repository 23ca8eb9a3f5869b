/**
 * A step's directory roles come from its operations (issue 9: "Graph operations declared once"): graphNeeds gives
 * the roles every required operation accepts, plus Global Administrator; `ifAllowed` marks an operation the step
 * can do without; checkProcedureModule refuses roles written by hand that differ, so a procedure cannot claim a
 * role its operations do not need, nor forget one they do.
 */
import { ROLE } from '../../core/directory-roles.js';
import { graphNeeds, ifAllowed, rolesOf } from '../../core/graph/scopes.js';
import { PROCEDURE_VERSIONS, PROCEDURES } from '../../core/procedures/catalog.js';
import { checkProcedureModule, type ProcedureModule, type Step } from '../../core/procedures/types.js';

const GA = ROLE.globalAdministrator;

function moduleWith(step: Step): ProcedureModule {
  return {
    procedure: {
      id: 'roles-fixture',
      version: 1,
      title: { fr: 'Rôles', en: 'Roles' },
      summary: { fr: 'Test', en: 'Test' },
      aliases: [],
      vendor: { name: 'Test' },
      requiredScopes: [...step.scopes],
      steps: [step],
    },
    logic: {
      checks: {
        read: { reads: () => ({}), evaluate: () => ({ result: 'pass', summary: { fr: '', en: '' } }) },
      },
      actions: {},
      waits: {},
      textParams: () => ({}),
    },
  };
}

const check = (needs: ReturnType<typeof graphNeeds>, roles?: readonly string[]): Step => ({
  id: 'read',
  kind: 'check',
  logic: 'read',
  title: { fr: 'Lecture', en: 'Read' },
  ...needs,
  ...(roles ? { roles } : {}),
});

describe('step roles derived from the operations', () => {
  it('are the roles every operation of the step accepts, then Global Administrator', () => {
    // findUsersByMail: any member; inviteGuest: Guest Inviter or User Administrator (invite policy).
    expect(graphNeeds('findUsersByMail', 'inviteGuest').roles).toEqual([
      ROLE.guestInviter,
      ROLE.userAdministrator,
      GA,
    ]);
    expect(graphNeeds('listSponsors', 'addSponsor').roles).toEqual([
      ROLE.userAdministrator,
      ROLE.directoryWriters,
      GA,
    ]);
    // Operations with no role in common: only a Global Administrator may do them all.
    expect(rolesOf(['assignDirectoryRole', 'addSponsor'])).toEqual([GA]);
  });

  it('need no role when every operation is open to members (A’s verification)', () => {
    expect(graphNeeds('getUser', 'listRoleAssignments').roles).toEqual([]);
    const verify = PROCEDURES[0]!.procedure.steps.find((s) => s.id === 'verify')!;
    expect(verify.roles).toEqual([]);
  });

  it('leave out an operation marked ifAllowed, whose scope still counts', () => {
    const needs = graphNeeds(ifAllowed('getAuthorizationPolicy'));
    expect(needs).toMatchObject({
      operations: ['getAuthorizationPolicy'],
      optionalOperations: ['getAuthorizationPolicy'],
      scopes: ['Policy.Read.All'],
      roles: [],
    });
    expect(graphNeeds('getAuthorizationPolicy').roles).toContain(ROLE.globalReader);
    // E: a Guest Inviter names the Global Administrators even if PIM eligibilities are hidden from them.
    const e = PROCEDURES.find((m) => m.procedure.id === 'partner-center-registration')!;
    const globalAdmins = e.procedure.steps.find((s) => s.id === 'global-admins')!;
    expect(globalAdmins).toMatchObject({ optionalOperations: ['listRoleEligibilityHolders'], roles: [] });
  });

  it('let A’s sponsor step run without the roles of its write, which version 1 required', () => {
    const sponsorOf = (m: ProcedureModule) => m.procedure.steps.find((s) => s.id === 'sponsor')!;
    const a = PROCEDURE_VERSIONS.filter((m) => m.procedure.id === 'vendor-guest-access');
    expect(a.map((m) => m.procedure.version)).toEqual([2, 1]);
    // Version 2: listSponsors is a member's read; addSponsor is made when the admin may, else left to them.
    expect(sponsorOf(a[0]!)).toMatchObject({
      operations: ['listSponsors', 'addSponsor'],
      optionalOperations: ['addSponsor'],
      scopes: ['User.Read', 'User.ReadWrite.All'],
      roles: [],
      ifNotAllowed: expect.any(Object),
    });
    const v1 = sponsorOf(a[1]!);
    expect(v1).toMatchObject({ roles: [ROLE.userAdministrator, ROLE.directoryWriters, GA] });
    expect(v1).not.toHaveProperty('optionalOperations');
    expect(v1).not.toHaveProperty('ifNotAllowed');
  });

  it('are what every procedure of the catalogue carries, earlier versions kept for their runs included', () => {
    for (const m of PROCEDURE_VERSIONS)
      expect({ id: m.procedure.id, v: m.procedure.version, problems: checkProcedureModule(m) }).toEqual({
        id: m.procedure.id,
        v: m.procedure.version,
        problems: [],
      });
    expect(PROCEDURE_VERSIONS.length).toBeGreaterThan(PROCEDURES.length);
  });
});

describe('checkProcedureModule refuses roles written by hand', () => {
  it('accepts the derived roles', () => {
    expect(checkProcedureModule(moduleWith(check(graphNeeds('listSponsors', 'addSponsor'))))).toEqual([]);
  });

  it('refuses a role the operations do not need', () => {
    const problems = checkProcedureModule(moduleWith(check(graphNeeds('getUser'), [ROLE.globalReader, GA])));
    expect(problems).toEqual([expect.stringMatching(/^read: roles .* are not its operations' \(none\)/)]);
  });

  it('refuses fewer roles than the operations need', () => {
    const problems = checkProcedureModule(moduleWith(check(graphNeeds('listSponsors', 'addSponsor'), [])));
    expect(problems).toEqual([expect.stringMatching(/^read: roles \(none\) are not its operations'/)]);
  });

  it('refuses roles on a step that runs no operation, and an optional operation it does not run', () => {
    const manual: Step = {
      id: 'read',
      kind: 'manual',
      title: { fr: 'À la main', en: 'By hand' },
      instructions: { fr: 'Faites-le', en: 'Do it' },
      doneLabel: { fr: 'Fait', en: 'Done' },
      scopes: [],
      roles: [ROLE.userAdministrator],
    };
    expect(checkProcedureModule(moduleWith(manual))).toEqual([
      expect.stringMatching(/^read: roles .* are not its operations' \(none\)/),
    ]);
    const stray = { ...check(graphNeeds('getUser')), optionalOperations: ['addSponsor'] } as Step;
    expect(checkProcedureModule(moduleWith(stray))).toContain(
      'read: optional operation addSponsor is not among its operations',
    );
  });

  it('refuses an optional write without what the admin does instead, and that text without one', () => {
    const action = (needs: ReturnType<typeof graphNeeds>, byHand: boolean): Step => ({
      id: 'read',
      kind: 'action',
      logic: 'write',
      title: { fr: 'Écriture', en: 'Write' },
      confirm: { fr: 'Écrire ?', en: 'Write?' },
      ...needs,
      ...(byHand
        ? {
            ifNotAllowed: {
              summary: { fr: 'Non', en: 'No' },
              instructions: { fr: 'À la main', en: 'By hand' },
            },
          }
        : {}),
    });
    const withAction = (step: Step): ProcedureModule => {
      const m = moduleWith(step);
      return {
        ...m,
        logic: { ...m.logic, actions: { write: {} as ProcedureModule['logic']['actions'][string] } },
      };
    };
    expect(
      checkProcedureModule(withAction(action(graphNeeds('listSponsors', ifAllowed('addSponsor')), true))),
    ).toEqual([]);
    expect(
      checkProcedureModule(withAction(action(graphNeeds('listSponsors', ifAllowed('addSponsor')), false))),
    ).toEqual([
      'read: optional write addSponsor needs an action step with ifNotAllowed (what the admin does instead)',
    ]);
    expect(checkProcedureModule(withAction(action(graphNeeds('listSponsors', 'addSponsor'), true)))).toEqual([
      "read: ifNotAllowed without an optional write (ifAllowed on the write's operation)",
    ]);
    // An optional read is read as unknown by the step's logic: no text needed.
    expect(checkProcedureModule(moduleWith(check(graphNeeds(ifAllowed('getAuthorizationPolicy')))))).toEqual(
      [],
    );
  });
});
