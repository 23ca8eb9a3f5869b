/**
 * Procedure D's provisioning token, through the real bot over the Teams protocol on the sandbox tenant: a token the
 * vendor refuses, one it accepts, and (after the job goes into quarantine) a new one typed from "Change the
 * credentials". Each reaches Microsoft 365 (the sandbox) in the turn it was typed, and none appears in any activity
 * the bot sends, a card answer, the SQLite file or its WAL, the audit log, the runs, the reminders, or the logs kept
 * at DEBUG level (the Teams SDK's included).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { SEED_GROUPS, SEED_USERS } from '../../sandbox/data/seed.js';
import { CYCLE_MS } from '../../sandbox/graph/handlers/synchronization.js';
import { click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke } from '../helpers/teams-activities.js';

const clock = new SimulatedClock(Date.UTC(2026, 10, 27, 9, 0, 0));
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'debug', clock });
});
afterAll(async () => {
  await stack.stop();
});

describe('procedure D’s provisioning token, over the Teams protocol', () => {
  it('reaches Microsoft 365 only: no activity, store file, WAL, audit, run, reminder or DEBUG log line holds it', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    const answers: Card[] = [];
    const press = async (card: Card, verb: string, options: Parameters<typeof click>[4] = {}) => {
      const next = await click(stack, party, card, verb, options);
      answers.push(next);
      return next;
    };
    const runOf = async (card: Card): Promise<Run> => {
      const data = (card.refresh as { action: { data: { runId: string } } }).action.data;
      return (await stack.store.get<Run>('run', stack.sandbox.tenantId, data.runId))!.value;
    };

    let card = await startByText(stack, party, 'globalAdmin', 'automatic provisioning to LogMeIn');
    card = await press(card, 'run.choose', { option: 'use' });
    card = await press(card, 'run.done');
    card = await press(card, 'run.choose', { option: 'logmein' });
    card = await press(card, 'run.confirm');
    card = await press(card, 'run.confirm');
    card = await press(card, 'run.submit', {
      inputs: { choice: [SEED_USERS.plainUser.id, SEED_GROUPS[0].id].join(',') },
    });
    card = await press(card, 'run.confirm');
    card = await press(card, 'run.submit', { inputs: { tenantUrl: 'https://api.logmein.example/scim/v2' } });

    // Refused by the vendor: the card asks again and says why.
    const refused = `invalid-${randomBytes(12).toString('hex')}`;
    card = await press(card, 'run.confirm', { inputs: { 'secret:secretToken': refused } });
    expect(text(card)).toContain('LogMeIn refuses these credentials');
    // Accepted, saved in Entra (the sandbox), provisioning started.
    const token = `tok-${randomBytes(16).toString('hex')}`;
    card = await press(card, 'run.confirm', { inputs: { 'secret:secretToken': token } });
    expect(text(card)).toContain('LogMeIn accepts the credentials');
    let run = await runOf(card);
    const sp = String(run.facts.spId);
    const job = String(run.facts.jobId);
    expect(stack.sandbox.state.synchronization.get(sp)?.secrets).toContainEqual({
      key: 'SecretToken',
      value: token,
    });
    card = await press(card, 'run.confirm');

    // LogMeIn revokes it: quarantine, the failure reminder, then a new token from "Change the credentials".
    await fetch(
      `${stack.sandbox.httpUrl}/_sandbox/synchronization/${sp}/jobs/${encodeURIComponent(job)}/quarantine`,
      {
        method: 'PUT',
      },
    );
    run = await runOf(card);
    const p = run.pending;
    if (p?.kind !== 'wait' || !p.nextPollAt) throw new Error('not watching');
    clock.set(Math.max(clock.now() + CYCLE_MS, Date.parse(p.nextPollAt) + 1000));
    await stack.sesame.timers.dispatchDue();
    await stack.sesame.timers.dispatchDue();
    const refreshData = (card.refresh as { action: { data: Record<string, unknown> } }).action.data;
    const refreshed = await stack.post(cardActionInvoke(party, 'run.refresh', refreshData));
    card = (refreshed.body as { value: Card }).value;
    answers.push(card);
    expect(text(card)).toContain('Change the credentials');
    card = await press(card, 'run.change', { option: 'tenant-url' });
    card = await press(card, 'run.submit', { inputs: { tenantUrl: 'https://api.logmein.example/scim/v2' } });
    const renewed = `tok-${randomBytes(16).toString('hex')}`;
    card = await press(card, 'run.confirm', { inputs: { 'secret:secretToken': renewed } });
    expect(stack.sandbox.state.synchronization.get(sp)?.secrets).toContainEqual({
      key: 'SecretToken',
      value: renewed,
    });
    card = await press(card, 'run.confirm');
    expect((await runOf(card)).currentStepId).toBe('watch');

    const activities = JSON.stringify(await stack.sent(party.conversationId));
    expect(activities).toContain('is failing'); // the failure reminder went out
    const audit = JSON.stringify(await stack.store.listAudit(stack.sandbox.tenantId, { limit: 1000 }));
    const runs = JSON.stringify(await stack.store.list('run', stack.sandbox.tenantId, { limit: 100 }));
    const reminders = JSON.stringify(await stack.store.listReminders(stack.sandbox.tenantId));
    const logs = stack.logger.lines.join('\n');
    expect(stack.logger.lines.filter((l) => l.startsWith('debug ')).length).toBeGreaterThan(0);
    // What is kept says what happened, with the reference, not the value.
    expect(audit).toContain('saveSynchronizationSecrets');
    expect(runs).toContain('credentialsSavedAt');
    const places: Record<string, string> = {
      activities,
      answers: answers.map((a) => JSON.stringify(a)).join('\n'),
      audit,
      runs,
      reminders,
      logs,
    };
    for (const file of ['sesame.db', 'sesame.db-wal']) {
      const path = join(stack.config.dataDir, file);
      if (existsSync(path)) places[file] = readFileSync(path).toString('latin1');
    }
    expect(places['sesame.db']).toBeDefined();
    for (const [place, content] of Object.entries(places)) {
      for (const secret of [refused, token, renewed]) {
        if (content.includes(secret)) throw new Error(`a provisioning token reached ${place}`);
      }
    }
  });
});
