import type { TabProcedure } from './api-client.js';
import type { Locale } from './i18n.js';

/**
 * What the tab types into the bot chat to start a procedure: its title in the user's language. The bot starts a
 * procedure when told its name ("Type the name of a procedure", bot/cards/help-card.ts), in either language.
 */
export function procedureStartText(procedure: TabProcedure, locale: Locale): string {
  return procedure.title[locale];
}

/**
 * The Teams deep link that opens the 1:1 chat with Sesame's bot with `message` typed in the compose box
 * (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-teams — "chat with
 * a bot": users=28:<bot id>).
 */
export function botChatDeepLink(botId: string, message: string): string {
  return `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(botId)}&message=${encodeURIComponent(message)}`;
}

/** Where "fix it in chat" / "start in chat" goes: Teams' chat with the bot, or the local Agents Playground. */
export type ChatTarget =
  | { readonly kind: 'teams'; readonly url: string }
  /** The Playground has no way to type for the user: the tab opens it and gives the message to send. */
  | { readonly kind: 'playground'; readonly url: string; readonly message: string };

/**
 * The chat that starts `message`: the local Playground when the server names one (npm start), else the Teams deep
 * link to the bot's chat with the message in the compose box (with the tenant when Teams gave it, as documented).
 */
export function chatTarget(
  config: { readonly botId: string; readonly chatUrl?: string },
  message: string,
  tenantId?: string,
): ChatTarget {
  if (config.chatUrl) return { kind: 'playground', url: config.chatUrl, message };
  // Appended as is: URLSearchParams would write the message's spaces as '+', which Teams shows literally.
  const link = botChatDeepLink(config.botId, message);
  return { kind: 'teams', url: tenantId ? `${link}&tenantId=${encodeURIComponent(tenantId)}` : link };
}
