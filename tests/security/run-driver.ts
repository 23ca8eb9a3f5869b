/**
 * Drives any procedure of the catalogue to its end through the bot, the way an admin clicks: fills each form with
 * what the card offers (its value, else its placeholder), takes the first option of a choice, confirms writes,
 * marks manual steps done, and plays what the outside world does (the sandbox console's pending events) before
 * "check now" on a wait. What it does next is read from the stored run (`pending.kind`), the buttons from the card.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../../core/engine/run.js';
import { isTransient } from '../../core/engine/retry.js';
import type { Store } from '../../core/ports/store.js';
import type { ProcedureModule } from '../../core/procedures/types.js';
import { CYCLE_MS } from '../../sandbox/graph/handlers/synchronization.js';
import { graphOperation } from '../../core/graph/operations/index.js';
import { actionsOf, click, type Card } from '../helpers/card-clicks.js';
import type { LocalStack } from '../helpers/local-stack.js';
import type { ConversationParty } from '../helpers/teams-activities.js';

export function runIdOf(card: Card): string {
  return (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
}

export function refreshData(card: Card): Record<string, unknown> {
  return (card.refresh as { action: { data: Record<string, unknown> } }).action.data;
}

export async function storedRun(store: Store, tenantId: string, runId: string): Promise<Run> {
  const record = await store.get<Run>('run', tenantId, runId);
  if (!record) throw new Error(`run ${runId} not found`);
  return record.value;
}

export function isTerminal(run: Run): boolean {
  return run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';
}

/** The values a person would leave in the card's inputs: what is filled in, else the example shown. */
export function formValues(card: Card, overrides: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') {
        const choices = Array.isArray(o.choices) ? (o.choices as { value?: unknown }[]) : [];
        const first = o.isMultiSelect === true ? severalOf(choices) : firstOf(choices);
        const value =
          (typeof o.value === 'string' && o.value !== '' ? o.value : undefined) ??
          first ??
          (typeof o.placeholder === 'string' && o.placeholder !== '' ? o.placeholder : undefined) ??
          'Sesame';
        values[o.id] = overrides[o.id] ?? value;
      }
      for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && k !== 'refresh') walk(v);
    }
  };
  walk(card);
  return values;
}

const firstOf = (choices: readonly { value?: unknown }[]): string | undefined =>
  typeof choices[0]?.value === 'string' ? choices[0].value : undefined;

/** A multi-select (procedure D's users and groups): the first two offered, so a batch writes several items. */
function severalOf(choices: readonly { value?: unknown }[]): string | undefined {
  const values = choices
    .slice(0, 2)
    .map((c) => c.value)
    .filter((v): v is string => typeof v === 'string');
  return values.length > 0 ? values.join(',') : undefined;
}

/** Plays every pending outside event's main action (a guest accepting, a DNS record published…). */
export async function playOutsideWorld(
  sandboxHttpUrl: string,
  only?: (source: string, event: { title: string; detail: string }) => boolean,
): Promise<number> {
  const res = await fetch(`${sandboxHttpUrl}/_sandbox/outside-events`);
  const all = (
    (await res.json()) as {
      value: {
        id: string;
        events: {
          title: string;
          detail: string;
          actions: { method: string; path: string; body?: unknown; primary?: boolean }[];
        }[];
      }[];
    }
  ).value;
  let played = 0;
  for (const source of all) {
    for (const event of source.events) {
      if (only && !only(source.id, event)) continue;
      // The primary action moves a procedure on; the others (withdraw a record, revoke a token) are failures.
      const action = event.actions.find((a) => a.primary);
      if (!action) continue;
      await fetch(`${sandboxHttpUrl}${action.path}`, {
        method: action.method,
        headers: { 'content-type': 'application/json' },
        ...(action.body ? { body: JSON.stringify(action.body) } : {}),
      });
      played += 1;
    }
  }
  return played;
}

/**
 * What the admin does at their DNS host before saying "it is published" (procedure D): the TXT record the card
 * shows, published through the sandbox console's admin API (its "Publish the TXT record" button).
 */
