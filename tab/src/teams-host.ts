import { app } from '@microsoft/teams-js';

export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface TeamsHost {
  /** Teams' app locale ("fr-FR", "en-US"); may be empty on some hosts. */
  readonly locale: string | undefined;
  readonly theme: TeamsTheme;
  /** The user's tenant (Entra tenant id), from Teams' context. */
  readonly tenantId?: string;
}

/**
 * How long to wait for Teams before concluding the page is not inside it. Opened as a top-level page,
 * `app.initialize()` rejects at once; inside some other frame it never answers, hence the timeout. Teams on a slow
 * machine can take a few seconds, so this is generous.
 */
export const TEAMS_INIT_TIMEOUT_MS = 8000;

export function toTeamsTheme(theme: string | undefined): TeamsTheme {
  // "glass" (Teams on some devices) is a light theme as far as Fluent is concerned.
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

/** Connects to the Teams host; `undefined` when the page is not running inside Teams. */
export async function connectToTeams(timeoutMs = TEAMS_INIT_TIMEOUT_MS): Promise<TeamsHost | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([app.initialize().then(() => 'ready' as const), timedOut]);
    if (outcome === 'timeout') return undefined;
    const context = await app.getContext();
    // Teams keeps its own loading indicator up (manifest showLoadingIndicator) until told the app is ready; the
    // tab shows its own spinners from here on.
    notifyReady();
    const tenantId = context.user?.tenant?.id;
    return {
      locale: context.app.locale || undefined,
      theme: toTeamsTheme(context.app.theme),
      ...(tenantId ? { tenantId } : {}),
    };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function notifyReady(): void {
  try {
    app.notifyAppLoaded();
    app.notifySuccess().catch(() => undefined);
  } catch {
    // An older host without these calls has no loading indicator to hide either.
  }
}

/** Calls `handler` whenever the user switches Teams' theme. */
export function onTeamsThemeChange(handler: (theme: TeamsTheme) => void): void {
  app.registerOnThemeChangeHandler((theme) => handler(toTeamsTheme(theme)));
}

/** The browser's language, for when Teams gives none (or the page runs outside Teams). */
export function browserLanguage(): string | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.language;
}
