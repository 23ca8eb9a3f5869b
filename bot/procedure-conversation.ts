import { teamsUserKey, type TeamsUserRef } from './bot-framework-token-source.js';
import { formatCalendarTime, type CalendarId } from '../core/calendar/tenant-calendars.js';
import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import { SesameError, StoreConflictError, isSesameError, type SesameErrorCode } from '../core/errors.js';
import { createRunner, type Runner, type RunnerOutcome } from '../core/engine/runner.js';
import type { EventActor, RunEvent } from '../core/engine/events.js';
import type { InFlightJournal } from '../core/engine/in-flight.js';
import { isTerminal, type Run } from '../core/engine/run.js';
import { IN_FLIGHT_GRACE_MS } from '../core/engine/transition.js';
import type { Clock } from '../core/ports/clock.js';
import type { SecretSource } from '../core/ports/secret-source.js';
import type { Store, StoredRecord } from '../core/ports/store.js';
import type { TenantGraph } from '../core/ports/tenant-graph.js';
import type { Locale } from '../core/procedures/text.js';
import type { ProcedureModule } from '../core/procedures/types.js';
import { moduleOfRun, newestVersions } from '../core/procedures/versions.js';
import { adaptiveCard, cardResponse, textBlock, type AdaptiveCard } from './cards/adaptive-card.js';
import { CardText, errorText, type CardText as CardTextType } from './cards/card-text.js';
import { errorCard, messageOnly, runStatusCard, signInCard } from './cards/conversation-cards.js';
import { RUN_VERBS, SECRET_INPUT_PREFIX, runCard, type RunVerb } from './cards/run-card.js';
import type { DomainLookup } from '../core/ports/domain-lookup.js';
import type { SecretRegistry } from '../core/engine/secrets.js';
import type { CardSigner } from './card-signing.js';
import { describeGraphToken, type SignedInAdmin } from './signed-in-admin.js';
import { assertSameTenant } from './tenant-guard.js';

/** Which Teams user an Entra user is, for acting on their behalf outside a turn. */
export type { TeamsUserRef } from './bot-framework-token-source.js';

/** The Teams turn, as much of it as the procedure conversation needs. */
export interface Turn {
  readonly tenantId: string;
  readonly conversationId: string;
  /** Teams' user id (29:…), the key of the user's token in the Bot Framework token service. */
  readonly teamsUserId: string;
  readonly channelId: string;
  readonly locale: Locale;
  /** The user's Graph token from the token service, or undefined if they have not signed in. */
  getGraphToken(): Promise<string | undefined>;
  /** Sends a new message with a card. */
  sendCard(card: AdaptiveCard): Promise<void>;
  /**
   * Asks the user to sign in (OAuth card with Teams SSO in Teams; a link to the sandbox's page locally), naming
   * the procedure that will start once they have.
   */
  signIn(procedureId?: string): Promise<void>;
  /** channelData.tenant.id when the activity also carries it: it must agree with `tenantId`. */
  readonly channelTenantId?: string;
  /** The values of the card's inputs, for a card action. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface ProcedureConversationOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Where generated secrets come from (node:crypto; injected like the clock). */
  readonly secrets?: SecretSource;
  /** DNS, for the steps that read it (procedure B's unknown domain). */
  readonly domainLookup?: DomainLookup;
  /** The process's live secrets, which the logger masks too (server/main.ts). */
  readonly liveSecrets?: SecretRegistry;
  readonly procedures: readonly ProcedureModule[];
  readonly signer: CardSigner;
  /** Builds the Graph port for the acting admin's delegated token. */
  readonly graphFor: (getToken: () => Promise<string>) => TenantGraph;
  readonly logger: ILogger;
  readonly timeZone?: string;
  /** The sandbox console in local mode: cards that wait on someone link to it (config, never set in production). */
  readonly outsideWorldUrl?: string;
  /** Where runs with Graph calls in flight are noted (see core/engine/in-flight.ts). */
  readonly journal?: InFlightJournal;
  /** The tenant's calendar for new runs (bot/tenant-calendar.ts); default: each procedure's own. */
  readonly calendarOf?: (tenantId: string) => Promise<CalendarId>;
}

const SEVERAL_OPEN = {
  fr: 'Plusieurs procédures sont en cours : choisissez laquelle annuler avec son bouton « Annuler ».',
  en: 'Several procedures are running: cancel the one you mean with its Cancel button.',
};

