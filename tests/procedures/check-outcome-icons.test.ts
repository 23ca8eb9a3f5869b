import { startGuestAccess, text } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

/**
 * A check Sesame could not read is not a pass: the Guest Inviter may invite but may not read the invite policy
 * (Graph answers 403), and the card must say "unknown" in icon and words, never a green tick or a bare code.
 */
describe('check outcomes on the card', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('a 403 reading the invite policy shows ❔ and plain words, not ✅ or graph_forbidden', async () => {
    const party = stack.party('guestInviter');
    const card = await startGuestAccess(stack, party, 'guestInviter');
    const shown = text(card);
    expect(shown).toContain('❔ Qui peut inviter des invités');
    expect(shown).not.toContain('✅ Qui peut inviter des invités');
    expect(shown).toContain('Stratégie d’invitation illisible');
    expect(shown).toContain('votre compte n’a pas le droit nécessaire');
    expect(shown).not.toMatch(/graph_[a-z_]+/);
  });

  it('a readable policy is a pass: ✅', async () => {
    const party = stack.party('globalAdmin');
    const card = await startGuestAccess(stack, party, 'globalAdmin');
    expect(text(card)).toContain('✅ Qui peut inviter des invités');
    expect(text(card)).not.toContain('❔');
  });
});
