/**
 * The tenant's calendar setting (core/calendar/tenant-calendars.ts: time zone + public holidays), France unless an
 * admin chose another with "calendrier be" / "calendar ch-ge". New runs count business days on it.
 */
import { CardText } from './cards/card-text.js';
import { StoreConflictError } from '../core/errors.js';
import {
  CALENDAR_IDS,
  calendarLabel,
  DEFAULT_CALENDAR,
  isCalendarId,
  type CalendarId,
} from '../core/calendar/tenant-calendars.js';
import type { Locale } from '../core/i18n/locale.js';
import type { Store } from '../core/ports/store.js';
import { adaptiveCard, textBlock, type AdaptiveCard } from './cards/adaptive-card.js';

const SETTING_ID = 'calendar';

export function createTenantCalendars(store: Store) {
  async function get(tenantId: string): Promise<CalendarId> {
    const record = await store.get<{ calendar: unknown }>('setting', tenantId, SETTING_ID);
    return isCalendarId(record?.value.calendar) ? record.value.calendar : DEFAULT_CALENDAR;
  }

  async function set(tenantId: string, calendar: CalendarId): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const existing = await store.get('setting', tenantId, SETTING_ID);
      try {
        if (existing) await store.replace('setting', tenantId, SETTING_ID, { calendar }, existing.etag);
        else await store.create('setting', tenantId, SETTING_ID, { calendar });
        return;
      } catch (e) {
        if (!(e instanceof StoreConflictError)) throw e;
      }
    }
  }

  return {
    get,
    set,
    /** "calendar [id]": sets it when a known id is given, then shows the current one and the choices. */
    async command(tenantId: string, locale: Locale, requested?: string): Promise<AdaptiveCard> {
      const wanted = requested?.toLowerCase();
      let note: string | undefined;
      if (wanted && isCalendarId(wanted)) await set(tenantId, wanted);
      else if (wanted)
        note =
          locale === 'fr'
            ? `Calendrier inconnu : ${wanted.replace(/[^a-z0-9-]/g, '')}.`
            : `Unknown calendar: ${wanted.replace(/[^a-z0-9-]/g, '')}.`;
      const current = await get(tenantId);
      const lines = CALENDAR_IDS.map((id) => `- \`${id}\` — ${calendarLabel(id, locale)}`).join('\n');
      return adaptiveCard([
        ...(note ? [textBlock(CardText.trusted(note), { color: 'Attention' })] : []),
        textBlock(
          CardText.trusted(
            locale === 'fr'
              ? `Calendrier du locataire : ${calendarLabel(current, locale)}. Les délais en jours ouvrés des nouvelles procédures sont comptés sur ce calendrier.`
              : `Tenant calendar: ${calendarLabel(current, locale)}. Business-day deadlines of new procedures are counted on it.`,
          ),
          { weight: 'Bolder' },
        ),
        textBlock(
          CardText.trusted(
            locale === 'fr'
              ? 'Pour en changer, tapez « calendrier » suivi de son code :'
              : 'To change it, type “calendar” followed by its code:',
          ),
        ),
        textBlock(CardText.trusted(lines), { size: 'Small' }),
      ]);
    },
  };
}

export type TenantCalendars = ReturnType<typeof createTenantCalendars>;
