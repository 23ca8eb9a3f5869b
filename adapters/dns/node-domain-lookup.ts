/**
 * The DomainLookup port over `node:dns` (c-ares, its own resolver: not getaddrinfo, not the process-wide
 * `dns.setServers`). With `servers` it asks those (npm start: the sandbox's DNS server); without, the system's
 * resolvers (/etc/resolv.conf). `timeoutMs` is per attempt and `tries` attempts per server: the local stack sets a
 * generous timeout, so a loaded machine gets its answer instead of a timeout.
 */
import { promises as dns } from 'node:dns';
import { DomainLookupError } from '../../core/errors.js';
import type { DomainLookup, DomainRecords } from '../../core/ports/domain-lookup.js';

export interface NodeDomainLookupOptions {
  /** `host` or `host:port` ([::1]:port for IPv6); none = the system's resolvers. */
  readonly servers?: readonly string[];
  readonly timeoutMs: number;
  readonly tries: number;
}

/** Codes meaning the name exists but has no record of the type asked: still a domain. */
const NO_DATA = new Set<string>([dns.NODATA]);
/** NXDOMAIN: the name does not exist. */
const NO_NAME = new Set<string>([dns.NOTFOUND]);

export function createNodeDomainLookup(options: NodeDomainLookupOptions): DomainLookup {
  const resolver = new dns.Resolver({ timeout: options.timeoutMs, tries: options.tries });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return {
    async lookup(name: string): Promise<DomainRecords> {
      try {
        const mx = await resolver.resolveMx(name);
        return {
          name,
          exists: true,
          mx: mx
            .map((r) => ({ exchange: r.exchange, priority: r.priority }))
            .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange)),
        };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (NO_NAME.has(code)) return { name, exists: false, mx: [] };
        if (NO_DATA.has(code)) return { name, exists: true, mx: [] };
        throw new DomainLookupError(`DNS gave no answer for ${name} (${code || String(e)})`, e);
      }
    },
  };
}
