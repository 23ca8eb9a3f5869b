/**
 * The "done when" for secrets, through the real bot over the Teams protocol: a password Sesame generates
 * for a write and a secret token the admin types on a confirm card each reach Microsoft 365 (the sandbox) in the
 * same turn, appear in at most one activity the bot sends (the generated one in exactly one, the typed one in
 * none), and nowhere in the SQLite file, its WAL, the audit log, reminders or the logs kept at DEBUG level.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke } from '../helpers/teams-activities.js';
import { checkCard } from '../helpers/card-validation.js';
import { SECRET_TEST_WORDS, SERVICE_ACCOUNT_UPN, secretTestProcedure } from '../helpers/secret-procedure.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';
import { checkProcedureModule } from '../../core/procedures/types.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'debug', procedures: [...PROCEDURES, secretTestProcedure] });
});
afterAll(async () => {
  await stack.stop();
});

/** The monospace TextRuns of a card: where a run card shows a generated secret. */
function shownSecrets(card: Card): string[] {
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

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('secrets carried by Graph writes, over the Teams protocol', () => {
  it('is soundly wired', () => {
    expect(checkProcedureModule(secretTestProcedure)).toEqual([]);
  });

  it('shows a generated password once, sends a typed token only to Microsoft 365, and keeps neither', async () => {
    const party = stack.party('globalAdmin');
    const responses: Card[] = [];
    const press = async (card: Card, verb: string, inputs?: Record<string, unknown>) => {
      const next = await click(stack, party, card, verb, inputs ? { inputs } : {});
      responses.push(next);
      return next;
    };

    let card = await startByText(stack, party, 'globalAdmin', SECRET_TEST_WORDS);
    expect(text(card)).toContain('Créer le compte de service');

    // (a) Generated for the write, carried by it, shown on the card of that turn.
    card = await press(card, 'run.confirm');
    const [password] = shownSecrets(card);
    expect(password).toMatch(/^\S{20}$/);
    const created = [...stack.sandbox.state.users.values()].find(
      (u) => u.userPrincipalName === SERVICE_ACCOUNT_UPN,
    );
    expect(created).toBeDefined();
    expect(checkCard(card).schemaErrors).toEqual([]);

    card = await press(card, 'run.confirm'); // the app
    // The card after the one that showed it says it was shown once, and does not show it.
    expect(shownSecrets(card)).toEqual([]);
    expect(text(card)).toContain('affiché une seule fois');
    card = await press(card, 'run.confirm'); // the provisioning job
    card = await press(card, 'run.submit', { tenantUrl: 'https://api.goto.example/scim' });

    // (b) Typed on the confirm card: a password input, never filled in.
    const input = JSON.stringify(card);
    expect(input).toContain('"style":"Password"');
    expect(checkCard(card).schemaErrors).toEqual([]);
    const refused = `invalid-${randomBytes(12).toString('hex')}`;
    card = await press(card, 'run.confirm', { 'secret:secretToken': refused });
    expect(text(card)).toContain('GoTo a refusé ces identifiants');
    expect(JSON.stringify(card)).not.toContain(refused);
    const token = `tok-${randomBytes(16).toString('hex')}`;
    card = await press(card, 'run.confirm', { 'secret:secretToken': token });
    expect(text(card)).toContain('Identifiants enregistrés');

    // Microsoft 365 got both, from the writes of their turns.
    const spId = [...stack.sandbox.state.synchronization.keys()].at(-1)!;
    expect(stack.sandbox.state.synchronization.get(spId)?.secrets).toContainEqual({
      key: 'SecretToken',
      value: token,
    });

    // A refresh of the card (another admin opening it) shows none of them.
    const refresh = (card.refresh as { action: { data: Record<string, unknown> } }).action.data;
    const refreshed = await stack.post(cardActionInvoke(party, 'run.refresh', refresh));
    responses.push((refreshed.body as { value: Card }).value);

    const activities = JSON.stringify(await stack.sent(party.conversationId));
    const answers = responses.map((r) => JSON.stringify(r));
    const allSent = [activities, ...answers];
    // Exactly one activity carries the password: the answer to the confirmation that created the account.
    expect(allSent.filter((a) => a.includes(password!))).toHaveLength(1);
    expect(occurrences(answers[0]!, password!)).toBe(1);
    for (const typed of [token, refused]) expect(allSent.some((a) => a.includes(typed))).toBe(false);

    const audit = JSON.stringify(await stack.store.listAudit(stack.sandbox.tenantId, { limit: 1000 }));
    const runs = JSON.stringify(await stack.store.list('run', stack.sandbox.tenantId, { limit: 100 }));
    const reminders = JSON.stringify(await stack.store.listReminders(stack.sandbox.tenantId));
    const logs = stack.logger.lines.join('\n');
    expect(stack.logger.lines.filter((l) => l.startsWith('debug ')).length).toBeGreaterThan(0);
    // The run remembers the names, and the audit the writes (with references, not values).
    expect(runs).toContain('servicePassword');
    expect(audit).toContain('createServiceAccount');
    const places: Record<string, string> = { audit, runs, reminders, logs };
    for (const file of ['sesame.db', 'sesame.db-wal']) {
      const path = join(stack.config.dataDir, file);
      if (existsSync(path)) places[file] = readFileSync(path).toString('latin1');
    }
    expect(places['sesame.db']).toBeDefined();
    for (const [place, content] of Object.entries(places)) {
      for (const secret of [password!, token, refused]) {
        if (content.includes(secret)) throw new Error(`a secret reached ${place}`);
      }
    }
  });
});
