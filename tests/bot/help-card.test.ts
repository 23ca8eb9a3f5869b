import { helpCard, unknownMessageCard, START_PROCEDURE_VERB } from '../../bot/cards/help-card.js';
import { asRead } from '../helpers/inert-markdown.js';
import { localeFor } from '../../bot/sesame-bot.js';
import { PROCEDURES, procedureListing } from '../../core/procedures/catalog.js';
import { checkCard, MAX_CARD_BYTES } from '../helpers/card-validation.js';

describe('help card', () => {
  const procedures = PROCEDURES.map((m) => procedureListing(m.procedure));

  it.each(['fr', 'en'] as const)('lists every procedure with a Start action (%s)', (locale) => {
    const card = helpCard(locale, procedures);
    const json = JSON.stringify(asRead(card));
    for (const p of procedures) {
      expect(json).toContain(p.title[locale]);
      expect(json).toContain(`"procedureId":"${p.id}"`);
    }
    expect(json).toContain(`"verb":"${START_PROCEDURE_VERB}"`);
    const check = checkCard(card);
    expect(check.schemaErrors).toEqual([]);
    expect(check.parseErrors).toEqual([]);
    expect(check.bytes).toBeLessThan(MAX_CARD_BYTES);
  });

  it('speaks the user language', () => {
    expect(JSON.stringify(helpCard('fr', procedures))).toContain('procédures d’accès');
    expect(JSON.stringify(helpCard('en', procedures))).toContain('vendor access procedures');
  });

  it('answers an unknown message with what it understood and the list', () => {
    const card = unknownMessageCard('fr', 'bonjour <b>', procedures);
    const json = JSON.stringify(card);
    expect(JSON.stringify(asRead(card))).toContain('Je n’ai pas compris « bonjour <b> »');
    expect(json).not.toContain('<b>');
    expect(checkCard(card).schemaErrors).toEqual([]);
  });

  it('the schema check catches an invalid card (must fail)', () => {
    const bad = { ...helpCard('en', procedures), body: [{ type: 'TextBlock' }] };
    expect(checkCard(bad).schemaErrors.length).toBeGreaterThan(0);
  });

  it('picks the language of the command word over the Teams locale', () => {
    expect(localeFor('en-US', 'aide')).toBe('fr');
    expect(localeFor('fr-FR', 'help')).toBe('en');
    expect(localeFor('fr-FR', 'bonjour')).toBe('fr');
    expect(localeFor(undefined, 'hello')).toBe('en');
    // What they typed says the language, whatever the client's locale (the Playground always sends en-US).
    expect(localeFor('en-US', 'accès invité Cegid Loop')).toBe('fr');
    expect(localeFor('fr-FR', 'guest access')).toBe('en');
    expect(localeFor('en-US', 'Cegid')).toBe('en');
    expect(localeFor('fr-FR', 'Cegid')).toBe('fr');
  });
});
