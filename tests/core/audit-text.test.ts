import { auditActionText, describeAuditDetails } from '../../core/audit-text.js';
import { ROLE } from '../../core/directory-roles.js';

describe('audit events in words', () => {
  it('names the step, the target and the role of a write, never its ids', () => {
    const text = describeAuditDetails(
      {
        action: 'graph.write',
        result: 'ok',
        stepTitle: { fr: 'Rôle Inviteur', en: 'Guest Inviter role' },
        details: {
          stepId: 'assign-role',
          op: 'assignDirectoryRole',
          args: [
            { principalId: '0e1d2c3b-aaaa-4bbb-8ccc-dddddddddddd', roleDefinitionId: ROLE.guestInviter },
          ],
          requestIds: ['5d0c0b6a-1111-4222-8333-944455556666'],
        },
      },
      'fr',
    );
    expect(text).toBe('Rôle Inviteur · Inviteur');
  });

  it('says what the rights check found, with role names', () => {
    const text = describeAuditDetails(
      {
        action: 'run.preflight',
        result: 'refused',
        details: {
          feasibility: 'none',
          missingRoles: [ROLE.guestInviter],
          missingScopes: ['User.Invite.All'],
        },
      },
      'en',
    );
    expect(text).toBe(
      'the procedure cannot be done · missing the Guest Inviter role · missing the User.Invite.All permission',
    );
  });

  it('says which step Sesame left to the admin by hand, and the roles that would have let it', () => {
    const event = {
      action: 'action.not-allowed',
      result: 'skipped',
      stepTitle: { fr: 'Parrain de l’invité', en: 'Guest’s sponsor' },
      details: {
        stepId: 'sponsor',
        op: 'addSponsor',
        missingRoles: [ROLE.userAdministrator, ROLE.directoryWriters, ROLE.globalAdministrator],
      },
    };
    expect(auditActionText(event.action, 'fr')).toBe('Laissé à faire à la main');
    expect(describeAuditDetails(event, 'en')).toBe(
      'Guest’s sponsor · missing the User Administrator, Directory Writers, Global Administrator role',
    );
  });

  it('keeps untrusted values on one line, without bidi controls', () => {
    const text = describeAuditDetails(
      {
        action: 'input.submitted',
        result: 'ok',
        details: { values: { email: 'evil\u202Egpj.exe@x.example\n# heading' } },
      },
      'en',
    );
    expect(text).toBe('evilgpj.exe@x.example # heading');
  });

  it('formats dates with the reader’s formatter', () => {
    const text = describeAuditDetails(
      { action: 'wait.started', result: 'ok', details: { dueAt: '2026-12-01T09:00:00.000Z' } },
      'fr',
      () => '1 déc.',
    );
    expect(text).toBe('jusqu’au 1 déc.');
  });

  it('shows an action it does not know as its words', () => {
    expect(auditActionText('graph.write', 'fr')).toBe('Modification du tenant');
    expect(auditActionText('something.new-here', 'en')).toBe('something new here');
  });
});
