import { Subtitle2, Text } from '@fluentui/react-components';
import type { ChangedItem, ChecklistChanges, EvidenceObject } from '../../core/checklist/api-types.js';
import { flattenUntrusted } from '../../core/i18n/inert-text.js';
import { useChecklistChangesStyles } from './ChecklistChanges.styles.js';
import { formatDateTime } from './format.js';
import { tt, type Locale, type TabMessageKey } from './i18n.js';

const STATUS_KEY: Record<ChangedItem['to'], TabMessageKey> = {
  fail: 'checklist.status.fail',
  warn: 'checklist.status.warn',
  unknown: 'checklist.status.unknown',
  accepted: 'checklist.status.accepted',
  pass: 'checklist.status.pass',
};

/** "What changed since the last snapshot": new failures, fixed items, new guests and grants. */
export function ChecklistChangesView(props: {
  readonly changes: ChecklistChanges;
  readonly locale: Locale;
  readonly languageTag: string;
}) {
  const { changes, locale, languageTag } = props;
  const styles = useChecklistChangesStyles();
  const item = (c: ChangedItem) =>
    `${c.title[locale]} (${c.from ? tt(locale, STATUS_KEY[c.from]) : '—'} → ${tt(locale, STATUS_KEY[c.to])})`;
  const object = (o: EvidenceObject) => flattenUntrusted(o.name, { maxLength: 120 });
  const all: { key: TabMessageKey; lines: string[] }[] = [
    { key: 'checklist.changes.newFailures', lines: changes.newFailures.map(item) },
    { key: 'checklist.changes.fixed', lines: changes.fixed.map(item) },
    { key: 'checklist.changes.newGuests', lines: changes.newGuests.map(object) },
    { key: 'checklist.changes.newGrants', lines: changes.newGrants.map(object) },
    {
      key: 'checklist.changes.newFindings',
      lines: changes.newFindings.flatMap((f) => f.objects.map(object)),
    },
    {
      key: 'checklist.changes.resolved',
      lines: changes.resolvedFindings.flatMap((f) => f.objects.map(object)),
    },
  ];
  const groups = all.filter((g) => g.lines.length > 0);
  return (
    <section className={styles.root} aria-label={tt(locale, 'checklist.changes.title')}>
      <Subtitle2 as="h3">
        {changes.since
          ? tt(locale, 'checklist.changes.since', { at: formatDateTime(changes.since, languageTag) })
          : tt(locale, 'checklist.changes.title')}
      </Subtitle2>
      {!changes.since && <Text className={styles.subtle}>{tt(locale, 'checklist.changes.first')}</Text>}
      {changes.since && groups.length === 0 && <Text>{tt(locale, 'checklist.changes.none')}</Text>}
      {groups.length > 0 && (
        <div className={styles.groups}>
          {groups.map((g) => (
            <div key={g.key} className={styles.group}>
              <Text weight="semibold">{tt(locale, g.key, { count: g.lines.length })}</Text>
              <ul className={styles.list}>
                {g.lines.slice(0, 10).map((line, i) => (
                  <li key={i} className={styles.name}>
                    {line}
                  </li>
                ))}
                {g.lines.length > 10 && (
                  <li className={styles.subtle}>
                    {tt(locale, 'checklist.moreObjects', { count: g.lines.length - 10 })}
                  </li>
                )}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
