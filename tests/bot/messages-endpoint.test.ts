import { botAddedActivity, messageActivity, cardActionInvoke } from '../helpers/teams-activities.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { checkCard } from '../helpers/card-validation.js';

/** The bot through the real HTTP server, as Teams (or the Playground) calls it, against the sandbox tenant. */
describe('POST /api/messages (local mode)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('answers "aide" with the French procedure card', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    const res = await stack.post(messageActivity(party, 'aide'));
    expect(res.status).toBe(200);
    const cards = cardsIn(await stack.sent(party.conversationId));
    expect(cards).toHaveLength(1);
    const json = JSON.stringify(cards[0]);
    expect(json).toContain('Sesame — procédures d’accès des éditeurs');
    expect(json).toContain('Accès invité Cegid Loop');
    expect(checkCard(cards[0]).schemaErrors).toEqual([]);
  });

  it('answers "help" in English and greets a new conversation with the list', async () => {
    const party = stack.party('globalAdmin', undefined, 'fr-FR');
    await stack.post(messageActivity(party, 'help'));
    await stack.post(botAddedActivity(party));
    const cards = cardsIn(await stack.sent(party.conversationId)).map((c) => JSON.stringify(c));
    expect(cards[0]).toContain('Sesame — vendor access procedures');
    expect(cards[1]).toContain('Sesame — procédures d’accès des éditeurs');
  });

  it('answers an unknown message helpfully, never with silence or a stack trace', async () => {
    const party = stack.party('plainUser');
    await stack.post(messageActivity(party, 'blablabla'));
    const cards = cardsIn(await stack.sent(party.conversationId)).map((c) => JSON.stringify(c));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain('Je n’ai pas compris « blablabla »');
    expect(cards[0]).not.toMatch(/Error|at .*\.ts/);
  });

  it('answers an unknown card action with a card, never an empty 200', async () => {
    const party = stack.party('globalAdmin');
    const res = await stack.post(cardActionInvoke(party, 'something.else', {}));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('application/vnd.microsoft.card.adaptive');
  });

  it('rejects what is not a JSON activity', async () => {
    const res = await fetch(`${stack.sesame.url}/api/messages`, { method: 'POST', body: 'not json' });
    expect(res.status).toBe(400);
    const big = await fetch(`${stack.sesame.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(413);
  });

  it('serves /healthz and the privacy page', async () => {
    const health = await fetch(`${stack.sesame.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { store: true } });
    const privacy = await fetch(`${stack.sesame.url}/privacy`, { headers: { 'accept-language': 'fr-FR' } });
    expect(await privacy.text()).toContain('confidentialité');
    expect(privacy.headers.get('content-security-policy')).toContain('frame-ancestors');
  });

  it('listens on loopback only', () => {
    expect(new URL(stack.sesame.url).hostname).toBe('127.0.0.1');
    expect(new URL(stack.sandbox.httpUrl).hostname).toBe('127.0.0.1');
  });
});
