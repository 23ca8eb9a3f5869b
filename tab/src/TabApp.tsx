import { useCallback, useMemo } from 'react';
import { app } from '@microsoft/teams-js';
import { Body1, Button, Caption1, FluentProvider, Spinner, Title2 } from '@fluentui/react-components';
import { teamsApiClient, type TabApiClient } from './api-client.js';
import { AuditLog } from './AuditLog.js';
import { tt, type Locale } from './i18n.js';
import { LoadError } from './LoadError.js';
import { OutsideTeamsSignIn } from './OutsideTeamsSignIn.js';
import { ProcedureList } from './ProcedureList.js';
import { RunList } from './RunList.js';
import { usePageStyles, useTabAppStyles } from './TabApp.styles.js';
import type { TeamsHost } from './teams-host.js';
import { useResource } from './use-resource.js';
import { useTeamsHost } from './use-teams-host.js';

export type TabView = 'personal' | 'channel';

export interface TabAppProps {
  readonly view: TabView;
  /** Seams for previews and tests; production uses Teams. */
  readonly connect?: () => Promise<TeamsHost | undefined>;
  readonly createClient?: (languageTag: string) => TabApiClient;
  readonly openLink?: (url: string) => Promise<void>;
}

export function viewFromSearch(search: string): TabView {
  return new URLSearchParams(search).get('view') === 'channel' ? 'channel' : 'personal';
}

/** The personal and channel tab: who is signed in, the procedures, the runs and the audit log of their tenant. */
export function TabApp({
  view,
  connect,
  createClient = teamsApiClient,
  openLink = app.openLink,
}: TabAppProps) {
  usePageStyles();
  const styles = useTabAppStyles();
  const host = useTeamsHost(connect);

  return (
    <FluentProvider theme={host.theme} lang={host.locale} className={styles.provider}>
      {host.status === 'connecting' && (
        <div className={styles.centered}>
          <Spinner label={tt(host.locale, 'app.loading')} />
        </div>
      )}
      {host.status === 'outside' && (
        <OutsideTeamsSignIn locale={host.locale} languageTag={host.languageTag}>
          {(browserClient, signOut) => (
            <TabContent
              view={view}
              locale={host.locale}
              languageTag={host.languageTag}
              createClient={browserClient}
              // Outside Teams a deep link to the chat opens in a new browser tab (Teams on the web, or the app).
              openLink={async (url) => {
                window.open(url, '_blank', 'noopener');
              }}
              signOut={signOut}
            />
          )}
        </OutsideTeamsSignIn>
      )}
      {host.status === 'inside' && (
        <TabContent
          view={view}
          locale={host.locale}
          languageTag={host.languageTag}
          createClient={createClient}
          openLink={openLink}
        />
      )}
    </FluentProvider>
  );
}

/** Says what the runs and the audit log below hold for this user, and who sees the whole tenant's. */
export function AccessNotice({ locale, scope }: { locale: Locale; scope: 'tenant' | 'own' }) {
  const styles = useTabAppStyles();
  return (
    <Caption1 as="p" className={styles.subtle}>
      {tt(locale, scope === 'tenant' ? 'app.access.tenant' : 'app.access.own')}
    </Caption1>
  );
}

interface TabContentProps {
  readonly view: TabView;
  readonly locale: Locale;
  readonly languageTag: string;
  readonly createClient: (languageTag: string) => TabApiClient;
  readonly openLink: (url: string) => Promise<void>;
  /** Outside Teams: forget the browser's sign-in. */
  readonly signOut?: () => void;
}

function TabContent({ view, locale, languageTag, createClient, openLink, signOut }: TabContentProps) {
  const styles = useTabAppStyles();
  const api = useMemo(() => createClient(languageTag), [createClient, languageTag]);
  // Who is signed in comes first: if Teams SSO or the server refuses, one message with Retry beats three.
  const loadMe = useCallback(() => api.me(), [api]);
  const [me, retryMe] = useResource(loadMe);

  return (
    <main className={styles.main}>
      <header className={styles.header}>
        <Title2 as="h1">{tt(locale, 'app.title')}</Title2>
        <Body1 as="p">
          {tt(locale, view === 'channel' ? 'app.subtitle.channel' : 'app.subtitle.personal')}
        </Body1>
        {me.state === 'ready' && (
          <Caption1 as="p" className={styles.subtle}>
            {tt(locale, 'app.signedInAs', { name: me.data.name, upn: me.data.upn })}
          </Caption1>
        )}
        {me.state === 'ready' && me.data.access && (
          <AccessNotice locale={locale} scope={me.data.access.scope} />
        )}
        {signOut && (
          <div>
            <Button size="small" onClick={signOut}>
              {tt(locale, 'outside.signIn.signOut')}
            </Button>
          </div>
        )}
      </header>
      {me.state === 'loading' && <Spinner label={tt(locale, 'app.loadingUser')} />}
      {me.state === 'error' && <LoadError locale={locale} error={me.error} onRetry={retryMe} />}
      {me.state === 'ready' && (
        <>
          <ProcedureList api={api} locale={locale} openLink={openLink} />
          <RunList api={api} locale={locale} languageTag={languageTag} />
          <AuditLog api={api} locale={locale} languageTag={languageTag} />
        </>
      )}
    </main>
  );
}
