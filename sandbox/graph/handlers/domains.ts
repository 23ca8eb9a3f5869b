/** Domains: list, add, DNS records, verify. */
import { guidFrom, type GraphObject } from '../../data/model.js';
import { domain, refreshOrganizationDomains } from '../../data/seed.js';
import { badRequest, notFound } from '../errors.js';
import { contextUrl } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import {
  DOMAIN_NAME,
  type Handler,
  type HandlerArgs,
  checkBody,
  checkParams,
  entity,
  isRecord,
  list,
  ok,
  str,
} from './shared.js';

export function findDomain(a: HandlerArgs): GraphObject {
  const id = decodeURIComponent(a.params.id!).toLowerCase();
  const d = a.rt.state.domains.get(id);
  if (!d) throw notFound(id);
  return d;
}

export function dnsRecords(a: HandlerArgs, d: GraphObject): Record<string, unknown>[] {
  const code = a.rt.state.domainVerificationCodes.get(d.id) ?? '';
  return [
    {
      '@odata.type': '#microsoft.graph.domainDnsTxtRecord',
      id: guidFrom(`dns:txt:${d.id}`),
      isOptional: false,
      label: d.id,
      recordType: 'Txt',
      supportedService: 'Email',
      ttl: 3600,
      text: code,
    },
    {
      '@odata.type': '#microsoft.graph.domainDnsMxRecord',
      id: guidFrom(`dns:mx:${d.id}`),
      isOptional: false,
      label: d.id,
      recordType: 'Mx',
      supportedService: 'Email',
      ttl: 3600,
      mailExchange: `${code.replace('MS=', '')}.msv1.invalid`,
      preference: 32767,
    },
  ];
}

export const domainHandlers = {
  'GET /domains': (a) =>
    list(
      a,
      [...a.rt.state.domains.values()],
      { type: 'domain', directoryObjects: false, contextPath: 'domains' },
      ['$select', '$filter', '$top', '$skiptoken'],
    ),
  'POST /domains': (a) => {
    const body = checkBody(a.req.body, 'domain');
    const name = str(body, 'id', 'Domain')!.toLowerCase();
    if (!DOMAIN_NAME.test(name)) throw badRequest(`Invalid domain name '${name}'.`);
    if (name.endsWith('.onmicrosoft.com'))
      throw badRequest('Domains ending in onmicrosoft.com cannot be added.');
    if (a.rt.state.domains.has(name))
      throw badRequest('Another object with the same value for property id already exists.');
    const d = domain(name, false, false, false);
    a.rt.state.domains.set(name, d);
    a.rt.state.domainVerificationCodes.set(
      name,
      `MS=ms${guidFrom(`domain-code:${name}`).replace(/-/g, '').slice(0, 8)}`,
    );
    return ok({ '@odata.context': contextUrl(a.req, 'domains', undefined, true), ...d }, 201);
  },
  'GET /domains/{id}': (a) => entity(a, 'domain', 'domains', findDomain(a)),
  'GET /domains/{id}/verificationDnsRecords': (a) => {
    const d = findDomain(a);
    return list(
      a,
      dnsRecords(a, d),
      {
        type: 'domainDnsRecord',
        directoryObjects: false,
        contextPath: `domains('${d.id}')/verificationDnsRecords`,
      },
      ['$select', '$filter'],
    );
  },
  'POST /domains/{id}/verify': (a) => {
    const d = findDomain(a);
    if (a.req.body !== undefined && !(isRecord(a.req.body) && Object.keys(a.req.body).length === 0))
      checkParams(a.req.body, [], 'verify');
    if (d.isVerified !== true) {
      // Entra verifies a domain in one tenant only (a sandbox wording: Microsoft does not document the message).
      const owner = a.rt.tenants.find((t) => t !== a.rt.state && t.verifiedDomainNames().includes(d.id));
      if (owner)
        throw badRequest(
          `Domain verification failed: the domain ${d.id} is already verified in another Microsoft Entra tenant. A domain can be verified in one tenant only.`,
        );
      if (!a.rt.state.publishedDnsTxt.has(d.id))
        throw badRequest(
          `Domain verification failed: the TXT record ${a.rt.state.domainVerificationCodes.get(d.id) ?? ''} was not found in the DNS of ${d.id}.`,
        );
      d.isVerified = true;
      d.supportedServices = ['Email', 'OfficeCommunicationsOnline'];
      refreshOrganizationDomains(a.rt.state);
    }
    return ok({ '@odata.context': contextUrl(a.req, 'domains', undefined, true), ...d });
  },
} satisfies Partial<Record<RouteKey, Handler>>;
