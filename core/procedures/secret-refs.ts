/**
 * How step logic names a secret in a Graph call without holding it. A write that carries a generated password
 * or a token the admin typed puts `secretRef(name)` where the value goes; the run, its pending calls and the
 * audit keep that reference (only the name), and the runner puts the live value in just before the call leaves,
 * in the same turn. A reference whose value is not live (a later turn, a timer, a restart) is never sent.
 */

const OPEN = '\u27e6secret:';
const CLOSE = '\u27e7';
const REF = /\u27e6secret:([A-Za-z][\w.-]{0,63})\u27e7/g;

/** Stands for the secret `name` (a generated secret's name, or a secret field's id) in a Graph call's arguments. */
export function secretRef(name: string): string {
  return `${OPEN}${name}${CLOSE}`;
}

/** The secret names referenced anywhere in `value` (strings, arrays, objects). */
export function secretRefsIn(value: unknown): string[] {
  const names = new Set<string>();
  walk(value, (s) => {
    for (const m of s.matchAll(REF)) names.add(m[1]!);
    return s;
  });
  return [...names];
}

/**
 * `value` with every reference replaced by its live value; `missing` names those with none (the call must not be
 * sent then: it would carry the reference itself).
 */
export function resolveSecretRefs<T>(
  value: T,
  live: Readonly<Record<string, string>>,
): { readonly value: T; readonly missing: readonly string[] } {
  const missing = new Set<string>();
  const resolved = walk(value, (s) =>
    s.replace(REF, (ref, name: string) => {
      const v = Object.hasOwn(live, name) ? live[name] : undefined;
      if (v === undefined) missing.add(name);
      return v ?? ref;
    }),
  );
  return { value: resolved as T, missing: [...missing] };
}

function walk(value: unknown, onString: (s: string) => string): unknown {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, onString));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = walk(v, onString);
    return out;
  }
  return value;
}
