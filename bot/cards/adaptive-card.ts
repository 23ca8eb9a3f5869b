import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import type { CardText } from './card-text.js';

/**
 * Cards carry no `lang`: the adaptivecards parser validates it with a global regex whose state leaks between calls,
 * so every other card would fail to parse. Texts are already in the user's language.
 */
/** Minimal typing for the Adaptive Card JSON Sesame writes by hand (schema 1.5, what Teams renders). */
export type CardElement = Record<string, unknown> & { type: string };

export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  readonly version: '1.5';
  readonly body: CardElement[];
  readonly actions?: CardElement[];
  readonly refresh?: Record<string, unknown>;
}

export function adaptiveCard(
  body: CardElement[],
  options: { actions?: CardElement[]; refresh?: Record<string, unknown> } = {},
): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(options.actions && options.actions.length > 0 ? { actions: options.actions } : {}),
    ...(options.refresh ? { refresh: options.refresh } : {}),
  };
}

/** Teams renders markdown in a TextBlock: it takes CardText only (see card-text.ts), never a raw string. */
export function textBlock(text: CardText, extra: Record<string, unknown> = {}): CardElement {
  return { type: 'TextBlock', text: text.markdown, wrap: true, ...extra };
}

/** Teams renders markdown in FactSet titles and values too. */
export function factSet(facts: readonly { title: CardText; value: CardText }[]): CardElement {
  return { type: 'FactSet', facts: facts.map((f) => ({ title: f.title.markdown, value: f.value.markdown })) };
}

/**
 * Action.Execute (Universal Actions: the bot answers with the card to show) with an Action.Submit fallback for
 * clients that do not support it. `data` carries the verb too, so the fallback round-trips the same payload.
 */
export function executeAction(
  title: string,
  verb: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): CardElement {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: { ...data, verb },
    ...extra,
    fallback: { type: 'Action.Submit', title, data: { ...data, verb }, ...extra },
  };
}

/** The attachment shape Teams expects for a card in a message. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

/** The adaptiveCard/action invoke answer that replaces the clicked card with `card`. */
export function cardResponse(card: AdaptiveCard): AdaptiveCardActionResponse {
  // Sesame writes cards as plain JSON (much smaller than @microsoft/teams.cards output); the shapes agree.
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as never };
}
