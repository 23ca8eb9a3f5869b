import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import {
  actionData,
  actionsOf,
  click,
  lastCard,
  startGuestAccess,
  text,
  type Card,
} from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke, messageActivity, type ConversationParty } from '../helpers/teams-activities.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

function runIdOf(card: Card): string {
  return (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
}

async function graphWrites(stack: LocalStack): Promise<string[]> {
  const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`);
  const log = ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
  return log.filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.url.split('?')[0]} ${e.status}`);
}

describe('procedure A survives replication lag (simulated clock)', () => {
  const clock = new SimulatedClock(Date.UTC(2026, 10, 23, 9, 0, 0));
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ clock });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('retries the role assignment after a 404 on the just-created guest, then completes the step', async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/replication-lag`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 20_000 }),
    });
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm'); // invite: the guest exists from now on
    card = await click(stack, party, card, 'run.confirm'); // assign: the guest has not replicated yet
    let run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runIdOf(card)))!.value;
    expect(run.pending?.kind).toBe('retry');
    expect(text(card)).toContain('n’a pas encore propagé');
    expect(await graphWrites(stack)).toContain('POST /roleManagement/directory/roleAssignments 404');

    // Nothing is due yet; once the clock passes the retry time, the timer retries by itself.
    expect(await stack.sesame.timers.dispatchDue()).toBe(0);
    clock.advance(25_000);
    expect(await stack.sesame.timers.dispatchDue()).toBeGreaterThan(0);
    run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, run.id))!.value;
    expect(run.stepResults['assign-role']?.status).toBe('done');
    expect(run.currentStepId).toBe('sponsor');
    expect(await graphWrites(stack)).toContain('POST /roleManagement/directory/roleAssignments 201');

    // The card shown later (refresh) shows the current state, not the stale retry: the sponsor step to confirm.
    const refreshed = await click(stack, party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
    expect(text(refreshed)).toContain(`Vous désigner comme parrain de ${VENDOR} ?`);
    const waiting = await click(stack, party, refreshed, 'run.confirm');
    expect(text(waiting)).toContain('Vérifier maintenant');
  });
});

describe('card actions that must be refused change nothing', () => {
  let stack: LocalStack;
  let party: ConversationParty;
  let inviteCard: Card;
  beforeAll(async () => {
    stack = await startLocalStack();
    party = stack.party('globalAdmin');
    const first = await startGuestAccess(stack, party, 'globalAdmin');
    inviteCard = await click(stack, party, first, 'run.submit', { inputs: { email: VENDOR } });
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function state() {
    const record = await stack.store.get<Run>('run', stack.sandbox.tenantId, runIdOf(inviteCard));
    return { etag: record!.etag, writes: await graphWrites(stack) };
  }

  async function invoke(p: ConversationParty, data: Record<string, unknown>) {
    const res = await stack.post(cardActionInvoke(p, 'run.confirm', data));
    expect(res.status).toBe(200);
    return text((res.body as { value: Card }).value);
  }

  it('refuses tampered data (a changed step version or signature)', async () => {
    const before = await state();
    const data = actionData(inviteCard, 'run.confirm');
    expect(await invoke(party, { ...data, stepVersion: (data.stepVersion as number) + 1 })).toContain(
      'ne sont pas valides ; rien n’a été modifié',
    );
    expect(await invoke(party, { ...data, sig: 'AAAA' })).toContain('rien n’a été modifié');
    expect(await invoke(party, { ...data, runId: 'not-a-run' })).toContain('rien n’a été modifié');
    expect(await state()).toEqual(before);
  });

  it('refuses another run’s id carried by this card', async () => {
    const other = stack.party('globalAdmin', party.conversationId);
    await stack.post(messageActivity(other, 'accès invité Cegid Loop'));
    const records = await stack.store.list<Run>('run', stack.sandbox.tenantId, {
      partition: party.conversationId,
    });
    const otherRun = records.find((r) => r.id !== runIdOf(inviteCard))!;
    const before = await state();
    const data = actionData(inviteCard, 'run.confirm');
    expect(await invoke(party, { ...data, runId: otherRun.id })).toContain('rien n’a été modifié');
    expect(await state()).toEqual(before);
  });

  it('refuses the card from another conversation and from another tenant', async () => {
    const before = await state();
    const data = actionData(inviteCard, 'run.confirm');
    const elsewhere = stack.party('globalAdmin', 'a:another-conversation');
    expect(await invoke(elsewhere, data)).toContain('appartient à une autre conversation');
    const otherTenant = { ...party, tenantId: '0b0b0b0b-1111-4222-8333-444444444444' };
    expect(await invoke(otherTenant, data)).toContain('n’existe plus');
    expect(await state()).toEqual(before);
  });

  it('refuses a stale step, showing the current state above the refusal', async () => {
    const data = actionData(inviteCard, 'run.confirm');
    const next = await invoke(party, data); // the real click: invites
    expect(next).toContain('Attribuer le rôle Inviteur');
    const before = await state();
    const again = await invoke(party, data); // the same old button again
    expect(again).toContain('n’est plus à jour');
    expect(again).toContain('Attribuer le rôle Inviteur');
    expect(await state()).toEqual(before);
  });
});

describe('a restart mid-run', () => {
  it('resumes at the same step, and a card sent before the restart still works when clicked', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sesame-restart-'));
    try {
      let stack = await startLocalStack({ dataDir });
      const party = stack.party('globalAdmin');
      let card = await startGuestAccess(stack, party, 'globalAdmin');
      card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
      const oldCard = card;
      const runId = runIdOf(card);
      await stack.stop();

      stack = await startLocalStack({ dataDir });
      const samePerson = { ...stack.party('globalAdmin', party.conversationId), user: party.user };
      // The new sandbox does not know the old sign-in: "resume" shows where the run stands, sign-in comes on click.
      await stack.post(messageActivity(samePerson, 'reprendre'));
      const resumed = await lastCard(stack, samePerson);
      expect(text(resumed)).toContain(`Inviter ${VENDOR} comme invité ?`);
      const run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
      expect(run.currentStepId).toBe('invite');

      // The button of the card sent before the restart: asks for sign-in, then, clicked again, invites.
      const beforeSignIn = await click(stack, samePerson, oldCard, 'run.confirm');
      expect(text(beforeSignIn)).not.toContain('ne sont pas valides');
      const signInCard = await lastCard(stack, samePerson);
      const link = actionsOf(signInCard).find((a) => a.type === 'Action.OpenUrl')?.url;
      expect(typeof link).toBe('string');
      await stack.signIn(link as string, 'globalAdmin');
      const after = await click(stack, samePerson, oldCard, 'run.confirm');
      expect(text(after)).not.toContain('ne sont pas valides');
      expect(text(after)).toContain('Attribuer le rôle Inviteur');
      expect(await graphWrites(stack)).toEqual([expect.stringMatching(/^POST \/invitations 201$/)]);
      await stack.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
