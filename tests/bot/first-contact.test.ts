/**
 * First contact: when the app is installed, the personal chat opens with the welcome card in the language of the
 * install (the installationUpdate's locale), once, though Teams announces the install twice.
 */
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { installActivities } from '../helpers/teams-activities.js';

const FRENCH = 'Sesame — procédures d’accès des éditeurs';
const ENGLISH = 'Sesame — vendor access procedures';

describe('welcome card on install', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function install(locale: string): Promise<string[]> {
    const party = stack.party('globalAdmin');
    for (const activity of installActivities(party, locale)) {
      const res = await stack.post(activity);
      expect(res.status).toBe(200);
    }
    return cardsIn(await stack.sent(party.conversationId)).map((c) => JSON.stringify(c));
  }

  it.each([
    ['fr-FR', FRENCH],
    ['en-US', ENGLISH],
    ['de-DE', ENGLISH],
  ])('%s: one welcome card, in the right language', async (locale, title) => {
    const cards = await install(locale);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain(title);
  });

  it('sends it once even when the install is announced again (retry, second instance)', async () => {
    const party = stack.party('guestInviter');
    const [added, installed] = installActivities(party, 'fr-FR');
    await stack.post(added);
    await Promise.all([stack.post(installed), stack.post({ ...installed, id: 'retry' })]);
    const cards = cardsIn(await stack.sent(party.conversationId));
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain(FRENCH);
  });
});
