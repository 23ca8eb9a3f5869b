/**
 * The weekly digest's checklist section (bot/weekly-digest.ts DigestSection): what fails in the tenant's latest
 * checklist snapshot and what changed since the one before. Rule titles are Sesame's; verdicts and object names
 * carry Graph values, so they go in inert.
 */
import type { ChecklistService } from '../core/checklist/checklist-service.js';
import type { LocalizedText } from '../core/procedures/text.js';
import { CardText, fill, inert } from './cards/card-text.js';
import { textBlock } from './cards/adaptive-card.js';
import type { DigestSection } from './weekly-digest.js';

const L = (fr: string, en: string): LocalizedText => ({ fr, en });
const TXT = {
  title: L('Check-list (état du {at})', 'Checklist (as of {at})'),
  failing: L('En échec ou à surveiller :', 'Failing or to watch:'),
  allGood: L('Rien en échec.', 'Nothing failing.'),
  worse: L('Nouveaux problèmes : {items}', 'New problems: {items}'),
  fixed: L('Corrigés : {items}', 'Fixed: {items}'),
  newGuests: L('Nouveaux invités : {count}', 'New guests: {count}'),
  newGrants: L('Nouveaux rôles attribués : {count}', 'New role assignments: {count}'),
  more: L('… et {count} autre(s), dans l’onglet Sesame.', '… and {count} more, in the Sesame tab.'),
};
const MAX_LINES = 8;

export function checklistDigestSection(service: ChecklistService): DigestSection {
  return {
    id: 'checklist',
    async build(ctx) {
      const { snapshot, changes } = await service.tenantDigest(ctx.tenantId);
      if (!snapshot) return undefined;
      const l = ctx.locale;
      const failing = snapshot.items.filter(
        (i) => i.effectiveStatus === 'fail' || i.effectiveStatus === 'warn',
      );
      const lines = failing.slice(0, MAX_LINES).map((i) =>
        fill(`- ${i.effectiveStatus === 'fail' ? '❌' : '⚠️'} **{title}** — {verdict}`, {
          title: inert(i.title[l]),
          verdict: inert(i.verdict[l], { maxLength: 200 }),
        }),
      );
      if (failing.length > MAX_LINES) lines.push(fill(TXT.more[l], { count: failing.length - MAX_LINES }));
      const elements = [
        textBlock(fill(TXT.title[l], { at: ctx.formatTime(snapshot.takenAt) }), { weight: 'Bolder' }),
        textBlock(
          failing.length === 0
            ? CardText.trusted(TXT.allGood[l])
            : CardText.trusted([TXT.failing[l], ...lines.map((x) => x.markdown)].join('\n')),
        ),
      ];
      if (changes && changes.since !== null) {
        const changed: CardText[] = [];
        const titles = (xs: readonly { title: LocalizedText }[]) => xs.map((x) => x.title[l]).join(', ');
        if (changes.newFailures.length)
          changed.push(fill(TXT.worse[l], { items: titles(changes.newFailures) }));
        if (changes.fixed.length) changed.push(fill(TXT.fixed[l], { items: titles(changes.fixed) }));
        if (changes.newGuests.length)
          changed.push(fill(TXT.newGuests[l], { count: changes.newGuests.length }));
        if (changes.newGrants.length)
          changed.push(fill(TXT.newGrants[l], { count: changes.newGrants.length }));
        if (changed.length)
          elements.push(textBlock(CardText.trusted(changed.map((c) => `- ${c.markdown}`).join('\n'))));
      }
      return elements;
    },
  };
}
