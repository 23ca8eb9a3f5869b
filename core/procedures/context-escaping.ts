/**
 * Values from the run (a tenant id, a domain, a display name the directory holds) go into links and commands the
 * admin clicks or pastes. Each context has its own escaping: a URL component is percent-encoded (strictly, so
 * it cannot close a Markdown link either), a PowerShell string is single-quoted with every single quote PowerShell
 * recognises doubled (it treats the typographic ‘ ’ ‚ ‛ as quotes too).
 */
import type { TextParams } from './text.js';

/** RFC 3986 strict: encodeURIComponent plus ! ' ( ) *, which would otherwise end a Markdown link or a quoted URL. */
export function urlComponent(value: string | number): string {
  return encodeURIComponent(String(value)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A URL template's `{placeholders}` filled with URL-encoded values; unknown placeholders stay as they are. */
export function fillUrl(template: string, params: TextParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? urlComponent(params[name]!) : whole,
  );
}

/** A PowerShell verbatim string literal: nothing inside is expanded ($, `, @) and no quote can close it early. */
export function powerShellString(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** A PowerShell command template's `{placeholders}` filled with verbatim string literals. */
export function fillPowerShell(template: string, params: TextParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? powerShellString(String(params[name])) : whole,
  );
}
