/**
 * The DNS port: does a domain exist, and where does its mail go. Procedure B asks it only when Graph's
 * findTenantInformationByDomainName answers 404, which Graph gives alike for a domain that does not exist and for
 * one with no Microsoft 365 tenant; DNS tells those two apart. The adapter (adapters/dns) resolves with
 * `node:dns`; `npm start` points it at the sandbox's DNS server, production at the system resolver.
 */
import type { GraphCall } from './tenant-graph.js';

export interface MailExchange {
  readonly exchange: string;
  readonly priority: number;
}

/** What DNS says of a name. `exists: false` is NXDOMAIN; a name that exists may have no MX record. */
export interface DomainRecords {
  readonly name: string;
  readonly exists: boolean;
  /** Lowest priority first. */
  readonly mx: readonly MailExchange[];
}

/**
 * Resolves a domain's MX records. Rejects with a SesameError `dns_unavailable` when DNS gave no answer (timeout,
 * refused, server failure): that says nothing about the domain.
 */
export interface DomainLookup {
  lookup(name: string): Promise<DomainRecords>;
}

/** The DNS read as data, like a GraphCall: what a step's reads name and the runner performs. */
export interface DomainLookupCall {
  readonly op: 'lookupDomain';
  readonly args: readonly [name: string];
}

/** What a step may read: a Graph operation of the catalogue, or the DNS lookup. */
export type ReadCall = GraphCall | DomainLookupCall;

export function isDomainLookupCall(call: { readonly op: string }): call is DomainLookupCall {
  return call.op === 'lookupDomain';
}
