import type { Run } from '../../core/engine/run.js';
import { actionsOf, lastCard, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity, type ConversationParty } from '../helpers/teams-activities.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

/**
 * A client without Action.Execute sends each button's Action.Submit fallback: a message with the button's data
 * (and the card's inputs) as value and no text. It must do exactly what Action.Execute does; the answer comes as a
 * new message with the run's card.
 */
describe('the Action.Submit fallback behaves like Action.Execute', () => {
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
  });

  /** What a Teams client that only knows Action.Submit sends when the button is pressed. */
  async function submitFallback(
    party: ConversationParty,
    card: Card,
    verb: string,
    inputs: Record<string, unknown> = {},
  ): Promise<Card> {
    const button = actionsOf(card).find((a) => a.verb === verb);
    const fallback = button?.fallback as { type: string; data: Record<string, unknown> } | undefined;
    if (fallback?.type !== 'Action.Submit') throw new Error(`no Action.Submit fallback for ${verb}`);
    const res = await stack.post({
      ...messageActivity(party, ''),
      text: undefined,
      value: { ...fallback.data, ...inputs },
    });
    expect(res.status).toBeLessThan(300);
    return lastCard(stack, party);
  }

  async function writes(): Promise<string[]> {
    const log = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`)).json()) as {
      value: { method: string; url: string; status: number }[];
    };
    return log.value
      .filter((e) => e.method !== 'GET')
      .map((e) => `${e.method} ${e.url.split('?')[0]} ${e.status}`);
  }

  it('moves the run: address, confirm, invitation sent once', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await submitFallback(party, card, 'run.submit', { email: VENDOR });
    expect(text(card)).toContain(`Inviter ${VENDOR} comme invité ?`);
    card = await submitFallback(party, card, 'run.confirm');
    expect(text(card)).toContain('Attribuer le rôle Inviteur');
    expect(await writes()).toEqual([expect.stringMatching(/^POST \/invitations 201$/)]);
  });

  it('refuses what Action.Execute refuses (a replayed button), changing nothing', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    const emailCard = card;
    card = await submitFallback(party, card, 'run.submit', { email: VENDOR });
    const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
    const before = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
    const again = await submitFallback(party, emailCard, 'run.submit', { email: 'autre@example.com' });
    expect(text(again)).toContain('n’est plus à jour');
    const padded = await submitFallback(party, card, 'run.confirm', { extra: 'x'.repeat(20_000) });
    expect(text(padded)).toContain('rien n’a été modifié');
    expect((await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value).toEqual(before);
  });
});
