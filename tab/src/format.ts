/** Date and time as the user reads them ("22 nov. 2026, 14:05"); the raw value when it is not a date. */
export function formatDateTime(iso: string, languageTag: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(languageTag, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A day as the user reads it ("1 déc. 2026"). */
export function formatDate(iso: string, languageTag: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(languageTag, { dateStyle: 'medium' }).format(date);
}
