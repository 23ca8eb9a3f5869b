/**
 * Keeping secrets out of everything that lasts. Secrets generated during a turn are registered here for that
 * turn; the store the runner writes through refuses any run, audit entry or reminder whose JSON contains one,
 * so a procedure that copies a secret into a fact, an outcome or a reminder text fails loudly instead of
 * leaking. The registry forgets a turn's values when that turn ends.
 */
import { SesameError } from '../errors.js';
import type { Store } from '../ports/store.js';

export class SecretRegistry {
  private readonly values = new Set<string>();

  add(value: string): void {
    this.values.add(value);
  }

  /** Throws when `value`, serialized as the store would, contains a live secret. */
  assertAbsent(value: unknown, where: string): void {
    if (this.values.size === 0) return;
    const json = JSON.stringify(value) ?? '';
    for (const secret of this.values) {
      if (json.includes(secret) || json.includes(JSON.stringify(secret).slice(1, -1))) {
        throw new SesameError('secret_leak', `a secret was about to be written to ${where}`, {
          details: { where },
        });
      }
    }
  }

  /** The turn that generated these is over: forget them. */
  forget(values: Iterable<string>): void {
    for (const v of values) this.values.delete(v);
  }
}

/** The store, refusing to write a live secret into a run, the audit log or a reminder. */
export function secretRefusingStore(store: Store, registry: SecretRegistry): Store {
  return {
    ...bindAll(store),
    create: async (kind, tenantId, id, value, conversationId) => {
      registry.assertAbsent(value, `a ${kind}`);
      return store.create(kind, tenantId, id, value, conversationId);
    },
    replace: async (kind, tenantId, id, value, etag) => {
      registry.assertAbsent(value, `a ${kind}`);
      return store.replace(kind, tenantId, id, value, etag);
    },
    appendAudit: async (entry) => {
      registry.assertAbsent(entry, 'the audit log');
      return store.appendAudit(entry);
    },
    scheduleReminder: async (reminder) => {
      registry.assertAbsent(reminder, 'a reminder');
      return store.scheduleReminder(reminder);
    },
  };
}

function bindAll(store: Store): Store {
  const out: Record<string, unknown> = {};
  let proto: object | null = store;
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const v = (store as unknown as Record<string, unknown>)[key];
      if (typeof v === 'function' && key !== 'constructor' && !(key in out))
        out[key] = (v as (...a: unknown[]) => unknown).bind(store);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as unknown as Store;
}
