import { App, type IActivityContext, type IHttpServerAdapter } from '@microsoft/teams.apps';
import { withOverrides, PUBLIC, type CloudEnvironment } from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import { SesameError, isSesameError } from '../core/errors.js';
import { parseCommand } from '../core/i18n/commands.js';
import { guessTextLocale, resolveLocale, type Locale } from '../core/i18n/locale.js';
import { procedureListing, type ProcedureMatch } from '../core/procedures/catalog.js';
import type { ProcedureModule } from '../core/procedures/types.js';
import { cardAttachment, cardResponse, type AdaptiveCard } from './cards/adaptive-card.js';
import { disambiguationCard, helpCard, unknownMessageCard, START_PROCEDURE_VERB } from './cards/help-card.js';
import { messageCard } from './cards/message-card.js';
import type { BotFrameworkTokenSource } from './bot-framework-token-source.js';
import { errorCard } from './cards/conversation-cards.js';
import { parseExecuteAction, parseSubmitAction, type CardAction } from './card-action-schema.js';
import { assertSameTenant } from './tenant-guard.js';
import type { ProcedureConversation, Turn } from './procedure-conversation.js';
import { isRemoval, referenceFromActivity, type ConversationReferences } from './conversation-references.js';
import type { ReminderConversation } from './reminder-conversation.js';
import type { WeeklyDigest } from './weekly-digest.js';
import type { TenantCalendars } from './tenant-calendar.js';

export interface SesameBotOptions {
  readonly adapter: IHttpServerAdapter;
  readonly logger: ILogger;
  /** Credentials of the bot registration; absent in local unauthenticated (Playground) mode. */
  readonly credentials?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly tenantId: string;
  };
  readonly allowUnauthenticated: boolean;
  readonly cloudOverrides?: Partial<CloudEnvironment>;
  /** The bot's own outbound token, when the SDK must not fetch it itself (the sandbox's self-signed HTTPS). */
  readonly botToken?: (scope: string | string[], tenantId?: string) => Promise<string>;
  readonly oauthConnectionName: string;
  /** The admin's Graph token (the token service behind the OAuth connection), for turns as for timers. */
  readonly tokenSource: BotFrameworkTokenSource;
  readonly procedures: readonly ProcedureModule[];
  /** What a message names: one procedure, several that fit (Sesame asks which), or none. */
  readonly matchProcedure: (text: string) => ProcedureMatch;
  readonly conversation: ProcedureConversation;
  /** True once per conversation: the caller sends the welcome card (bot/first-contact.ts). */
  readonly claimWelcome: (tenantId: string, conversationId: string) => Promise<boolean>;
  /** Where each conversation lives, for proactive messages: saved on install and first use, removed on uninstall. */
  readonly conversations: ConversationReferences;
  readonly reminders: ReminderConversation;
  readonly digest: WeeklyDigest;
  readonly calendars: TenantCalendars;
  /**
   * 'oauth-card': the Teams OAuth card with SSO token exchange (Teams). 'link': an Adaptive Card linking to the
   * token service's sign-in page, for the Agents Playground, which cannot complete an OAuth card offline.
   */
  readonly signInMode: 'oauth-card' | 'link';
}

/** The locale the user wants: the language of what they typed when it says so, else their Teams locale. */
export function localeFor(activityLocale: string | undefined, text?: string): Locale {
  const command = text ? parseCommand(text) : undefined;
  return command?.locale ?? (text ? guessTextLocale(text) : undefined) ?? resolveLocale(activityLocale);
}

/** The sign-in page in the run's language (Entra's `ui_locales`; the sandbox's page reads it too). */
function withUiLocale(link: string, locale: Locale): string {
  if (!link) return link;
  try {
    const url = new URL(link);
    url.searchParams.set('ui_locales', locale === 'fr' ? 'fr-FR' : 'en-US');
    return url.toString();
  } catch {
    return link;
  }
}

function cardMessage(card: AdaptiveCard) {
  return { type: 'message' as const, attachments: [cardAttachment(card)] };
}

