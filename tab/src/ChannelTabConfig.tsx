import { useEffect, useState } from 'react';
import { pages } from '@microsoft/teams-js';
import {
  Body1,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Title2,
} from '@fluentui/react-components';
import { channelTabInstanceConfig } from './channel-tab.js';
import { tt } from './i18n.js';
import { useChannelTabConfigStyles } from './ChannelTabConfig.styles.js';
import { OutsideTeams } from './OutsideTeams.js';
import { usePageStyles } from './TabApp.styles.js';
import type { TeamsHost } from './teams-host.js';
import { useTeamsHost } from './use-teams-host.js';

/** The channel tab's configuration page (config.html): nothing to choose, so it is valid as soon as Teams is. */
export function ChannelTabConfig({ connect }: { readonly connect?: () => Promise<TeamsHost | undefined> }) {
  usePageStyles();
  const styles = useChannelTabConfigStyles();
  const host = useTeamsHost(connect);
  const [saveFailed, setSaveFailed] = useState(false);

  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    if (host.status !== 'inside') return;
    // teams-js throws when the page is not in Teams' settings frame (opened as content, or by an old host):
    // say so instead of letting React unmount everything.
    try {
      pages.config.registerOnSaveHandler((saveEvent) => {
        setSaveFailed(false);
        pages.config.setConfig(channelTabInstanceConfig(window.location.origin)).then(
          () => saveEvent.notifySuccess(),
          (error: unknown) => {
            setSaveFailed(true);
            saveEvent.notifyFailure(error instanceof Error ? error.message : String(error));
          },
        );
      });
      pages.config.setValidityState(true);
    } catch {
      setUnavailable(true);
    }
  }, [host.status]);

  return (
    <FluentProvider theme={host.theme} lang={host.locale} className={styles.provider}>
      {host.status === 'connecting' && (
        <div className={styles.centered}>
          <Spinner label={tt(host.locale, 'config.loading')} />
        </div>
      )}
      {host.status === 'outside' && <OutsideTeams locale={host.locale} />}
      {host.status === 'inside' && (
        <main className={styles.main}>
          <Title2 as="h1">{tt(host.locale, 'config.title')}</Title2>
          <Body1 as="p">{tt(host.locale, 'config.text')}</Body1>
          {!unavailable && (
            <Text as="p" weight="semibold">
              {tt(host.locale, 'config.ready')}
            </Text>
          )}
          {unavailable && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>{tt(host.locale, 'config.unavailable')}</MessageBarBody>
            </MessageBar>
          )}
          {saveFailed && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>{tt(host.locale, 'config.saveFailed')}</MessageBarBody>
            </MessageBar>
          )}
        </main>
      )}
    </FluentProvider>
  );
}
