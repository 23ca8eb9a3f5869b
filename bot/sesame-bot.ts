import { App, type IHttpServerAdapter } from '@microsoft/teams.apps';
import {
  withOverrides,
  PUBLIC,
  type AdaptiveCardActionResponse,
  type CloudEnvironment,
} from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import { parseCommand } from '../core/i18n/commands.js';
import { resolveLocale, type Locale } from '../core/i18n/locale.js';
import { cardAttachment, type AdaptiveCard } from './cards/adaptive-card.js';
import { helpCard, unknownMessageCard, type ProcedureListing } from './cards/help-card.js';
import { messageCard } from './cards/message-card.js';

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
  readonly procedures: () => readonly ProcedureListing[];
}

/** The locale the user wants: the command word's language if they typed one, else their Teams locale. */
export function localeFor(activityLocale: string | undefined, text?: string): Locale {
  const command = text ? parseCommand(text) : undefined;
  return command?.locale ?? resolveLocale(activityLocale);
}

/** The invoke answer that replaces the clicked card with `card`. */
export function cardResponse(card: AdaptiveCard): AdaptiveCardActionResponse {
  // Sesame writes cards as plain JSON (much smaller than @microsoft/teams.cards output); the shapes agree.
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as never };
}

function cardMessage(card: AdaptiveCard) {
  return { type: 'message' as const, attachments: [cardAttachment(card)] };
}

/** Builds the Teams SDK v2 app with Sesame's handlers; the composition root gives it everything it needs. */
export function createSesameBot(options: SesameBotOptions): App {
  const app = new App({
    httpServerAdapter: options.adapter,
    logger: options.logger,
    dangerouslyAllowUnauthenticatedRequests: options.allowUnauthenticated,
    ...(options.credentials
      ? {
          clientId: options.credentials.clientId,
          clientSecret: options.credentials.clientSecret,
          tenantId: options.credentials.tenantId,
        }
      : {}),
    ...(options.botToken ? { token: options.botToken } : {}),
    ...(options.cloudOverrides ? { cloud: withOverrides(PUBLIC, options.cloudOverrides) } : {}),
    // Sesame fetches the user's token only when a procedure needs Graph, not on every turn.
    oauth: { defaultConnectionName: options.oauthConnectionName, fetchUserToken: false },
    activity: { mentions: { stripText: true } },
  });

  app.on('conversationUpdate', async ({ activity, send }) => {
    const added = activity.membersAdded ?? [];
    if (added.some((m) => m.id === activity.recipient.id)) {
      await send(cardMessage(helpCard(resolveLocale(activity.locale), options.procedures())));
    }
  });

  app.on('message', async ({ activity, send }) => {
    const text = (activity.text ?? '').trim();
    const locale = localeFor(activity.locale, text);
    const command = parseCommand(text);
    if (text === '' || command?.command === 'help') {
      await send(cardMessage(helpCard(locale, options.procedures())));
      return;
    }
    await send(cardMessage(unknownMessageCard(locale, text, options.procedures())));
  });

  // An adaptiveCard/action invoke with no answer is a failure in Teams: always answer with a card.
  app.on('card.action', async ({ activity }) => {
    const locale = resolveLocale(activity.locale);
    return cardResponse(messageCard(locale, 'unknownAction'));
  });

  return app;
}
