/** Delegated permission grants (oauth2PermissionGrants). */

import type { RouteKey } from '../route-table.js';
import { type Handler, list } from './shared.js';

export const permissionGrantHandlers = {
  'GET /oauth2PermissionGrants': (a) =>
    list(a, a.rt.state.oauth2PermissionGrants, {
      type: 'oAuth2PermissionGrant',
      directoryObjects: false,
      contextPath: 'oauth2PermissionGrants',
    }),
} satisfies Partial<Record<RouteKey, Handler>>;
