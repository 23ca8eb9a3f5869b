import { useCallback, useMemo, type ReactNode } from 'react';
import { Body1, Button, Spinner, Title2 } from '@fluentui/react-components';
import { TabApiClient } from './api-client.js';
import {
  beginSignIn,
  BrowserSignInError,
  browserSignInSettings,
  completeSignIn,
  forgetSignIn,
  type BrowserSignInSettings,
} from './browser-sign-in.js';
import { tt, type Locale } from './i18n.js';
import { OutsideTeams } from './OutsideTeams.js';
import { useOutsideTeamsStyles } from './OutsideTeams.styles.js';
import { useResource } from './use-resource.js';

export interface OutsideTeamsSignInProps {
  readonly locale: Locale;
  readonly languageTag: string;
  /** The tab's content, once signed in, with an API client carrying the browser's token. */
  readonly children: (createClient: (languageTag: string) => TabApiClient, signOut: () => void) => ReactNode;
}

/**
 * The tab opened in a plain browser: when the server offers a sign-in for it (local mode: the sandbox tenant's
 * authorize page), sign in with code + PKCE and show the tab; otherwise say where Sesame runs.
 */
export function OutsideTeamsSignIn({ locale, languageTag, children }: OutsideTeamsSignInProps) {
  const styles = useOutsideTeamsStyles();
  const load = useCallback(async () => {
    const config = await new TabApiClient({
      getToken: () => Promise.reject(new Error('no token for the public config')),
      language: languageTag,
    }).publicConfig();
    const settings = browserSignInSettings(config);
    if (!settings) return { settings: undefined, token: undefined };
    try {
      return { settings, token: await completeSignIn(settings) };
    } catch (e) {
      return { settings, token: undefined, error: e instanceof BrowserSignInError ? e.message : String(e) };
    }
  }, [languageTag]);
  const [state, retry] = useResource(load);
  const token = state.state === 'ready' ? state.data.token : undefined;
  const createClient = useMemo(
    () => (tag: string) =>
      new TabApiClient({
        getToken: async () => token ?? '',
        language: tag,
        // The token expired (or the sandbox's clock moved past it): forget it and offer the sign-in again.
        fetch: async (input, init) => {
          const response = await globalThis.fetch(input, init);
          if (response.status === 401) {
            forgetSignIn();
            window.location.reload();
          }
          return response;
        },
      }),
    [token],
  );
  const signOut = useCallback(() => {
    forgetSignIn();
    retry();
  }, [retry]);

  if (state.state === 'loading')
    return (
      <main className={styles.root}>
        <Spinner label={tt(locale, 'outside.signIn.checking')} />
      </main>
    );
  if (state.state === 'error' || !state.data.settings) return <OutsideTeams locale={locale} />;
  if (token) return <>{children(createClient, signOut)}</>;
  const settings: BrowserSignInSettings = state.data.settings;
  const error = 'error' in state.data ? state.data.error : undefined;
  return (
    <main className={styles.root}>
      <Title2 as="h1">{tt(locale, 'outside.signIn.title')}</Title2>
      <Body1 as="p">{tt(locale, 'outside.signIn.text')}</Body1>
      {error && (
        <Body1 as="p" role="alert">
          {tt(locale, 'outside.signIn.failed', { reason: error })}
        </Body1>
      )}
      <div>
        <Button appearance="primary" onClick={() => void beginSignIn(settings, languageTag)}>
          {tt(locale, 'outside.signIn.button')}
        </Button>
      </div>
    </main>
  );
}
