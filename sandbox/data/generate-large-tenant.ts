/**
 * A large tenant for paging tests and benchmarks: the seeded tenant plus `users` members and `guests` guests,
 * drawn from a seeded PRNG so the same parameters always give the same directory.
 */
import { guidFrom, type TenantState } from './model.js';
import { DEFAULT_DOMAIN, INITIAL_DOMAIN, SKU, baseUser, guestUser, seedTenant, signIn } from './seed.js';

export interface LargeTenantOptions {
  readonly users: number;
  readonly guests: number;
  readonly seed?: number;
}

/** mulberry32: small, fast, good enough to spread names and dates. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = ['Camille', 'Louis', 'Chloé', 'Hugo', 'Inès', 'Arthur', 'Manon', 'Jules', 'Zoé', 'Gabriel', 'Léna', 'Raphaël', 'Alice', 'Adam', 'Sarah', 'Nathan'];
const FAMILY = ['Lefebvre', 'Roux', 'Fontaine', 'Chevalier', 'Blanc', 'Garnier', 'Faure', 'Rousseau', 'Mercier', 'Lambert', 'Bonnet', 'Dupuis', 'Morel', 'Henry', 'Perrin', 'Clément'];
const VENDOR_DOMAINS = ['cegid.com', 'indio.fr', 'goto.com', 'partenaire.fr', 'audit-conseil.fr', 'example.org', 'gmail.com', 'outlook.fr'];
const DAY = 86_400_000;
const E3_LICENSE = Object.freeze([Object.freeze({ skuId: SKU.m365E3, disabledPlans: Object.freeze([]) })]);

/** Builds in a few seconds for 100,000 users and 20,000 guests (ids are derived, not hashed per user, for speed). */
export function generateLargeTenant(now: number, options: LargeTenantOptions): TenantState {
  const t = seedTenant(now);
  const rnd = prng(options.seed ?? 20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const prefix = guidFrom(`large:${options.seed ?? 20261122}`).slice(0, 8);
  const idOf = (kind: number, n: number): string =>
    `${prefix}-${kind.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;

  for (let i = 0; i < options.users; i++) {
    const given = pick(GIVEN);
    const family = pick(FAMILY);
    const upn = `${given}.${family}.${i}@${DEFAULT_DOMAIN}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    const u = baseUser(idOf(1, i), upn, `${given} ${family} ${i}`, now - Math.floor(rnd() * 2000) * DAY);
    u.givenName = given;
    u.surname = family;
    u.signInActivity = signIn(now - Math.floor(rnd() * 200) * DAY, false);
    if (rnd() < 0.7) u.assignedLicenses = E3_LICENSE as unknown as typeof u.assignedLicenses;
    if (rnd() < 0.02) u.accountEnabled = false;
    t.addUser(u);
  }
  for (let i = 0; i < options.guests; i++) {
    const mail = `guest${i}@${pick(VENDOR_DOMAINS)}`;
    const created = now - Math.floor(rnd() * 1000) * DAY;
    const accepted = rnd() < 0.8;
    const g = guestUser(
      { id: idOf(2, i), userPrincipalName: `${mail.replace('@', '_')}#EXT#@${INITIAL_DOMAIN}`, displayName: `Invité ${i}`, mail },
      accepted ? 'Accepted' : 'PendingAcceptance',
      created,
      created + (accepted ? DAY : 0),
    );
    if (accepted) g.signInActivity = signIn(now - Math.floor(rnd() * 365) * DAY, false);
    t.addUser(g);
  }
  return t;
}
