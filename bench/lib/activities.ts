/** The activities a bench posts to a bot's /api/messages, shaped as Teams sends them in a personal chat. */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface Party {
  readonly serviceUrl: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly botId: string;
  readonly user: { readonly id: string; readonly aadObjectId: string; readonly name: string };
  readonly locale: string;
}

function envelope(party: Party) {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: party.serviceUrl,
    from: { id: party.user.id, name: party.user.name, aadObjectId: party.user.aadObjectId },
    recipient: { id: `28:${party.botId}`, name: 'Bot' },
    conversation: { id: party.conversationId, conversationType: 'personal', tenantId: party.tenantId },
    channelData: { tenant: { id: party.tenantId } },
    locale: party.locale,
  };
}

export function message(party: Party, text: string) {
  return { ...envelope(party), type: 'message', text, textFormat: 'plain' };
}

/** A click on an Action.Execute button: the adaptiveCard/action invoke. */
export function cardAction(party: Party, verb: string, data: Record<string, unknown>) {
  return {
    ...envelope(party),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

export interface Posted {
  readonly status: number;
  readonly body: unknown;
  /** performance.now() just before the request and just after the whole response was read. */
  readonly from: number;
  readonly to: number;
}

/** POSTs one activity and times the round trip (request written → response body read). */
export async function post(botUrl: string, activity: unknown): Promise<Posted> {
  const payload = JSON.stringify(activity);
  const from = performance.now();
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
  });
  const text = await res.text();
  const to = performance.now();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, from, to };
}
