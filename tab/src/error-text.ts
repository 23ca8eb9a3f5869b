import { TabApiError } from './api-client.js';
import { tt, type Locale } from './i18n.js';

/** What to tell the user about a failed call: the server's own message when it sent one, else ours. */
export function errorText(locale: Locale, error: unknown): string {
  if (!(error instanceof TabApiError)) return tt(locale, 'error.network');
  if (error.serverMessage) return error.serverMessage;
  switch (error.code) {
    case 'network':
      return tt(locale, 'error.network');
    case 'auth':
      return tt(locale, 'error.auth');
    case 'unauthorized':
      return tt(locale, 'error.unauthorized');
    case 'bad-response':
      return tt(locale, 'error.badResponse');
    default:
      return tt(locale, 'error.server', { status: error.status });
  }
}
