/** Groups: the tenant's groups, listed (what an admin assigns to an app). */
import type { RouteKey } from '../route-table.js';
import { type Handler, list } from './shared.js';

export const groupHandlers = {
  'GET /groups': (a) =>
    list(a, [...a.rt.state.groups.values()], {
      type: 'group',
      directoryObjects: true,
      maxTop: 999,
      contextPath: 'groups',
    }),
} satisfies Partial<Record<RouteKey, Handler>>;
