import { findProcedureByText, getProcedure, PROCEDURES } from '../../core/procedures/catalog.js';
import { checkProcedureModule } from '../../core/procedures/types.js';

describe('procedure catalog', () => {
  it('lists only procedures that exist, each soundly wired', () => {
    expect(PROCEDURES.map((p) => p.procedure.id)).toEqual([
      'vendor-guest-access',
      'partner-center-registration',
      'client-collaboration-account',
      'email-service-account',
      'domain-and-provisioning',
    ]);
    for (const m of PROCEDURES) expect(checkProcedureModule(m)).toEqual([]);
    expect(getProcedure('vendor-guest-access')?.procedure.vendor.name).toBe('Cegid Loop');
    expect(getProcedure('nope')).toBeUndefined();
  });

  it.each([
    'accès invité Cegid Loop',
    'acces invite',
    'ACCÈS INVITÉ',
    'guest access',
    'cegid',
    'Lancer la procédure accès invité Cegid Loop stp',
    'start guest access for Cegid',
    'invite cegid',
    'vendor-guest-access',
  ])('finds procedure A from "%s"', (text) => {
    expect(findProcedureByText(text, 'fr')?.procedure.id).toBe('vendor-guest-access');
    expect(findProcedureByText(text, 'en')?.procedure.id).toBe('vendor-guest-access');
  });

  it.each(['', '   ', 'hello', 'create a service account', 'le'])('finds nothing for "%s"', (text) => {
    expect(findProcedureByText(text, 'en')).toBeUndefined();
  });
});
