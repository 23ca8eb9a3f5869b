/** SecretSource over node:crypto's CSPRNG (randomInt draws without modulo bias). */
import { randomInt } from 'node:crypto';
import type { PasswordRules, Secret, SecretSource } from '../../core/ports/secret-source.js';

// No look-alikes (0/O, 1/l/I) so a password read off a card is typed right the first time.
const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#$%&*+-=?@^_'];

export function createCryptoSecretSource(): SecretSource {
  return {
    password({ length }: PasswordRules): Secret {
      if (length < 12 || length > 256) throw new RangeError('password length must be 12 to 256');
      const all = CLASSES.join('');
      // One of each class first (Entra ID wants three of four), the rest from all, then shuffled.
      const chars = CLASSES.map((c) => c[randomInt(c.length)]!);
      while (chars.length < length) chars.push(all[randomInt(all.length)]!);
      for (let i = chars.length - 1; i > 0; i -= 1) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j]!, chars[i]!];
      }
      return chars.join('') as Secret;
    },
  };
}
