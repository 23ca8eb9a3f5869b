import type { Hono } from 'hono';
import type { HttpMethod, HttpRouteHandler, IHttpServerAdapter } from '@microsoft/teams.apps';

/** Bot Framework activities are small; this bounds what an unauthenticated caller can make us parse. */
const MAX_ACTIVITY_BYTES = 256 * 1024;

/**
 * Lets the Teams SDK register its messaging endpoint on Sesame's Hono app, so one HTTP server serves the bot,
 * the tab and /healthz. The SDK keeps the Teams protocol (JWT validation, routing); Hono keeps HTTP.
 */
export class HonoTeamsAdapter implements IHttpServerAdapter {
  constructor(private readonly app: Hono) {}

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    if (method !== 'POST') throw new Error(`unsupported method ${method as string}`);
    this.app.post(path, async (c) => {
      const length = Number(c.req.header('content-length') ?? '0');
      if (length > MAX_ACTIVITY_BYTES) return c.json({ error: 'Payload too large' }, 413);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'Body must be a JSON activity' }, 400);
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return c.json({ error: 'Body must be a JSON activity' }, 400);
      }
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, key) => {
        headers[key] = value;
      });
      const response = await handler({ body, headers });
      if (response.body === undefined || response.body === null) return c.body(null, response.status as 200);
      return c.json(response.body as object, response.status as 200);
    });
  }
}
