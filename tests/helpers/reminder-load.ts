/**
 * A backlog of due reminder cards across many conversations and tenants, for the two-instance PostgreSQL test and
 * the reminder benchmark: real runs of procedure A waiting on the vendor, each with its conversation reference, and
 * what the sandbox's connector received, counted per reminder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRun, type Run } from '../../core/engine/run.js';
import type { RunReminderPayload } from '../../core/engine/runner.js';
import type { Store } from '../../core/ports/store.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';

export interface LoadPlan {
  readonly tenants: number;
  readonly conversationsPerTenant: number;
  readonly remindersPerConversation: number;
  /** In the conversation ids (`a:<tag>-<tenant>-<conversation>`), so several loads can share a store; 'load'. */
  readonly tag?: string;
}

export interface SeededLoad {
  readonly reminderIds: readonly string[];
  readonly conversations: readonly { tenantId: string; conversationId: string; reminders: number }[];
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs waiting at procedure A's vendor step, `remindersPerConversation` reminder cards each, all due at `dueAt`. */
export async function seedDueReminders(
  store: Store,
  plan: LoadPlan,
  serviceUrl: string,
  dueAt: number,
): Promise<SeededLoad> {
  const module = PROCEDURES.find((m) => m.procedure.id === 'vendor-guest-access') ?? PROCEDURES[0]!;
  const reminderIds: string[] = [];
  const conversations: SeededLoad['conversations'][number][] = [];
  for (let t = 0; t < plan.tenants; t += 1) {
    const tenantId = `00000000-0000-4000-8000-${String(t + 1).padStart(12, '0')}`;
    for (let c = 0; c < plan.conversationsPerTenant; c += 1) {
      const conversationId = `a:${plan.tag ?? 'load'}-${t}-${c}`;
      const runId = globalThis.crypto.randomUUID();
      const ids = Array.from(
        { length: plan.remindersPerConversation },
        (_, i) => `${runId}:vendor-wait:load-${i}`,
      );
      const since = new Date(dueAt - 2 * 86_400_000).toISOString();
      const run: Run = {
        ...createRun({
          id: runId,
          procedureId: module.procedure.id,
          procedureVersion: module.procedure.version,
          tenantId,
          conversationId,
          locale: 'fr',
          startedBy: { id: `admin-${t}`, name: 'Claire Martin' },
          now: dueAt - 2 * 86_400_000,
        }),
        status: 'waiting',
        currentStepId: 'vendor-wait',
        reminders: ids,
        stepResults: {
          'vendor-wait': {
            status: 'waiting',
            at: since,
            since,
            dueAt: new Date(dueAt).toISOString(),
            requestIds: [],
            objectIds: [],
          },
        },
      };
      await store.create('run', tenantId, runId, run, conversationId);
      await store.create(
        'conversation',
        tenantId,
        `conv:${conversationId}`,
        {
          tenantId,
          conversationId,
          serviceUrl,
          channelId: 'msteams',
          botId: '28:sesame',
          kind: 'personal',
          locale: 'fr-FR',
          savedAt: new Date(since).toISOString(),
        },
        'conversations',
      );
      for (const [i, id] of ids.entries()) {
        const payload: RunReminderPayload = {
          kind: 'run-timer',
          runId,
          conversationId,
          procedureId: module.procedure.id,
          messageKey: 'load.reminder',
          params: { stepId: 'vendor-wait', dueAt: new Date(dueAt).toISOString() },
          notify: true,
          text: { fr: `Rappel n° ${i + 1}`, en: `Reminder #${i + 1}` },
        };
        await store.scheduleReminder({ id, tenantId, runId, dueAt, payload: { ...payload } });
        reminderIds.push(id);
      }
      conversations.push({ tenantId, conversationId, reminders: ids.length });
    }
  }
  return { reminderIds, conversations };
}

/**
 * How many times the connector received each reminder card, in which order (connector sequence), and when
 * (wall-clock ms of each reminder card's arrival, per conversation).
 */
export async function deliveries(
  sandboxUrl: string,
  conversationIds: readonly string[],
): Promise<{
  counts: Map<string, number>;
  sequences: Map<string, number[]>;
  arrivals: Map<string, number[]>;
}> {
  const counts = new Map<string, number>();
  const sequences = new Map<string, number[]>();
  const arrivals = new Map<string, number[]>();
  for (const id of conversationIds) {
    const res = await fetch(
      `${sandboxUrl}/_sandbox/botframework/conversations/${encodeURIComponent(id)}/activities`,
    );
    const body = (await res.json()) as {
      activities: { verb: string; sequence: number; receivedAt: number; activity?: unknown }[];
    };
    const times: number[] = [];
    for (const a of body.activities) {
      if (a.verb !== 'send') continue;
      const reminderId = /"reminderId":"([^"]+)"/.exec(JSON.stringify(a.activity))?.[1];
      if (!reminderId) continue;
      counts.set(reminderId, (counts.get(reminderId) ?? 0) + 1);
      sequences.set(reminderId, [...(sequences.get(reminderId) ?? []), a.sequence]);
      times.push(a.receivedAt);
    }
    arrivals.set(id, times);
  }
  return { counts, sequences, arrivals };
}

export interface SesameProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** SIGKILL: no clean stop, leases left as they are. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `server/main.ts` as its own Node process (what `npm run serve` runs), with the given environment on top. Its
 * "Sesame listening on …" line is logged at info level: LOG_LEVEL must let it through. With SESAME_CPU_PROF set to a
 * folder, each process writes its V8 CPU profile there when it exits (for the benchmark's "where does the time go").
 */
export async function spawnSesame(env: Record<string, string>): Promise<SesameProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.SESAME_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SESAME_CPU_PROF] : []),
      '--import',
      'tsx',
      'server/main.ts',
    ],
    {
      cwd: root,
      env: { ...process.env, SESAME_ENV: 'local', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Sesame did not start:\n${out}`));
    }, 60_000);
    const check = () => {
      const m = /Sesame listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Sesame exited (${code}):\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
