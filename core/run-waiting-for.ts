/**
 * What an open run waits for, as the tab API sends it (server/tab-run-view.ts builds it, tab/src/RunList.tsx says
 * it in words): plain JSON, safe to import from the browser. Step titles are null before the first step.
 */
import type { Localized } from './i18n/locale.js';

export type TabRunWaitingFor =
  | {
      readonly kind: 'rights';
      /** null: the rights check before the first step found nothing this admin can do. */
      readonly stepTitle: Localized | null;
      readonly missingRoles: readonly Localized[];
      readonly missingScopes: readonly string[];
    }
  | {
      readonly kind: 'deadline';
      readonly stepTitle: Localized | null;
      /** When the wait is over. */
      readonly until: string;
      /** When Sesame checks again by itself (absent once its automatic checks stopped). */
      readonly nextCheckAt?: string;
    }
  | {
      readonly kind: 'admin';
      readonly stepTitle: Localized | null;
      /** What the admin is asked in the chat. */
      readonly ask: 'confirm' | 'input' | 'choice' | 'manual' | 'secret';
    }
  | {
      readonly kind: 'retry';
      readonly stepTitle: Localized | null;
      readonly at: string;
      readonly reason?: Localized;
      readonly code?: string;
    }
  | {
      readonly kind: 'error';
      readonly stepTitle: Localized | null;
      readonly reason?: Localized;
      readonly code?: string;
    }
  | { readonly kind: 'graph'; readonly stepTitle: Localized | null };
