import { flattenUntrusted, inertText, INERT_TEXT_MAX_LENGTH } from '../../core/i18n/inert-text.js';
import { INJECTION_CORPUS } from '../helpers/injection-corpus.js';
import { markupIn, rendersLiterally } from '../helpers/inert-markdown.js';

describe('inertText', () => {
  it.each(INJECTION_CORPUS)('$name renders literally, as one line, in a markdown TextBlock', ({ text }) => {
    const inert = inertText(text);
    expect(markupIn(inert)).toEqual([]);
    expect(rendersLiterally(inert, flattenUntrusted(text))).toBe(true);
  });

  it('the corpus is hostile: without inertText most entries become markup', () => {
    const live = INJECTION_CORPUS.filter(({ text }) => markupIn(text).length > 0);
    expect(live.length).toBeGreaterThanOrEqual(15);
  });

  it('leaves ordinary names, addresses and French text readable', () => {
    for (const text of ['Claire Martin', 'Émilie d’Arc-Éloi', 'jean.dupont@cegid.com', 'Société 3 (Lyon)']) {
      expect(rendersLiterally(inertText(text), text)).toBe(true);
    }
  });

  it('removes bidi controls and invisible characters, keeps right-to-left letters', () => {
    expect(flattenUntrusted('Facture\u202Etxt.exe')).toBe('Facturetxt.exe');
    expect(flattenUntrusted('\u2067محمد\u2069')).toBe('محمد');
    expect(flattenUntrusted('ad\u200Bmin')).toBe('admin');
  });

  it('bounds very long text on a character boundary', () => {
    expect(Array.from(flattenUntrusted('é'.repeat(5000))).length).toBe(INERT_TEXT_MAX_LENGTH);
    expect(flattenUntrusted('😀'.repeat(300)).endsWith('😀…')).toBe(true);
    expect(flattenUntrusted('x'.repeat(100), { maxLength: 10 })).toBe(`${'x'.repeat(9)}…`);
  });

  it('neutralises Adaptive Card template expressions', () => {
    expect(inertText('${user.name}')).not.toContain('${');
  });
});
