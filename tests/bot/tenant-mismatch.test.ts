import type { Run } from '../../core/engine/run.js';
import { CLIENT_TENANT_ID, CLIENT_USERS } from '../../sandbox/data/seed-client-tenant.js';
import { actionsOf, click, lastCard, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity, type ConversationParty } from '../helpers/teams-activities.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';
const REFUSED = 'appartiennent à deux organisations différentes';

/**
 * A Teams conversation of the firm's tenant where the admin signed in with an account of the client's tenant: the
 * token's tid, the activity's tenant and the run's tenant must all agree, or Sesame refuses and changes nothing.
 */
describe('signed-in tenant ≠ conversation tenant', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
    // The token service keeps a sign-in per Teams user: each test starts signed out.
    await stack.post(messageActivity(stack.party('globalAdmin'), 'déconnexion'));
  });

  async function graphCalls(): Promise<string[]> {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`);
    const log = ((await res.json()) as { value: { method: string; url: string }[] }).value;
    return log.map((e) => `${e.method} ${e.url}`);
  }

  async function runs(party: ConversationParty): Promise<Run[]> {
    const all = [stack.sandbox.tenantId, CLIENT_TENANT_ID];
    const out: Run[] = [];
    for (const tenant of all)
      for (const r of await stack.store.list<Run>('run', tenant, { partition: party.conversationId }))
        out.push(r.value);
    return out;
  }

  async function signInAs(party: ConversationParty, who: { id: string }) {
    const card = await lastCard(stack, party);
    const link = actionsOf(card).find((a) => a.type === 'Action.OpenUrl')?.url;
    if (typeof link !== 'string') throw new Error(`no sign-in link: ${text(card).slice(0, 300)}`);
    await stack.signIn(link, who);
    return card;
  }

  it('starting a procedure with the other tenant’s sign-in is refused: no run, no Graph call', async () => {
    const party = stack.party('globalAdmin');
    await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    const signInCard = await signInAs(party, CLIENT_USERS.globalAdmin);
    await click(stack, party, signInCard, 'signin.done');
    const answer = await lastCard(stack, party);
    expect(text(answer)).toContain(REFUSED);
    expect(text(answer)).toContain('rien n’a été modifié');
    expect(await runs(party)).toEqual([]);
    expect(await graphCalls()).toEqual([]);
  });

  it('a run card clicked, or "annuler" typed, with the other tenant’s sign-in changes nothing', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    const before = await runs(party);
    expect(before).toHaveLength(1);
    // The admin signs out and back in with the client's account, in the firm's chat.
    await stack.post(messageActivity(party, 'déconnexion'));
    const asked = await click(stack, party, card, 'run.confirm');
    expect(text(asked)).not.toContain(REFUSED);
    await signInAs(party, CLIENT_USERS.globalAdmin);
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });

    const refused = await click(stack, party, card, 'run.confirm');
    expect(text(refused)).toContain(REFUSED);
    await stack.post(messageActivity(party, 'annuler'));
    expect(text(await lastCard(stack, party))).toContain(REFUSED);
    expect(await runs(party)).toEqual(before);
    expect(await graphCalls()).toEqual([]);
  });

  it('an activity whose conversation and channel data name different tenants is refused', async () => {
    const party = stack.party('globalAdmin');
    let card: Card = await startGuestAccess(stack, party, 'globalAdmin');
    const before = await runs(party);
    const mixed = messageActivity(party, 'annuler');
    const res = await stack.post({ ...mixed, channelData: { tenant: { id: CLIENT_TENANT_ID } } });
    expect(res.status).toBeLessThan(300);
    card = await lastCard(stack, party);
    expect(text(card)).toContain(REFUSED);
    expect(await runs(party)).toEqual(before);
  });
});
