/**
 * A real crash while the invitation is in flight: Sesame runs as its own process (server/main.ts), the sandbox
 * holds `POST /invitations` (latency fault on that path only), the test kill -9's the server, the tenant
 * completes the write anyway, and Sesame starts again on the same data folder.
 */
import type { AuditEvent } from '../../core/ports/store.js';
import type { Run } from '../../core/engine/run.js';
import { CEGID_LOOP_EMAIL } from '../../core/procedures/vendor-guest-access.js';
import { actionData, click, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { eventually, startCrashHarness, type CrashHarness } from '../helpers/sesame-process.js';
import { cardActionInvoke, messageActivity } from '../helpers/teams-activities.js';

function runIdOf(card: Card): string {
  return (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
}

async function graphLog(h: CrashHarness): Promise<{ method: string; url: string; status: number }[]> {
  const res = await fetch(`${h.sandbox.httpUrl}/_sandbox/log`);
  return ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
}

const invitations = async (h: CrashHarness) =>
  (await graphLog(h)).filter((e) => e.method === 'POST' && e.url.startsWith('/invitations'));
const guestsNamed = (h: CrashHarness, mail: string) =>
  [...h.sandbox.state.users.values()].filter((u) => u.mail?.toLowerCase() === mail && u.userType === 'Guest');

async function faults(h: CrashHarness, settings: Record<string, unknown> | undefined) {
  await fetch(`${h.sandbox.httpUrl}/_sandbox/faults`, {
    method: settings ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(settings ? { body: JSON.stringify(settings) } : {}),
  });
}

/** Confirms the invitation and kills Sesame while the sandbox holds the write; resolves once the tenant did it. */
async function killDuringInvitation(h: CrashHarness, party: ReturnType<CrashHarness['party']>, card: Card) {
  const runId = runIdOf(card);
  await faults(h, { latencyMs: 3_000, onlyPaths: ['/invitations'] });
  const click = h
    .stack()
    .post(cardActionInvoke(party, 'run.confirm', actionData(card, 'run.confirm')))
    .catch(() => undefined);
  // The write is out once the run says so (saved before the call) and the sandbox had time to take it.
  await eventually('the invitation in flight', async () => {
    const r = await h.store.get<Run>('run', h.sandbox.tenantId, runId);
    return r?.value.pending?.kind === 'graph' && r.value.pending.stage === 'write' ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 500));
  await h.current!.kill9();
  await click;
  // The tenant finishes what it was asked, even though nobody is there to hear the answer.
  await eventually('the tenant to complete the invitation', async () =>
    (await invitations(h)).some((e) => e.status === 201) ? true : undefined,
  );
  await faults(h, undefined);
}

describe('a kill -9 while the invitation is in flight', () => {
  let h: CrashHarness;
  beforeEach(async () => {
    h = await startCrashHarness();
    await h.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('on restart the run is reconciled: the invitation exists once, the audit has it, the run moves on', async () => {
    const party = h.party('globalAdmin');
    let card = await startGuestAccess(h.stack(), party, 'globalAdmin');
    card = await click(h.stack(), party, card, 'run.submit', { inputs: { email: CEGID_LOOP_EMAIL } });
    expect(text(card)).toContain('Inviter');
    const runId = runIdOf(card);
    await killDuringInvitation(h, party, card);

    // Before the fix the run stayed "Sesame travaille sur cette étape…" with only "Annuler", forever.
    const stuck = (await h.store.get<Run>('run', h.sandbox.tenantId, runId))!.value;
    expect(stuck.pending).toMatchObject({ kind: 'graph', stage: 'write' });

    await h.start();
    const run = await eventually('the run to be reconciled', async () => {
      const r = (await h.store.get<Run>('run', h.sandbox.tenantId, runId))!.value;
      return r.pending?.kind === 'confirm' ? r : undefined;
    });
    expect(run.currentStepId).toBe('assign-role');
    expect(run.stepResults.invite).toMatchObject({ status: 'done', already: true });
    expect((await invitations(h)).map((e) => e.status)).toEqual([201]);
    expect(guestsNamed(h, CEGID_LOOP_EMAIL)).toHaveLength(1);

    const audit: AuditEvent[] = await h.store.listAudit(h.sandbox.tenantId, { runId });
    expect(audit.find((e) => e.action === 'run.interrupted')?.details).toMatchObject({
      stepId: 'invite',
      stage: 'write',
      reachable: true,
    });
    const reconciled = audit.find((e) => e.action === 'graph.write.reconciled');
    expect(reconciled?.details).toMatchObject({
      stepId: 'invite',
      op: 'inviteGuest',
      found: 'done',
      objectIds: [guestsNamed(h, CEGID_LOOP_EMAIL)[0]!.id],
    });

    // The card a click fetches now says what happened and offers the next step, not "working…".
    const refreshed = await click(h.stack(), party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
    expect(text(refreshed)).not.toContain('Sesame travaille sur cette étape');
    expect(text(refreshed)).toContain('Sesame a été interrompu pendant cette étape');
    expect(text(refreshed)).toContain('Attribuer le rôle Inviteur');

    // And again across another restart: nothing is left to reconcile, nothing is written again.
    await h.current!.stop();
    await h.start();
    await new Promise((r) => setTimeout(r, 500));
    expect((await invitations(h)).map((e) => e.status)).toEqual([201]);
    expect((await h.store.get<Run>('run', h.sandbox.tenantId, runId))!.value.pending).toEqual(run.pending);
  });

  it('without a token for the admin the card says Sesame was interrupted; "reprendre" after sign-in reconciles', async () => {
    const party = h.party('globalAdmin');
    let card = await startGuestAccess(h.stack(), party, 'globalAdmin');
    card = await click(h.stack(), party, card, 'run.submit', { inputs: { email: CEGID_LOOP_EMAIL } });
    const runId = runIdOf(card);
    await killDuringInvitation(h, party, card);
    // The admin's sign-in is gone (expired, signed out): Sesame cannot look in the tenant on its own.
    h.sandbox.identity.botFramework.userTokens.remove(undefined, party.user.id);

    await h.start();
    const run = await eventually('the run to say it was interrupted', async () => {
      const r = (await h.store.get<Run>('run', h.sandbox.tenantId, runId))!.value;
      return r.pending?.kind === 'error' ? r : undefined;
    });
    expect(run.pending).toMatchObject({ kind: 'error', stage: 'write', error: { code: 'run_interrupted' } });
    const refreshed = await click(h.stack(), party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
    expect(text(refreshed)).toContain('Sesame a été interrompu pendant l’étape « Invitation »');
    expect(text(refreshed)).toContain('tapez reprendre');
    expect(text(refreshed)).not.toContain('Sesame travaille sur cette étape');

    // "reprendre": Sesame asks for sign-in first, then checks the tenant and moves on.
    await h.stack().post(messageActivity(party, 'reprendre'));
    const activities = await h.stack().sent(party.conversationId);
    const signInCard = JSON.stringify(activities[activities.length - 1]);
    const link = /"url":"(http[^"]+signin[^"]*)"/.exec(signInCard)?.[1];
    expect(link).toBeDefined();
    await h.stack().signIn(link!.replace(/\\u0026/g, '&'), 'globalAdmin');
    await h.stack().post(messageActivity(party, 'reprendre'));
    const resumed = await eventually('the run to be reconciled', async () => {
      const r = (await h.store.get<Run>('run', h.sandbox.tenantId, runId))!.value;
      return r.pending?.kind === 'confirm' ? r : undefined;
    });
    expect(resumed.currentStepId).toBe('assign-role');
    expect((await invitations(h)).map((e) => e.status)).toEqual([201]);
    const audit = await h.store.listAudit(h.sandbox.tenantId, { runId });
    expect(audit.find((e) => e.action === 'graph.write.reconciled')?.details).toMatchObject({
      found: 'done',
    });
  });
});
