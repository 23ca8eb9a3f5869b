import { Body1, Title2 } from '@fluentui/react-components';
import { tt, type Locale } from './i18n.js';
import { useOutsideTeamsStyles } from './OutsideTeams.styles.js';

/** Shown when the page is opened outside Teams: say what it is and where to try Sesame instead. */
export function OutsideTeams({ locale }: { readonly locale: Locale }) {
  const styles = useOutsideTeamsStyles();
  return (
    <main className={styles.root}>
      <Title2 as="h1">{tt(locale, 'outside.title')}</Title2>
      <Body1 as="p">{tt(locale, 'outside.text')}</Body1>
      <ul className={styles.list}>
        <li>
          <Body1>{tt(locale, 'outside.teams')}</Body1>
        </li>
        <li>
          <Body1>{tt(locale, 'outside.local')}</Body1>
        </li>
      </ul>
    </main>
  );
}
