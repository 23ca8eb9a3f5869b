import { randomUUID } from 'node:crypto';
import type { Run } from '../../core/engine/run.js';
import { actionData, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke, messageActivity } from '../helpers/teams-activities.js';
import { recordFigures } from './figures.js';
import { clearGraphLog, graphWrites } from './stack-probes.js';

/** Deterministic pseudo-random draws: the same fuzz cases on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  true,
  -1,
  1.5,
  1e15,
  '',
  ' ',
  '1',
  '💥'.repeat(50),
  'x'.repeat(5000),
  [],
  ['a'],
  {},
  { $ne: null },
  '__proto__',
  '<script>alert(1)</script>',
  '${run.sig}',
  '../../',
];

/**
 * Card actions mutated field by field (ids, versions, verbs, sizes, types, extra fields), through Action.Execute
 * and the Action.Submit fallback, and every input of the form fed malformed values: no server error, no write, no
 * change to the run; malformed form values get a message naming the field.
 */
describe('card-action and form-field fuzz', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('refuses every mutation without an error or a write', async () => {
    const party = stack.party('globalAdmin');
    const emailCard: Card = await startGuestAccess(stack, party, 'globalAdmin');
    const runId = (emailCard.refresh as { action: { data: { runId: string } } }).action.data.runId;
    // What a refused action must not move (a refused form value may note field errors on the pending input).
    const runNow = async () => {
      const run = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
      return { step: run.currentStepId, version: run.stepVersion, status: run.status, inputs: run.inputs };
    };
    const before = await runNow();
    await clearGraphLog(stack);
    const base: Record<string, unknown> = {
      ...actionData(emailCard, 'run.submit'),
      email: 'admin@onloop.onmicrosoft.com',
    };
    const verbs = [
      'run.submit',
      'run.confirm',
      'run.cancel',
      'run.done',
      'run.choose',
      'RUN.SUBMIT',
      'run.',
      'x',
    ];
    const draw = prng(8);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(draw() * list.length)]!;

    const cases: { verb: string; data: Record<string, unknown> }[] = [];
    // The email input has its own fuzz below; every other field of the button is mutated here.
    for (const field of Object.keys(base).filter((f) => f !== 'email'))
      for (const value of ODD_VALUES) cases.push({ verb: 'run.submit', data: { ...base, [field]: value } });
    for (const verb of verbs.filter((v) => v !== 'run.submit')) cases.push({ verb, data: { ...base, verb } });
    for (const size of [1_000, 9_000, 50_000, 200_000])
      cases.push({ verb: 'run.submit', data: { ...base, email: `${'a'.repeat(size)}@x.fr` } });
    for (let i = 0; i < 40; i += 1) {
      const data: Record<string, unknown> = { ...base };
      data[pick(['runId', 'stepVersion', 'sig', 'stepId', 'extra', 'option', 'verb'])] = pick([
        ...ODD_VALUES,
        randomUUID(),
        (before.version ?? 0) + 1,
      ]);
      const verb = pick(verbs);
      // The untouched button itself is the one payload that must be accepted: not a mutation.
      if (verb === 'run.submit' && JSON.stringify(data) === JSON.stringify(base)) continue;
      cases.push({ verb, data });
    }

    let serverErrors = 0;
    let accepted = 0;
    for (const c of cases) {
      for (const via of ['execute', 'submit'] as const) {
        const activity =
          via === 'execute'
            ? cardActionInvoke(party, c.verb, c.data)
            : { ...messageActivity(party, ''), text: undefined, value: c.data };
        const res = await stack.post(activity);
        const shown = JSON.stringify(res.body ?? '');
        if (res.status >= 500 || shown.includes('erreur inattendue')) serverErrors += 1;
        if (JSON.stringify(await runNow()) !== JSON.stringify(before)) {
          accepted += 1;
        }
      }
    }
    const writes = await graphWrites(stack);

    // Form-field fuzz: the email input, through the real submit button.
    const badEmails = [
      '',
      '   ',
      'pas-une-adresse',
      'a@b',
      '@onloop.onmicrosoft.com',
      `${'a'.repeat(300)}@x.fr`,
      'a b@c.fr',
      'a@b..fr',
    ];
    let fieldMessages = 0;
    for (const email of badEmails) {
      const res = await stack.post(cardActionInvoke(party, 'run.submit', { ...base, email }));
      const shown = text((res.body as { value: Card }).value);
      if (res.status >= 500) serverErrors += 1;
      if (/⚠️|« email »/.test(shown)) fieldMessages += 1;
    }
    const formWrites = (await graphWrites(stack)) - writes;

    recordFigures(
      'card-action fuzz',
      {
        cases: cases.length * 2,
        serverErrors,
        changedRuns: accepted,
        graphWrites: writes + formWrites,
        formValues: badEmails.length,
        fieldLevelMessages: fieldMessages,
      },
      '0 server errors, 0 changes, 0 writes, a field-level message for every bad value',
    );
    expect(serverErrors).toBe(0);
    expect(accepted).toBe(0);
    expect(writes + formWrites).toBe(0);
    expect(fieldMessages).toBe(badEmails.length);
  });
});
