import MarkdownIt from 'markdown-it';

/**
 * A CommonMark renderer with raw HTML, entities and autolinking (linkify) on: stricter than Teams' markdown subset,
 * so text it shows literally, Teams shows literally too.
 */
const markdown = new MarkdownIt({ html: true, linkify: true });

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTML `text` renders to as a TextBlock's markdown. */
export function renderMarkdown(text: string): string {
  return markdown.render(text);
}

/** True when `text` renders as one paragraph saying exactly `literal`: no element, no link, no entity decoded. */
export function rendersLiterally(text: string, literal: string): boolean {
  return renderMarkdown(text) === `<p>${escapeHtml(literal)}</p>\n`;
}

/** Elements other than paragraphs and line breaks that `text` turns into (links, emphasis, lists, headings…). */
export function markupIn(text: string): string[] {
  const html = renderMarkdown(text);
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)]
    .map((m) => m[1]!.toLowerCase())
    .filter((tag) => tag !== 'p' && tag !== 'br');
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** What a reader sees of a TextBlock's markdown: the rendered text, without the formatting. */
export function readableText(markdownText: string): string {
  return decodeEntities(
    renderMarkdown(markdownText)
      .replace(/<\/p>\n<p>/g, '\n')
      // A link reads as its label, and where it goes.
      .replace(/<a href="([^"]*)">(.*?)<\/a>/g, '$2 ($1)')
      .replace(/<[^>]+>/g, '')
      .trim(),
  );
}

/** The card with every TextBlock and FactSet text replaced by what a reader sees of it. */
export function asRead<T>(card: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = walk(v);
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.text = readableText(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts))
      out.facts = (o.facts as { title: string; value: string }[]).map((f) => ({
        title: readableText(f.title),
        value: readableText(f.value),
      }));
    return out;
  };
  return walk(card) as T;
}

/** Every markdown text of a card (TextBlocks, FactSet titles and values), as written. */
export function markdownTextsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts))
      for (const f of o.facts as { title: string; value: string }[]) out.push(f.title, f.value);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

/** Elements Sesame's own texts use (bold titles, links to Microsoft's portals); anything else came from outside. */
const OWN_TAGS = new Set(['p', 'br', 'strong', 'a']);

/**
 * What in a card's markdown is live markup Sesame did not write: a template expression, an element other than its
 * own, a link anywhere but Microsoft's portals, injected emphasis. [] when every outside value shows as text.
 */
export function liveMarkup(card: unknown): string[] {
  const found: string[] = [];
  for (const markdown of markdownTextsOf(card)) {
    if (markdown.includes('${')) found.push(`template: ${markdown.slice(0, 80)}`);
    const html = renderMarkdown(markdown);
    for (const m of html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)) {
      const tag = m[1]!.toLowerCase();
      if (!OWN_TAGS.has(tag)) found.push(`<${tag}>: ${markdown.slice(0, 80)}`);
      if (tag === 'a' && !/href="https:\/\/(entra|admin|learn|partner|myapps)\.microsoft\.com/.test(m[2]!))
        found.push(`link ${m[2]}`);
    }
    if (/<strong>[^<]*URGENT/.test(html)) found.push('injected emphasis');
  }
  return found;
}
