import { CLIENT_TENANT_ID, CLIENT_USERS, type ClientUserKey } from '../../sandbox/data/seed-client-tenant.js';
import type { LocalStack } from '../helpers/local-stack.js';
import type { ConversationParty } from '../helpers/teams-activities.js';

/** A Teams chat of the client tenant ("Atelier Durand") with one of its users. */
export function clientParty(
  stack: LocalStack,
  who: ClientUserKey,
  conversationId?: string,
): ConversationParty {
  const user = CLIENT_USERS[who];
  return {
    serviceUrl: `${stack.sandbox.httpUrl}/botframework/connector`,
    tenantId: CLIENT_TENANT_ID,
    conversationId: conversationId ?? `a:client-${who}-${Math.random().toString(36).slice(2)}`,
    botId: stack.config.bot.appId,
    user: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
    locale: 'fr-FR',
  };
}

/** Graph requests that change something, from the sandbox's request log. */
export async function graphWrites(stack: LocalStack): Promise<number> {
  const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`);
  const log = ((await res.json()) as { value: { method: string }[] }).value;
  return log.filter((e) => e.method !== 'GET').length;
}

export async function clearGraphLog(stack: LocalStack): Promise<void> {
  await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
}
