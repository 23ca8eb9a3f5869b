/** The organization (tenant) object. */

import type { RouteKey } from '../route-table.js';
import { type Handler, list } from './shared.js';

export const organizationHandlers = {
  'GET /organization': (a) =>
    list(
      a,
      [a.rt.state.organization],
      { type: 'organization', directoryObjects: false, contextPath: 'organization' },
      ['$select'],
    ),
} satisfies Partial<Record<RouteKey, Handler>>;
