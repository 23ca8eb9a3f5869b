/**
 * Procedure A under Graph throttling (429) and unavailability (503), through the bot and the sandbox's fault
 * injection: the adapter retries within its short budget (the injected sleep does not wait), then the engine
 * comes back later as a durable timer honouring Retry-After; a step fails only when that budget is spent, and
 * says so in plain words. Writes are never sent twice.
 */
import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { click, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

function runIdOf(card: Card): string {
  return (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
}

async function faults(stack: LocalStack, settings: Record<string, unknown> | undefined): Promise<void> {
  const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, {
    method: settings ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(settings ? { body: JSON.stringify(settings) } : {}),
  });
  if (!res.ok) throw new Error(`faults answered ${res.status}`);
}

async function graphLog(stack: LocalStack): Promise<{ method: string; url: string; status: number }[]> {
  const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`);
  return ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
}

describe('procedure A under throttling (simulated clock)', () => {
  const clock = new SimulatedClock(Date.UTC(2026, 10, 23, 9, 0, 0));
  let stack: LocalStack;
  const waits: number[] = [];
  beforeEach(async () => {
    waits.length = 0;
    stack = await startLocalStack({
      clock,
      graphSleep: async (ms) => {
        waits.push(ms);
      },
    });
  });
  afterEach(async () => {
    await stack.stop();
  });

  const run = async (card: Card) =>
    (await stack.store.get<Run>('run', stack.sandbox.tenantId, runIdOf(card)))!.value;

  /** Up to the role assignment's confirmation. */
  async function toAssignRole(): Promise<{ card: Card; party: ReturnType<LocalStack['party']> }> {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm');
    return { card, party };
  }

  it('a read of the new guest throttled past the adapter’s budget (the sponsor probe) is retried later, not stopped', async () => {
    const { card: assignCard, party } = await toAssignRole();
    // Reading the guest's sponsors (GET /users/{id}/sponsors) answers 429 every time for now.
    await faults(stack, { throttleRate: 1, retryAfterSeconds: 2, onlyPaths: ['/users/'] });
    let card = await click(stack, party, assignCard, 'run.confirm');
    let r = await run(card);
    expect(r.status).not.toBe('failed');
    expect(r.stepResults['assign-role']?.status).toBe('done');
    expect(r.pending).toMatchObject({ kind: 'retry', stepId: 'sponsor', stage: 'probe' });
    expect(text(card)).toContain('Microsoft 365 demande à Sesame de patienter');
    expect(text(card)).not.toContain('Procédure arrêtée');
    // The adapter honoured Retry-After in the turn, then gave the step back to the engine.
    expect(waits).toEqual([2000, 2000, 2000]);

    // Graph recovers; the engine's timer comes back no sooner than its backoff and reads again.
    await faults(stack, undefined);
    clock.advance(10_000);
    expect(await stack.sesame.timers.dispatchDue()).toBe(0);
    clock.advance(25_000);
    expect(await stack.sesame.timers.dispatchDue()).toBeGreaterThan(0);
    r = await run(card);
    expect(r.pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    card = await click(stack, party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
    card = await click(stack, party, card, 'run.confirm');
    r = await run(card);
    expect(r.stepResults.verify?.status).toBe('done');
    expect(r.currentStepId).toBe('vendor-wait');
  });

  it('a throttled write is retried by probing first, and the invitation is sent once', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    await faults(stack, { throttleRate: 1, retryAfterSeconds: 90, onlyPaths: ['/invitations'] });
    card = await click(stack, party, card, 'run.confirm');
    let r = await run(card);
    // Graph asked for 90 s, more than one turn may wait: the engine waits instead, at least that long.
    expect(r.pending).toMatchObject({ kind: 'retry', stepId: 'invite', stage: 'write' });
    if (r.pending?.kind !== 'retry') throw new Error('unreachable');
    expect(Date.parse(r.pending.retryAt) - clock.now()).toBeGreaterThanOrEqual(90_000);

    await faults(stack, undefined);
    clock.advance(91_000);
    await stack.sesame.timers.dispatchDue();
    r = await run(card);
    expect(r.stepResults.invite?.status).toBe('done');
    expect(r.pending).toEqual({ kind: 'confirm', stepId: 'assign-role' });
    const invitations = (await graphLog(stack)).filter(
      (e) => e.method === 'POST' && e.url.startsWith('/invitations'),
    );
    expect(invitations.map((e) => e.status)).toEqual([429, 201]);
    // The retry looked for the guest before writing again.
    const log = await graphLog(stack);
    const lastProbe = log.map((e) => e.url).lastIndexOf(log.find((e) => e.url.startsWith('/users?'))!.url);
    expect(lastProbe).toBeLessThan(
      log.findIndex((e) => e.status === 201 && e.url.startsWith('/invitations')),
    );
  });

  it('stops only when the budget is spent, says so in plain words, and Retry picks up again', async () => {
    const { card: assignCard, party } = await toAssignRole();
    await faults(stack, { unavailableRate: 1, retryAfterSeconds: 5, onlyPaths: ['/users/'] });
    let card = await click(stack, party, assignCard, 'run.confirm');
    const started = clock.now();
    let r = await run(card);
    let rounds = 0;
    while (r.pending?.kind === 'retry') {
      clock.set(Date.parse(r.pending.retryAt));
      await stack.sesame.timers.dispatchDue();
      r = await run(card);
      rounds += 1;
    }
    expect(rounds).toBeGreaterThan(3);
    expect(clock.now() - started).toBeLessThanOrEqual(30 * 60_000);
    expect(r.status).toBe('active');
    expect(r.pending).toMatchObject({
      kind: 'error',
      stepId: 'sponsor',
      stage: 'probe',
      error: { code: 'graph_unavailable' },
    });
    card = await click(stack, party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
    expect(text(card)).toContain('Microsoft 365 est resté indisponible');
    expect(text(card)).toContain('Cliquez sur Réessayer dans quelques minutes');
    expect(text(card)).not.toContain('graph_unavailable');

    await faults(stack, undefined);
    card = await click(stack, party, card, 'run.retry');
    expect((await run(card)).pending).toEqual({ kind: 'confirm', stepId: 'sponsor' });
    card = await click(stack, party, card, 'run.confirm');
    r = await run(card);
    expect(r.stepResults.verify?.status).toBe('done');
    expect(r.currentStepId).toBe('vendor-wait');
    const roleWrites = (await graphLog(stack)).filter(
      (e) => e.method === 'POST' && e.url.startsWith('/roleManagement'),
    );
    expect(roleWrites.map((e) => e.status)).toEqual([201]);
  });
});
