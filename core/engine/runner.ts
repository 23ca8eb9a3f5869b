/**
 * The runner: loads a run, applies an event through the pure transition, saves it with its eTag, performs the
 * effects in order (audit → Store.appendAudit, reminders → Store.scheduleReminder / cancelReminder, Graph
 * operations → the TenantGraph port) and feeds Graph outcomes back as `effect-result` events until the run
 * needs a person or a timer. Renders are returned to the caller (the bot), never sent from here.
 *
 * Each transition is saved BEFORE its effects run, so a crash between a Graph write and the save of its result
 * leaves the run "write in flight": a `retry` then re-probes instead of writing again. With a journal, the run is
 * also noted as in flight before its calls go out, so the recovery at start finds it (core/engine/in-flight.ts).
 */
import type { CalendarId } from '../calendar/tenant-calendars.js';
import { DomainLookupError, SesameError, StoreConflictError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Secret, SecretSource } from '../ports/secret-source.js';
import type { StoredRecord, Store } from '../ports/store.js';
import { isDomainLookupCall, type DomainLookup } from '../ports/domain-lookup.js';
import { performGraphCall, type GraphCall, type TenantGraph } from '../ports/tenant-graph.js';
import type { Locale, LocalizedText } from '../procedures/text.js';
import type { ProcedureModule } from '../procedures/types.js';
import { okResult, toGraphErrorData, type CallResult } from './call-result.js';
import type { Effect, EventActor, GraphEffect, RenderEffect, RunEvent } from './events.js';
import type { InFlightJournal } from './in-flight.js';
import { createRun, type Run } from './run.js';
import { SecretRegistry, secretRefusingStore } from './secrets.js';
import { resolveSecretRefs } from '../procedures/secret-refs.js';
import { SECRET_FIELD_MIN_LENGTH } from './steps/action.js';
import { transition, type Refusal } from './transition.js';

export interface RunnerOptions {
  readonly store: Store;
  /** The Graph port to use for a run (the bot binds the acting admin's delegated token). */
  readonly graph: (run: Run) => TenantGraph | Promise<TenantGraph>;
  readonly clock: Clock;
  /** Keep older versions listed while runs of them are open: a run moves only under its own version. */
  readonly procedures: readonly ProcedureModule[];
  /** Run ids; default crypto.randomUUID(). */
  readonly newId?: () => string;
  /** Transitions per call before the runner stops and leaves the rest to a `retry` (a guard, not a limit). */
  readonly maxTransitions?: number;
  /** Where runs with Graph calls in flight are noted, so a crash leaves a trace the next start finds. */
  readonly journal?: InFlightJournal;
  /** Where generated secrets come from (node:crypto in production, injected like the clock). */
  readonly secrets?: SecretSource;
  /**
   * The process's live secrets (the logger masks them too); default: the runner's own. Each call is a turn
   * (SecretRegistry.during), joined to the caller's when the caller opened one.
   */
  readonly liveSecrets?: SecretRegistry;
  /** DNS, for the steps that read it (`lookupDomain`); without it such a read fails with dns_unavailable. */
  readonly domainLookup?: DomainLookup;
}

export interface StartRunRequest {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly procedureId: string;
  readonly actor: EventActor;
  readonly locale: Locale;
  readonly runId?: string;
  /** The tenant's calendar (business days of wait steps); default: each procedure's own. */
  readonly calendar?: CalendarId;
}

export interface RunnerOutcome {
  readonly run: Run;
  readonly etag: string;
  /** What to show, in order; the last one is the run's current state. */
  readonly renders: readonly RenderEffect[];
  /** Set when the event did not apply (stale card, tampered choice…): nothing changed. */
  readonly refused?: Refusal;
  /**
   * Secrets generated in this turn, by name, for the one card that shows them. Nowhere else: the run, the audit
   * log and reminders refuse them (secretRefusingStore), and the next turn's outcome does not carry them.
   */
  readonly secrets?: Readonly<Record<string, Secret>>;
}

