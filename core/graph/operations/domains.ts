/** Domains: verified names for UPNs (procedure C) and adding and verifying one (procedure D). */
import { ROLE } from '../../directory-roles.js';
import { operation, readsShape, segment } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const DOMAIN = shape({
  id: 'id',
  isVerified: 'boolean',
  isDefault: 'boolean',
  /** 'Managed' | 'Federated' */
  authenticationType: 'string',
});
export type Domain = Shaped<typeof DOMAIN>;

const DNS_RECORD = shape({
  id: 'string',
  recordType: 'string',
  label: 'string',
  /** The TXT record's text (MS=ms12345678); only on txt records. */
  text: 'string',
  ttl: 'number',
  isOptional: 'boolean',
});
export type VerificationDnsRecord = Shaped<typeof DNS_RECORD>;

const DOMAIN_NAME = 'exemple-fournisseur.fr';

export const domainOperations = {
  listDomains: operation<[], { readonly domains: readonly Domain[] }>({
    resource: 'domains',
    method: 'GET',
    path: '/domains',
    select: selectOf(DOMAIN),
    paging: 'all',
    permission: 'Domain.Read.All',
    roles: { kind: 'member' },
    purpose: 'C: UPN in a verified domain; D + checklist: verified custom domains',
    example: [],
    request: () => ({}),
    read: (body, answer) => ({ domains: answer.items(body).map((d) => answer.shape(DOMAIN, d)) }),
  }),

  addDomain: operation<[name: string], Domain>({
    resource: 'domains',
    method: 'POST',
    path: '/domains',
    paging: 'one',
    permission: 'Domain.ReadWrite.All',
    roles: { kind: 'anyOf', roles: [ROLE.domainNameAdministrator] },
    purpose: 'D: add the domain',
    example: [DOMAIN_NAME],
    request: (name) => ({ body: { id: name } }),
    read: readsShape(DOMAIN),
  }),

  listVerificationDnsRecords: operation<
    [name: string],
    { readonly records: readonly VerificationDnsRecord[] }
  >({
    resource: 'domains',
    method: 'GET',
    path: '/domains/{id}/verificationDnsRecords',
    paging: 'all',
    permission: 'Domain.Read.All',
    roles: { kind: 'member' },
    purpose: 'D: the TXT record to publish',
    example: [DOMAIN_NAME],
    request: (name) => ({ path: `/domains/${segment(name)}/verificationDnsRecords` }),
    read: (body, answer) => ({ records: answer.items(body).map((r) => answer.shape(DNS_RECORD, r)) }),
  }),

  /** Graph answers 400 while the TXT record has not propagated: the procedure retries on that result. */
  verifyDomain: operation<[name: string], Domain>({
    resource: 'domains',
    method: 'POST',
    path: '/domains/{id}/verify',
    paging: 'one',
    permission: 'Domain.ReadWrite.All',
    roles: { kind: 'anyOf', roles: [ROLE.domainNameAdministrator] },
    purpose: 'D: verify the domain (re-checked while DNS propagates)',
    example: [DOMAIN_NAME],
    request: (name) => ({ path: `/domains/${segment(name)}/verify` }),
    read: readsShape(DOMAIN),
  }),
};