/** Builds the Teams SDK v2 app with Sesame's handlers; the composition root gives it everything it needs. */
export function createSesameBot(options: SesameBotOptions): App {
  const listings = () => options.procedures.map((m) => procedureListing(m.procedure));
  const app = new App({
    httpServerAdapter: options.adapter,
    logger: options.logger,
    dangerouslyAllowUnauthenticatedRequests: options.allowUnauthenticated,
    ...(options.credentials
      ? {
          clientId: options.credentials.clientId,
          tenantId: options.credentials.tenantId,
          // The SDK prefers a client secret over a token provider: give it one or the other.
          ...(options.botToken
            ? { token: options.botToken }
            : { clientSecret: options.credentials.clientSecret }),
        }
      : {}),
    ...(options.cloudOverrides
      ? {
          cloud: withOverrides(PUBLIC, options.cloudOverrides),
          // The SDK's per-turn API client reads the token service address from here, not from `cloud`.
          ...(options.cloudOverrides.tokenServiceUrl
            ? { apiClientSettings: { oauthUrl: options.cloudOverrides.tokenServiceUrl } }
            : {}),
        }
      : {}),
    // Sesame fetches the user's token only when a procedure needs Graph, not on every turn.
    oauth: { defaultConnectionName: options.oauthConnectionName, fetchUserToken: false },
    activity: { mentions: { stripText: true } },
  });

  /** The activity's tenants disagree (or are missing): the refusal card, before anything is read or written. */
  function tenantRefusal(ctx: IActivityContext, locale: Locale): AdaptiveCard | undefined {
    const activity = ctx.activity;
    const channelTenantId = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    try {
      assertSameTenant({
        activity: activity.conversation.tenantId ?? channelTenantId ?? '',
        ...(channelTenantId ? { channelData: channelTenantId } : {}),
      });
      return undefined;
    } catch (e) {
      options.logger.warn('activity refused: its tenants disagree');
      return errorCard(e, locale);
    }
  }

  /** What the procedure conversation needs of a Teams turn. */
  function turnOf(
    ctx: IActivityContext,
    locale: Locale,
    inputs: Readonly<Record<string, unknown>> = {},
  ): Turn & {
    inputs: Readonly<Record<string, unknown>>;
  } {
    const activity = ctx.activity;
    const channelTenantId = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const tenantId = activity.conversation.tenantId ?? channelTenantId ?? '';
    return {
      ...(channelTenantId ? { channelTenantId } : {}),
      tenantId,
      conversationId: activity.conversation.id,
      teamsUserId: activity.from.id,
      channelId: String(activity.channelId),
      locale,
      inputs,
      async getGraphToken() {
        try {
          return await options.tokenSource.getGraphToken({
            tenantId,
            teamsUser: { id: activity.from.id, channelId: String(activity.channelId) },
          });
        } catch (e) {
          if (!(e instanceof SesameError && e.code === 'auth_required'))
            options.logger.warn(
              'the admin’s Graph token could not be read',
              e instanceof Error ? e : String(e),
            );
          return undefined;
        }
      },
      async sendCard(card) {
        await ctx.send(cardMessage(card));
      },
      async signIn(procedureId) {
        if (options.signInMode === 'oauth-card') {
          await ctx.signin({
            oauthCardText: locale === 'fr' ? 'Connectez-vous à Microsoft 365' : 'Sign in to Microsoft 365',
            signInButtonText: locale === 'fr' ? 'Se connecter' : 'Sign in',
          });
          return;
        }
        await ctx.signin({
          overrideSignInActivity: (_exchange, _post, signInLink) =>
            cardMessage(
              options.conversation.signInCard(locale, procedureId, withUiLocale(signInLink ?? '', locale)),
            ),
        });
      },
    };
  }

  // Every activity tells where its conversation lives (install, first message, a card click, a serviceUrl that
  // moved); removal forgets it, so no reminder is posted into a chat Sesame was taken out of.
  app.use(async (ctx) => {
    const activity = ctx.activity as unknown as Parameters<typeof isRemoval>[0];
    const ref = referenceFromActivity(activity);
    try {
      if (ref && isRemoval(activity)) await options.conversations.remove(ref.tenantId, ref.conversationId);
      else if (ref) await options.conversations.save(ref);
    } catch (e) {
      // The turn goes on: the reference is saved again on the next activity.
      options.logger.warn('could not save the conversation reference', e instanceof Error ? e.message : e);
    }
    return ctx.next();
  });

  /** The help card as a welcome, in the install's language, once per conversation. */
  async function welcome(activity: {
    conversation: { id: string; tenantId?: string };
    channelData?: unknown;
  }) {
    const tenantId =
      activity.conversation.tenantId ??
      (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    if (!tenantId) return false;
    return options.claimWelcome(tenantId, activity.conversation.id);
  }

  // Teams announces an install with a conversationUpdate that carries no locale, then an installationUpdate that
  // does: the welcome waits for the latter. A client that gives its locale on the former (the Agents Playground)
  // is welcomed at once.
  app.on('conversationUpdate', async ({ activity, send }) => {
    const added = activity.membersAdded ?? [];
    if (!added.some((m) => m.id === activity.recipient.id) || !activity.locale) return;
    if (await welcome(activity))
      await send(cardMessage(helpCard(resolveLocale(activity.locale), listings())));
  });

  app.on('install.add', async ({ activity, send }) => {
    if (await welcome(activity))
      await send(cardMessage(helpCard(resolveLocale(activity.locale), listings())));
  });

  app.on('message', async (ctx) => {
    const { activity, send } = ctx;
    const text = (activity.text ?? '').trim();
    // A client without Action.Execute sends the Action.Submit fallback: a message with the button's data as value.
    if (text === '' && activity.value !== undefined && activity.value !== null) {
      await send(cardMessage(await cardAction(ctx, () => parseSubmitAction(activity.value))));
      return;
    }
    const locale = localeFor(activity.locale, text);
    const refusal = tenantRefusal(ctx, locale);
    if (refusal) {
      await send(cardMessage(refusal));
      return;
    }
    const command = parseCommand(text);
    const turn = turnOf(ctx, locale);
    if (text === '' || command?.command === 'help') {
      await send(cardMessage(helpCard(locale, listings())));
      return;
    }
    if (command?.command === 'status') return options.conversation.status(turn);
    if (command?.command === 'resume') return options.conversation.resume(turn);
    if (command?.command === 'cancel') return options.conversation.cancel(turn);
    if (command?.command === 'signout') {
      // Forget the user's token at the token service; runs keep the admin who did each step.
      await ctx.signout(options.oauthConnectionName);
      await send(cardMessage(messageCard(locale, 'signedOut')));
      return;
    }
    const calendarCommand = /^(calendar|calendrier)(?:\s+([\w-]{1,40}))?$/i.exec(text);
    if (calendarCommand) {
      const calendarLocale = calendarCommand[1]!.toLowerCase() === 'calendrier' ? 'fr' : locale;
      await send(
        cardMessage(await options.calendars.command(turn.tenantId, calendarLocale, calendarCommand[2])),
      );
      return;
    }
    if (command?.command === 'digest-on') {
      const card = await options.digest.enable(turn.tenantId, turn.conversationId, locale);
      await send(cardMessage(card ?? messageCard(locale, 'unknownAction')));
      return;
    }
    if (command?.command === 'digest-off') {
      await send(cardMessage(await options.digest.disable(turn.tenantId, turn.conversationId, locale)));
      return;
    }
    const match = options.matchProcedure(text);
    if (match.kind === 'one') return options.conversation.start(turn, match.module);
    if (match.kind === 'several') {
      const ids = new Set(match.modules.map((m) => m.procedure.id));
      await send(
        cardMessage(
          disambiguationCard(
            locale,
            listings().filter((l) => ids.has(l.id)),
          ),
        ),
      );
      return;
    }
    await send(cardMessage(unknownMessageCard(locale, text, listings())));
  });

  // Teams SSO finished (token exchange): start what the user asked for before signing in.
  app.event('signin', async (ctx) => {
    // The SDK emits the whole turn context here, typed more narrowly.
    const turnCtx = ctx as unknown as IActivityContext;
    await options.conversation.afterSignIn(turnOf(turnCtx, resolveLocale(turnCtx.activity.locale)));
  });

  /**
   * The user signed in from the sign-in card (Teams sends signin/verifyState once the sign-in window closes; the
   * sandbox's token service does the same). Replaces the SDK's default handler, which answers before its 'signin'
   * event handlers have run: here the run carries on in the chat before the invoke is answered.
   */
  app.on('signin.verify-state', async (ctx) => {
    const state = (ctx.activity.value as { state?: unknown } | undefined)?.state;
    if (typeof state !== 'string' || state === '') return { status: 404 };
    const teamsUser = { id: ctx.activity.from.id, channelId: String(ctx.activity.channelId) };
    if (!(await options.tokenSource.redeemSignInCode(teamsUser, state))) return { status: 412 };
    const turn = turnOf(ctx, resolveLocale(ctx.activity.locale));
    if (!(await options.conversation.afterSignIn(turn))) {
      await ctx.send(cardMessage(messageCard(turn.locale, 'signedIn')));
    }
    return { status: 200 };
  });

  /**
   * One card action, whichever way it came: Action.Execute (an adaptiveCard/action invoke, answered with the card
   * that replaces the clicked one) or its Action.Submit fallback (a message whose value is the button's data,
   * answered with the card as a new message). Same checks, same handler, same outcome.
   */
  async function onCardAction(ctx: IActivityContext, action: CardAction): Promise<AdaptiveCard> {
    const { verb, data } = action;
    const locale = resolveLocale(ctx.activity.locale);
    const turn = turnOf(ctx, typeof data.locale === 'string' ? resolveLocale(data.locale) : locale, data);
    if (verb === START_PROCEDURE_VERB) {
      const procedure = options.procedures.find((m) => m.procedure.id === data.procedureId);
      if (!procedure) return messageCard(locale, 'unknownAction');
      await options.conversation.start(turn, procedure);
      return helpCard(turn.locale, listings());
    }
    if (verb === 'signin.done') {
      const started = await options.conversation.afterSignIn(turn);
      if (started) return messageCard(turn.locale, 'signedIn');
      if (await turn.getGraphToken()) return messageCard(turn.locale, 'signedIn');
      await turn.signIn();
      return messageCard(turn.locale, 'notSignedIn');
    }
    if (verb.startsWith('run.'))
      return (await options.conversation.onRunAction(turn, verb, data)).value as unknown as AdaptiveCard;
    if (verb.startsWith('reminder.')) {
      const activity = ctx.activity;
      const answer = await options.reminders.onAction(turn, verb, data, {
        ...(activity.replyToId ? { replyToId: activity.replyToId } : {}),
        name: activity.from.name ?? activity.from.id,
      });
      return answer.value as unknown as AdaptiveCard;
    }
    return messageCard(locale, 'unknownAction');
  }

  /** Validates the payload and the turn's tenants, then runs the action; a refusal is a card, never a throw. */
  async function cardAction(ctx: IActivityContext, parse: () => CardAction): Promise<AdaptiveCard> {
    const locale = resolveLocale(ctx.activity.locale);
    try {
      const refusal = tenantRefusal(ctx, locale);
      if (refusal) return refusal;
      return await onCardAction(ctx, parse());
    } catch (e) {
      if (isSesameError(e) && e.code === 'action_invalid') {
        options.logger.warn(`card action refused: ${e.message.slice(0, 200)}`);
        return errorCard(e, locale);
      }
      throw e;
    }
  }

  // An adaptiveCard/action invoke with no answer is a failure in Teams: always answer with a card.
  app.on('card.action', async (ctx) =>
    cardResponse(await cardAction(ctx, () => parseExecuteAction(ctx.activity.value))),
  );

  return app;
}
