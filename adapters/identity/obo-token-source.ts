import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { SesameError } from '../../core/errors.js';
import type { TokenSource, TokenSourceContext } from '../../core/ports/token-source.js';
import type { HttpsTrust } from './https-trust.js';
import { createMsalNetworkModule, type MsalRequestEvent } from './msal-network.js';

export interface OboTokenSourceOptions {
  /** https://login.microsoftonline.com, or the sandbox's HTTPS identity endpoint (MSAL refuses http). */
  readonly authorityHost: string;
  /**
   * The one tenant users sign in to (single-tenant deployment). Omitted: each call uses `ctx.tenantId`
   * (multi-tenant: the admin's own tenant).
   */
  readonly tenantId?: string;
  /** Sesame's app registration: the audience of the Teams SSO token, and the OBO client. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** e.g. ['https://graph.microsoft.com/.default'] (everything consented) or explicit delegated scopes. */
  readonly scopes: readonly string[];
  readonly trust: HttpsTrust;
  /**
   * Restrict MSAL to these origins (local mode: the sandbox's HTTPS origin), so nothing it does — instance
   * discovery, metadata — can leave the machine. Production leaves it unset.
   */
  readonly allowedOrigins?: readonly string[];
  /** MSAL's own log lines, PII already removed (MSAL runs with piiLoggingEnabled false). */
  readonly log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
  /** Observes MSAL's HTTP requests (method, URL, status only). */
  readonly onRequest?: (event: MsalRequestEvent) => void;
}

const INTERACTION_SUBERRORS = new Set([
  'consent_required',
  'interaction_required',
  'login_required',
  'basic_action',
  'additional_action',
  'message_only',
  'user_password_expired',
  'bad_token',
]);

const INTERACTION_CODES = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
]);

/**
 * invalid_grant that a new sign-in would not fix: the assertion was issued for another app (a configuration
 * mistake). Showing a sign-in card would only loop.
 */
const NOT_FIXED_BY_SIGN_IN = new Set(['500131', '700016', '7000215', '7000218', '90002']);

const JWT_LIKE = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;

interface MsalErrorLike {
  readonly name?: string;
  readonly errorCode?: string;
  readonly subError?: string;
  readonly errorMessage?: string;
  readonly errorNo?: string | number;
  readonly correlationId?: string;
  readonly message?: string;
}

/** The AADSTS description's first sentence, without Entra's trace/correlation ids and anything token-shaped. */
function shortDescription(text: string): string {
  const cut = text.split(/\s+Trace ID:/)[0] ?? '';
  return cut.replace(JWT_LIKE, '[redacted]').trim().slice(0, 300);
}

/** MSAL's error → SesameError auth_required (the bot shows a sign-in card) or auth_failed. Never the token. */
export function oboError(e: unknown): SesameError {
  const err = (e ?? {}) as MsalErrorLike;
  const text = `${err.errorMessage ?? ''} ${err.message ?? ''}`;
  const aadsts = [
    ...new Set([
      ...(err.errorNo ? [String(err.errorNo)] : []),
      ...[...text.matchAll(/AADSTS(\d+)/g)].map((m) => m[1]!),
    ]),
  ];
  const errorCode = err.errorCode ?? 'unknown_error';
  const subError = err.subError || undefined;
  const interaction =
    err.name === 'InteractionRequiredAuthError' ||
    aadsts.includes('65001') ||
    INTERACTION_CODES.has(errorCode) ||
    (subError !== undefined && INTERACTION_SUBERRORS.has(subError));
  const code =
    interaction && !aadsts.some((n) => NOT_FIXED_BY_SIGN_IN.has(n)) ? 'auth_required' : 'auth_failed';
  const description = shortDescription(err.errorMessage || err.message || '');
  const label = [errorCode, subError, ...aadsts.map((n) => `AADSTS${n}`)].filter(Boolean).join(' ');
  return new SesameError(
    code,
    `On-behalf-of token request failed (${label})${description ? `: ${description}` : ''}`,
    {
      // A summary, not MSAL's error object: nothing that could carry a credential travels with the error.
      cause: { errorCode, subError, aadsts, correlationId: err.correlationId },
      details: {
        errorCode,
        ...(subError ? { subError } : {}),
        ...(aadsts.length ? { aadsts: aadsts.map((n) => `AADSTS${n}`) } : {}),
        ...(err.correlationId ? { correlationId: err.correlationId } : {}),
      },
    },
  );
}

