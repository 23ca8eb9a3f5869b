import type { pages } from '@microsoft/teams-js';

export const CHANNEL_TAB_ENTITY_ID = 'sesame-checklist';

/** What Teams saves for the channel tab; `origin` is the server that serves the tab (the config page's origin). */
export function channelTabInstanceConfig(origin: string): pages.InstanceConfig {
  const contentUrl = `${origin}/tab/index.html?view=channel`;
  return {
    contentUrl,
    websiteUrl: contentUrl,
    entityId: CHANNEL_TAB_ENTITY_ID,
    suggestedDisplayName: 'Sesame',
  };
}