type Refusable = Extract<
  SesameErrorCode,
  | 'card_stale'
  | 'card_tampered'
  | 'card_wrong_tenant'
  | 'card_wrong_conversation'
  | 'run_not_found'
  | 'input_invalid'
  | 'action_invalid'
>;

/**
 * Runs procedures as conversations: starts them, turns card clicks into engine events (after checking the card
 * belongs to this tenant, this conversation and the run's current step), and answers with the run's current card.
 */
export function createProcedureConversation(options: ProcedureConversationOptions) {
  const { store, clock, signer } = options;
  const timeZone = options.timeZone ?? 'Europe/Paris';
  /** What admins start: the newest version of each procedure. */
  const moduleOf = (id: string) => newestVersions(options.procedures).find((m) => m.procedure.id === id);
  /** A run's steps are those of the version it started with (options.procedures keeps the earlier ones). */
  const moduleOfThe = (run: Run) => moduleOfRun(options.procedures, run);

  function runnerFor(admin: SignedInAdmin): Runner {
    const graph = options.graphFor(async () => admin.token);
    return createRunner({
      store,
      clock,
      procedures: options.procedures,
      graph: () => graph,
      ...(options.journal ? { journal: options.journal } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.domainLookup ? { domainLookup: options.domainLookup } : {}),
      ...(options.liveSecrets ? { liveSecrets: options.liveSecrets } : {}),
    });
  }

  function actorOf(admin: SignedInAdmin): EventActor {
    return {
      id: admin.userId,
      name: admin.name,
      roleTemplateIds: admin.roleTemplateIds,
      scopes: admin.scopes,
    };
  }

  /** Times on a run's card: in its calendar's time zone, written as that country does (else the configured zone). */
  function formatTime(locale: Locale, calendar?: CalendarId) {
    if (calendar) return (iso: string) => formatCalendarTime(iso, locale, calendar);
    const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone,
    });
    return (iso: string) => format.format(new Date(iso));
  }

  /** A run's card is in the language the run was started in, whoever clicks: one chat, one language per run. */
  function cardFor(
    run: Run,
    banner?: { title: CardTextType; text: CardTextType },
    revealed?: Readonly<Record<string, string>>,
  ): AdaptiveCard {
    const locale = run.locale;
    const module = moduleOfThe(run);
    if (!module) return messageOnly(errorText(new SesameError('procedure_unknown', run.procedureId), locale));
    const card = runCard(module, run, {
      locale,
      params: module.logic.textParams(
        {
          run,
          inputs: run.inputs,
          facts: run.facts,
          adminRoles: run.admin.roleTemplateIds,
          now: clock.now(),
        },
        locale,
      ),
      formatTime: formatTime(locale, run.calendar),
      ...(revealed ? { revealed } : {}),
      ...(options.outsideWorldUrl ? { outsideWorldUrl: options.outsideWorldUrl } : {}),
      sign: (verb, runId, stepVersion, option) =>
        signer.sign([verb, runId, run.conversationId, stepVersion, option]),
    });
    if (!banner) return card;
    return {
      ...card,
      body: [
        textBlock(banner.title, { weight: 'Bolder', color: 'Attention' }),
        textBlock(banner.text, { spacing: 'None' }),
        ...card.body,
      ],
    };
  }

  /** An input value the current step has no field for (the schema let through any well-named string). */
  function unknownInput(
    run: Run,
    verb: RunVerb,
    inputs: Readonly<Record<string, unknown>>,
  ): string | undefined {
    const step = moduleOfThe(run)?.procedure.steps.find((s) => s.id === run.currentStepId);
    const own =
      verb === RUN_VERBS.submit && step?.kind === 'input'
        ? step.fields.map((f) => f.id)
        : verb === RUN_VERBS.confirm && step?.kind === 'action'
          ? (step.secretFields ?? []).map((f) => `${SECRET_INPUT_PREFIX}${f.id}`)
          : undefined;
    if (!own) return undefined;
    const fields = new Set<string>([...BUTTON_FIELDS, ...own]);
    return Object.keys(inputs).find((k) => !fields.has(k));
  }

  function refusal(code: Refusable, locale: Locale, details?: Record<string, string>) {
    return errorText(new SesameError(code, code, details ? { details } : {}), locale);
  }

  /**
   * The signed-in admin, checked against the conversation's tenant (and the run's, when there is one); undefined
   * when nobody is signed in. Throws tenant_mismatch before anything is read or written.
   */
  async function admin(turn: Turn, run?: Run): Promise<SignedInAdmin | undefined> {
    assertSameTenant({ activity: turn.tenantId, channelData: turn.channelTenantId, run: run?.tenantId });
    const token = await turn.getGraphToken();
    const who = token ? describeGraphToken(token) : undefined;
    if (!who) return undefined;
    assertSameTenant({
      token: who.tenantId,
      activity: turn.tenantId,
      channelData: turn.channelTenantId,
      run: run?.tenantId,
    });
    await rememberTeamsUser(turn, who);
    return who;
  }

  /**
   * Timers act for the run's admin later, without a turn: remember which Teams user (the token service's key)
   * an Entra user is, and on which channel.
   */
  async function rememberTeamsUser(turn: Turn, who: SignedInAdmin): Promise<void> {
    const id = teamsUserKey(who.userId);
    const value: TeamsUserRef = { teamsUserId: turn.teamsUserId, channelId: turn.channelId };
    const existing = await store.get<TeamsUserRef>('conversation', turn.tenantId, id);
    if (existing?.value.teamsUserId === value.teamsUserId && existing.value.channelId === value.channelId)
      return;
    try {
      if (existing) await store.replace('conversation', turn.tenantId, id, value, existing.etag);
      else await store.create('conversation', turn.tenantId, id, value);
    } catch (e) {
      // Another turn wrote the same mapping at the same time: either value is right.
      if (!(e instanceof StoreConflictError)) throw e;
    }
  }

  /** What the user asked for before signing in, and in which language (the sign-in answer may carry another). */
  async function rememberIntent(turn: Turn, procedureId: string): Promise<void> {
    const id = `${turn.conversationId}|${turn.teamsUserId}`;
    const existing = await store.get('signin', turn.tenantId, id);
    if (existing) await store.delete('signin', turn.tenantId, id);
    await store.create('signin', turn.tenantId, id, {
      procedureId,
      locale: turn.locale,
      at: new Date(clock.now()).toISOString(),
    });
  }

  async function takeIntent(turn: Turn): Promise<{ procedureId: string; locale?: Locale } | undefined> {
    const id = `${turn.conversationId}|${turn.teamsUserId}`;
    const record = await store.get<{ procedureId: string; locale?: Locale }>('signin', turn.tenantId, id);
    if (!record) return undefined;
    await store.delete('signin', turn.tenantId, id);
    return record.value;
  }

  /** Starts a procedure as a new run and sends its card; asks for sign-in first if needed. */
  async function start(turn: Turn, module: ProcedureModule): Promise<void> {
    let who: SignedInAdmin | undefined;
    try {
      who = await admin(turn);
    } catch (e) {
      await turn.sendCard(errorCard(e, turn.locale));
      return;
    }
    if (!who) {
      await rememberIntent(turn, module.procedure.id);
      await turn.signIn(module.procedure.id);
      return;
    }
    const calendar = await options.calendarOf?.(turn.tenantId);
    const outcome = await runnerFor(who).start({
      tenantId: turn.tenantId,
      conversationId: turn.conversationId,
      procedureId: module.procedure.id,
      actor: actorOf(who),
      locale: turn.locale,
      ...(calendar ? { calendar } : {}),
    });
    await turn.sendCard(cardFor(outcome.run, undefined, outcome.secrets));
  }

  async function conversationRuns(turn: Turn): Promise<StoredRecord<Run>[]> {
    const records = await store.list<Run>('run', turn.tenantId, {
      partition: turn.conversationId,
      limit: 50,
    });
    return records.filter((r) => r.value.conversationId === turn.conversationId);
  }

  const statusCard = (runs: readonly Run[], locale: Locale): AdaptiveCard =>
    runStatusCard(runs, locale, options.procedures, signer);

  return {
    start,

    /** "status": every run of this conversation, newest first. */
    async status(turn: Turn): Promise<void> {
      const runs = (await conversationRuns(turn)).map((r) => r.value);
      await turn.sendCard(statusCard(runs, turn.locale));
    },

    /** "resume": the current card of every open run of this conversation. */
    async resume(turn: Turn): Promise<void> {
      const open = (await conversationRuns(turn)).filter((r) => !isTerminal(r.value));
      if (open.length === 0) {
        await turn.sendCard(statusCard([], turn.locale));
        return;
      }
      // A run Sesame was interrupted on (its Graph calls will never answer) is checked again now, if the
      // admin is signed in: an interrupted write is re-probed, never re-sent.
      const interrupted = open.filter((r) => wasInterrupted(r.value, clock.now()));
      const who = interrupted.length > 0 ? await admin(turn).catch(() => undefined) : undefined;
      for (const record of open) {
        let run = record.value;
        if (who && wasInterrupted(run, clock.now())) {
          const outcome = await runnerFor(who)
            .dispatch(turn.tenantId, run.id, { type: 'retry', actor: actorOf(who) })
            .catch((e: unknown) => {
              options.logger.warn('resuming an interrupted run failed', e instanceof Error ? e.message : e);
              return undefined;
            });
          if (outcome) run = outcome.run;
        }
        await turn.sendCard(cardFor(run));
      }
      if (interrupted.length > 0 && !who) await turn.signIn();
    },

    /** "cancel": cancels the one open run; with several, shows them so the user picks. */
    async cancel(turn: Turn): Promise<void> {
      const open = (await conversationRuns(turn)).filter((r) => !isTerminal(r.value));
      if (open.length !== 1) {
        await turn.sendCard(
          open.length === 0
            ? statusCard([], turn.locale)
            : adaptiveCard([
                textBlock(CardText.trusted(SEVERAL_OPEN[turn.locale])),
                ...statusCard(
                  open.map((r) => r.value),
                  turn.locale,
                ).body,
              ]),
        );
        return;
      }
      const run = open[0]!.value;
      let who: SignedInAdmin | undefined;
      try {
        who = await admin(turn, run);
      } catch (e) {
        // Signed in to another tenant: refuse. Other failures (token service down) still let the admin cancel.
        if (isSesameError(e) && e.code === 'tenant_mismatch') {
          await turn.sendCard(errorCard(e, turn.locale));
          return;
        }
      }
      const runner = who
        ? runnerFor(who)
        : createRunner({
            store,
            clock,
            procedures: options.procedures,
            // Cancelling writes nothing to the tenant: no Graph access is needed.
            graph: () =>
              options.graphFor(async () => Promise.reject(new SesameError('auth_required', 'not signed in'))),
            ...(options.journal ? { journal: options.journal } : {}),
          });
      const outcome = await runner.dispatch(turn.tenantId, run.id, {
        type: 'cancel',
        ...(who ? { actor: actorOf(who) } : {}),
      });
      await turn.sendCard(cardFor(outcome.run, undefined, outcome.secrets));
    },

    /** After sign-in: start what the user asked for before signing in. */
    async afterSignIn(turn: Turn): Promise<boolean> {
      const intent = await takeIntent(turn);
      const module = intent ? moduleOf(intent.procedureId) : undefined;
      if (!module) return false;
      const locale = intent?.locale === 'fr' || intent?.locale === 'en' ? intent.locale : turn.locale;
      await start({ ...turn, locale }, module);
      return true;
    },

    signInCard(locale: Locale, procedureId: string | undefined, signInLink: string): AdaptiveCard {
      return signInCard(locale, procedureId ? moduleOf(procedureId) : undefined, procedureId, signInLink);
    },

    /**
     * A click on a run card's button. Checks, in order: the payload's shape, the run exists in this tenant, it
     * belongs to this conversation, the signature (nothing edited), then lets the engine refuse a stale step.
     * A refused click changes nothing and says why, above the run's current card.
     */
    async onRunAction(turn: Turn, verb: string, data: unknown): Promise<AdaptiveCardActionResponse> {
      const locale = turn.locale;
      const reply = cardResponse;
      const refuse = (code: Refusable, run?: Run, details?: Record<string, string>) => {
        const text = refusal(code, run?.locale ?? locale, details);
        options.logger.warn(`card action refused: ${code}`, { runId: run?.id });
        return reply(run ? cardFor(run, { title: text.message, text: text.next }) : messageOnly(text));
      };

      const payload = parseRunAction(verb, data);
      if (!payload) return refuse('card_tampered');
      const record = await store.get<Run>('run', turn.tenantId, payload.runId);
      if (!record) return refuse('run_not_found');
      const run = record.value;
      if (run.conversationId !== turn.conversationId) return refuse('card_wrong_conversation');
      const parts = [payload.verb, run.id, run.conversationId, payload.stepVersion, payload.option];
      if (!signer.verify(parts, payload.sig)) return refuse('card_tampered', run);
      // stepId is not signed (the step version is): it must still name the run's step, or the card is stale.
      const stepId = (data as { stepId?: unknown }).stepId;
      if (stepId !== undefined && stepId !== run.currentStepId) return refuse('card_stale', run);
      const unknownField = unknownInput(run, payload.verb, turn.inputs);
      if (unknownField) return refuse('action_invalid', run, { field: unknownField, reason: 'unknown' });

      if (payload.verb === RUN_VERBS.refresh) return reply(cardFor(run));

      let who: SignedInAdmin | undefined;
      try {
        who = await admin(turn, run);
      } catch (e) {
        return reply(errorCard(e, run.locale));
      }
      if (!who) {
        await turn.signIn();
        return reply(cardFor(run));
      }
      const event = toEvent(payload, turn.inputs, actorOf(who));
      let outcome: RunnerOutcome;
      try {
        outcome = await runnerFor(who).dispatch(turn.tenantId, run.id, event);
      } catch (e) {
        options.logger.error('run action failed', e, { runId: run.id });
        return reply(errorCard(e, run.locale));
      }
      if (outcome.refused) {
        const code = outcome.refused.code === 'procedure_unknown' ? 'card_tampered' : outcome.refused.code;
        return refuse(code, outcome.run);
      }
      return reply(cardFor(outcome.run, undefined, outcome.secrets));
    },
  };
}

