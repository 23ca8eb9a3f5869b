/**
 * Typed errors: every failure Sesame can explain carries a code to branch on. They are turned into
 * user-facing text in one place (core/i18n/describe-error.ts), never where they are thrown.
 */
export type SesameErrorCode =
  // configuration
  | 'config_invalid'
  // store
  | 'store_conflict'
  | 'store_not_found'
  // Microsoft Graph
  | 'graph_forbidden'
  | 'graph_not_found'
  | 'graph_bad_request'
  | 'graph_conflict'
  | 'graph_throttled'
  | 'graph_unavailable'
  | 'graph_unauthorized'
  | 'graph_network'
  | 'graph_unexpected'
  // DNS (procedure B tells an unknown domain from one without Microsoft 365)
  | 'dns_unavailable'
  // sign-in
  | 'auth_required'
  | 'auth_failed'
  // conversation / cards
  | 'card_stale'
  | 'card_tampered'
  | 'card_wrong_tenant'
  | 'tenant_mismatch'
  | 'card_wrong_conversation'
  | 'run_not_found'
  | 'run_interrupted'
  | 'tab_forbidden'
  // the checklist tab
  | 'checklist_forbidden'
  | 'checklist_invalid'
  | 'checklist_not_found'
  | 'procedure_unknown'
  | 'input_invalid'
  | 'action_invalid'
  | 'missing_role'
  // a secret about to reach the store, the audit log or a reminder
  | 'secret_leak'
  // a Graph call names a secret that is no longer live (its turn is over): it was not sent
  | 'secret_unavailable';

export interface SesameErrorOptions {
  readonly status?: number;
  readonly requestId?: string;
  readonly cause?: unknown;
  /** Values the user-facing text may interpolate (never secrets). */
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

export class SesameError extends Error {
  readonly code: SesameErrorCode;
  readonly status?: number;
  readonly requestId?: string;
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>>;

  constructor(code: SesameErrorCode, message: string, options: SesameErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SesameError';
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId;
    this.details = options.details ?? {};
  }
}

/** A configuration value is missing or malformed; `variable` names what to set and `file` where. */
export class ConfigError extends SesameError {
  readonly variable: string;
  readonly file: string;
  constructor(variable: string, file: string, problem: string) {
    super('config_invalid', `${variable}: ${problem} (set it in ${file})`, { details: { variable, file } });
    this.name = 'ConfigError';
    this.variable = variable;
    this.file = file;
  }
}

/** An optimistic-concurrency write lost: someone else changed the record since it was read. */
export class StoreConflictError extends SesameError {
  constructor(kind: string, id: string, cause?: unknown) {
    super('store_conflict', `${kind} ${id} was changed by someone else`, {
      status: 409,
      cause,
      details: { kind, id },
    });
    this.name = 'StoreConflictError';
  }
}

/** Graph answered with an error (or could not be reached); status and request-id as Graph gave them. */
export class GraphError extends SesameError {
  /** Graph's own error code (e.g. Authorization_RequestDenied, Request_ResourceNotFound). */
  readonly graphCode: string;
  readonly retryAfterSeconds?: number;
  constructor(
    code: SesameErrorCode,
    message: string,
    options: SesameErrorOptions & { graphCode: string; retryAfterSeconds?: number },
  ) {
    super(code, message, options);
    this.name = 'GraphError';
    this.graphCode = options.graphCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** DNS gave no answer about a domain (timeout, refused, server failure): nothing is known of the domain. */
export class DomainLookupError extends SesameError {
  constructor(message: string, cause?: unknown) {
    super('dns_unavailable', message, cause === undefined ? {} : { cause });
    this.name = 'DomainLookupError';
  }
}

export function isSesameError(e: unknown): e is SesameError {
  return e instanceof SesameError;
}
