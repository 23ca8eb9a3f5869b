/**
 * Untrusted text (directory names, mail addresses, vendor inputs, form values, chat messages) made to render
 * literally where Teams interprets markdown: Adaptive Card TextBlocks, FactSet titles and values, RichTextBlock
 * runs. Pure and browser-safe; nothing here knows about Teams, only about what its renderers parse.
 */

/** Display names are at most 256 characters in Entra ID; a chat message echoed back needs less. */
export const INERT_TEXT_MAX_LENGTH = 256;

/**
 * Every ASCII punctuation character markdown, HTML, Teams' autolinker or Adaptive Card templating give a meaning
 * to: emphasis and code (* _ ~ `), links and images ([ ] ( ) !), headings, lists and quotes (# + - . > |),
 * HTML tags and entities (< > &), autolinks (: @ . — "https://x", "a@b.c" and "www.x.y" stop being links once
 * their separator is escaped), template expressions (${ } — "$\{x\}" is no longer an expression) and the escape
 * character itself. CommonMark lets any ASCII punctuation be backslash-escaped, so escaping more than needed is
 * harmless: the reader sees the character, not the backslash.
 */
const MARKUP = /[\\`*_~[\]()!#+\-.>|<&:@${}=^"]/g;

/**
 * Bidirectional controls (embeddings, overrides, isolates, marks) reorder what surrounds them: "‮txt.exe" shows as
 * "exe.txt". Right-to-left letters themselves are kept; only the invisible controls go.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Invisible characters that hide or split words without showing: zero-width space, word joiner, BOM. */
const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/g;

/** Line and paragraph breaks start new markdown blocks (headings, lists): an untrusted value stays on one line. */
const BREAKS = /[\p{Cc}\u2028\u2029]+/gu;

export interface InertTextOptions {
  /** Longer values are cut (on a character boundary) and end with "…". */
  readonly maxLength?: number;
}

/**
 * What an untrusted value looks like once shown: one line, no bidi control or invisible character, at most
 * `maxLength` characters (256 by default). For plain-text surfaces, and what inertText's output renders as.
 */
export function flattenUntrusted(value: string, options: InertTextOptions = {}): string {
  const max = Math.max(1, options.maxLength ?? INERT_TEXT_MAX_LENGTH);
  const flat = String(value)
    .replace(BIDI_CONTROLS, '')
    .replace(INVISIBLE, '')
    .replace(BREAKS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  // Cut on code points (never half of a surrogate pair), before escaping (never half of an escape).
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/**
 * Returns `value` escaped so that any markdown-rendering surface of Teams shows it character for character: no
 * link, emphasis, list, heading, code, HTML, entity, template expression or autolink (see flattenUntrusted for
 * the line, bidi and length rules).
 */
export function inertText(value: string, options: InertTextOptions = {}): string {
  return flattenUntrusted(value, options).replace(MARKUP, (c) => `\\${c}`);
}
