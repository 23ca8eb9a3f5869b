import { CATALOGUE_LOCALES, cardCatalogue } from '../../scripts/card-catalogue.js';
import { CATALOGUE_PASSWORD } from '../../scripts/card-catalogue-procedure-c.js';
import { checkCard, MAX_CARD_BYTES } from '../helpers/card-validation.js';
import { asRead } from '../helpers/inert-markdown.js';

/** Every string in a card, with where it sits (placeholders and tokens hide in data and URLs too). */
function strings(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}/${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}/${k}`));
  return [];
}

/**
 * Unresolved placeholders the catalogue found in cards the bot sends today, by card name. Each entry is a bug to
 * fix in the card's owner; the last test fails once it is fixed, so the entry is removed with the fix.
 */
const KNOWN_PLACEHOLDERS: Readonly<Record<string, readonly string[]>> = {};

const PLACEHOLDER = /\{\w+\}/g;

describe('card catalogue', () => {
  const catalogue = cardCatalogue();
  const names = [...new Set(catalogue.map((c) => c.name))];

  it('covers the bot cards and every state of procedure A', () => {
    for (const name of [
      'help',
      'unknown-message',
      'message-unknownAction',
      'message-signedIn',
      'message-notSignedIn',
      'sign-in',
      'status',
      'error-graph-forbidden',
      'run-preflight-blocked',
      'run-input',
      'run-input-error',
      'run-confirm-invite',
      'run-confirm-role',
      'run-confirm-sponsor',
      'run-sponsor-by-hand',
      'run-retry',
      'run-error',
      'run-blocked',
      'run-wait',
      'run-manual',
      'run-done',
      'run-cancelled',
      'run-failed',
    ])
      expect(names).toContain(name);
  });

  it('shows the sponsor left to an admin who may not add one, with whom to ask, in both languages', () => {
    const said = (locale: string) =>
      JSON.stringify(
        asRead(catalogue.find((c) => c.name === 'run-sponsor-by-hand' && c.locale === locale)!.card),
      );
    expect(said('fr')).toContain(
      'Sesame n’a pas pu faire de vous le parrain de admin@onloop.onmicrosoft.com',
    );
    expect(said('fr')).toContain('Dans votre organisation, Administrateur d’utilisateurs : Sam Leroy');
    expect(said('en')).toContain('Sesame could not make you the sponsor of admin@onloop.onmicrosoft.com');
    expect(said('en')).toContain('In your organisation, User Administrator: Sam Leroy');
  });

  it('covers every state of procedure C, the password on the card of its turn only, the explanation before Graph’s error', () => {
    const c = [
      'c-domain',
      'c-account',
      'c-account-invalid',
      'c-confirm-create',
      'c-password-shown',
      'c-existing-account',
      'c-no-free-seat',
      'c-confirm-licence',
      'c-licence-refused-usage-location',
      'c-mailbox-wait',
      'c-ews-obsolete',
      'c-app',
      'c-app-missing',
      'c-rbac-commands',
      'c-rbac-tenant-wide-mail',
      'c-propagation-wait',
      'c-verify',
    ];
    expect(names.filter((n) => n.startsWith('c-'))).toEqual(c);
    for (const { name, card } of catalogue.filter((x) => x.name.startsWith('c-')))
      expect({ name, shown: JSON.stringify(card).split(CATALOGUE_PASSWORD).length - 1 }).toEqual({
        name,
        shown: name === 'c-password-shown' ? 1 : 0,
      });
    for (const { locale, card } of catalogue.filter((x) => x.name === 'c-licence-refused-usage-location')) {
      const read = JSON.stringify(asRead(card));
      const explanation = read.indexOf(
        locale === 'fr' ? 'Microsoft refuse la licence' : 'Microsoft refuses the licence',
      );
      expect(explanation).toBeGreaterThan(-1);
      expect(read.indexOf('License assignment cannot be done')).toBeGreaterThan(explanation);
    }
  });

  it('covers procedure D’s states, among them the domain that never verifies and the steady state, in both languages', () => {
    const said = (name: string, locale: string) =>
      strings(catalogue.find((c) => c.name === name && c.locale === locale)?.card)
        .map((s) => s.text.replace(/\\(.)/g, '$1'))
        .join(' ');
    for (const name of [
      'd-domain-choice',
      'd-txt-record',
      'd-verify-not-yet',
      'd-verify-gave-up',
      'd-verify-elsewhere',
      'd-assignees',
      'd-credentials',
      'd-credentials-refused',
      'd-watch',
      'd-steady',
      'd-quarantine',
    ])
      expect(names).toContain(name);
    expect(said('d-verify-gave-up', 'fr')).toContain('n’est toujours pas vérifié après 24 heures');
    expect(said('d-verify-gave-up', 'en')).toContain('is still not verified after 24 hours');
    expect(said('d-steady', 'fr')).toContain('3 objet(s) provisionné(s) vers LogMeIn');
    expect(said('d-steady', 'en')).toContain('3 object(s) provisioned to LogMeIn');
  });

  it('has every card in every language, once', () => {
    for (const name of names) {
      const locales = catalogue.filter((c) => c.name === name).map((c) => c.locale);
      expect({ name, locales: [...locales].sort() }).toEqual({
        name,
        locales: [...CATALOGUE_LOCALES].sort(),
      });
    }
  });

  it('builds the same cards every time (fixed time, fixed ids)', () => {
    expect(JSON.stringify(cardCatalogue())).toBe(JSON.stringify(catalogue));
  });

  it.each(catalogue.map((c) => [`${c.name}.${c.locale}`, c] as const))(
    '%s passes the schema, the parser and the size limit',
    (_label, { card }) => {
      const check = checkCard(card);
      expect(check.schemaErrors).toEqual([]);
      expect(check.parseErrors).toEqual([]);
      expect(check.bytes).toBeLessThan(MAX_CARD_BYTES);
    },
  );

  it.each(catalogue.map((c) => [`${c.name}.${c.locale}`, c] as const))(
    '%s has no unresolved {placeholder} and no token',
    (_label, { name, card }) => {
      const all = strings(card);
      const placeholders = all.flatMap((s) =>
        (s.text.match(PLACEHOLDER) ?? []).map((p) => ({ path: s.path, placeholder: p })),
      );
      const allowed = new Set(KNOWN_PLACEHOLDERS[name] ?? []);
      expect(placeholders.filter((p) => !allowed.has(p.placeholder))).toEqual([]);
      expect(all.filter((s) => /eyJ[A-Za-z0-9_-]{5,}/.test(s.text))).toEqual([]);
    },
  );

  it('still needs each known placeholder exception (remove it once the card is fixed)', () => {
    for (const [name, list] of Object.entries(KNOWN_PLACEHOLDERS)) {
      for (const locale of CATALOGUE_LOCALES) {
        const card = catalogue.find((c) => c.name === name && c.locale === locale);
        expect(card).toBeDefined();
        const json = JSON.stringify(card?.card);
        for (const placeholder of list)
          expect({ name, locale, found: json.includes(placeholder) }).toEqual({
            name,
            locale,
            found: true,
          });
      }
    }
  });

  it('the checks catch what they look for (must fail)', () => {
    const card = catalogue[0]!.card;
    const broken = {
      ...card,
      body: [...card.body, { type: 'TextBlock', text: 'Hello {name} eyJhbGciOiJI' }],
    };
    const texts = strings(broken).map((s) => s.text);
    expect(texts.some((t) => (t.match(PLACEHOLDER) ?? []).length > 0)).toBe(true);
    expect(texts.some((t) => /eyJ[A-Za-z0-9_-]{5,}/.test(t))).toBe(true);
    expect(checkCard({ ...card, body: [{ type: 'TextBlock' }] }).schemaErrors.length).toBeGreaterThan(0);
  });
});
