/** The procedures Sesame can run, and how a user's words find one. Only procedures that exist are listed. */
import { localizeBoth, normalizeForMatch, type Locale, type LocalizedText } from './text.js';
import type { Procedure, ProcedureModule } from './types.js';
import { partnerCenterRegistrationModule } from './partner-center-registration.js';
import { vendorGuestAccessModule } from './vendor-guest-access.js';

export const PROCEDURES: readonly ProcedureModule[] = [
  vendorGuestAccessModule,
  partnerCenterRegistrationModule,
];

export function getProcedure(id: string): ProcedureModule | undefined {
  return PROCEDURES.find((m) => m.procedure.id === id);
}

/** Words that say nothing about which procedure is meant. */
const FILLER = new Set([
  'a',
  'au',
  'aux',
  'de',
  'des',
  'du',
  'en',
  'et',
  'l',
  'la',
  'le',
  'les',
  'pour',
  'un',
  'une',
  'd',
  'the',
  'for',
  'to',
  'of',
  'an',
  'and',
  'start',
  'run',
  'lancer',
  'demarrer',
  'please',
  'stp',
  'svp',
]);

function words(text: string): string[] {
  return normalizeForMatch(text)
    .split(' ')
    .filter((w) => w !== '' && !FILLER.has(w));
}

/**
 * Scores how well `text` names the procedure: 3 when an alias (or the id) appears in the text, 2 when the text
 * is part of an alias, 1 when every meaningful word of the text appears in one alias; 0 otherwise.
 */
function score(module: ProcedureModule, text: string): number {
  const t = ` ${normalizeForMatch(text)} `;
  const tw = words(text);
  if (tw.length === 0) return 0;
  const p = module.procedure;
  const names = [p.id, p.title.fr, p.title.en, ...p.aliases];
  let best = 0;
  for (const name of names) {
    const n = normalizeForMatch(name);
    if (n === '') continue;
    if (t.includes(` ${n} `) || normalizeForMatch(text) === n) best = Math.max(best, 3);
    else if (` ${n} `.includes(` ${tw.join(' ')} `)) best = Math.max(best, 2);
    else {
      const nw = new Set(n.split(' '));
      if (tw.every((w) => nw.has(w))) best = Math.max(best, 1);
    }
  }
  return best;
}

/**
 * The procedure a user's message names (accent- and case-insensitive, French or English aliases), or
 * undefined. `locale` only breaks ties in favour of the procedure titled in the user's language.
 */
export function findProcedureByText(
  text: string,
  locale: Locale = 'fr',
  procedures: readonly ProcedureModule[] = PROCEDURES,
): ProcedureModule | undefined {
  let found: ProcedureModule | undefined;
  let bestScore = 0;
  for (const m of procedures) {
    const s =
      score(m, text) +
      (normalizeForMatch(text).includes(normalizeForMatch(m.procedure.title[locale])) ? 0.5 : 0);
    if (s > bestScore && s >= 1) {
      bestScore = s;
      found = m;
    }
  }
  return found;
}

/**
 * What lists show of a procedure (help card, tab): its summary with `{placeholders}` filled from the defaults of
 * its input fields (e.g. the vendor's address), since no run exists yet to fill them.
 */
export function procedureListing(procedure: Procedure): {
  readonly id: string;
  readonly title: LocalizedText;
  readonly summary: LocalizedText;
  readonly steps: Procedure['steps'];
} {
  const defaults: Record<string, string> = {};
  for (const step of procedure.steps) {
    if (step.kind !== 'input') continue;
    for (const field of step.fields) if (field.default !== undefined) defaults[field.id] = field.default;
  }
  return {
    id: procedure.id,
    title: procedure.title,
    summary: localizeBoth(procedure.summary, defaults),
    steps: procedure.steps,
  };
}
