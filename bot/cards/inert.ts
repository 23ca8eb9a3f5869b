/**
 * Untrusted text made inert in an Adaptive Card TextBlock (markdown, links, HTML shown literally), for the reminder
 * and digest cards. Kept to those until core/i18n/inert-text.ts (helper "sec-cards") lands; then this goes.
 */
const MARKUP = /[\\`*_~[\]()!#+\-.>|<&:@${}=^"]/g;
const CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\u00AD]/g;

export function inertText(value: string): string {
  return value.replace(CONTROLS, '').replace(MARKUP, (c) => `\\${c}`);
}
