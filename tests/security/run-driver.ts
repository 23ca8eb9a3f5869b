/**
 * Drives any procedure of the catalogue to its end through the bot, the way an admin clicks: fills each form with
 * what the card offers (its value, else its placeholder), takes the first option of a choice, confirms writes,
 * marks manual steps done, and plays what the outside world does (the sandbox console's pending events) before
 * "check now" on a wait. What it does next is read from the stored run (`pending.kind`), the buttons from the card.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../../core/engine/run.js';
import type { Store } from '../../core/ports/store.js';
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
        const first = typeof choices[0]?.value === 'string' ? choices[0].value : undefined;
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

/** Plays every pending outside event's main action (a guest accepting, a DNS record published…). */
export async function playOutsideWorld(sandboxHttpUrl: string): Promise<number> {
  const res = await fetch(`${sandboxHttpUrl}/_sandbox/outside-events`);
  const sources = (
    (await res.json()) as {
      value: {
        events: {
          actions: { method: string; path: string; body?: unknown; primary?: boolean }[];
        }[];
      }[];
    }
  ).value;
  let played = 0;
  for (const source of sources) {
    for (const event of source.events) {
      const action = event.actions.find((a) => a.primary) ?? event.actions[0];
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

export interface StepOptions {
  /** Values that win over the card's (e.g. a distinct vendor address per run). */
  readonly inputs?: Record<string, string>;
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
      const first = actionsOf(card).find((a) => a.verb === 'run.choose');
      // Options read from the tenant come as a ChoiceSet submitted with the card's form (its first option).
      if (!first) return click(s, party, card, 'run.submit', { inputs: formValues(card, options.inputs) });
      const option = (first.data as { option?: string } | undefined)?.option;
      return click(s, party, card, 'run.choose', option !== undefined ? { option } : {});
    }
    case 'confirm': {
      // A confirm card may ask for a secret (procedure D's provisioning token): type one the sandbox accepts.
      const secrets = Object.fromEntries(
        Object.keys(formValues(card))
          .filter((id) => id.startsWith('secret:'))
          .map((id) => [id, options.inputs?.[id] ?? 'sandbox-provisioning-token-0001']),
      );
      return click(s, party, card, 'run.confirm', { inputs: secrets });
    }
    case 'manual':
      return click(s, party, card, 'run.done');
    case 'wait':
      await playOutsideWorld(stack.sandbox.httpUrl);
      return click(s, party, card, 'run.retry');
    case 'blocked':
    case 'error':
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

/** Writes beyond the first to the same method and path. */
export function duplicates(writes: readonly { method: string; path: string }[]): number {
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(`${w.method} ${w.path}`, (counts.get(`${w.method} ${w.path}`) ?? 0) + 1);
  return [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
}
