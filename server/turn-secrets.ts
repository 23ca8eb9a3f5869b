import { AsyncLocalStorage } from 'node:async_hooks';
import type { ILogger } from '@microsoft/teams.common';
import type { MiddlewareHandler } from 'hono';
import { SECRET_FIELD_MIN_LENGTH } from '../core/engine/steps/action.js';
import { SecretRegistry } from '../core/engine/secrets.js';
import { SECRET_INPUT_PREFIX } from '../bot/cards/run-card.js';

/**
 * The process's live secrets, each turn told apart by node's AsyncLocalStorage: a turn's secrets are forgotten when
 * that turn ends, whatever other turns are still in progress.
 */
export function createLiveSecrets(): SecretRegistry {
  return new SecretRegistry(new AsyncLocalStorage<Set<string>>());
}

/** Bodies larger than this are left to the messaging endpoint, which refuses them unread. */
const MAX_PEEK_BYTES = 256 * 1024;

/**
 * Each activity is one turn of the process's SecretRegistry: a secret generated or typed while it is handled
 * stays live (masked in every log line, refused by the store) until the answer has gone out and the Teams SDK
 * has logged it, then is forgotten. What the admin typed in a secret field (`secret:<id>` inputs, in an
 * Action.Execute invoke or its Action.Submit fallback) is made live here, before the SDK or Sesame reads it.
 */
export function holdTurnSecrets(registry: SecretRegistry): MiddlewareHandler {
  return (c, next) =>
    registry.during(async () => {
      if (Number(c.req.header('content-length') ?? '0') <= MAX_PEEK_BYTES) {
        const body = (await c.req.json().catch(() => undefined)) as { value?: unknown } | undefined;
        for (const value of typedSecrets(body?.value)) registry.add(value);
      }
      await next();
    });
}

/** The values of `secret:` inputs in an activity's value (invoke: value.action.data; message: value). */
export function typedSecrets(value: unknown): string[] {
  const data =
    value && typeof value === 'object' && 'action' in value
      ? (value as { action?: { data?: unknown } }).action?.data
      : value;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  return Object.entries(data as Record<string, unknown>)
    .filter(([k, v]) => k.startsWith(SECRET_INPUT_PREFIX) && typeof v === 'string')
    .map(([, v]) => (v as string).trim())
    .filter((v) => v.length >= SECRET_FIELD_MIN_LENGTH);
}

/**
 * A logger that masks every live secret, whoever calls it (Sesame, or the Teams SDK it is given to) and at
 * every level: strings, error messages and stacks, and the strings inside logged objects.
 */
export function maskingLiveSecrets(logger: ILogger, registry: SecretRegistry): ILogger {
  const mask = (parts: unknown[]) => (registry.size === 0 ? parts : parts.map((p) => maskValue(p, registry)));
  const wrapped: ILogger = {
    get loggerOptions() {
      return logger.loggerOptions;
    },
    error: (...msg: unknown[]) => logger.error(...mask(msg)),
    warn: (...msg: unknown[]) => logger.warn(...mask(msg)),
    info: (...msg: unknown[]) => logger.info(...mask(msg)),
    debug: (...msg: unknown[]) => logger.debug(...mask(msg)),
    trace: (...msg: unknown[]) => logger.trace(...mask(msg)),
    log: (level, ...msg: unknown[]) => logger.log(level, ...mask(msg)),
    child: (name, overrides) => maskingLiveSecrets(logger.child(name, overrides), registry),
  };
  return wrapped;
}

function maskValue(value: unknown, registry: SecretRegistry, depth = 0, seen = new WeakMap()): unknown {
  if (typeof value === 'string') return registry.mask(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  // Deeper than any logger prints (server/logger.ts stops at 6).
  if (depth > 8) return '[…]';
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error & Record<string, unknown>;
    seen.set(value, copy);
    for (const [k, v] of Object.entries(value)) copy[k] = maskValue(v, registry, depth + 1, seen);
    Object.defineProperty(copy, 'message', { value: registry.mask(value.message), enumerable: false });
    if (value.stack)
      Object.defineProperty(copy, 'stack', { value: registry.mask(value.stack), enumerable: false });
    if (value.cause !== undefined) copy.cause = maskValue(value.cause, registry, depth + 1, seen);
    return copy;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(maskValue(v, registry, depth + 1, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = maskValue(v, registry, depth + 1, seen);
  return out;
}
