/** Tenant relationships: which Microsoft Entra tenant (Microsoft 365 organisation) a domain belongs to (B). */
import { odataString, operation, readsShape, segment } from '../operation.js';
import { shape, type Shaped } from '../shape.js';

const TENANT_INFORMATION = shape({
  tenantId: 'id',
  displayName: 'string',
  defaultDomainName: 'string',
  federationBrandName: 'string',
});
export type TenantInformation = Shaped<typeof TENANT_INFORMATION>;

export const tenantRelationshipOperations = {
  /**
   * 404 (graph_not_found): no Microsoft Entra tenant has verified this domain — the domain does not exist, or its
   * owner has no Microsoft 365; Graph does not say which.
   */
  findTenantByDomain: operation<[domainName: string], TenantInformation>({
    resource: 'tenant-relationships',
    method: 'GET',
    path: "/tenantRelationships/findTenantInformationByDomainName(domainName='{domainName}')",
    paging: 'one',
    permission: 'CrossTenantInformation.ReadBasic.All',
    // "This API operation doesn't require the calling user to be assigned any Microsoft Entra role."
    roles: { kind: 'member' },
    purpose: 'B: the Microsoft 365 tenant of the client’s domain',
    example: ['atelier-durand.fr'],
    request: (domainName) => ({
      path: `/tenantRelationships/findTenantInformationByDomainName(domainName=${segment(odataString(domainName))})`,
    }),
    read: readsShape(TENANT_INFORMATION),
  }),
};
