import type { Locale } from '../../core/i18n/locale.js';
import { adaptiveCard, textBlock, type AdaptiveCard } from './adaptive-card.js';
import { CardText } from './card-text.js';

const texts = {
  unknownAction: {
    en: ['This button is no longer active.', 'Type **help** to see the procedures.'],
    fr: ['Ce bouton n’est plus actif.', 'Tapez **aide** pour voir les procédures.'],
  },
  signedIn: {
    en: ['You are signed in.', 'Sesame continues with your permissions.'],
    fr: ['Vous êtes connecté.', 'Sesame continue avec vos droits.'],
  },
  signedOut: {
    en: [
      'You are signed out.',
      'The next procedure asks you to sign in again: you can pick another account then.',
    ],
    fr: [
      'Vous êtes déconnecté.',
      'La prochaine procédure vous redemandera de vous connecter : vous pourrez alors choisir un autre compte.',
    ],
  },
  notSignedIn: {
    en: [
      'Sesame does not see your sign-in yet.',
      'Use the Sign in button, pick your account, then come back.',
    ],
    fr: [
      'Sesame ne voit pas encore votre connexion.',
      'Utilisez le bouton Se connecter, choisissez votre compte, puis revenez.',
    ],
  },
} as const;

/** A short card with a title and a line: for answers that need no buttons. */
export function messageCard(locale: Locale, key: keyof typeof texts): AdaptiveCard {
  const [title, text] = texts[key][locale];
  return adaptiveCard([
    textBlock(CardText.trusted(title), { weight: 'Bolder' }),
    textBlock(CardText.trusted(text)),
  ]);
}
