/** Licences the tenant subscribes to (assigning one to a user is users/assignLicense). */
import { operation } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const SUBSCRIBED_SKU = shape({
  skuId: 'id',
  skuPartNumber: 'string',
  /** 'Enabled' | 'Warning' | 'Suspended' | 'Deleted' | 'LockedOut' */
  capabilityStatus: 'string',
  consumedUnits: 'number',
  prepaidUnits: { object: { enabled: 'number', suspended: 'number', warning: 'number' } },
  servicePlans: {
    list: { servicePlanId: 'string', servicePlanName: 'string', provisioningStatus: 'string' },
  },
});
export type SubscribedSku = Shaped<typeof SUBSCRIBED_SKU>;

export const licenceOperations = {
  /** Graph offers no $filter on subscribedSkus: free seats (prepaidUnits.enabled − consumedUnits) are computed. */
  listSubscribedSkus: operation<[], { readonly skus: readonly SubscribedSku[] }>({
    resource: 'licences',
    method: 'GET',
    path: '/subscribedSkus',
    select: selectOf(SUBSCRIBED_SKU),
    paging: 'all',
    permission: 'LicenseAssignment.Read.All',
    roles: { kind: 'member' },
    purpose: 'C: a licence with an Exchange plan and free seats',
    example: [],
    request: () => ({}),
    read: (body, answer) => ({ skus: answer.items(body).map((s) => answer.shape(SUBSCRIBED_SKU, s)) }),
  }),
};
