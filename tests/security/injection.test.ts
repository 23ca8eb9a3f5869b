import { SEED_USERS } from '../../sandbox/data/seed.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { click, startGuestAccess, type Card } from '../helpers/card-clicks.js';
import { INJECTION_CORPUS } from '../helpers/injection-corpus.js';
import { liveMarkup } from '../helpers/inert-markdown.js';
import { messageActivity } from '../helpers/teams-activities.js';
import { recordFigures } from './figures.js';

/**
 * The injection corpus placed where untrusted text enters cards — directory display names and mail addresses
 * (seeded through the sandbox admin API), the vendor address typed in the form, chat messages — and every card
 * Sesame sends or answers is checked: no live markup it did not write.
 */
describe('injection corpus', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const patch = (id: string, body: Record<string, string>) =>
    fetch(`${stack.sandbox.httpUrl}/_sandbox/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('shows every entry inert in every card', async () => {
    let cards = 0;
    const violations: string[] = [];
    const check = (card: Card, where: string) => {
      cards += 1;
      for (const v of liveMarkup(card)) violations.push(`${where}: ${v}`);
    };
    for (const { name, text } of INJECTION_CORPUS) {
      await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
      // Display names and mail: the run header (the admin's name) and the pre-flight's role holders.
      await patch(SEED_USERS.plainUser.id, { displayName: text });
      await patch(SEED_USERS.globalAdmin2.id, { displayName: text, mail: text });
      const plain = stack.party('plainUser');
      await stack.post(messageActivity(plain, 'déconnexion'));
      check(await startGuestAccess(stack, plain, 'plainUser'), `${name} / display name`);
      // The vendor address typed in the form, and the chat message echoed back.
      const admin = stack.party('globalAdmin');
      const form = await startGuestAccess(stack, admin, 'globalAdmin');
      check(
        await click(stack, admin, form, 'run.submit', { inputs: { email: text.slice(0, 900) } }),
        `${name} / vendor input`,
      );
      await stack.post(messageActivity(admin, text.slice(0, 2000)));
      for (const card of cardsIn(await stack.sent(admin.conversationId)).slice(-1))
        check(card, `${name} / chat`);
      for (const card of cardsIn(await stack.sent(plain.conversationId))) check(card, `${name} / sent`);
    }
    recordFigures(
      'injection corpus',
      { entries: INJECTION_CORPUS.length, surfaces: 4, cardsChecked: cards, liveMarkup: violations.length },
      'liveMarkup=0',
    );
    expect(violations).toEqual([]);
  });
});
