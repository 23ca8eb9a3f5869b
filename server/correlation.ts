import type { ILogger } from '@microsoft/teams.common';
import type { MiddlewareHandler } from 'hono';
import { withLogContext } from './logger.js';

/** Bodies larger than this are left to the messaging endpoint, which refuses them unread. */
const MAX_PEEK_BYTES = 256 * 1024;

/**
 * Every line logged while the bot handles an activity carries its id, conversation and tenant, so the lines of one
 * turn (Sesame's and the Teams SDK's) can be found together; one line per activity records how it was answered.
 * The body is parsed once: Hono keeps the parsed JSON for the messaging endpoint.
 */
export function correlateActivity(logger: ILogger): MiddlewareHandler {
  return async (c, next) => {
    if (Number(c.req.header('content-length') ?? '0') > MAX_PEEK_BYTES) return next();
    const activity = (await c.req.json().catch(() => undefined)) as
      | {
          id?: unknown;
          type?: unknown;
          conversation?: { id?: unknown; tenantId?: unknown };
          channelData?: { tenant?: { id?: unknown } };
        }
      | undefined;
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : undefined);
    return withLogContext(
      {
        activityId: text(activity?.id),
        conversationId: text(activity?.conversation?.id),
        tenantId: text(activity?.conversation?.tenantId) ?? text(activity?.channelData?.tenant?.id),
      },
      async () => {
        await next();
        logger.info('activity', { activityType: text(activity?.type), status: c.res.status });
      },
    );
  };
}
