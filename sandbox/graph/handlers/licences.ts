/** Licences the tenant subscribes to. */

import type { RouteKey } from '../route-table.js';
import { type Handler, list } from './shared.js';

export const licenceHandlers = {
  // Graph offers no $filter, $top or paging on subscribedSkus: callers filter in code.
  'GET /subscribedSkus': (a) =>
    list(
      a,
      a.rt.state.subscribedSkus,
      { type: 'subscribedSku', directoryObjects: false, filterable: false, contextPath: 'subscribedSkus' },
      ['$select'],
    ),
} satisfies Partial<Record<RouteKey, Handler>>;
