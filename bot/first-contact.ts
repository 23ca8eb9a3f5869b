import { StoreConflictError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';

/**
 * The welcome card goes once per conversation: Teams announces an install twice (conversationUpdate, then
 * installationUpdate, possibly on two instances at once). Whoever creates the marker sends the card.
 */
export function createFirstContact(store: Store, clock: Clock) {
  return async function claimWelcome(tenantId: string, conversationId: string): Promise<boolean> {
    try {
      await store.create('conversation', tenantId, `welcome:${conversationId}`, {
        at: new Date(clock.now()).toISOString(),
      });
      return true;
    } catch (e) {
      if (e instanceof StoreConflictError) return false;
      throw e;
    }
  };
}
