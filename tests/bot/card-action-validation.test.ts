import type { Run } from '../../core/engine/run.js';
import { actionData, click, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke, type ConversationParty } from '../helpers/teams-activities.js';

/**
 * Every invoke is checked against a strict schema per verb (ajv) with a size cap before anything is read or
 * written: padded, extra, mistyped or unknown data is refused with a card that names the field, and changes nothing.
 */
describe('card action payloads are validated strictly', () => {
  let stack: LocalStack;
  let party: ConversationParty;
  let emailCard: Card;
  beforeAll(async () => {
    stack = await startLocalStack();
    party = stack.party('globalAdmin');
    emailCard = await startGuestAccess(stack, party, 'globalAdmin');
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function state(): Promise<{ run: Run; writes: number }> {
    const runId = (emailCard.refresh as { action: { data: { runId: string } } }).action.data.runId;
    const run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
    const log = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`)).json()) as {
      value: { method: string }[];
    };
    return { run, writes: log.value.filter((e) => e.method !== 'GET').length };
  }

  async function invoke(verb: string, data: Record<string, unknown>, value?: unknown): Promise<string> {
    const activity = cardActionInvoke(party, verb, data);
    const res = await stack.post(value === undefined ? activity : { ...activity, value });
    expect(res.status).toBe(200);
    return text((res.body as { value: Card }).value);
  }

  const submit = () => ({ ...actionData(emailCard, 'run.submit'), email: 'admin@onloop.onmicrosoft.com' });

  it.each([
    ['padded to 100 KB', () => ({ ...submit(), email: `${'a'.repeat(100_000)}@x.fr` }), 'trop volumineuses'],
    ['an extra field', () => ({ ...submit(), isAdmin: true }), '« isAdmin »'],
    ['an input the step does not have', () => ({ ...submit(), role: 'Global Administrator' }), '« role »'],
    ['a mistyped step version', () => ({ ...submit(), stepVersion: '2' }), '« stepVersion »'],
    ['a run id that is not one', () => ({ ...submit(), runId: '../../etc/passwd' }), '« runId »'],
    ['a number as input value', () => ({ ...submit(), email: 42 }), '« email »'],
  ])('refuses %s, names the field, changes nothing', async (_name, data, expected) => {
    const before = await state();
    const answer = await invoke('run.submit', data());
    expect(answer).toContain('rien n’a été modifié');
    expect(answer).toContain(expected);
    expect(await state()).toEqual(before);
  });

  it('refuses an unknown verb, an envelope with extra fields, and an action that is not Action.Execute', async () => {
    const before = await state();
    expect(await invoke('run.delete', { ...submit(), verb: 'run.delete' })).toContain('rien n’a été modifié');
    const data = submit();
    expect(
      await invoke('run.submit', data, {
        action: { type: 'Action.Execute', verb: 'run.submit', data },
        x: 1,
      }),
    ).toContain('« x »');
    expect(
      await invoke('run.submit', data, { action: { type: 'Action.Http', verb: 'run.submit', data } }),
    ).toContain('rien n’a été modifié');
    expect(await state()).toEqual(before);
  });

  it('accepts the card’s own payload', async () => {
    const next = await click(stack, party, emailCard, 'run.submit', {
      inputs: { email: 'admin@onloop.onmicrosoft.com' },
    });
    expect(text(next)).toContain('Inviter admin@onloop.onmicrosoft.com comme invité ?');
  });
});
