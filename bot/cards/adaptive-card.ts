import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';

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

export function textBlock(text: string, extra: Record<string, unknown> = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...extra };
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
