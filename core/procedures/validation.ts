/** Form validation: a pure function from field definitions and submitted values to field-level messages. */
import type { FieldRule, InputField } from './types.js';
import type { LocalizedText } from './text.js';

export interface ValidationResult {
  readonly ok: boolean;
  /** Trimmed values (emails lower-cased), one per field. */
  readonly values: Readonly<Record<string, string>>;
  /** Messages by field id, in both languages; empty when ok. */
  readonly errors: Readonly<Record<string, LocalizedText>>;
}

/**
 * Deliberately stricter than RFC 5321: one @, a dotted domain with a 2+ letter TLD, no spaces or quotes.
 * It is meant for vendor service addresses, not every legal mailbox.
 */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isValidEmail(value: string): boolean {
  if (value.length > 254 || !EMAIL.test(value)) return false;
  const local = value.slice(0, value.indexOf('@'));
  return local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

function check(rule: FieldRule, value: string, label: LocalizedText): LocalizedText | undefined {
  switch (rule.kind) {
    case 'required':
      return value === ''
        ? { fr: `${label.fr} : ce champ est obligatoire.`, en: `${label.en}: this field is required.` }
        : undefined;
    case 'email':
      return value !== '' && !isValidEmail(value)
        ? {
            fr: `${label.fr} : « ${value} » n’est pas une adresse e-mail valide (exemple : nom@domaine.com).`,
            en: `${label.en}: "${value}" is not a valid email address (example: name@domain.com).`,
          }
        : undefined;
    case 'maxLength':
      return value.length > rule.max
        ? {
            fr: `${label.fr} : ${rule.max} caractères au plus.`,
            en: `${label.en}: at most ${rule.max} characters.`,
          }
        : undefined;
    case 'pattern':
      return value !== '' && !new RegExp(rule.pattern, rule.flags).test(value) ? rule.message : undefined;
  }
}

export function validateFields(
  fields: readonly InputField[],
  submitted: Readonly<Record<string, unknown>>,
): ValidationResult {
  const values: Record<string, string> = {};
  const errors: Record<string, LocalizedText> = {};
  for (const field of fields) {
    const raw = submitted[field.id];
    // Card data is untrusted: anything but a string counts as empty.
    let value = typeof raw === 'string' ? raw.trim() : '';
    if (field.type === 'email') value = value.toLowerCase();
    values[field.id] = value;
    for (const rule of field.rules) {
      const message = check(rule, value, field.label);
      if (message) {
        errors[field.id] = message;
        break;
      }
    }
  }
  return { ok: Object.keys(errors).length === 0, values, errors };
}
