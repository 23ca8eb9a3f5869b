import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { StoreConflictError } from '../core/errors.js';
import type { Store } from '../core/ports/store.js';

/** Settings that belong to the installation, not to a tenant. */
const INSTALLATION = '00000000-0000-0000-0000-000000000000';
const KEY_ID = 'card-signing-key';

export interface CardSigner {
  sign(parts: readonly (string | number | undefined)[]): string;
  verify(parts: readonly (string | number | undefined)[], signature: unknown): boolean;
}

/**
 * Card buttons carry a signature over what they act on (verb, run, conversation, step version), so data edited on
 * the way back is refused instead of trusted. The key lives in the store: every instance, and the same instance
 * after a restart, accepts the cards it sent.
 */
export async function loadCardSigner(store: Store): Promise<CardSigner> {
  // A KeyObject once, rather than the raw key prepared again for every signature (reminder bursts sign thousands).
  const key = createSecretKey(await loadOrCreateKey(store));
  const mac = (parts: readonly (string | number | undefined)[]) =>
    createHmac('sha256', key)
      .update(parts.map((p) => (p === undefined ? '' : String(p))).join('\u001f'))
      .digest();
  return {
    sign: (parts) => mac(parts).toString('base64url'),
    verify(parts, signature) {
      if (typeof signature !== 'string' || signature.length > 100) return false;
      const expected = mac(parts);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

async function loadOrCreateKey(store: Store): Promise<Buffer> {
  const existing = await store.get<{ key: string }>('setting', INSTALLATION, KEY_ID);
  if (existing) return Buffer.from(existing.value.key, 'base64');
  try {
    const created = await store.create('setting', INSTALLATION, KEY_ID, {
      key: randomBytes(32).toString('base64'),
    });
    return Buffer.from(created.value.key, 'base64');
  } catch (e) {
    // Another instance created it first: use theirs.
    if (!(e instanceof StoreConflictError)) throw e;
    const again = await store.get<{ key: string }>('setting', INSTALLATION, KEY_ID);
    if (!again) throw e;
    return Buffer.from(again.value.key, 'base64');
  }
}
