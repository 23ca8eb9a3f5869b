import { cardActionInvoke, messageActivity, type ConversationParty } from './teams-activities.js';
import { asRead } from './inert-markdown.js';
import { cardsIn, type LocalStack } from './local-stack.js';

export type Card = Record<string, unknown>;

/** Every Action.Execute / Action.OpenUrl in a card, wherever it sits (actions, ActionSets, containers). */
export function actionsOf(card: Card): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' || o.type === 'Action.OpenUrl') found.push(o);
      for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && k !== 'refresh') walk(v);
    }
  };
  walk(card);
  return found;
}

export function actionData(card: Card, verb: string, option?: string): Record<string, unknown> {
  const action = actionsOf(card).find(
    (a) => a.verb === verb && (option === undefined || (a.data as Record<string, unknown>).option === option),
  );
  if (!action) throw new Error(`no ${verb} button on the card: ${JSON.stringify(card).slice(0, 400)}`);
  return action.data as Record<string, unknown>;
}

/** The card as JSON, with its markdown texts as a reader sees them (rendered, formatting and escapes gone). */
export function text(card: Card): string {
  return JSON.stringify(asRead(card));
}

/** Clicks a button the way Teams does (adaptiveCard/action invoke) and returns the card that replaces it. */
export async function click(
  stack: LocalStack,
  party: ConversationParty,
  card: Card,
  verb: string,
  options: { inputs?: Record<string, unknown>; option?: string; data?: Record<string, unknown> } = {},
): Promise<Card> {
  const data = { ...(options.data ?? actionData(card, verb, options.option)), ...(options.inputs ?? {}) };
  const res = await stack.post(cardActionInvoke(party, verb, data));
  if (res.status !== 200) throw new Error(`invoke ${verb} answered ${res.status}`);
  const body = res.body as { statusCode: number; type: string; value: Card };
  if (body.type !== 'application/vnd.microsoft.card.adaptive')
    throw new Error(`invoke ${verb} answered ${JSON.stringify(body)}`);
  return body.value;
}

export async function lastCard(stack: LocalStack, party: ConversationParty): Promise<Card> {
  const cards = cardsIn(await stack.sent(party.conversationId));
  const card = cards[cards.length - 1];
  if (!card) throw new Error('the bot sent no card');
  return card;
}

/** Types the procedure's name, signs in through the sandbox page as `who`, and returns the run's first card. */
export async function startGuestAccess(
  stack: LocalStack,
  party: ConversationParty,
  who: Parameters<LocalStack['signIn']>[1],
): Promise<Card> {
  return startByText(stack, party, who, 'accès invité Cegid Loop');
}

/** Types `words` to the bot, signs in through the sandbox page as `who` if asked, returns the card that follows. */
export async function startByText(
  stack: LocalStack,
  party: ConversationParty,
  who: Parameters<LocalStack['signIn']>[1],
  words: string,
): Promise<Card> {
  await stack.post(messageActivity(party, words));
  const signInCard = await lastCard(stack, party);
  // Signed in earlier in this conversation: the run started straight away.
  if (!actionsOf(signInCard).some((a) => a.verb === 'signin.done')) return signInCard;
  const link = actionsOf(signInCard).find((a) => a.type === 'Action.OpenUrl')?.url;
  if (typeof link !== 'string')
    throw new Error(`expected a sign-in card, got ${text(signInCard).slice(0, 300)}`);
  // No "I have signed in" click: the sandbox tells the bot, and the run's first card arrives in the chat.
  await stack.signIn(link, who);
  return lastCard(stack, party);
}
