/**
 * After the admin signs in on the sign-in page, the conversation carries on by itself, as in Teams after the OAuth
 * card: the token service (the sandbox's, like the Bot Framework's) sends the bot a signin/verifyState invoke in the
 * conversation the sign-in was asked from, and the bot starts what was asked — no "I have signed in" click.
 */
import { actionsOf, lastCard, text } from '../helpers/card-clicks.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity } from '../helpers/teams-activities.js';

function signInLinkOf(card: Record<string, unknown>): string {
  const link = actionsOf(card).find((a) => a.type === 'Action.OpenUrl')?.url;
  if (typeof link !== 'string') throw new Error(`no sign-in link in ${text(card).slice(0, 300)}`);
  return link;
}

describe('sign-in continues the conversation (local stack, as npm start runs it)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('starts the asked procedure in French once signed in, though the client speaks en-US', async () => {
    // The Playground stamps every activity en-US; the admin writes French.
    const party = stack.party('globalAdmin', undefined, 'en-US');
    const asked = await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    expect(asked.status).toBe(200);
    const signInCard = await lastCard(stack, party);
    expect(text(signInCard)).toContain('Connexion nécessaire');
    const link = signInLinkOf(signInCard);
    // The sign-in page follows the run's language.
    expect(new URL(link).searchParams.get('ui_locales')).toBe('fr-FR');
    const page = await (await fetch(link)).text();
    expect(page).toContain('Choisissez un compte');

    const before = (await stack.sent(party.conversationId)).length;
    await stack.signIn(link, 'globalAdmin');
    const after = await stack.sent(party.conversationId);
    expect(after.length).toBe(before + 1);
    const first = cardsIn(after).at(-1)!;
    expect(text(first)).toContain('Accès invité Cegid Loop');
    expect(text(first)).toContain('Adresse e-mail du fournisseur');
  });

  it('an English run: English sign-in page, the run starts in English', async () => {
    const party = stack.party('guestInviter', undefined, 'en-US');
    await stack.post(messageActivity(party, 'guest access'));
    const link = signInLinkOf(await lastCard(stack, party));
    expect(new URL(link).searchParams.get('ui_locales')).toBe('en-US');
    expect(await (await fetch(link)).text()).toContain('Pick an account');
    await stack.signIn(link, 'guestInviter');
    expect(text(await lastCard(stack, party))).toContain('Cegid Loop guest access');
  });

  it('says the admin is signed in when nothing was waiting for the sign-in', async () => {
    const party = stack.party('userAdmin', undefined, 'en-US');
    await stack.post(messageActivity(party, 'guest access'));
    const link = signInLinkOf(await lastCard(stack, party));
    // What was asked is gone (e.g. answered another way): the sign-in still gets an answer in the chat.
    await stack.store.delete('signin', party.tenantId, `${party.conversationId}|${party.user.id}`);
    await stack.signIn(link, 'userAdmin');
    expect(text(await lastCard(stack, party))).toMatch(/signed in/i);
  });

  it('"déconnexion" signs out: the next procedure asks again and another admin can sign in', async () => {
    const party = stack.party('globalAdmin2');
    await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    await stack.signIn(signInLinkOf(await lastCard(stack, party)), 'globalAdmin2');
    expect(text(await lastCard(stack, party))).toContain('Adresse e-mail du fournisseur');

    await stack.post(messageActivity(party, 'déconnexion'));
    expect(text(await lastCard(stack, party))).toContain('Vous êtes déconnecté.');
    await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    const again = await lastCard(stack, party);
    expect(text(again)).toContain('Connexion nécessaire');
    // Lucas Moreau holds no directory role: the run starts and says what he lacks, and who holds it.
    await stack.signIn(signInLinkOf(again), 'plainUser');
    const blocked = text(await lastCard(stack, party));
    expect(blocked).toContain('Accès invité Cegid Loop');
    expect(blocked).toContain('Claire Martin');
  });

  it('does not continue when the sandbox knows no messaging endpoint for the bot', async () => {
    const party = stack.party('plainUser');
    await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    const link = signInLinkOf(await lastCard(stack, party));
    const botFramework = stack.sandbox.identity.botFramework;
    const endpoint = botFramework.messagingEndpoint(stack.config.bot.appId);
    botFramework.setMessagingEndpoint(stack.config.bot.appId, undefined);
    try {
      const before = (await stack.sent(party.conversationId)).length;
      await stack.signIn(link, 'plainUser');
      expect((await stack.sent(party.conversationId)).length).toBe(before);
    } finally {
      botFramework.setMessagingEndpoint(stack.config.bot.appId, endpoint);
    }
  });
});

describe('sign-in continues the conversation (authenticated Bot Framework, as in Teams)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      env: {
        DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'false',
        BOT_CLIENT_SECRET: 'sandbox-secret-not-for-production',
      },
    });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('accepts the channel-signed verifyState and replies to the conversation with its own token', async () => {
    expect(stack.sandbox.identity.botFramework.allowAnonymousConnector).toBe(false);
    const party = stack.party('globalAdmin');
    const token = await stack.sandbox.identity.botFramework.mintActivityToken({
      appId: stack.config.bot.appId,
      serviceUrl: party.serviceUrl,
    });
    const asked = await stack.post(messageActivity(party, 'accès invité Cegid Loop'), {
      authorization: `Bearer ${token}`,
    });
    expect(asked.status).toBe(200);
    const link = signInLinkOf(await lastCard(stack, party));
    await stack.signIn(link, 'globalAdmin');
    expect(text(await lastCard(stack, party))).toContain('Adresse e-mail du fournisseur');
  });

  it('refuses an unsigned verifyState', async () => {
    const party = stack.party('globalAdmin');
    const res = await stack.post({
      ...messageActivity(party, ''),
      type: 'invoke',
      name: 'signin/verifyState',
      value: { state: '123456' },
    });
    expect(res.status).toBe(401);
  });
});

describe('a forged verifyState (local mode)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('with a wrong magic code starts nothing', async () => {
    const party = stack.party('globalAdmin');
    await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    const link = signInLinkOf(await lastCard(stack, party));
    stack.sandbox.identity.botFramework.setMessagingEndpoint(stack.config.bot.appId, undefined);
    await stack.signIn(link, 'globalAdmin');
    const before = (await stack.sent(party.conversationId)).length;
    const res = await stack.post({
      ...messageActivity(party, ''),
      type: 'invoke',
      name: 'signin/verifyState',
      value: { state: '000000' },
    });
    expect(res.status).toBe(412);
    expect((await stack.sent(party.conversationId)).length).toBe(before);
  });
});
