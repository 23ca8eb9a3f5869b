/**
 * How an admin's words find a procedure. Admins type the vendor's name alone ("Cegid", "onloop"), the object
 * ("accès invité", "Partner Center"), in any order, with or without accents, and misspell names ("cegdi",
 * "parnter"). Matching is on words: each alias word is looked for among the message's words, allowing one typo
 * (two in long words) counted as optimal-string-alignment distance, so a swap of two letters is one typo.
 *
 * Why hand-written: the maintained npm distance libraries (leven, fastest-levenshtein) count a swap as two
 * edits, which would miss "cegdi"; fuzzy-search libraries (fuse.js) score whole strings by character runs,
 * which handles word order and filler words ("je voudrais…") worse than matching words. The distance below
 * runs on short words only.
 */
import { normalizeForMatch } from './text.js';
import type { ProcedureModule } from './types.js';

/** Words that say nothing about which procedure is meant. */
const FILLER = new Set(
  (
    'a au aux avec ce cette de des du d en et j je l la le les ma me mes mon nos notre nous pour par sur un une ' +
    'dans est il on qu que qui se sa son y ' +
    'veux voudrais souhaite aimerais faut faire peux pouvez comment lancer demarrer commencer procedure ' +
    'svp stp merci bonjour plait s vous tu moi nous ' +
    'the for to of an and in on at with my our i we me please want would like need how do can could ' +
    'start run begin procedure hello hi thanks set up'
  ).split(' '),
);

export type ProcedureMatch =
  | { readonly kind: 'one'; readonly module: ProcedureModule }
  | { readonly kind: 'several'; readonly modules: readonly ProcedureModule[] }
  | { readonly kind: 'none' };

export function meaningfulWords(text: string): string[] {
  return normalizeForMatch(text)
    .split(' ')
    .filter((w) => w !== '' && !FILLER.has(w));
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), stopping early past `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

/** Whether a typed word is the alias word, give or take a typo (none in words under 5 letters: "look" is not "loop"). */
export function sameWord(typed: string, word: string): boolean {
  if (typed === word) return true;
  const shortest = Math.min(typed.length, word.length);
  if (shortest < 5) return false;
  return editDistance(typed, word, 2) <= (shortest >= 8 ? 2 : 1);
}

interface AliasWords {
  readonly words: readonly string[];
}

/** The procedure's names, as word lists, plus each multi-word name glued ("partnercenter", "cegidloop"). */
function aliasesOf(module: ProcedureModule): AliasWords[] {
  const p = module.procedure;
  const names = [p.id.replace(/-/g, ' '), p.title.fr, p.title.en, p.vendor.name, ...p.aliases];
  const out: AliasWords[] = [];
  for (const name of names) {
    const words = meaningfulWords(name);
    if (words.length === 0) continue;
    out.push({ words });
    if (words.length > 1) out.push({ words: [words.join('')] });
  }
  return out;
}

/**
 * Words that name no procedure on their own, only within one of its names: "create a service account" must not
 * start the client's Microsoft account procedure because of "account".
 */
const GENERIC = new Set(
  'account accounts compte comptes client clients service services free gratuit gratuits offre offres offer offers'.split(
    ' ',
  ),
);

interface Scored {
  readonly score: number;
  /** The message's words the best full name matched ([] when no full name is there). */
  readonly named: readonly string[];
}

function bestMatch(module: ProcedureModule, typed: readonly string[]): Scored {
  let best: Scored = { score: 0, named: [] };
  for (const alias of aliasesOf(module)) {
    const found = alias.words.filter((w) => typed.some((t) => sameWord(t, w)));
    const full = found.length === alias.words.length;
    const letters = found.filter((w) => full || !GENERIC.has(w)).reduce((n, w) => n + w.length, 0);
    const score = full ? 100 + letters : letters;
    if (score > best.score)
      best = { score, named: full ? typed.filter((t) => alias.words.some((w) => sameWord(t, w))) : [] };
  }
  return best;
}

/**
 * How strongly the words name the procedure: 100 + letters when every word of one of its names is there, else
 * the letters of the name words found (a vendor's or object's word alone still counts, a generic word does not);
 * 0 when none is.
 */
export function matchScore(module: ProcedureModule, typed: readonly string[]): number {
  return bestMatch(module, typed).score;
}

/** `a` names with fewer of the message's words than `b`, all of them among `b`'s ("Cegid Loop" within "consentement Cegid Loop"). */
function within(a: readonly string[], b: readonly string[]): boolean {
  return a.length < b.length && a.every((w) => b.includes(w));
}

/**
 * The procedure the message names, several when two could fit (the bot then asks which), or none. A full name
 * beats words found here and there, and a longer full name beats one it contains; two full names side by side
 * (or two partial matches of similar weight) are ambiguous.
 */
export function matchProcedures(text: string, procedures: readonly ProcedureModule[]): ProcedureMatch {
  const typed = meaningfulWords(text);
  if (typed.length === 0) return { kind: 'none' };
  const scored = procedures
    .map((module) => ({ module, ...bestMatch(module, typed) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const [top] = scored;
  if (!top) return { kind: 'none' };
  // Only words of 4 letters or more name something on their own ("GED", "MS" do only within a name).
  if (top.score < 4) return { kind: 'none' };
  const rivals = scored.filter((s) =>
    top.score >= 100 ? s.score >= 100 : s.score >= 4 && s.score * 10 >= top.score * 6,
  );
  const standing =
    top.score >= 100 ? rivals.filter((s) => !rivals.some((o) => within(s.named, o.named))) : rivals;
  if (standing.length > 1) return { kind: 'several', modules: standing.map((s) => s.module) };
  return { kind: 'one', module: standing[0]!.module };
}