/** What a reminder created by the runner carries in its payload (Store reminders are plain JSON). */
export interface RunReminderPayload {
  readonly kind: 'run-timer';
  readonly runId: string;
  readonly conversationId: string;
  readonly procedureId: string;
  readonly messageKey: string;
  readonly params: Readonly<Record<string, string | number>>;
  /** true: post the message to the conversation; false: an internal timer (poll, retry). */
  readonly notify: boolean;
  /** The message to post (notify reminders), in both languages. */
  readonly text?: LocalizedText;
}

export interface Runner {
  start(request: StartRunRequest): Promise<RunnerOutcome>;
  /** Applies one event to a run and carries on until the run waits. */
  dispatch(tenantId: string, runId: string, event: RunEvent): Promise<RunnerOutcome>;
  get(tenantId: string, runId: string): Promise<StoredRecord<Run> | undefined>;
  /**
   * Delivers a claimed reminder to its run as `timer-due` (posting the message of a `notify` reminder is the
   * caller's job). undefined for reminders the runner did not create.
   */
  deliverReminder(
    reminder: {
      readonly id: string;
      readonly tenantId: string;
      readonly payload: Readonly<Record<string, unknown>>;
    },
    /** The run as the caller just read it (saves a read; a stale eTag is re-read and re-applied once). */
    loaded?: StoredRecord<Run>,
  ): Promise<RunnerOutcome | undefined>;
}

export function isRunReminderPayload(
  payload: Readonly<Record<string, unknown>>,
): payload is RunReminderPayload & Record<string, unknown> {
  return payload.kind === 'run-timer' && typeof payload.runId === 'string';
}

