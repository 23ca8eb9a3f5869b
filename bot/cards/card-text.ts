import { inertText, type InertTextOptions } from '../../core/i18n/inert-text.js';
import { describeError } from '../../core/i18n/describe-error.js';
import { interpolate, type Locale } from '../../core/i18n/locale.js';

/**
 * Text bound for a markdown-rendering part of a card (TextBlock, FactSet). Cards take nothing else, so untrusted
 * text can only get in through `inert`, `md` or `fill`, which escape it: a new card cannot forget.
 */
export class CardText {
  private constructor(readonly markdown: string) {}

  /** Markdown Sesame wrote itself (its catalogues, procedure data): shown with its formatting. */
  static trusted(markdown: string): CardText {
    return new CardText(markdown);
  }

  toString(): string {
    return this.markdown;
  }
}

type Value = string | number | CardText;

/** An untrusted value, shown literally (see inertText). */
export function inert(value: string | number, options?: InertTextOptions): CardText {
  return CardText.trusted(inertText(String(value), options));
}

function part(value: Value): string {
  if (value instanceof CardText) return value.markdown;
  if (typeof value === 'number') return String(value);
  return inertText(value);
}

/** Tagged template: the literal parts are Sesame's markdown; every interpolated string is made inert. */
export function md(strings: TemplateStringsArray, ...values: readonly Value[]): CardText {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += part(v) + (strings[i + 1] ?? '')));
  return CardText.trusted(out);
}

/** A `{name}` template of Sesame's (catalogue, procedure data) with its parameters made inert. */
export function fill(template: string, params: Readonly<Record<string, Value>> = {}): CardText {
  const safe: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) safe[k] = part(v);
  return CardText.trusted(interpolate(template, safe));
}

/** Joins card texts with Sesame's own separator (e.g. ' · ', '\n\n'). */
export function joinText(parts: readonly CardText[], separator: string): CardText {
  return CardText.trusted(parts.map((p) => p.markdown).join(separator));
}

/** An error described for a card: Sesame's words with markdown, the error's detail inert. */
export function errorText(error: unknown, locale: Locale): { message: CardText; next: CardText } {
  const text = describeError(error, locale, inertText);
  return { message: CardText.trusted(text.message), next: CardText.trusted(text.next) };
}
