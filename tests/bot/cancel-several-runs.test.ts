import type { Run } from '../../core/engine/run.js';
import { actionsOf, click, lastCard, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity } from '../helpers/teams-activities.js';

/** "annuler" typed with two runs open cancels neither: it asks which, and the chosen one alone is cancelled. */
describe('"annuler" with several runs open', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('asks which run, then cancels only the one picked', async () => {
    const party = stack.party('globalAdmin');
    await startGuestAccess(stack, party, 'globalAdmin');
    await stack.post(messageActivity(party, 'accès invité Cegid Loop'));
    const statuses = async () =>
      (await stack.store.list<Run>('run', stack.sandbox.tenantId, { partition: party.conversationId })).map(
        (r) => r.value.status,
      );
    expect(await statuses()).toEqual(['active', 'active']);

    await stack.post(messageActivity(party, 'annuler'));
    const ask: Card = await lastCard(stack, party);
    expect(text(ask)).toContain('Plusieurs procédures sont en cours');
    expect(await statuses()).toEqual(['active', 'active']);

    const show = actionsOf(ask).filter((a) => a.verb === 'run.refresh');
    expect(show).toHaveLength(2);
    const runCard = await click(stack, party, ask, 'run.refresh', {
      data: show[0]!.data as Record<string, unknown>,
    });
    const cancelled = await click(stack, party, runCard, 'run.cancel');
    expect(text(cancelled)).toContain('Procédure annulée');
    expect([...(await statuses())].sort()).toEqual(['active', 'cancelled']);
  });
});
