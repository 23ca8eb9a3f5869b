import { request as httpsRequest } from 'node:https';
import {
  AuthError,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { HttpsTrust } from './https-trust.js';

/** What the network module reports about each request: never headers or bodies (they hold secrets and tokens). */
export interface MsalRequestEvent {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** 0 when no answer came. */
  readonly status: number;
}

export interface MsalNetworkOptions {
  /** The CA to trust beyond Node's roots (the sandbox's certificate); production passes `httpsTrust()`. */
  readonly trust: HttpsTrust;
  /**
   * When set, MSAL may only reach these origins (e.g. the sandbox's `https://127.0.0.1:5991`): anything else —
   * instance discovery against login.microsoftonline.com, a region probe — fails instead of leaving the machine.
   */
  readonly allowedOrigins?: readonly string[];
  /** Called after each request (tests count token requests with it). */
  readonly onRequest?: (event: MsalRequestEvent) => void;
  /** Default 10 s when MSAL gives none. */
  readonly timeoutMs?: number;
}

/**
 * MSAL's network module over node:https with the HttpsTrust agent. MSAL Node's own client uses the global fetch,
 * which cannot be given an extra CA at run time (NODE_EXTRA_CA_CERTS is only read at process start); this one
 * lets MSAL trust the sandbox tenant's self-signed loopback certificate. MSAL wants the body parsed as JSON.
 */
export function createMsalNetworkModule(options: MsalNetworkOptions): INetworkModule {
  const allowed = options.allowedOrigins?.map((o) => new URL(o).origin);

  function send<T>(
    method: 'GET' | 'POST',
    url: string,
    init: NetworkRequestOptions | undefined,
    timeoutMs: number,
  ): Promise<NetworkResponse<T>> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.reject(new AuthError('network_error', '', `MSAL asked for an invalid URL`));
    }
    const where = `${target.origin}${target.pathname}`;
    if (target.protocol !== 'https:') {
      return Promise.reject(
        new AuthError('network_error', '', `Refusing a non-HTTPS identity request to ${where}`),
      );
    }
    if (allowed && !allowed.includes(target.origin)) {
      options.onRequest?.({ method, url: where, status: 0 });
      return Promise.reject(
        new AuthError(
          'network_error',
          '',
          `Refusing an identity request to ${where}: only ${allowed.join(', ')} is allowed`,
        ),
      );
    }
    const body = method === 'POST' ? (init?.body ?? '') : undefined;
    const headers: Record<string, string> = { ...(init?.headers ?? {}) };
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        target,
        { method, headers, agent: options.trust.agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) =>
            reject(new AuthError('network_error', '', `Identity request to ${where} failed: ${e.message}`)),
          );
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            options.onRequest?.({ method, url: where, status });
            const responseHeaders: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === 'string') responseHeaders[k] = v;
              else if (Array.isArray(v)) responseHeaders[k] = v.join(', ');
            }
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ headers: responseHeaders, body: (text ? JSON.parse(text) : {}) as T, status });
            } catch {
              reject(
                new AuthError(
                  'token_parsing_error',
                  '',
                  `Identity endpoint ${where} answered ${status} with non-JSON`,
                ),
              );
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', (e) => {
        options.onRequest?.({ method, url: where, status: 0 });
        reject(new AuthError('network_error', '', `Identity request to ${where} failed: ${e.message}`));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  return {
    sendGetRequestAsync<T>(url: string, init?: NetworkRequestOptions, timeout?: number) {
      return send<T>('GET', url, init, timeout ?? options.timeoutMs ?? 10_000);
    },
    sendPostRequestAsync<T>(url: string, init?: NetworkRequestOptions) {
      return send<T>('POST', url, init, options.timeoutMs ?? 10_000);
    },
  };
}
