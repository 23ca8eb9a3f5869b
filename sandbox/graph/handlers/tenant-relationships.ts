/**
 * Tenant relationships: the public facts about the tenant that verified a domain, looked up across every tenant
 * the sandbox serves (the firm and its client "Atelier Durand"), as Graph looks across all of Microsoft Entra ID.
 */
import { notFound } from '../errors.js';
import { checkOptions } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import { type Handler, ok } from './shared.js';

export const tenantRelationshipHandlers = {
  "GET /tenantRelationships/findTenantInformationByDomainName(domainName='{domainName}')": (a) => {
    checkOptions(a.req, []);
    const name = decodeURIComponent(a.params.domainName ?? '').toLowerCase();
    // Only verified domains name a tenant: an unverified one may be claimed by anybody.
    const tenant = a.rt.tenants.find((t) => t.verifiedDomainNames().includes(name));
    if (!tenant) throw notFound(name);
    const defaultDomain = [...tenant.domains.values()].find((d) => d.isDefault === true)?.id ?? name;
    return ok({
      '@odata.context': `${a.req.origin}/v1.0/$metadata#microsoft.graph.tenantInformation`,
      tenantId: tenant.tenantId,
      federationBrandName: null,
      displayName: tenant.tenantDisplayName,
      defaultDomainName: defaultDomain,
    });
  },
} satisfies Partial<Record<RouteKey, Handler>>;