export type ProcedureConversation = ReturnType<typeof createProcedureConversation>;

/** Interrupted: the recovery marked it so, or its Graph calls have been out for longer than any live call lasts. */
function wasInterrupted(run: Run, now: number): boolean {
  const p = run.pending;
  if (p?.kind === 'error') return p.error.code === 'run_interrupted';
  return p?.kind === 'graph' && now - Date.parse(p.issuedAt) > IN_FLIGHT_GRACE_MS;
}

interface RunActionPayload {
  readonly verb: RunVerb;
  readonly runId: string;
  readonly stepVersion: number;
  readonly option?: string;
  readonly sig: string;
}

const VERBS = new Set<string>(Object.values(RUN_VERBS));
/** What a run button itself carries; everything else in a submit is an input value. */
const BUTTON_FIELDS = ['verb', 'runId', 'stepId', 'stepVersion', 'sig', 'option', 'locale'];

/** Card data comes back from the client: accept only the exact shape Sesame sends. */
function parseRunAction(verb: string, data: unknown): RunActionPayload | undefined {
  if (!VERBS.has(verb) || typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.runId !== 'string' || !/^[0-9a-f-]{36}$/i.test(d.runId)) return undefined;
  if (typeof d.stepVersion !== 'number' || !Number.isInteger(d.stepVersion) || d.stepVersion < 0)
    return undefined;
  if (typeof d.sig !== 'string') return undefined;
  if (d.option !== undefined && (typeof d.option !== 'string' || d.option.length > 100)) return undefined;
  return {
    verb: verb as RunVerb,
    runId: d.runId,
    stepVersion: d.stepVersion,
    sig: d.sig,
    ...(typeof d.option === 'string' ? { option: d.option } : {}),
  };
}

