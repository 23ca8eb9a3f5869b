/**
 * The vendor apps Sesame knows by app id: those its procedures ask an administrator to consent to. A gallery app
 * (procedure D's GoTo / LogMeIn) gets a new app id in each tenant, so it is not listed here.
 */
import type { Localized } from '../i18n/locale.js';

export interface KnownVendorApp {
  readonly appId: string;
  readonly name: Localized;
  /** The procedure that consents to it and verifies the consent (core/procedures/catalog.ts id). */
  readonly procedureId: string;
}

export const KNOWN_VENDOR_APPS: readonly KnownVendorApp[] = [
  {
    // Procedure B's CEGID_LOOP_APP_ID (tests/checklist checks they agree).
    appId: 'ff28182b-b927-4697-9f0e-3d38e40971a8',
    name: { fr: 'Cegid Loop (offres collaboratives)', en: 'Cegid Loop (collaborative offers)' },
    procedureId: 'client-collaboration-account',
  },
];
