import { randomUUID } from 'node:crypto';

/** Activities shaped like the ones Teams posts to a bot's /api/messages. */
export interface ConversationParty {
  readonly serviceUrl: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly botId: string;
  readonly user: { readonly id: string; readonly aadObjectId: string; readonly name: string };
  readonly locale?: string;
}

function base(party: ConversationParty) {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: party.serviceUrl,
    from: { id: party.user.id, name: party.user.name, aadObjectId: party.user.aadObjectId },
    recipient: { id: `28:${party.botId}`, name: 'Sesame' },
    conversation: { id: party.conversationId, conversationType: 'personal', tenantId: party.tenantId },
    channelData: { tenant: { id: party.tenantId } },
    locale: party.locale ?? 'en-US',
  };
}

export function messageActivity(party: ConversationParty, text: string) {
  return { ...base(party), type: 'message', text, textFormat: 'plain' };
}

/** An Action.Execute invoke as Teams sends it: the button's title travels with its verb and data. */
export function cardActionInvoke(
  party: ConversationParty,
  verb: string,
  data: Record<string, unknown>,
  title = verb,
) {
  return {
    ...base(party),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', title, verb, data }, trigger: 'manual' },
  };
}

export function botAddedActivity(party: ConversationParty) {
  return {
    ...base(party),
    type: 'conversationUpdate',
    membersAdded: [{ id: `28:${party.botId}` }],
  };
}

export async function postActivity(url: string, activity: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/**
 * What Teams sends when a user installs the app, in this order (the shapes of teams-channel's `install()`): a
 * conversationUpdate adding the bot, with no locale, then an installationUpdate "add" carrying the client's locale.
 */
export function installActivities(party: ConversationParty, locale: string, timezone = 'Europe/Paris') {
  const { locale: _ignored, ...envelope } = base(party);
  return [
    { ...envelope, type: 'conversationUpdate', membersAdded: [{ id: `28:${party.botId}` }] },
    {
      ...envelope,
      id: randomUUID(),
      type: 'installationUpdate',
      action: 'add',
      entities: [
        { type: 'clientInfo', locale, country: locale.split('-')[1] ?? 'US', platform: 'Web', timezone },
      ],
      channelData: { tenant: { id: party.tenantId }, source: null },
      locale,
      localTimezone: timezone,
    },
  ] as const;
}
