import { click, startGuestAccess } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

/** What the tenant received for the invitation (the sandbox keeps it as Graph does): French message, redirect. */
describe('the invitation the tenant receives', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('is in French, with the French message, the redirect URL and an e-mail sent', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    await click(stack, party, card, 'run.confirm');
    const received = stack.sandbox.state.invitations as unknown as Record<string, unknown>[];
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      invitedUserEmailAddress: VENDOR,
      sendInvitationMessage: true,
      inviteRedirectUrl: 'https://myapps.microsoft.com',
      invitedUserMessageInfo: {
        messageLanguage: 'fr-FR',
        customizedMessageBody: expect.stringMatching(/^Bonjour, le cabinet vous invite .*Cegid Loop/),
      },
    });
  });
});
