import type { SandboxAccessClaims } from '../contracts.js';
import type { GraphUser } from '../data/model.js';

/** The signed-in user behind a delegated token, with what Graph would check. */
export interface Caller {
  readonly user: GraphUser;
  readonly scopes: ReadonlySet<string>;
  /** Role template ids the user holds now (read from the directory, not from the token's wids). */
  readonly roles: ReadonlySet<string>;
  readonly claims: SandboxAccessClaims;
}

/** One Graph call, from the HTTP listener or from inside a $batch. */
export interface GraphRequest {
  readonly method: string;
  /** Path relative to /v1.0, still percent-encoded, e.g. /users/a%40b.fr */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  /** e.g. http://127.0.0.1:5990, for @odata.nextLink and @odata.context. */
  readonly origin: string;
  readonly requestId: string;
  readonly clientRequestId: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}
