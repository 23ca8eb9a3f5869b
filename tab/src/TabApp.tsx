import { useCallback, useMemo, useState } from 'react';
import { app } from '@microsoft/teams-js';
import {
  Body1,
  Button,
  Caption1,
  FluentProvider,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Tab,
  TabList,
  Title2,
} from '@fluentui/react-components';
import type { ChecklistItem } from '../../core/checklist/api-types.js';
import { Checklist } from './Checklist.js';
import { chatTarget } from './deep-link.js';
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
          {...(host.tenantId ? { tenantId: host.tenantId } : {})}
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
  /** Inside Teams: the user's tenant, for the chat deep link. */
  readonly tenantId?: string;
  /** Outside Teams: forget the browser's sign-in. */
  readonly signOut?: () => void;
}

export type TabSection = 'checklist' | 'procedures' | 'audit';

/** What "fix it in chat" said last: the Playground's message to send, or that Teams could not open the chat. */
export type ChatNotice =
  | { readonly kind: 'playground'; readonly message: string; readonly copied: boolean }
  | { readonly kind: 'failed' }
  | { readonly kind: 'no-bot' };

function TabContent(props: TabContentProps) {
  const { view, locale, languageTag, createClient, openLink, signOut, tenantId } = props;
  const styles = useTabAppStyles();
  const api = useMemo(() => createClient(languageTag), [createClient, languageTag]);
  // Who is signed in comes first: if Teams SSO or the server refuses, one message with Retry beats three.
  const loadMe = useCallback(() => api.me(), [api]);
  const [me, retryMe] = useResource(loadMe);
  const loadConfig = useCallback(() => api.publicConfig(), [api]);
  const [config] = useResource(loadConfig);
  const [section, setSection] = useState<TabSection>('checklist');
  const [notice, setNotice] = useState<ChatNotice | undefined>(undefined);

  /** Opens the bot's chat with `message` to send: Teams' deep link, or the local Playground (message copied). */
  const openChat = useCallback(
    async (message: string) => {
      setNotice(undefined);
      if (config.state !== 'ready') throw new Error('no bot settings');
      const target = chatTarget(config.data, message, tenantId);
      if (target.kind === 'teams') {
        await openLink(target.url);
        return;
      }
      window.open(target.url, '_blank', 'noopener');
      const copied = await navigator.clipboard?.writeText(target.message).then(
        () => true,
        () => false,
      );
      setNotice({ kind: 'playground', message: target.message, copied: copied === true });
    },
    [config, openLink, tenantId],
  );
  const fix = useCallback(
    (item: ChecklistItem) => {
      if (!item.fix) return;
      const noBot = config.state !== 'ready';
      openChat(item.fix.title[locale]).catch(() => setNotice({ kind: noBot ? 'no-bot' : 'failed' }));
    },
    [openChat, locale, config.state],
  );

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
          <nav aria-label={tt(locale, 'app.nav')}>
            <TabList selectedValue={section} onTabSelect={(_, data) => setSection(data.value as TabSection)}>
              <Tab value="checklist">{tt(locale, 'nav.checklist')}</Tab>
              <Tab value="procedures">{tt(locale, 'nav.procedures')}</Tab>
              <Tab value="audit">{tt(locale, 'nav.audit')}</Tab>
            </TabList>
          </nav>
          {notice && <ChatNoticeBar locale={locale} notice={notice} onDismiss={() => setNotice(undefined)} />}
          {/* The checklist stays mounted (hidden) so its live reading carries on; the other sections load afresh on
              each visit, so runs and audit entries made meanwhile (an exception just accepted) show. */}
          <div hidden={section !== 'checklist'}>
            <Checklist api={api} locale={locale} languageTag={languageTag} onFix={fix} />
          </div>
          {section === 'procedures' && (
            <div className={styles.sections}>
              <ProcedureList api={api} locale={locale} openChat={openChat} />
              <RunList api={api} locale={locale} languageTag={languageTag} />
            </div>
          )}
          {section === 'audit' && <AuditLog api={api} locale={locale} languageTag={languageTag} />}
        </>
      )}
    </main>
  );
}

/** After "fix it in chat" / "start in chat": what to send in the Playground, or why the chat did not open. */
export function ChatNoticeBar(props: {
  readonly locale: Locale;
  readonly notice: ChatNotice;
  readonly onDismiss: () => void;
}) {
  const { locale, notice } = props;
  const styles = useTabAppStyles();
  if (notice.kind !== 'playground')
    return (
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          {tt(locale, notice.kind === 'failed' ? 'procedures.openFailed' : 'procedures.noBot')}
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={props.onDismiss}>{tt(locale, 'app.dismiss')}</Button>
        </MessageBarActions>
      </MessageBar>
    );
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        {tt(locale, 'checklist.fixPlayground')}{' '}
        <strong className={styles.message} data-chat-message>
          {notice.message}
        </strong>
        {notice.copied && <> — {tt(locale, 'checklist.fixCopied')}</>}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={() => void navigator.clipboard?.writeText(notice.message).catch(() => undefined)}>
          {tt(locale, 'checklist.copy')}
        </Button>
        <Button onClick={props.onDismiss}>{tt(locale, 'app.dismiss')}</Button>
      </MessageBarActions>
    </MessageBar>
  );
}
