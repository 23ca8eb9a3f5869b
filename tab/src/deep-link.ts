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
