/**
 * kill -9 sweep: every procedure of the catalogue, driven to its end through the bot, with Sesame (server/main.ts
 * as its own process) killed at every step boundary and during every write, then started again on the same data
 * folder. After each restart the run must stand where it stood (boundary) or have reconciled the write (never a
 * second one), and its card must not say "working…". Figures: resume rate and duplicated writes (goal 100% / 0).
 */
import { PROCEDURES } from '../../core/procedures/catalog.js';
import type { Run } from '../../core/engine/run.js';
import { actionData, click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { eventually, startCrashHarness, type CrashHarness } from '../helpers/sesame-process.js';
import { cardActionInvoke } from '../helpers/teams-activities.js';
import {
  act,
  acceptedWrites,
  duplicates,
  isTerminal,
  refreshData,
  report,
  runIdOf,
  storedRun,
} from './run-driver.js';

// A few minutes: one Sesame start per kill point.

interface Tally {
  killPoints: number;
  resumed: number;
  writesKilled: number;
  failures: string[];
}

async function faults(h: CrashHarness, settings: Record<string, unknown> | undefined): Promise<void> {
  await fetch(`${h.sandbox.httpUrl}/_sandbox/faults`, {
    method: settings ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(settings ? { body: JSON.stringify(settings) } : {}),
  });
}

/** Where a run stands, as far as resuming is concerned. */
const position = (run: Run) => `${run.status}|${run.currentStepId}|${run.pending?.kind ?? '-'}`;

describe('kill -9 sweep over the procedure catalogue', () => {
  let h: CrashHarness;
  const tally: Tally = { killPoints: 0, resumed: 0, writesKilled: 0, failures: [] };
  let completed = 0;

  beforeAll(async () => {
    h = await startCrashHarness();
    await h.start();
  }, 120_000);
  afterAll(async () => {
    const writes = h ? await acceptedWrites(h.sandbox.httpUrl) : [];
    report('kill-sweep', {
      procedures: SWEPT.length,
      completed,
      killPoints: tally.killPoints,
      writesKilled: tally.writesKilled,
      resumeRate: tally.killPoints ? `${Math.round((100 * tally.resumed) / tally.killPoints)}%` : 'n/a',
      duplicatedWrites: duplicates(writes),
      acceptedWrites: writes.length,
    });
    await h?.close();
  });

  /** Kills Sesame at a step boundary and checks the run resumes exactly there; returns the card to go on with. */
  async function killAtBoundary(party: ReturnType<CrashHarness['party']>, card: Card, runId: string) {
    const before = await storedRun(h.store, h.sandbox.tenantId, runId);
    tally.killPoints += 1;
    await h.current!.kill9();
    await h.start();
    const after = await storedRun(h.store, h.sandbox.tenantId, runId);
    const refreshed = await click(h.stack(), party, card, 'run.refresh', { data: refreshData(card) });
    if (position(after) === position(before) && !text(refreshed).includes('Sesame travaille sur cette étape'))
      tally.resumed += 1;
    else tally.failures.push(`boundary ${position(before)} → ${position(after)}`);
    return refreshed;
  }

  /** Confirms a write, kills Sesame while the tenant holds it, restarts, and checks it was reconciled once. */
  async function killDuringWrite(party: ReturnType<CrashHarness['party']>, card: Card, runId: string) {
    const before = await storedRun(h.store, h.sandbox.tenantId, runId);
    const writesBefore = (await acceptedWrites(h.sandbox.httpUrl)).length;
    await faults(h, { latencyMs: 2_000 });
    const pending = h
      .stack()
      .post(cardActionInvoke(party, 'run.confirm', actionData(card, 'run.confirm')))
      .catch(() => undefined);
    await eventually('the write in flight', async () => {
      const r = await storedRun(h.store, h.sandbox.tenantId, runId);
      return r.pending?.kind === 'graph' && r.pending.stage === 'write' ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    tally.killPoints += 1;
    tally.writesKilled += 1;
    await h.current!.kill9();
    await pending;
    // The tenant completes what it was asked, though nobody hears the answer.
    await eventually('the tenant to complete the write', async () =>
      (await acceptedWrites(h.sandbox.httpUrl)).length > writesBefore ? true : undefined,
    );
    await faults(h, undefined);
    await h.start();
    const after = await eventually('the run to be reconciled', async () => {
      const r = await storedRun(h.store, h.sandbox.tenantId, runId);
      return r.pending?.kind === 'graph' ? undefined : r;
    });
    const refreshed = await click(h.stack(), party, card, 'run.refresh', { data: refreshData(card) });
    const moved =
      after.stepResults[before.currentStepId!]?.status === 'done' &&
      after.currentStepId !== before.currentStepId;
    if (moved && !text(refreshed).includes('Sesame travaille sur cette étape')) tally.resumed += 1;
    else tally.failures.push(`write ${position(before)} → ${position(after)}`);
    return refreshed;
  }

  // Procedure D is not swept yet: its provisioning token is typed on the confirm card and a write carrying a secret
  // is never re-sent after a crash (the admin re-confirms with the token), and its batch step confirms per item;
  // this driver does neither. Its crash behaviour is covered by tests/core/batch-writes.test.ts for now.
  // Procedure C is not swept yet either: the driver does not type its app id nor move the clock past its 2-hour
  // propagation wait.
  const SWEPT = PROCEDURES.filter(
    (m) => m.procedure.id !== 'domain-and-provisioning' && m.procedure.id !== 'email-service-account',
  );

  it.each(SWEPT.map((m) => [m.procedure.id, m] as const))(
    '%s: every boundary and every write survives a kill -9',
    async (_id, module) => {
      const party = h.party('globalAdmin');
      let card = await startByText(h.stack(), party, 'globalAdmin', module.procedure.title.fr);
      const runId = runIdOf(card);
      for (let turns = 0; turns < 40; turns++) {
        let run = await storedRun(h.store, h.sandbox.tenantId, runId);
        if (isTerminal(run)) break;
        card = await killAtBoundary(party, card, runId);
        run = await storedRun(h.store, h.sandbox.tenantId, runId);
        if (run.pending?.kind === 'confirm') {
          card = await killDuringWrite(party, card, runId);
          continue;
        }
        const next = await act(h.stack(), party, card, run);
        if (!next) throw new Error(`run ${runId} needs no one at ${position(run)}`);
        card = next;
      }
      const run = await storedRun(h.store, h.sandbox.tenantId, runId);
      expect(run.status).toBe('done');
      completed += 1;
      expect(tally.failures).toEqual([]);
      expect(tally.resumed).toBe(tally.killPoints);
      expect(duplicates(await acceptedWrites(h.sandbox.httpUrl))).toBe(0);
    },
    600_000,
  );
});
