/** The activities a bench posts to a bot's /api/messages (the tests' Teams-shaped builders), and a timed POST. */
import { performance } from 'node:perf_hooks';

export type { ConversationParty as Party } from '../../tests/helpers/teams-activities.js';
export {
  messageActivity as message,
  cardActionInvoke as cardAction,
} from '../../tests/helpers/teams-activities.js';

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
