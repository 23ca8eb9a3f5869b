/**
 * Procedure C's generated password, through the real bot over the Teams protocol on the sandbox tenant, for a whole
 * run: the account created, its licence, the mailbox (late, so its reminder goes out), the RBAC commands, the
 * 2-hour propagation wait and its reminder, the tests, the end. The password appears in exactly one thing Sesame
 * sends — the answer to the confirmation that created the account — and nowhere else: no other activity or card
 * answer, no refresh of that card, no reminder, not the SQLite file or its WAL, the audit log, the runs, the
 * reminders kept, nor the logs at DEBUG level. Nor any half of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { DEFAULT_DOMAIN, SKU, VENDOR_APPS } from '../../sandbox/data/seed.js';
import { click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke } from '../helpers/teams-activities.js';

const MINUTE = 60_000;
const clock = new SimulatedClock(Date.UTC(2026, 10, 27, 9, 0, 0));
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'debug', clock });
});
afterAll(async () => {
  await stack.stop();
});

/** The monospace TextRuns of a card: where a run card shows a generated secret. */
function monospace(card: Card): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'TextRun' && o.fontType === 'Monospace' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('procedure C’s generated password, over the Teams protocol', () => {
  it('is in exactly one activity, the one that created the account, and in no store, audit, reminder, log or later card', async () => {
    const party = stack.party('globalAdmin');
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
    const refresh = async (card: Card): Promise<Card> => {
      const data = (card.refresh as { action: { data: Record<string, unknown> } }).action.data;
      const res = await stack.post(cardActionInvoke(party, 'run.refresh', data));
      const next = (res.body as { value: Card }).value;
      answers.push(next);
      return next;
    };
    const advance = async (ms: number) => {
      clock.set(clock.now() + ms);
      await stack.sesame.timers.dispatchDue();
    };
    // A slow Exchange: the mailbox takes 90 minutes, so the hour's reminder goes out.
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/mailbox-provisioning`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 90 * MINUTE }),
    });

    let card = await startByText(stack, party, 'globalAdmin', 'compte de service Indio');
    card = await press(card, 'run.submit', { inputs: { choice: DEFAULT_DOMAIN } });
    card = await press(card, 'run.submit', {
      inputs: { displayName: 'Indio', alias: 'indio', usageLocation: 'FR' },
    });
    card = await press(card, 'run.confirm');
    const [password] = monospace(card);
    expect(password).toMatch(/^\S{24}$/);
    const creation = answers.length - 1;
    expect(stack.sandbox.state.users.size).toBeGreaterThan(0);
    // The card that showed it, refreshed (another admin opening it, Teams' refresh): not shown again.
    const again = await refresh(card);
    expect(monospace(again)).not.toContain(password);
    expect(text(again)).toContain('affiché une seule fois');

    card = await press(card, 'run.submit', { inputs: { choice: SKU.exchangeStandard } });
    card = await press(card, 'run.confirm');
    await advance(60 * MINUTE);
    await advance(30 * MINUTE);
    card = await refresh(card);
    expect((await runOf(card)).currentStepId).toBe('ews-obsolete');
    card = await press(card, 'run.done');
    card = await press(card, 'run.submit', { inputs: { appId: VENDOR_APPS.indio.appId } });
    card = await press(card, 'run.done');
    await advance(2 * 60 * MINUTE + 5 * MINUTE);
    card = await refresh(card);
    card = await press(card, 'run.done');
    expect((await runOf(card)).status).toBe('done');

    const activities = await stack.sent(party.conversationId);
    const sent = activities.map((a) => JSON.stringify(a));
    // Both reminders went out, without it.
    expect(sent.some((a) => a.includes('is still not ready') || a.includes('n’est toujours pas prête'))).toBe(
      true,
    );
    expect(sent.some((a) => a.includes('Deux heures ont passé'))).toBe(true);
    const everySent = [...sent, ...answers.map((a) => JSON.stringify(a))];
    const holding = everySent.filter((s) => s.includes(password!));
    expect(holding).toHaveLength(1);
    expect(holding[0]).toBe(JSON.stringify(answers[creation]));
    expect(holding[0]!.split(password!)).toHaveLength(2);

    const audit = JSON.stringify(await stack.store.listAudit(stack.sandbox.tenantId, { limit: 1000 }));
    const runs = JSON.stringify(await stack.store.list('run', stack.sandbox.tenantId, { limit: 100 }));
    const reminders = JSON.stringify(await stack.store.listReminders(stack.sandbox.tenantId));
    const logs = stack.logger.lines.join('\n');
    expect(stack.logger.lines.filter((l) => l.startsWith('debug ')).length).toBeGreaterThan(0);
    // What is kept says what happened, with the secret's name, never its value.
    expect(audit).toContain('createServiceAccount');
    expect(runs).toContain('servicePassword');
    const places: Record<string, string> = {
      'later answers': answers
        .filter((_a, i) => i !== creation)
        .map((a) => JSON.stringify(a))
        .join('\n'),
      'activities sent': sent.join('\n'),
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
    const halves = [password!.slice(0, 12), password!.slice(12)];
    for (const [place, content] of Object.entries(places)) {
      for (const piece of [password!, ...halves]) {
        if (content.includes(piece)) throw new Error(`the password (or half of it) reached ${place}`);
      }
    }
  });
});
