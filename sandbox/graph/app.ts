/**
 * The HTTP face of the Graph side: reads the request (size limit, JSON), hands it to the router, writes the
 * answer with Graph's headers (request-id, client-request-id) and records it in the request log.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { TokenIssuer } from '../identity/token-issuer.js';
import type { SandboxRuntime } from '../runtime.js';
import type { GraphRequest } from './context.js';
import { GraphHttpError } from './errors.js';
import { dispatch, errorResponse } from './router.js';

/** Graph refuses request bodies over 4 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function readBody(c: Context, limit: number): Promise<string | undefined> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > limit) throw tooLarge();
  const stream = c.req.raw.body;
  if (!stream) return undefined;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (size === 0) return undefined;
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): GraphHttpError {
  return new GraphHttpError(
    413,
    'RequestEntityTooLarge',
    `The request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes.`,
  );
}

function malformed(): GraphHttpError {
  return new GraphHttpError(
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

export interface GraphAppOptions {
  readonly rt: SandboxRuntime;
  readonly issuer: TokenIssuer;
  readonly maxBodyBytes?: number;
}

export function mountGraph(app: Hono, o: GraphAppOptions): void {
  const handle = async (c: Context): Promise<Response> => {
    const url = new URL(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const requestId = randomUUID();
    const clientRequestId = headers['client-request-id'] ?? requestId;
    const base: GraphRequest = {
      method: c.req.method.toUpperCase(),
      path: url.pathname.replace(/^\/v1\.0/i, '') || '/',
      query: url.searchParams,
      headers,
      body: undefined,
      origin: url.origin,
      requestId,
      clientRequestId,
    };
    let status = 500;
    let scopes: string | null = null;
    let user: string | null = null;
    try {
      const only = o.rt.faults.onlyPaths;
      const slowed = !only || only.some((p) => base.path.toLowerCase().startsWith(p.toLowerCase()));
      if (o.rt.faults.latencyMs && o.rt.faults.latencyMs > 0 && slowed)
        await new Promise((r) => setTimeout(r, o.rt.faults.latencyMs));
      let req = base;
      try {
        const text = await readBody(c, o.maxBodyBytes ?? MAX_BODY_BYTES);
        if (text !== undefined && text.trim() !== '') {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw malformed();
          }
          req = { ...base, body };
        }
      } catch (e) {
        if (e instanceof GraphHttpError) {
          const res = errorResponse(base, e, o.rt.now());
          status = res.status;
          return c.json(res.body as object, res.status as 400, {
            ...res.headers,
            'request-id': requestId,
            'client-request-id': clientRequestId,
          });
        }
        throw e;
      }
      const res = await dispatch(req, {
        rt: o.rt,
        issuer: o.issuer,
        applyFaults: !/^\/\$batch\/?$/.test(req.path),
      });
      status = res.status;
      scopes = res.caller ? [...res.caller.scopes].join(' ') : null;
      user = res.caller?.user.userPrincipalName ?? null;
      const outHeaders = { ...res.headers, 'request-id': requestId, 'client-request-id': clientRequestId };
      if (res.body === undefined) return c.body(null, res.status as 204, outHeaders);
      return c.body(JSON.stringify(res.body), res.status as 200, outHeaders);
    } finally {
      o.rt.record({
        time: new Date(o.rt.now()).toISOString(),
        method: base.method,
        url: `${base.path}${url.search}`,
        status,
        scopes,
        user,
        requestId,
      });
    }
  };
  app.all('/v1.0', handle);
  app.all('/v1.0/*', handle);
}
