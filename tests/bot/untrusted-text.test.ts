import { SEED_USERS } from '../../sandbox/data/seed.js';
import { click, lastCard, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { markdownTextsOf, renderMarkdown } from '../helpers/inert-markdown.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity } from '../helpers/teams-activities.js';

const LINK_NAME = '[Cliquez ici](https://evil.example/login)';
const BOLD_NAME = '**URGENT** <b>Lucas</b> ${user.token}';

/** No text of the card renders to a link, emphasis or raw HTML that came from outside. */
function expectInert(card: Card): void {
  for (const markdown of markdownTextsOf(card)) {
    const html = renderMarkdown(markdown);
    expect(html).not.toMatch(/href="[^"]*evil\.example/);
    expect(html).not.toMatch(/<strong>URGENT|<b>/);
    // Adaptive Card templating would evaluate ${…}: it never appears unescaped in what Sesame sends.
    expect(markdown).not.toContain('${');
  }
}

/**
 * Directory names, vendor addresses and chat messages reach cards as text, never as markup: a display name that is
 * a markdown link shows as the characters the admin typed in Entra, not as a live link.
 */
describe('untrusted text in cards', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
  });

  async function rename(id: string, displayName: string) {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName }),
    });
    expect(res.status).toBe(200);
  }

  it('display names in the pre-flight card and the run header are shown literally', async () => {
    await rename(SEED_USERS.globalAdmin2.id, LINK_NAME);
    await rename(SEED_USERS.plainUser.id, BOLD_NAME);
    const party = stack.party('plainUser');
    // Blocked at pre-flight: the card names who holds the roles (Paul Durand's hostile name among them).
    const card = await startGuestAccess(stack, party, 'plainUser');
    expect(text(card)).toContain(LINK_NAME);
    expect(text(card)).toContain(`Démarrée par ${BOLD_NAME}`);
    expectInert(card);
  });

  it('a vendor address typed in the form comes back inert', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    const hostile = '[x](https://evil.example)@evil.example';
    card = await click(stack, party, card, 'run.submit', { inputs: { email: hostile } });
    expectInert(card);
  });

  it('the "I did not understand" answer echoes the message inert', async () => {
    const party = stack.party('globalAdmin');
    const message = `${LINK_NAME} ${BOLD_NAME}`;
    await stack.post(messageActivity(party, message));
    const card = await lastCard(stack, party);
    expectInert(card);
    expect(text(card)).toContain('[Cliquez ici](https://evil.example/login)');
  });
});