/** Reads `tid` and `oid` of the SSO token without trusting it (Entra verifies it in the exchange). */
function ssoTokenSubject(ssoToken: string): { tid?: string; oid?: string } | undefined {
  try {
    const claims = decodeJwt(ssoToken);
    return {
      ...(typeof claims.tid === 'string' ? { tid: claims.tid } : {}),
      ...(typeof claims.oid === 'string' ? { oid: claims.oid } : {}),
    };
  } catch {
    return undefined;
  }
}

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The TokenSource over MSAL Node's on-behalf-of flow: the Teams SSO token (audience = Sesame's API) is exchanged
 * for a delegated Graph token. MSAL's in-memory cache, keyed by the SSO token's hash, serves repeat calls until
 * five minutes before expiry. Offline with the sandbox: `knownAuthorities` holds the authority host, so MSAL skips
 * instance discovery and only fetches the authority's own OpenID metadata; the network module trusts the
 * sandbox's CA and may be fenced to its origin.
 */
export function createOboTokenSource(options: OboTokenSourceOptions): TokenSource {
  const authorityHost = options.authorityHost.replace(/\/+$/, '');
  const host = new URL(authorityHost);
  if (host.protocol !== 'https:') {
    throw new SesameError('config_invalid', `authorityHost must be an https URL, got ${authorityHost}`);
  }
  const log = options.log;
  const config: Configuration = {
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `${authorityHost}/${options.tenantId ?? 'organizations'}`,
      knownAuthorities: [host.host],
    },
    system: {
      networkClient: createMsalNetworkModule({
        trust: options.trust,
        ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
        ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      }),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message, containsPii) => {
          if (containsPii || !log) return;
          const mapped = level === LogLevel.Error ? 'error' : level === LogLevel.Warning ? 'warn' : 'info';
          log(mapped, message.replace(JWT_LIKE, '[redacted]'));
        },
      },
    },
  };
  const msal = new ConfidentialClientApplication(config);

  return {
    async getGraphToken(ctx: TokenSourceContext): Promise<string> {
      const tenantId = options.tenantId ?? ctx.tenantId;
      if (options.tenantId && !sameId(options.tenantId, ctx.tenantId)) {
        throw new SesameError(
          'auth_failed',
          `The user's tenant ${ctx.tenantId} is not the tenant Sesame serves`,
          {
            details: { tenantId: ctx.tenantId },
          },
        );
      }
      if (!ctx.ssoToken) {
        // MSAL caches on-behalf-of tokens by assertion: without the SSO token there is nothing to look up.
        throw new SesameError('auth_required', 'No Teams sign-in token for this user: sign-in needed');
      }
      const subject = ssoTokenSubject(ctx.ssoToken);
      if (!subject) throw new SesameError('auth_failed', 'The Teams sign-in token is not a JWT');
      if (
        (subject.tid && !sameId(subject.tid, ctx.tenantId)) ||
        (subject.oid && ctx.userId !== undefined && !sameId(subject.oid, ctx.userId))
      ) {
        throw new SesameError('auth_failed', 'The Teams sign-in token belongs to another user or tenant');
      }
      let result;
      try {
        result = await msal.acquireTokenOnBehalfOf({
          oboAssertion: ctx.ssoToken,
          scopes: [...options.scopes],
          authority: `${authorityHost}/${tenantId}`,
        });
      } catch (e) {
        throw oboError(e);
      }
      if (!result?.accessToken)
        throw new SesameError('auth_failed', 'The on-behalf-of exchange returned no token');
      return result.accessToken;
    },
  };
}