function toEvent(
  payload: RunActionPayload,
  inputs: Readonly<Record<string, unknown>>,
  actor: EventActor,
): RunEvent {
  const stepVersion = payload.stepVersion;
  switch (payload.verb) {
    case RUN_VERBS.submit:
      return { type: 'submit-input', stepVersion, values: inputs, actor };
    case RUN_VERBS.choose:
      return { type: 'submit-input', stepVersion, values: { choice: payload.option }, actor };
    case RUN_VERBS.confirm: {
      // The confirm card's secret fields: handed to the runner, which makes them live before anything else.
      const secrets = Object.fromEntries(
        Object.entries(inputs)
          .filter(([k]) => k.startsWith(SECRET_INPUT_PREFIX))
          .map(([k, v]) => [k.slice(SECRET_INPUT_PREFIX.length), v]),
      );
      return {
        type: 'confirm',
        stepVersion,
        actor,
        ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
      };
    }
    case RUN_VERBS.change:
      // A signed option names the step to go back to (a wait's fix); without one, the last input step.
      return { type: 'change', stepVersion, actor, ...(payload.option ? { stepId: payload.option } : {}) };
    case RUN_VERBS.cancel:
      return { type: 'cancel', stepVersion, actor };
    case RUN_VERBS.done:
      return { type: 'manual-done', stepVersion, actor };
    case RUN_VERBS.retry:
    case RUN_VERBS.refresh:
      return { type: 'retry', stepVersion, actor };
  }
}