export function publishDnsRecords(sandboxHttpUrl: string, card: Card): Promise<number> {
  const shown = JSON.stringify(card).match(/MS=ms[0-9a-f]{8}/g) ?? [];
  return playOutsideWorld(
    sandboxHttpUrl,
    (source, event) => source === 'dns-records' && shown.some((txt) => event.detail.includes(txt)),
  );
}

/** The secret fields of a confirm card (`secret:<id>`), filled with a token the sandbox's vendor accepts. */
export function secretInputs(card: Card, overrides: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.keys(formValues(card))
      .filter((id) => id.startsWith('secret:'))
      .map((id) => [id, overrides[id] ?? 'sandbox-provisioning-token-0001']),
  );
}

/**
 * A run stopped on a write that carried a secret (procedure D's credentials): the secret lived for its turn only,
 * so no timer sends it again and the card offers "Retry", which brings the confirm card back for the admin to type
 * the token once more. Any other error stops the driver.
 */
export function retriesSecretWrite(run: Run, card: Card, module?: ProcedureModule): boolean {
  if (run.pending?.kind !== 'error' || !run.pending.stepId || !module) return false;
  const step = module.procedure.steps.find((s) => s.id === run.pending!.stepId);
  const carriesSecret = step?.kind === 'action' && (step.secretFields?.length ?? 0) > 0;
  return carriesSecret && actionsOf(card).some((a) => a.verb === 'run.retry');
}

/**
 * The shared clock moved past a provisioning cycle (the console's clock controls): procedure D's job reaches its
 * steady state in the sandbox's time; a few minutes change nothing for the other waits (days-long deadlines).
 */
export async function letProvisioningCycleEnd(sandboxHttpUrl: string): Promise<void> {
  const res = await fetch(`${sandboxHttpUrl}/_sandbox/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms: 2 * CYCLE_MS }),
  });
  if (!res.ok) throw new Error(`the sandbox clock did not move: ${res.status} ${await res.text()}`);
}

const READ_STAGES: readonly string[] = ['check', 'probe', 'options', 'poll'];

export interface StepOptions {
  /** Values that win over the card's (e.g. a distinct vendor address per run). */
  readonly inputs?: Record<string, string>;
  /** Options that win over the first one, by step id (e.g. procedure D adding a domain rather than using one). */
  readonly choose?: Record<string, string>;
  /** The procedure, for what its steps say (a write carrying secrets may be retried by the admin). */
  readonly module?: ProcedureModule;
  /**
   * Lets the shared clock reach a wait's due time (and delivers what falls due), for a wait nobody in the outside
   * world ends (procedure C's 2-hour propagation). Without it, such a wait is only re-checked.
   */
  readonly passTime?: (dueAt: string) => Promise<void>;
}

/**
 * One admin action on the run's current card; returns the card the click answers with. `undefined` when the run
 * needs no person now (over, or Sesame is working or waiting to retry).
 */
export async function act(
  stack: Pick<LocalStack, 'post' | 'sandbox' | 'store'>,
  party: ConversationParty,
  card: Card,
  run: Run,
  options: StepOptions = {},
): Promise<Card | undefined> {
  const s = stack as LocalStack;
  switch (run.pending?.kind) {
    case 'input':
      return click(s, party, card, 'run.submit', { inputs: formValues(card, options.inputs) });
    case 'choice': {
      const wanted = options.choose?.[run.pending.stepId];
      if (wanted !== undefined) return click(s, party, card, 'run.choose', { option: wanted });
      const first = actionsOf(card).find((a) => a.verb === 'run.choose');
      // Options read from the tenant come as a ChoiceSet submitted with the card's form (its first option).
      if (!first) return click(s, party, card, 'run.submit', { inputs: formValues(card, options.inputs) });
      const option = (first.data as { option?: string } | undefined)?.option;
      return click(s, party, card, 'run.choose', option !== undefined ? { option } : {});
    }
    case 'confirm':
      // A confirm card may ask for a secret (procedure D's provisioning token): type one the sandbox accepts.
      return click(s, party, card, 'run.confirm', { inputs: secretInputs(card, options.inputs) });
    case 'manual':
      // "It is published" comes after publishing (a no-op for manual steps that wait on no DNS record).
      await publishDnsRecords(stack.sandbox.httpUrl, card);
      return click(s, party, card, 'run.done');
    case 'wait': {
      await playOutsideWorld(stack.sandbox.httpUrl);
      await letProvisioningCycleEnd(stack.sandbox.httpUrl);
      const checked = await click(s, party, card, 'run.retry');
      if (!options.passTime) return checked;
      // Still waiting after "check now" with the outside world played: a wait that ends with time alone.
      const after = await storedRun(stack.store, run.tenantId, run.id);
      if (after.currentStepId !== run.currentStepId || after.pending?.kind !== 'wait') return checked;
      await options.passTime(after.pending.dueAt);
      return click(s, party, checked, 'run.refresh', { data: refreshData(checked) });
    }
    case 'error':
      if (retriesSecretWrite(run, card, options.module)) return click(s, party, card, 'run.retry');
      // A read Graph never answered (throttled or unavailable past the engine's budget: a check, a probe, a choice's
      // options) has no outcome: its card says to retry later, and the admin does. Writes are not retried here.
      if (READ_STAGES.includes(run.pending.stage) && isTransient(run.pending.error))
        return click(s, party, card, 'run.retry');
      throw new Error(
        `run ${run.id} stopped at ${run.currentStepId} (${run.pending.kind}): ${JSON.stringify(run.pending).slice(0, 300)}`,
      );
    case 'blocked':
      throw new Error(
        `run ${run.id} stopped at ${run.currentStepId} (${run.pending.kind}): ${JSON.stringify(run.pending).slice(0, 300)}`,
      );
    default:
      return undefined;
  }
}

/** Writes the check's figures to build/security/<name>.json and prints them as one line. */
export function report(name: string, figures: Record<string, number | string | boolean>): void {
  const dir = join(process.cwd(), 'build', 'security');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ check: name, at: new Date().toISOString(), node: process.version, ...figures }, null, 2)}\n`,
  );
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`[security] ${name}: ${line}\n`);
}

