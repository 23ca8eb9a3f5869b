/**
 * kill -9 sweep: every procedure of the catalogue, driven to its end through the bot, with Sesame (server/main.ts
 * as its own process) killed at every step boundary and during every write, then started again on the same data
 * folder. After each restart the run must stand where it stood (boundary) or have reconciled the write (never a
 * second one), and its card must not say "working…". Figures: resume rate and duplicated writes (goal 100% / 0).
 */
import { PROCEDURES } from '../../core/procedures/catalog.js';
import { VENDOR_APPS } from '../../sandbox/data/seed.js';
import type { Run } from '../../core/engine/run.js';
import type { ProcedureModule } from '../../core/procedures/types.js';
import { actionData, click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { eventually, startCrashHarness, type CrashHarness } from '../helpers/sesame-process.js';
import { cardActionInvoke } from '../helpers/teams-activities.js';
import {
  act,
  acceptedWrites,
  duplicates,
  isCredentialTest,
  isTerminal,
  refreshData,
  report,
  runIdOf,
  secretInputs,
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

/**
 * Killed during a write the run cannot finish alone, it is back before that write: a batch whose re-probe found
 * items still missing (the admin confirms the rest), or a write that carried a secret typed for that turn only
 * (never re-sent from the store: the admin retries and types it again).
 */
function backForTheRest(module: ProcedureModule, before: Run, after: Run): boolean {
  const step = module.procedure.steps.find((s) => s.id === before.currentStepId);
  const carriesSecret = step?.kind === 'action' && (step.secretFields?.length ?? 0) > 0;
  if (after.currentStepId !== before.currentStepId) return false;
  if (step?.kind === 'batch') return after.pending?.kind === 'confirm';
  return carriesSecret && (after.pending?.kind === 'confirm' || after.pending?.kind === 'error');
}

/**
 * Writes accepted more often than the runs wanted. Not counted: credential tests (validateCredentials saves
 * nothing) and the credentials saved again after the admin typed the token again (PUT replaces them). A batch's
 * items share one path, so each item is checked in the tenant instead: one assignment per principal and app, and
 * no assignment sent again and refused as already there.
 */
async function sweptDuplicates(sandboxHttpUrl: string, h: CrashHarness): Promise<number> {
  const res = await fetch(`${sandboxHttpUrl}/_sandbox/log`);
  const log = ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
  const assignment = (e: { method: string; url: string }) =>
    e.method === 'POST' && e.url.split('?')[0]!.endsWith('/appRoleAssignedTo');
  const writes = (await acceptedWrites(sandboxHttpUrl)).filter(
    (w) =>
      !isCredentialTest(w) &&
      !(w.method === 'PUT' && w.path.endsWith('/synchronization/secrets')) &&
      !assignment({ method: w.method, url: w.path }),
  );
  const pairs = h.sandbox.state.appRoleAssignments.map((a) => `${a.principalId}|${a.resourceId}`);
  const resentAssignments = log.filter((e) => assignment(e) && e.status === 400).length;
  return duplicates(writes) + (pairs.length - new Set(pairs).size) + resentAssignments;
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
      duplicatedWrites: h ? await sweptDuplicates(h.sandbox.httpUrl, h) : 'n/a',
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
  async function killDuringWrite(
    party: ReturnType<CrashHarness['party']>,
    card: Card,
    runId: string,
    module: ProcedureModule,
  ) {
    const before = await storedRun(h.store, h.sandbox.tenantId, runId);
    const writesBefore = (await acceptedWrites(h.sandbox.httpUrl)).length;
    await faults(h, { latencyMs: 2_000 });
    const pending = h
      .stack()
      .post(
        cardActionInvoke(party, 'run.confirm', { ...actionData(card, 'run.confirm'), ...secretInputs(card) }),
      )
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
    if (
      (moved || backForTheRest(module, before, after)) &&
      !text(refreshed).includes('Sesame travaille sur cette étape')
    )
      tally.resumed += 1;
    else tally.failures.push(`write ${position(before)} → ${position(after)}`);
    return refreshed;
  }

  // Procedure D adds (and verifies) a domain of its own rather than using the tenant's, so its domain writes are
  // swept too. Procedure C reads its mailbox with Indio's app, consented in the sandbox tenant.
  const SWEPT = PROCEDURES;
  const CHOOSE = { 'domain-confirm': 'add' };
  const INPUTS = {
    domainName: 'kill-sweep.cabinet-exemple.fr',
    tenantUrl: 'https://api.logmein.example/scim/v2',
    appId: VENDOR_APPS.indio.appId,
  };
  /**
   * Procedure C is swept through every write and boundary up to its 2-hour propagation wait, where it stops: that
   * wait ends with time alone, and the Sesame this harness kills runs in its own process on the system clock, which
   * the sandbox console cannot move (the throttle storm, on a simulated clock, drives C to its end).
   */
  const SWEPT_UNTIL: Readonly<Record<string, string>> = { 'email-service-account': 'propagation' };

  it.each(SWEPT.map((m) => [m.procedure.id, m] as const))(
    '%s: every boundary and every write survives a kill -9',
    async (_id, module) => {
      const party = h.party('globalAdmin');
      let card = await startByText(h.stack(), party, 'globalAdmin', module.procedure.title.fr);
      const runId = runIdOf(card);
      const writesKilledAt = new Set<string>();
      const until = SWEPT_UNTIL[module.procedure.id];
      for (let turns = 0; turns < 60; turns++) {
        let run = await storedRun(h.store, h.sandbox.tenantId, runId);
        if (isTerminal(run) || (until !== undefined && run.currentStepId === until)) break;
        card = await killAtBoundary(party, card, runId);
        run = await storedRun(h.store, h.sandbox.tenantId, runId);
        // Each step's write is killed once: confirmed again (the rest of a batch, a secret typed again), it runs.
        if (run.pending?.kind === 'confirm' && !writesKilledAt.has(run.currentStepId ?? '')) {
          writesKilledAt.add(run.currentStepId ?? '');
          card = await killDuringWrite(party, card, runId, module);
          continue;
        }
        const next = await act(h.stack(), party, card, run, { inputs: INPUTS, choose: CHOOSE, module });
        if (!next) throw new Error(`run ${runId} needs no one at ${position(run)}`);
        card = next;
      }
      const run = await storedRun(h.store, h.sandbox.tenantId, runId);
      if (until === undefined) expect(run.status).toBe('done');
      else expect([run.status, run.currentStepId, run.pending?.kind]).toEqual(['waiting', until, 'wait']);
      completed += 1;
      expect(tally.failures).toEqual([]);
      expect(tally.resumed).toBe(tally.killPoints);
      expect(await sweptDuplicates(h.sandbox.httpUrl, h)).toBe(0);
    },
    600_000,
  );
});
