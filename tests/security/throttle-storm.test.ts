/**
 * A 429/503 storm on the sandbox during full runs: 30% of Graph requests throttled and 10% unavailable, both with
 * Retry-After, while every procedure of the catalogue runs to its end several times through the bot (simulated
 * clock: the engine's retry timers are delivered as the time passes; the adapter's sleep does not wait). Every run
 * must complete, and the tenant must accept each write exactly once (counted from the sandbox's request log).
 */
import { SimulatedClock } from '../../core/ports/clock.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';
import { click, startByText, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { VENDOR_APPS } from '../../sandbox/data/seed.js';
import {
  act,
  acceptedWrites,
  isCredentialTest,
  isTerminal,
  refreshData,
  report,
  runIdOf,
  storedRun,
  writesOfRun,
} from './run-driver.js';

const RUNS_PER_PROCEDURE = 3;
/**
 * The storm the issue names, then a heavier one that outlasts the adapter's in-turn budget often enough for the
 * engine's durable retries (re-probing confirmed writes) to take over.
 */
const STORMS = [
  { name: 'storm', throttleRate: 0.3, unavailableRate: 0.1, retryAfterSeconds: 2 },
  { name: 'heavy', throttleRate: 0.5, unavailableRate: 0.2, retryAfterSeconds: 2 },
] as const;

describe('a 429/503 storm during full runs', () => {
  const clock = new SimulatedClock(Date.UTC(2026, 10, 23, 9, 0, 0));
  let stack: LocalStack;
  let inTurnWaits = 0;
  beforeAll(async () => {
    stack = await startLocalStack({
      clock,
      graphSleep: async () => {
        inTurnWaits += 1;
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(STORMS.map((s) => [s.name, s] as const))(
    '%s: every run completes and no write is accepted twice',
    async (name, storm) => {
      const STORM = {
        throttleRate: storm.throttleRate,
        unavailableRate: storm.unavailableRate,
        retryAfterSeconds: storm.retryAfterSeconds,
      };
      await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
      inTurnWaits = 0;
      let runs = 0;
      let completed = 0;
      let engineRetries = 0;
      // Each run of procedure A invites its own vendor address (D adds its own domain), so each write is expected
      // once per run: the writes each finished run says it made.
      let expected = 0;
      // C last: the sandbox's fault draws are a fixed sequence, so the others meet the storm they always met.
      const driven = [
        ...PROCEDURES.filter((m) => m.procedure.id !== 'email-service-account'),
        ...PROCEDURES.filter((m) => m.procedure.id === 'email-service-account'),
      ];
      for (const module of driven) {
        for (let i = 0; i < RUNS_PER_PROCEDURE; i++) {
          runs += 1;
          const party = stack.party('globalAdmin');
          await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, { method: 'DELETE' });
          let card: Card = await startByText(stack, party, 'globalAdmin', module.procedure.title.fr);
          await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(STORM),
          });
          const runId = runIdOf(card);
          // Procedure D adds and verifies a domain of its own each run (its DNS record published as the console does).
          const inputs = {
            email: `${name}-${i}@vendor${i}.example`,
            domainName: `${name}-${i}.cabinet-exemple.fr`,
            tenantUrl: 'https://api.logmein.example/scim/v2',
            // Procedure C: the app that reads the mailbox is Indio's, consented in the sandbox tenant. Its account
            // keeps the form's alias, so later runs find it and reuse it (one licence seat, one POST /users).
            appId: VENDOR_APPS.indio.appId,
          };
          // C's propagation wait ends with time alone: the shared clock moves to its due time.
          const passTime = async (dueAt: string) => {
            clock.set(Math.max(clock.now(), Date.parse(dueAt) + 1000));
            await stack.sesame.timers.dispatchDue();
          };
          const choose = { 'domain-confirm': 'add' };
          for (let turns = 0; turns < 200; turns++) {
            const run = await storedRun(stack.store, stack.sandbox.tenantId, runId);
            if (isTerminal(run)) break;
            if (run.pending?.kind === 'retry') {
              // Graph asked Sesame to come back later: let that time pass and the timer fire.
              engineRetries += 1;
              clock.set(Date.parse(run.pending.retryAt) + 1);
              await stack.sesame.timers.dispatchDue();
              // The card the admin has open fetches the run's current state (Teams' refresh).
              card = await click(stack, party, card, 'run.refresh', { data: refreshData(card) });
              continue;
            }
            const next = await act(stack, party, card, run, { inputs, choose, module, passTime });
            if (!next) throw new Error(`run ${runId} stuck at ${run.currentStepId} (${run.pending?.kind})`);
            card = next;
          }
          const run = await storedRun(stack.store, stack.sandbox.tenantId, runId);
          if (run.status === 'done') completed += 1;
          expected += writesOfRun(module, run);
        }
      }
      await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, { method: 'DELETE' });

      const accepted = await acceptedWrites(stack.sandbox.httpUrl);
      const writes = accepted.filter((w) => !isCredentialTest(w));
      const duplicated = Math.max(0, writes.length - expected);
      const log = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`)).json()) as {
        value: { status: number }[];
      };
      report(name === 'storm' ? 'throttle-storm' : `throttle-storm-${name}`, {
        throttleRate: STORM.throttleRate,
        unavailableRate: STORM.unavailableRate,
        runs,
        completed,
        completionRate: `${Math.round((100 * completed) / runs)}%`,
        throttledAnswers: log.value.filter((e) => e.status === 429 || e.status === 503).length,
        inTurnRetries: inTurnWaits,
        engineRetries,
        expectedWrites: expected,
        acceptedWrites: writes.length,
        credentialTests: accepted.length - writes.length,
        duplicatedWrites: duplicated,
      });
      expect(completed).toBe(runs);
      expect(writes.length).toBe(expected);
      expect(duplicated).toBe(0);
    },
    600_000,
  );
});
