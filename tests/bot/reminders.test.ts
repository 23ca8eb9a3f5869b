/**
 * Proactive reminders end to end on a simulated clock: procedure A through the real server and the sandbox tenant,
 * the scheduler posting reminder cards through the Teams messenger to the sandbox's Bot Framework connector (the
 * chat's serviceUrl), and the card's buttons clicked the way Teams does.
 */
import { join } from 'node:path';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { startSesame, type RunningSesame } from '../../server/main.js';
import { MemoryLogger } from '../../server/logger.js';
import { actionsOf, click, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { botAddedActivity, messageActivity, type ConversationParty } from '../helpers/teams-activities.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';
// Friday 20 November 2026, 17:00 in Paris: 2 business days later is Tuesday 24 November, 17:00.
const FRIDAY_5PM = Date.UTC(2026, 10, 20, 16, 0, 0);
const DUE = Date.UTC(2026, 10, 24, 16, 0, 0);
const HOUR = 3_600_000;

const runIdOf = (card: Card) => (card.refresh as { action: { data: { runId: string } } }).action.data.runId;

describe('proactive reminders (simulated clock)', () => {
  const clock = new SimulatedClock(FRIDAY_5PM);
  let stack: LocalStack;
  let sesame: RunningSesame;
  beforeAll(async () => {
    stack = await startLocalStack({ clock });
    sesame = stack.sesame;
  });
  afterAll(async () => {
    if (sesame !== stack.sesame) await sesame.close();
    await stack.stop();
  });
  beforeEach(async () => {
    clock.set(FRIDAY_5PM);
    // A fresh tenant: procedure A invites the vendor anew rather than finding last test's guest.
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
    // …and a fresh sign-in: a token from a later test time is not valid back on Friday.
    await signOut();
  });

  /** The admin's token leaves the Bot Framework token service (as after "sign out" or an expired session). */
  async function signOut(): Promise<void> {
    const user = `29:${stack.party('globalAdmin').user.aadObjectId}`;
    await fetch(
      `${stack.sandbox.httpUrl}/botframework/tokens/api/usertoken/SignOut?userId=${encodeURIComponent(user)}&connectionName=${stack.config.bot.oauthConnectionName}`,
      { method: 'DELETE' },
    );
  }

  /** Procedure A up to the vendor's wait, in a fresh chat. */
  async function waitingRun(
    who: 'globalAdmin' = 'globalAdmin',
  ): Promise<{ party: ConversationParty; run: Run; card: Card }> {
    const party = stack.party(who);
    await stack.post(botAddedActivity(party));
    let card = await startGuestAccess(stack, party, who);
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm'); // invite
    card = await click(stack, party, card, 'run.confirm'); // Guest Inviter role
    card = await click(stack, party, card, 'run.confirm'); // sponsor
    const run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runIdOf(card)))!.value;
    expect(run.pending?.kind).toBe('wait');
    return { party, run, card };
  }

  /** What the connector recorded for the chat: new messages, and updates of earlier ones. */
  async function recorded(party: ConversationParty, verb: 'send' | 'update') {
    const res = await fetch(
      `${stack.sandbox.httpUrl}/_sandbox/botframework/conversations/${encodeURIComponent(party.conversationId)}/activities`,
    );
    const body = (await res.json()) as { activities: { verb: string; activity: Record<string, unknown> }[] };
    return body.activities.filter((a) => a.verb === verb).map((a) => a.activity);
  }

  /** Reminder cards posted to the chat as new messages. */
  async function reminderCards(party: ConversationParty): Promise<Card[]> {
    const sent = (await recorded(party, 'send')) as unknown as Parameters<typeof cardsIn>[0];
    return cardsIn(sent).filter((c) => text(c).includes('reminder.refresh'));
  }

  /** Moves the simulated clock to `at`, delivering the hourly polls on the way as the service would. */
  async function advanceTo(at: number): Promise<void> {
    while (clock.now() < at) {
      clock.set(Math.min(at, clock.now() + 12 * HOUR));
      await sesame.timers.dispatchDue();
    }
  }

  it('posts procedure A’s deadline reminder once, to the chat where it started, with the calendar it used', async () => {
    const { party, run } = await waitingRun();
    expect(run.stepResults['vendor-wait']?.dueAt).toBe(new Date(DUE).toISOString());
    await advanceTo(DUE - 60_000);
    expect(await reminderCards(party)).toHaveLength(0);

    await advanceTo(DUE + 60_000);
    const [card, ...more] = await reminderCards(party);
    expect(more).toHaveLength(0);
    const shown = text(card!);
    expect(shown).toContain('Rappel — ');
    expect(shown).toContain('Intervention de Cegid Loop');
    expect(shown).toContain('France (Europe/Paris)');
    expect(shown).toContain('mardi 24 novembre 2026');
    expect(shown).toContain('vendredi 20 novembre 2026'); // since
    expect(actionsOf(card!).map((a) => a.verb)).toEqual([
      'reminder.recheck',
      'reminder.snooze',
      'reminder.snooze',
      'reminder.done',
      'reminder.stop',
    ]);

    // Dispatching again sends nothing more.
    await sesame.timers.dispatchDue();
    expect(await reminderCards(party)).toHaveLength(1);
    const audit = await stack.store.listAudit(stack.sandbox.tenantId, { runId: run.id, limit: 500 });
    expect(audit.filter((a) => a.action === 'reminder.sent')).toHaveLength(1);
    const overdue = (await stack.store.get<Run>('run', stack.sandbox.tenantId, run.id))!.value;
    expect(overdue.stepResults['vendor-wait']?.overdue).toBe(true);
  });

  it('re-sends a reminder claimed by an instance that crashed before sending, once its lease lapses', async () => {
    const { party, run } = await waitingRun();
    await advanceTo(DUE - 60_000);
    // This instance's hold on the tenant lapses; another instance claims everything due for it… and dies.
    clock.set(DUE + 3 * 60_000);
    const claimed = await sesame.store.claimDueReminders({
      owner: 'crashed-instance',
      now: clock.now(),
      leaseMs: 120_000,
      tenantLeaseMs: 120_000,
      limit: 100,
    });
    expect(claimed.map((r) => r.id)).toContain(`${run.id}:vendor-wait:due`);
    expect(await sesame.timers.dispatchDue()).toBe(0);
    expect(await reminderCards(party)).toHaveLength(0);
    clock.advance(120_000);
    expect(await sesame.timers.dispatchDue()).toBeGreaterThan(0);
    expect(await reminderCards(party)).toHaveLength(1);
    await sesame.timers.dispatchDue();
    expect(await reminderCards(party)).toHaveLength(1);
  });

  it('snoozes for an hour, then for a business day on the calendar (Friday → Monday), each snooze a reminder of its own', async () => {
    const { party, run } = await waitingRun();
    // Due Tuesday; move the reminder to a Friday by snoozing until then is tedious: snooze from Tuesday instead.
    await advanceTo(DUE + 60_000);
    let [card] = await reminderCards(party);
    let after = await click(stack, party, card!, 'reminder.snooze', { option: '1h' });
    expect(text(after)).toContain('Reporté au mardi 24 novembre 2026 à 18:01');
    // Clicked again (someone else in the chat): the same follow-up is re-armed, not a second one.
    after = await click(stack, party, card!, 'reminder.snooze', { option: '1h' });
    const reminderId = `${run.id}:vendor-wait:due`;
    const reminders = async () =>
      new Map((await stack.store.listReminders(stack.sandbox.tenantId, run.id)).map((r) => [r.id, r]));
    let byId = await reminders();
    // The reminder that was posted stays sent; the snooze is its own reminder, due an hour later, first attempt.
    expect(byId.get(reminderId)).toMatchObject({ status: 'sent' });
    expect(byId.get(`${reminderId}:snooze-1`)).toMatchObject({
      status: 'scheduled',
      dueAt: DUE + 60_000 + HOUR,
      attempts: 0,
    });
    expect([...byId.keys()].filter((id) => id.includes(':snooze-'))).toEqual([`${reminderId}:snooze-1`]);

    await advanceTo(DUE + 60_000 + HOUR - 1);
    expect(await reminderCards(party)).toHaveLength(1);
    await advanceTo(DUE + 60_000 + HOUR);
    expect(await reminderCards(party)).toHaveLength(2);
    // Its card carries its own id (its buttons act on it, not on the first one).
    card = (await reminderCards(party))[1];
    expect(
      actionsOf(card!)
        .map((a) => (a.data as { reminderId?: string }).reminderId)
        .filter(Boolean),
    ).toEqual(Array(5).fill(`${reminderId}:snooze-1`));

    // Snoozed on Friday 27 November at 10:00 Paris for a business day: Monday 30 November, 10:00.
    await advanceTo(Date.UTC(2026, 10, 27, 9, 0, 0));
    after = await click(stack, party, card!, 'reminder.snooze', { option: '1bd' });
    expect(text(after)).toContain('lundi 30 novembre 2026 à 10:00');
    byId = await reminders();
    expect(byId.get(`${reminderId}:snooze-1`)?.status).toBe('sent');
    expect(byId.get(`${reminderId}:snooze-2`)).toMatchObject({
      status: 'scheduled',
      dueAt: Date.UTC(2026, 10, 30, 9, 0, 0),
    });
    await advanceTo(Date.UTC(2026, 10, 30, 9, 0, 0));
    expect(await reminderCards(party)).toHaveLength(3);
    await sesame.timers.dispatchDue();
    expect(await reminderCards(party)).toHaveLength(3);

    // The audit reads as what happened: three sends, each of its own reminder; two snoozes, each naming its follow-up.
    const audit = (
      await stack.store.listAudit(stack.sandbox.tenantId, { runId: run.id, limit: 500 })
    ).reverse();
    expect(
      audit
        .filter((a) => a.action === 'reminder.sent')
        .map((a) => [a.details?.reminderId, a.details?.attempt, a.details?.snoozeOf]),
    ).toEqual([
      [reminderId, 1, undefined],
      [`${reminderId}:snooze-1`, 1, reminderId],
      [`${reminderId}:snooze-2`, 1, reminderId],
    ]);
    expect(
      audit
        .filter((a) => a.action === 'reminder.snoozed')
        .map((a) => [a.details?.reminderId, a.details?.snoozedAs]),
    ).toEqual([
      [reminderId, `${reminderId}:snooze-1`],
      [reminderId, `${reminderId}:snooze-1`],
      [`${reminderId}:snooze-1`, `${reminderId}:snooze-2`],
    ]);
  });

  it('"done" ends the reminder, and the card shows it to everyone in the chat', async () => {
    const { party, run } = await waitingRun();
    await advanceTo(DUE + 60_000);
    const [card] = await reminderCards(party);
    await click(stack, party, card!, 'reminder.snooze', { option: '1h' });
    const after = await click(stack, party, card!, 'reminder.done');
    expect(text(after)).toContain('Marqué comme fait par');
    expect(actionsOf(after).filter((a) => String(a.verb).startsWith('reminder.'))).toEqual([]);
    // The posted message itself was replaced (what the others in the chat see).
    // The update goes through the proactive queue, after the answer to the click.
    let updates: Record<string, unknown>[] = [];
    for (let i = 0; i < 50 && updates.length < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      updates = await recorded(party, 'update');
    }
    expect(updates).toHaveLength(2);
    expect(JSON.stringify(updates[updates.length - 1])).toContain('Marqué comme fait par');
    await advanceTo(DUE + 3 * HOUR);
    expect(await reminderCards(party)).toHaveLength(1);
    const audit = await stack.store.listAudit(stack.sandbox.tenantId, { runId: run.id, limit: 500 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['reminder.snoozed', 'reminder.done']));
  });

  it('a card acted on is updated for everyone: the message replaced, auto-refresh for the newest 60 who acted', async () => {
    const { party } = await waitingRun();
    await advanceTo(DUE + 60_000);
    const [card] = await reminderCards(party);
    const refreshIds = (c: Card) => (c.refresh as { userIds?: string[] }).userIds;
    // A fresh card refreshes for nobody in particular (no userIds: the message itself is what everyone sees).
    expect(refreshIds(card!)).toBeUndefined();
    // 65 people of the chat snooze it in turn: each sees their click, the card never lists more than Teams' 60.
    const person = (i: number): ConversationParty => ({
      ...party,
      user: { ...party.user, id: `29:colleague-${i}`, name: `Collègue ${i}` },
    });
    let after: Card = card!;
    for (let i = 0; i < 65; i += 1) {
      after = await click(stack, person(i), card!, 'reminder.snooze', { option: '1h' });
      const ids = refreshIds(after)!;
      expect(ids.length).toBe(Math.min(i + 1, 60));
      expect(ids.at(-1)).toBe(`29:colleague-${i}`);
    }
    expect(refreshIds(after)).toEqual(Array.from({ length: 60 }, (_, i) => `29:colleague-${i + 5}`));
    // Someone who already acted acts again: back to the newest place, nobody else drops out.
    after = await click(stack, person(7), card!, 'reminder.done');
    expect(refreshIds(after)!.at(-1)).toBe('29:colleague-7');
    expect(refreshIds(after)).toHaveLength(60);
    expect(refreshIds(after)).toContain('29:colleague-5');

    // The posted message itself was replaced with the last state (what the others in the chat see).
    let last = '';
    for (let i = 0; i < 100 && !last.includes('Marqué comme fait par Collègue 7'); i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      last = JSON.stringify((await recorded(party, 'update')).at(-1) ?? {});
    }
    expect(last).toContain('Marqué comme fait par Collègue 7');
    // …and a client refreshing the card (someone in userIds opening the chat) gets that state too.
    const refreshed = await click(stack, person(60), card!, 'reminder.refresh', {
      data: (card!.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
    expect(text(refreshed)).toContain('Marqué comme fait par Collègue 7');
    expect(actionsOf(refreshed).filter((a) => String(a.verb).startsWith('reminder.'))).toEqual([]);
  });

  it('"stop reminders" cancels what is armed and keeps later reminders of the run from being posted', async () => {
    const { party, run } = await waitingRun();
    await advanceTo(DUE + 60_000);
    const [card] = await reminderCards(party);
    await click(stack, party, card!, 'reminder.snooze', { option: '1h' });
    const after = await click(stack, party, card!, 'reminder.stop');
    expect(text(after)).toContain('Rappels arrêtés pour cette procédure');
    const reminders = await stack.store.listReminders(stack.sandbox.tenantId, run.id);
    // The snooze's follow-up was armed; stopping cancelled it.
    expect(reminders.find((r) => r.id.endsWith(':due:snooze-1'))?.status).toBe('cancelled');
    await advanceTo(DUE + 3 * HOUR);
    expect(await reminderCards(party)).toHaveLength(1);
  });

  it('"re-check now" sees the guest accepted: the run moves on and the card says so', async () => {
    const { party, run } = await waitingRun();
    await advanceTo(DUE + 60_000);
    const [card] = await reminderCards(party);
    const guestId = run.stepResults.invite!.objectIds[0]!;
    // Signed out (their token gone): Sesame asks them to sign in before it reads the tenant with it.
    await signOut();
    let after = await click(stack, party, card!, 'reminder.recheck');
    expect(text(after)).toContain('connectez-vous avec la carte que Sesame vient d’envoyer');
    const signInCard = cardsIn((await recorded(party, 'send')) as never)
      .filter((c) => actionsOf(c).some((a) => a.verb === 'signin.done'))
      .pop()!;
    await stack.signIn(
      String(actionsOf(signInCard).find((a) => a.type === 'Action.OpenUrl')!.url),
      'globalAdmin',
    );
    await click(stack, party, signInCard, 'signin.done');
    after = await click(stack, party, card!, 'reminder.recheck');
    expect(text(after)).toContain('toujours en attente');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/guests/${guestId}/accept`, { method: 'POST' });
    after = await click(stack, party, card!, 'reminder.recheck');
    expect(text(after)).toContain('la procédure passe à l’étape « Confirmation de Cegid Loop »');
    const moved = (await stack.store.get<Run>('run', stack.sandbox.tenantId, run.id))!.value;
    expect(moved.currentStepId).toBe('vendor-confirmed');
    // The step it moved on to is in the chat, ready to click: "Cegid Loop confirmed" finishes the run.
    const next = cardsIn((await recorded(party, 'send')) as never).pop()!;
    expect(text(next)).toContain('Confirmation de Cegid Loop');
    const finished = await click(stack, party, next, 'run.done');
    expect(text(finished)).toContain('Procédure terminée');
  });

  it('refuses a reminder button whose data was edited, or clicked from another chat', async () => {
    const { party } = await waitingRun();
    await advanceTo(DUE + 60_000);
    const [card] = await reminderCards(party);
    const data = actionsOf(card!).find((a) => a.verb === 'reminder.snooze')!.data as Record<string, unknown>;
    const edited = await click(stack, party, card!, 'reminder.snooze', { data: { ...data, option: '1bd' } });
    expect(text(edited)).not.toContain('Reporté');
    const other = { ...party, conversationId: `${party.conversationId}-other` };
    const elsewhere = await click(stack, other, card!, 'reminder.done');
    expect(text(elsewhere)).not.toContain('Marqué comme fait');
  });

  it('saves the conversation reference on install, follows a new serviceUrl, forgets it on uninstall', async () => {
    const party = stack.party('globalAdmin');
    await stack.post(botAddedActivity(party));
    const id = `conv:${party.conversationId}`;
    let saved = await stack.store.get<{ serviceUrl: string; kind: string }>(
      'conversation',
      party.tenantId,
      id,
    );
    expect(saved?.value).toMatchObject({ serviceUrl: party.serviceUrl, kind: 'personal' });
    const moved = { ...party, serviceUrl: `${party.serviceUrl}/` };
    await stack.post(messageActivity(moved, 'aide'));
    saved = await stack.store.get('conversation', party.tenantId, id);
    expect(saved?.value.serviceUrl).toBe(moved.serviceUrl);
    await stack.post({
      ...messageActivity(party, ''),
      type: 'installationUpdate',
      action: 'remove',
      text: undefined,
    });
    expect(await stack.store.get('conversation', party.tenantId, id)).toBeUndefined();
  });

  it('gives a reminder up when Sesame was removed from the chat: failed, audited, nothing posted', async () => {
    const { party, run } = await waitingRun();
    await stack.post({
      ...botAddedActivity(party),
      membersAdded: [],
      membersRemoved: [{ id: `28:${party.botId}` }],
    });
    await advanceTo(DUE + 60_000);
    expect(await reminderCards(party)).toHaveLength(0);
    const reminder = (await stack.store.listReminders(stack.sandbox.tenantId, run.id)).find((r) =>
      r.id.endsWith(':due'),
    );
    expect(reminder?.status).toBe('failed');
    const audit = await stack.store.listAudit(stack.sandbox.tenantId, { runId: run.id, limit: 500 });
    expect(audit.find((a) => a.action === 'reminder.failed')?.details).toMatchObject({ permanent: true });
  });

  it('counts procedure A’s 2 business days over a French public holiday on the default calendar', async () => {
    // Friday 10 July 2026, 17:00 in Paris: Monday 13 is day 1, Tuesday 14 (Fête nationale) does not count, Wednesday 15.
    clock.set(Date.UTC(2026, 6, 10, 15, 0, 0));
    const { run } = await waitingRun();
    expect(run.stepResults['vendor-wait']?.dueAt).toBe(
      new Date(Date.UTC(2026, 6, 15, 15, 0, 0)).toISOString(),
    );
  });

  it('counts the deadline on the tenant’s calendar chosen in the chat, and the card names it', async () => {
    // Friday 10 July 2026, 17:00 in Brussels: 2 Belgian business days is Tuesday 14 (a French holiday, not a Belgian one).
    const party = stack.party('globalAdmin');
    await stack.post(messageActivity(party, 'calendrier be'));
    try {
      clock.set(Date.UTC(2026, 6, 10, 15, 0, 0));
      const { party: chat, run } = await waitingRun();
      const due = Date.UTC(2026, 6, 14, 15, 0, 0);
      expect(run.stepResults['vendor-wait']?.dueAt).toBe(new Date(due).toISOString());
      await advanceTo(due + 60_000);
      const [card] = await reminderCards(chat);
      expect(text(card!)).toContain('Belgique (Europe/Brussels)');
      expect(text(card!)).toContain('mardi 14 juillet 2026');
    } finally {
      await stack.post(messageActivity(party, 'calendrier fr'));
    }
  });

  it('writes the due time in the tenant calendar’s time zone and says which calendar: France, then Québec', async () => {
    // Friday 20 November 2026, 17:00 in Paris = 11:00 in Montréal; 2 business days later on either calendar is
    // Tuesday 24 November at the same instant (no public holiday on either): 17:00 in Paris, 11 h 00 in Montréal.
    const france = await waitingRun();
    expect(text(france.card)).toContain(
      'calendrier France (Europe/Paris) : avant le mardi 24 novembre à 17:00 UTC+1',
    );
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
    const admin = stack.party('globalAdmin');
    await stack.post(messageActivity(admin, 'calendrier ca-qc'));
    try {
      clock.set(FRIDAY_5PM);
      const { party, run, card: waitCard } = await waitingRun();
      expect(run.calendar).toBe('ca-qc');
      expect(run.stepResults['vendor-wait']?.dueAt).toBe(new Date(DUE).toISOString());
      const waiting = text(waitCard);
      expect(waiting).toContain(
        'calendrier Québec (America/Toronto) : avant le mardi 24 novembre à 11 h 00 HNE',
      );
      expect(waiting).not.toContain('UTC+1');
      await advanceTo(DUE + 60_000);
      const [card] = await reminderCards(party);
      const shown = text(card!);
      // The message armed with the run (its due time), and the card's facts, both in Montréal's time.
      expect(shown).toContain('est écoulé (mardi 24 novembre à 11 h 00 HNE)');
      expect(shown).toContain('Échéance : mardi 24 novembre 2026 à 11 h 00');
      expect(shown).toContain('Depuis le vendredi 20 novembre 2026 à 11 h 00');
      expect(shown).toContain('Jours ouvrés comptés sur le calendrier : Québec (America/Toronto)');
      expect(shown).not.toContain('17:00');
    } finally {
      await stack.post(messageActivity(admin, 'calendrier fr'));
    }
  });

  it('posts the weekly digest on Mondays at 09:00 once turned on in the chat, and stops when turned off', async () => {
    const { party } = await waitingRun();
    await stack.post(messageActivity(party, 'résumé hebdo'));
    const saved = await stack.store.get<{ digest?: boolean }>(
      'conversation',
      party.tenantId,
      `conv:${party.conversationId}`,
    );
    expect(saved?.value.digest).toBe(true);
    // Friday 20 November 17:00 → Monday 23 November, 09:00 in Paris.
    const monday = Date.UTC(2026, 10, 23, 8, 0, 0);
    const digestOf = async () =>
      cardsIn((await recorded(party, 'send')) as never).filter((c) =>
        text(c).includes('Résumé de la semaine'),
      );
    await advanceTo(monday - 60_000);
    expect(await digestOf()).toHaveLength(0);
    await advanceTo(monday + 60_000);
    const [digest] = await digestOf();
    expect(text(digest!)).toContain('En attente');
    expect(text(digest!)).toContain('Accès invité Cegid Loop — échéance');
    expect(text(digest!)).toContain('France (Europe/Paris)');
    // Next week's is armed; turned off, it is cancelled.
    const armed = (await stack.store.listReminders(party.tenantId)).find(
      (r) => r.id === `digest:${party.conversationId}`,
    );
    expect(armed).toMatchObject({ status: 'scheduled', dueAt: monday + 7 * 86_400_000 });
    await stack.post(messageActivity(party, 'digest off'));
    await advanceTo(monday + 7 * 86_400_000 + 60_000);
    expect(await digestOf()).toHaveLength(1);
  });

  // Last: it replaces the stack's Sesame with a new process-like instance on the same database.
  it('sends once across a restart between the due time and the send', async () => {
    const { party } = await waitingRun();
    await advanceTo(DUE - 60_000);
    clock.set(DUE + 5 * 60_000);
    // Sesame stops before its scheduler saw the due time, and starts again on the same database.
    const file = join(stack.config.dataDir, 'sesame.db');
    await sesame.close();
    sesame = await startSesame(stack.config, {
      store: await openSqliteStore({ file, now: () => clock.now() }),
      clock,
      logger: new MemoryLogger(),
      extraCaPem: stack.sandbox.caCertPem,
      graphSleep: async () => undefined,
      timerIntervalMs: 0,
    });
    await sesame.timers.dispatchDue();
    await sesame.timers.dispatchDue();
    expect(await reminderCards(party)).toHaveLength(1);
  });
});
