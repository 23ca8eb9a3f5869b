import { pick, type Locale, type Localized } from '../../core/i18n/locale.js';
import { messageTemplate, t } from '../../core/i18n/messages.js';
import {
  adaptiveCard,
  executeAction,
  textBlock,
  type AdaptiveCard,
  type CardElement,
} from './adaptive-card.js';
import { CardText, fill, inert } from './card-text.js';

/** What the help card needs to know of a procedure. */
export interface ProcedureListing {
  readonly id: string;
  readonly title: Localized;
  readonly summary: Localized;
}

export const START_PROCEDURE_VERB = 'procedure.start';

/** A procedure's title, summary and Start button (plain text: summaries carry filled-in addresses). */
function procedureEntry(locale: Locale, p: ProcedureListing): CardElement {
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      textBlock(inert(pick(p.title, locale)), { weight: 'Bolder' }),
      textBlock(inert(pick(p.summary, locale), { maxLength: 1000 }), { isSubtle: true, spacing: 'Small' }),
      {
        type: 'ActionSet',
        actions: [
          executeAction(t(locale, 'help.start'), START_PROCEDURE_VERB, { procedureId: p.id, locale }),
        ],
      },
    ],
  };
}

/** The card a first message, "help" or "aide" gets: every procedure with a Start button, in the user's language. */
export function helpCard(
  locale: Locale,
  procedures: readonly ProcedureListing[],
  heading?: CardElement[],
): AdaptiveCard {
  const list: CardElement[] =
    procedures.length === 0
      ? [textBlock(CardText.trusted(t(locale, 'help.none')), { isSubtle: true })]
      : procedures.map((p) => procedureEntry(locale, p));

  return adaptiveCard([
    ...(heading ?? []),
    textBlock(CardText.trusted(t(locale, 'help.title')), {
      size: 'Large',
      weight: 'Bolder',
      style: 'heading',
    }),
    textBlock(CardText.trusted(t(locale, 'help.intro'))),
    textBlock(CardText.trusted(t(locale, 'help.procedures')), {
      weight: 'Bolder',
      size: 'Medium',
      spacing: 'Large',
    }),
    ...list,
    textBlock(CardText.trusted(t(locale, 'help.commands')), { spacing: 'Large', isSubtle: true }),
  ]);
}

/** Two or more procedures fit what the admin typed: one Start button each, nothing started yet. */
export function disambiguationCard(locale: Locale, procedures: readonly ProcedureListing[]): AdaptiveCard {
  return adaptiveCard([
    textBlock(CardText.trusted(t(locale, 'choose.title')), {
      size: 'Large',
      weight: 'Bolder',
      style: 'heading',
    }),
    textBlock(CardText.trusted(t(locale, 'choose.text'))),
    ...procedures.map((p) => procedureEntry(locale, p)),
  ]);
}

/** An unknown message: say so, then show the same list. Never silence, never a stack trace. */
export function unknownMessageCard(
  locale: Locale,
  text: string,
  procedures: readonly ProcedureListing[],
): AdaptiveCard {
  // The user's own words, echoed: inert and short.
  return helpCard(locale, procedures, [
    textBlock(fill(messageTemplate(locale, 'unknown.title'), { text: inert(text, { maxLength: 80 }) }), {
      weight: 'Bolder',
      color: 'Attention',
    }),
    textBlock(CardText.trusted(t(locale, 'unknown.text'))),
  ]);
}