/** Non-GET Graph requests the tenant accepted (2xx), from the sandbox's request log. */
export async function acceptedWrites(sandboxHttpUrl: string): Promise<{ method: string; path: string }[]> {
  const res = await fetch(`${sandboxHttpUrl}/_sandbox/log`);
  const log = ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
  return log
    .filter((e) => e.method !== 'GET' && e.status >= 200 && e.status < 300 && !e.url.startsWith('/$batch'))
    .map((e) => ({ method: e.method, path: e.url.split('?')[0]! }));
}

/**
 * Graph POSTs that test rather than write (Microsoft Entra checks the vendor's credentials, nothing is saved):
 * repeated each time the admin types the token again, so not counted among the writes.
 */
export const isCredentialTest = (w: { method: string; path: string }): boolean =>
  w.method === 'POST' && w.path.endsWith('/validateCredentials');

/**
 * The writes a finished run made the tenant accept, from what the run says it did: one per action done (not found
 * already done by its probe), one per batch item done, one per check done that calls a writing operation (a
 * domain's verification). The sandbox's request log must show exactly these: a write accepted twice is a duplicate.
 */
export function writesOfRun(module: ProcedureModule, run: Run): number {
  let writes = 0;
  for (const step of module.procedure.steps) {
    const result = run.stepResults[step.id];
    if (!result) continue;
    if (step.kind === 'batch') writes += (result.items ?? []).filter((i) => i.status === 'done').length;
    else if (result.status !== 'done' || result.already) continue;
    else if (step.kind === 'action') writes += 1;
    else if (
      step.kind === 'check' &&
      (step.operations ?? []).some((op) => graphOperation(op)?.method !== 'GET')
    )
      writes += 1;
  }
  return writes;
}

/** Writes beyond the first to the same method and path. */
export function duplicates(writes: readonly { method: string; path: string }[]): number {
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(`${w.method} ${w.path}`, (counts.get(`${w.method} ${w.path}`) ?? 0) + 1);
  return [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
}
