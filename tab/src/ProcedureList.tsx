import { useCallback, useState } from 'react';
import {
  Body1,
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  Title3,
  useId,
} from '@fluentui/react-components';
import type { TabApiClient, TabProcedure } from './api-client.js';
import { procedureStartText } from './deep-link.js';
import { tt, type Locale } from './i18n.js';
import { LoadError } from './LoadError.js';
import { useProcedureListStyles } from './ProcedureList.styles.js';
import { useResource, type Resource } from './use-resource.js';

export interface ProcedureListProps {
  readonly api: TabApiClient;
  readonly locale: Locale;
  /** Opens the chat with the bot with this message to send (TabApp: Teams deep link or the local Playground). */
  readonly openChat: (message: string) => Promise<void>;
}

export interface ProcedureListData {
  readonly procedures: TabProcedure[];
  /** Absent when /tab/config.json could not be read: the list still shows, without Start buttons. */
  readonly botId: string | undefined;
}

/** The procedures Sesame can run, each with a "Start in chat" button that opens the bot chat. */
export function ProcedureList({ api, locale, openChat }: ProcedureListProps) {
  const [openFailed, setOpenFailed] = useState(false);
  const load = useCallback(async (): Promise<ProcedureListData> => {
    const [procedures, config] = await Promise.all([
      api.procedures(),
      api.publicConfig().catch(() => undefined),
    ]);
    return { procedures, botId: config?.botId };
  }, [api]);
  const [resource, retry] = useResource(load);

  const start = (procedure: TabProcedure) => {
    setOpenFailed(false);
    openChat(procedureStartText(procedure, locale)).catch(() => setOpenFailed(true));
  };

  return (
    <ProcedureListView
      locale={locale}
      resource={resource}
      onRetry={retry}
      onStart={start}
      openFailed={openFailed}
    />
  );
}

export interface ProcedureListViewProps {
  readonly locale: Locale;
  readonly resource: Resource<ProcedureListData>;
  readonly onRetry: () => void;
  readonly onStart: (procedure: TabProcedure, botId: string) => void;
  /** Teams refused to open the last deep link. */
  readonly openFailed: boolean;
}

/** What the procedure list shows in each state; no loading of its own (rendered as is by tests). */
export function ProcedureListView({
  locale,
  resource,
  onRetry,
  onStart,
  openFailed,
}: ProcedureListViewProps) {
  const styles = useProcedureListStyles();
  const headingId = useId('procedures-heading');
  return (
    <section className={styles.root} aria-labelledby={headingId}>
      <Title3 as="h2" id={headingId}>
        {tt(locale, 'procedures.title')}
      </Title3>
      <Body1 as="p">{tt(locale, 'procedures.intro')}</Body1>
      {resource.state === 'loading' && <Spinner size="small" label={tt(locale, 'procedures.loading')} />}
      {resource.state === 'error' && <LoadError locale={locale} error={resource.error} onRetry={onRetry} />}
      {resource.state === 'ready' && (
        <>
          {resource.data.botId === undefined && resource.data.procedures.length > 0 && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>{tt(locale, 'procedures.noBot')}</MessageBarBody>
            </MessageBar>
          )}
          {openFailed && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>{tt(locale, 'procedures.openFailed')}</MessageBarBody>
            </MessageBar>
          )}
          {resource.data.procedures.length === 0 ? (
            <Text as="p">{tt(locale, 'procedures.empty')}</Text>
          ) : (
            <ul className={styles.list}>
              {resource.data.procedures.map((procedure) => {
                const title = procedure.title[locale];
                const botId = resource.data.botId;
                return (
                  <li key={procedure.id} className={styles.item}>
                    <article className={styles.card}>
                      <Subtitle2 as="h3">{title}</Subtitle2>
                      <Body1 as="p" className={styles.summary}>
                        {procedure.summary[locale]}
                      </Body1>
                      <div className={styles.footer}>
                        <Button
                          appearance="primary"
                          disabledFocusable={botId === undefined}
                          aria-label={tt(locale, 'procedures.startLabel', { title })}
                          onClick={() => botId !== undefined && onStart(procedure, botId)}
                        >
                          {tt(locale, 'procedures.start')}
                        </Button>
                      </div>
                    </article>
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
