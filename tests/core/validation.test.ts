import { isValidEmail, validateFields } from '../../core/procedures/validation.js';
import type { InputField } from '../../core/procedures/types.js';
import { vendorGuestAccess } from '../../core/procedures/vendor-guest-access.js';

const emailStep = vendorGuestAccess.steps.find((s) => s.id === 'vendor-email');
const fields = emailStep?.kind === 'input' ? emailStep.fields : [];

describe('input validation', () => {
  it('accepts, trims and lower-cases a valid address', () => {
    expect(validateFields(fields, { email: '  Admin@OnLoop.onmicrosoft.com ' })).toEqual({
      ok: true,
      values: { email: 'admin@onloop.onmicrosoft.com' },
      errors: {},
    });
  });

  it('says in French and English that the field is required', () => {
    const r = validateFields(fields, { email: '   ' });
    expect(r.ok).toBe(false);
    expect(r.errors.email).toEqual({
      fr: 'Adresse e-mail du fournisseur : ce champ est obligatoire.',
      en: 'Vendor email address: this field is required.',
    });
  });

  it('names the malformed value', () => {
    const r = validateFields(fields, { email: 'admin@@onloop' });
    expect(r.errors.email?.fr).toBe(
      'Adresse e-mail du fournisseur : « admin@@onloop » n’est pas une adresse e-mail valide (exemple : nom@domaine.com).',
    );
    expect(r.errors.email?.en).toBe(
      'Vendor email address: "admin@@onloop" is not a valid email address (example: name@domain.com).',
    );
  });

  it('treats non-string card data as empty', () => {
    expect(validateFields(fields, { email: { $ne: '' } }).errors.email?.en).toMatch(/required/);
    expect(validateFields(fields, {}).ok).toBe(false);
  });

  it.each([
    ['admin@onloop.onmicrosoft.com', true],
    ['first.last+tag@cabinet-dupont.fr', true],
    ['admin@onloop', false],
    ['admin onloop@x.fr', false],
    ['.admin@x.fr', false],
    ['a..b@x.fr', false],
    ['admin@-x.fr', false],
    ['@x.fr', false],
    [`${'a'.repeat(65)}@x.fr`, false],
  ])('isValidEmail(%s) = %s', (value, expected) => {
    expect(isValidEmail(value)).toBe(expected);
  });

  it('applies pattern and length rules with their own messages', () => {
    const custom: InputField[] = [
      {
        id: 'upn',
        type: 'text',
        label: { fr: 'UPN', en: 'UPN' },
        rules: [
          { kind: 'maxLength', max: 20 },
          {
            kind: 'pattern',
            pattern: '@cabinet\\.fr$',
            flags: 'i',
            message: { fr: 'Le domaine doit être cabinet.fr.', en: 'The domain must be cabinet.fr.' },
          },
        ],
      },
    ];
    expect(validateFields(custom, { upn: 'x@autre.fr' }).errors.upn?.en).toBe(
      'The domain must be cabinet.fr.',
    );
    expect(validateFields(custom, { upn: 'very-long-name@cabinet.fr' }).errors.upn?.fr).toBe(
      'UPN : 20 caractères au plus.',
    );
    expect(validateFields(custom, { upn: '' }).ok).toBe(true);
  });
});
