/**
 * Where secrets come from (generated passwords), injected like the clock so tests and the composition root
 * choose the implementation (adapters/secrets: node:crypto). A secret is shown once, in the card of the turn
 * that produced it, and goes nowhere else: see core/engine/secrets.ts for how the runner keeps it out of the
 * store, the audit log and reminders.
 */

/** A secret value. The brand keeps it from being passed where a plain string (a run field, a log line) is expected. */
export type Secret = string & { readonly __secret: unique symbol };

export interface PasswordRules {
  readonly length: number;
}

export interface SecretSource {
  /** A password Entra ID accepts: upper and lower case letters, digits and symbols, no look-alike characters. */
  password(rules: PasswordRules): Secret;
}
