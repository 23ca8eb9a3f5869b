/**
 * Procedure versions over HTTP: admins find, see and start only the newest version of a procedure, and a run started
 * on an earlier version is shown and carried on with that version's steps (catalog.ts EARLIER_VERSIONS). Version 1 of
 * A is given titles of its own here so a card tells which version drew it.
 */
import type { Run } from '../../core/engine/run.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';
import type { ProcedureModule } from '../../core/procedures/types.js';
import { vendorGuestAccessV1Module } from '../../core/procedures/vendor-guest-access.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { click, lastCard, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { messageActivity } from '../helpers/teams-activities.js';

const V1_MARK = ' [v1]';

const markedV1: ProcedureModule = {
  ...vendorGuestAccessV1Module,
  procedure: {
    ...vendorGuestAccessV1Module.procedure,
    title: {
      fr: vendorGuestAccessV1Module.procedure.title.fr + V1_MARK,
      en: vendorGuestAccessV1Module.procedure.title.en + V1_MARK,
    },
    steps: vendorGuestAccessV1Module.procedure.steps.map((s) => ({
      ...s,
      title: { fr: s.title.fr + V1_MARK, en: s.title.en + V1_MARK },
    })),
  },
};

describe('procedure versions over HTTP', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    // The earlier version first: the newest is found by its number, not by its place in the list.
    stack = await startLocalStack({ procedures: [markedV1, ...PROCEDURES] });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('offers and starts the newest version only', async () => {
    const party = stack.party('globalAdmin');
    await stack.post(messageActivity(party, 'aide'));
    const help = text(await lastCard(stack, party));
    expect(help.split('Accès invité Cegid Loop').length - 1).toBe(1);
    expect(help).not.toContain(V1_MARK);
    // One procedure fits (not "which one?"): the run starts on version 2.
    const card = await startGuestAccess(stack, party, 'globalAdmin');
    expect(text(card)).toContain('Adresse du compte Cegid Loop');
    expect(text(card)).not.toContain(V1_MARK);
    const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
    expect((await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value.procedureVersion).toBe(
      2,
    );
  });

  it('shows a run started on version 1 with version 1’s steps, on its card and in "statut"', async () => {
    const party = stack.party('globalAdmin');
    const card = await startGuestAccess(stack, party, 'globalAdmin');
    const data = (card.refresh as { action: { data: Record<string, unknown> } }).action.data;
    const record = (await stack.store.get<Run>('run', stack.sandbox.tenantId, String(data.runId)))!;
    await stack.store.replace(
      'run',
      stack.sandbox.tenantId,
      record.value.id,
      { ...record.value, procedureVersion: 1 },
      record.etag,
    );
    const refreshed: Card = await click(stack, party, card, 'run.refresh', { data });
    expect(text(refreshed)).toContain(`Adresse du compte Cegid Loop${V1_MARK}`);
    await stack.post(messageActivity(party, 'statut'));
    const cards = cardsIn(await stack.sent(party.conversationId));
    expect(text(cards[cards.length - 1]!)).toContain(`Adresse du compte Cegid Loop${V1_MARK}`);
  });
});
