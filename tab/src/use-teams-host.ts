import { useEffect, useState } from 'react';
import {
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  type Theme,
} from '@fluentui/react-components';
import { formattingTag, tabLocale, type Locale } from './i18n.js';
import {
  browserLanguage,
  connectToTeams,
  onTeamsThemeChange,
  type TeamsHost,
  type TeamsTheme,
} from './teams-host.js';

export interface TeamsHostState {
  /** `connecting` until Teams answers; `outside` when the page is not in Teams (or Teams never answered). */
  readonly status: 'connecting' | 'inside' | 'outside';
  readonly locale: Locale;
  /** BCP-47 tag for dates and for the API's Accept-Language. */
  readonly languageTag: string;
  readonly theme: Theme;
  /** Inside Teams: the user's tenant, for deep links. */
  readonly tenantId?: string;
}

export function fluentTheme(theme: TeamsTheme): Theme {
  if (theme === 'dark') return teamsDarkTheme;
  if (theme === 'contrast') return teamsHighContrastTheme;
  return teamsLightTheme;
}

/**
 * Outside Teams (npm start's tab in a browser) the page follows the system instead: Windows' contrast themes
 * (forced colours) → high contrast, a dark system → dark.
 */
export function systemTheme(matches: (query: string) => boolean): TeamsTheme {
  if (matches('(forced-colors: active)')) return 'contrast';
  if (matches('(prefers-color-scheme: dark)')) return 'dark';
  return 'default';
}

const mediaMatches = (query: string) =>
  typeof window !== 'undefined' &&
  typeof window.matchMedia === 'function' &&
  window.matchMedia(query).matches;

/** Connects to Teams once and follows its theme; `connect` is a seam for tests and previews. */
export function useTeamsHost(connect: () => Promise<TeamsHost | undefined> = connectToTeams): TeamsHostState {
  const [host, setHost] = useState<TeamsHost | undefined | 'connecting'>('connecting');
  const [theme, setTheme] = useState<TeamsTheme>('default');

  useEffect(() => {
    let current = true;
    void connect().then((connected) => {
      if (!current) return;
      setHost(connected);
      if (connected) {
        setTheme(connected.theme);
        onTeamsThemeChange((next) => current && setTheme(next));
      } else {
        setTheme(systemTheme(mediaMatches));
      }
    });
    return () => {
      current = false;
    };
  }, [connect]);

  // Outside Teams, a change of the system's theme applies at once.
  useEffect(() => {
    if (host !== undefined || typeof window === 'undefined' || typeof window.matchMedia !== 'function')
      return;
    const queries = ['(forced-colors: active)', '(prefers-color-scheme: dark)'].map((q) =>
      window.matchMedia(q),
    );
    const follow = () => setTheme(systemTheme(mediaMatches));
    queries.forEach((q) => q.addEventListener('change', follow));
    return () => queries.forEach((q) => q.removeEventListener('change', follow));
  }, [host]);

  const teamsLocale = host === 'connecting' ? undefined : host?.locale;
  const locale = tabLocale(teamsLocale, browserLanguage());

  // Screen readers pick their voice from the page's language.
  useEffect(() => {
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  }, [locale]);
  return {
    status: host === 'connecting' ? 'connecting' : host ? 'inside' : 'outside',
    locale,
    languageTag: formattingTag(locale, teamsLocale ?? browserLanguage()),
    theme: fluentTheme(theme),
    ...(host !== 'connecting' && host?.tenantId ? { tenantId: host.tenantId } : {}),
  };
}