export function createRunner(options: RunnerOptions): Runner {
  const { clock } = options;
  const liveSecrets = options.liveSecrets ?? new SecretRegistry();
  const store = secretRefusingStore(options.store, liveSecrets);
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const maxTransitions = options.maxTransitions ?? 100;

  /** The newest version of a procedure, or the exact version a run started with. */
  function moduleFor(procedureId: string, version?: number): ProcedureModule {
    const m = options.procedures
      .filter(
        (p) => p.procedure.id === procedureId && (version === undefined || p.procedure.version === version),
      )
      .sort((a, b) => b.procedure.version - a.procedure.version)[0];
    if (!m) {
      const name = version === undefined ? procedureId : `${procedureId} v${version}`;
      throw new SesameError('procedure_unknown', `unknown procedure ${name}`, {
        details: { procedureId, ...(version === undefined ? {} : { version }) },
      });
    }
    return m;
  }

  async function load(tenantId: string, runId: string): Promise<StoredRecord<Run>> {
    const record = await store.get<Run>('run', tenantId, runId);
    if (!record)
      throw new SesameError('run_not_found', `run ${runId} not found`, { status: 404, details: { runId } });
    return record;
  }

  type Applied = { record: StoredRecord<Run>; effects: readonly Effect[] } | { refused: Refusal };

  /** One transition and its save; on a lost eTag race, reload and re-apply once if the event still applies. */
  async function applyAndSave(record: StoredRecord<Run>, event: RunEvent): Promise<Applied> {
    const module = moduleFor(record.value.procedureId, record.value.procedureVersion);
    const first = transition(module, record.value, event, clock.now());
    if (first.refused) return { refused: first.refused };
    try {
      const saved = await store.replace('run', record.tenantId, record.id, first.run, record.etag);
      return { record: saved, effects: first.effects };
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
    }
    const fresh = await load(record.tenantId, record.id);
    const again = transition(module, fresh.value, event, clock.now());
    if (again.refused) return { refused: again.refused };
    try {
      const saved = await store.replace('run', fresh.tenantId, fresh.id, again.run, fresh.etag);
      return { record: saved, effects: again.effects };
    } catch (e) {
      if (e instanceof StoreConflictError) {
        return {
          refused: { code: 'card_stale', reason: 'the run changed twice while this event was applied' },
        };
      }
      throw e;
    }
  }

  async function perform(
    record: StoredRecord<Run>,
    effect: Exclude<Effect, GraphEffect>,
    renders: RenderEffect[],
    secrets: Record<string, Secret>,
  ): Promise<void> {
    const run = record.value;
    switch (effect.type) {
      case 'audit':
        await store.appendAudit({
          tenantId: run.tenantId,
          at: new Date(clock.now()).toISOString(),
          actorId: effect.actor === 'sesame' ? 'sesame' : effect.actor.id,
          ...(effect.actor === 'sesame' ? {} : { actorName: effect.actor.name }),
          runId: run.id,
          action: effect.action,
          result: effect.result,
          details: { procedureId: run.procedureId, ...effect.details },
        });
        return;
      case 'schedule-reminder': {
        const payload: RunReminderPayload = {
          kind: 'run-timer',
          runId: run.id,
          conversationId: run.conversationId,
          procedureId: run.procedureId,
          messageKey: effect.messageKey,
          params: effect.params,
          notify: effect.notify,
          ...(effect.text ? { text: effect.text } : {}),
        };
        await store.scheduleReminder({
          id: effect.id,
          tenantId: run.tenantId,
          runId: run.id,
          dueAt: effect.dueAt,
          payload: { ...payload },
        });
        return;
      }
      case 'cancel-reminder':
        await store.cancelReminder(run.tenantId, effect.id);
        return;
      case 'render':
        renders.push(effect);
        return;
      case 'reveal-secret': {
        if (!options.secrets) throw new Error('this runner has no SecretSource to generate secrets');
        const value = options.secrets.password({ length: effect.length });
        liveSecrets.add(value);
        secrets[effect.name] = value;
        return;
      }
    }
  }

  /**
   * Performs one Graph call, with the turn's secrets put where the logic named them (secretRef). A call naming a
   * secret that is not live in this turn is not sent. Graph's answer never carries a secret onward.
   */
  async function callGraph(
    graph: TenantGraph,
    effect: GraphEffect,
    live: Readonly<Record<string, string>>,
  ): Promise<CallResult> {
    const { value: args, missing } = resolveSecretRefs(effect.args, live);
    if (missing.length > 0) {
      return {
        ok: false,
        error: {
          code: 'secret_unavailable',
          message: `the secret ${missing.join(', ')} is not known in this turn; the call was not sent`,
        },
      };
    }
    try {
      if (isDomainLookupCall(effect)) {
        if (!options.domainLookup) throw new DomainLookupError('no DNS resolver is configured');
        return okResult(await options.domainLookup.lookup(effect.args[0]));
      }
      return okResult(await performGraphCall(graph, { op: effect.op, args } as GraphCall));
    } catch (e) {
      const error =
        e instanceof DomainLookupError ? { code: e.code, message: e.message } : toGraphErrorData(e);
      return { ok: false, error: { ...error, message: liveSecrets.mask(error.message) } };
    }
  }

  /**
   * A write whose run moved on while it was in flight (cancelled meanwhile, or retried by someone else) still
   * happened in the tenant: the audit log must say so even though the run will not record it.
   */
  async function auditLateWrite(
    run: Run,
    effect: GraphEffect | undefined,
    result: CallResult,
  ): Promise<void> {
    if (!effect || effect.purpose !== 'write') return;
    await store.appendAudit({
      tenantId: run.tenantId,
      at: new Date(clock.now()).toISOString(),
      actorId: run.admin.id,
      actorName: run.admin.name,
      runId: run.id,
      action: 'graph.write',
      result: result.ok ? 'ok' : 'failed',
      details: {
        procedureId: run.procedureId,
        stepId: effect.stepId,
        op: effect.op,
        args: effect.args,
        attempt: effect.attempt,
        late: true,
        runStatus: run.status,
        ...(result.ok
          ? { requestIds: result.requestId ? [result.requestId] : [] }
          : { code: result.error.code }),
      },
    });
  }

  function drive(initial: StoredRecord<Run>, event: RunEvent): Promise<RunnerOutcome> {
    return liveSecrets.during(() => {
      // What the admin typed in secret fields is live before anything can see it, and stays out of the outcome.
      const typed: Record<string, string> = {};
      if (event.type === 'confirm' && event.secrets) {
        for (const [id, raw] of Object.entries(event.secrets)) {
          const value = typeof raw === 'string' ? raw.trim() : '';
          if (value.length < SECRET_FIELD_MIN_LENGTH) continue;
          liveSecrets.add(value);
          typed[id] = value;
        }
      }
      return driveWith(initial, event, {}, typed);
    });
  }

  async function driveWith(
    initial: StoredRecord<Run>,
    event: RunEvent,
    secrets: Record<string, Secret>,
    typed: Readonly<Record<string, string>>,
  ): Promise<RunnerOutcome> {
    const renders: RenderEffect[] = [];
    let record = initial;
    let graph: TenantGraph | undefined;
    const queue: RunEvent[] = [event];
    const issued = new Map<string, GraphEffect>();
    let transitions = 0;
    let refused: Refusal | undefined;
    let noted = initial.value.pending?.kind === 'graph';
    while (queue.length > 0 && transitions < maxTransitions) {
      const next = queue.shift() as RunEvent;
      transitions += 1;
      const applied = await applyAndSave(record, next);
      if ('refused' in applied) {
        // The caller's own event is reported; a late answer to a call the run no longer awaits is dropped.
        // Someone else may have moved the run on: report its current state.
        record = await load(record.tenantId, record.id);
        if (next === event) refused = applied.refused;
        else if (next.type === 'effect-result') {
          await auditLateWrite(record.value, issued.get(next.callId), next.result);
        }
        continue;
      }
      record = applied.record;
      const graphEffects: GraphEffect[] = [];
      for (const effect of applied.effects) {
        if (effect.type === 'graph') graphEffects.push(effect);
        else await perform(record, effect, renders, secrets);
      }
      if (graphEffects.length > 0 && options.journal) {
        await options.journal.mark(record.value);
        noted = true;
      }
      for (const effect of graphEffects) {
        issued.set(effect.callId, effect);
        graph ??= await options.graph(record.value);
        const live = { ...typed, ...secrets };
        queue.push({
          type: 'effect-result',
          callId: effect.callId,
          result: await callGraph(graph, effect, live),
        });
      }
    }
    if (noted && options.journal && record.value.pending?.kind !== 'graph')
      await options.journal.clear(record.tenantId, record.id);
    return {
      run: record.value,
      etag: record.etag,
      renders,
      ...(refused ? { refused } : {}),
      ...(Object.keys(secrets).length > 0 ? { secrets: { ...secrets } } : {}),
    };
  }

  return {
    async start(request) {
      const module = moduleFor(request.procedureId);
      const run = createRun({
        id: request.runId ?? newId(),
        procedureId: module.procedure.id,
        procedureVersion: module.procedure.version,
        tenantId: request.tenantId,
        conversationId: request.conversationId,
        locale: request.locale,
        ...(request.calendar ? { calendar: request.calendar } : {}),
        startedBy: { id: request.actor.id, name: request.actor.name },
        now: clock.now(),
      });
      const record = await store.create('run', request.tenantId, run.id, run, request.conversationId);
      return drive(record, { type: 'start', actor: request.actor, locale: request.locale });
    },
    async dispatch(tenantId, runId, event) {
      return drive(await load(tenantId, runId), event);
    },
    get(tenantId, runId) {
      return store.get<Run>('run', tenantId, runId);
    },
    async deliverReminder(reminder, loaded) {
      if (!isRunReminderPayload(reminder.payload)) return undefined;
      const record =
        loaded?.id === reminder.payload.runId && loaded.tenantId === reminder.tenantId
          ? loaded
          : await store.get<Run>('run', reminder.tenantId, reminder.payload.runId);
      if (!record) return undefined;
      return drive(record, { type: 'timer-due', reminderId: reminder.id });
    },
  };
}
