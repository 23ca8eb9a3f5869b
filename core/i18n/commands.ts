import { normalizeForMatch, type Locale } from './locale.js';

/** Words that work at any point of a conversation, in both languages. */
export type Command = 'help' | 'status' | 'cancel' | 'resume' | 'signout' | 'digest-on' | 'digest-off';

const words: Record<string, { command: Command; locale: Locale }> = {
  help: { command: 'help', locale: 'en' },
  '?': { command: 'help', locale: 'en' },
  aide: { command: 'help', locale: 'fr' },
  status: { command: 'status', locale: 'en' },
  statut: { command: 'status', locale: 'fr' },
  etat: { command: 'status', locale: 'fr' },
  cancel: { command: 'cancel', locale: 'en' },
  annuler: { command: 'cancel', locale: 'fr' },
  resume: { command: 'resume', locale: 'en' },
  reprendre: { command: 'resume', locale: 'fr' },
  // To act as someone else (another admin of the tenant), sign out: the next procedure asks for a sign-in.
  'sign out': { command: 'signout', locale: 'en' },
  signout: { command: 'signout', locale: 'en' },
  logout: { command: 'signout', locale: 'en' },
  deconnexion: { command: 'signout', locale: 'fr' },
  'se deconnecter': { command: 'signout', locale: 'fr' },
  'digest on': { command: 'digest-on', locale: 'en' },
  'weekly digest': { command: 'digest-on', locale: 'en' },
  'digest off': { command: 'digest-off', locale: 'en' },
  'resume hebdo': { command: 'digest-on', locale: 'fr' },
  'resume hebdo on': { command: 'digest-on', locale: 'fr' },
  'resume hebdo off': { command: 'digest-off', locale: 'fr' },
  'arreter resume hebdo': { command: 'digest-off', locale: 'fr' },
  'arreter le resume hebdo': { command: 'digest-off', locale: 'fr' },
};

/**
 * Recognises a command typed alone ("aide", "Help", "annuler"). The word's language is returned too: someone
 * who types "aide" wants French even if their Teams client is set to English.
 */
export function parseCommand(text: string): { command: Command; locale: Locale } | undefined {
  const normalized = text.trim() === '?' ? '?' : normalizeForMatch(text);
  return words[normalized];
}
