import { createNodeDomainLookup } from '../../adapters/dns/node-domain-lookup.js';
import { DomainLookupError } from '../../core/errors.js';
import { CLIENT_DEFAULT_DOMAIN } from '../../sandbox/data/seed-client-tenant.js';
import { UNVERIFIED_DOMAIN } from '../../sandbox/data/seed.js';
import { SANDBOX_NON_M365_DOMAIN } from '../../sandbox/data/vendor-consent.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';

/**
 * The DNS adapter (node:dns, c-ares) against the sandbox's real UDP DNS server: what it tells apart (NXDOMAIN, a
 * domain with MX, a domain without MX) and that no answer is an error, never "no such domain". Timeouts are
 * generous: every case here ends on an answer (or a refusal the kernel sends at once), not on a timer.
 */
describe('DNS adapter against the sandbox DNS server', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.runtime.dnsOutage = false;
  });
  const lookup = () => createNodeDomainLookup({ servers: [sandbox.dns.server], timeoutMs: 30_000, tries: 2 });

  it('a client tenant’s verified domain: it exists, its mail goes to Exchange Online', async () => {
    await expect(lookup().lookup(CLIENT_DEFAULT_DOMAIN)).resolves.toEqual({
      name: CLIENT_DEFAULT_DOMAIN,
      exists: true,
      mx: [{ priority: 0, exchange: 'atelier-durand-fr.mail.protection.outlook.com' }],
    });
  });

  it('the domain without Microsoft 365: it exists, with its own mail host’s MX, lowest priority first', async () => {
    const r = await lookup().lookup(SANDBOX_NON_M365_DOMAIN.toUpperCase());
    expect(r.exists).toBe(true);
    expect(r.mx.map((m) => m.exchange)).toEqual(['mx1.mail.ovh.net', 'mx2.mail.ovh.net']);
  });

  it('a name the sandbox does not know is NXDOMAIN: exists false', async () => {
    await expect(lookup().lookup('atelier-durand.frr')).resolves.toEqual({
      name: 'atelier-durand.frr',
      exists: false,
      mx: [],
    });
    expect(sandbox.runtime.dnsLog.at(-1)).toEqual({
      name: 'atelier-durand.frr',
      type: 'MX',
      rcode: 'NXDOMAIN',
    });
  });

  it('a domain that exists without an MX record (an unverified domain of the firm): exists, no MX', async () => {
    await expect(lookup().lookup(UNVERIFIED_DOMAIN)).resolves.toEqual({
      name: UNVERIFIED_DOMAIN,
      exists: true,
      mx: [],
    });
  });

  it('a server failure (the sandbox’s outage) is a DomainLookupError dns_unavailable, not "no such domain"', async () => {
    sandbox.runtime.dnsOutage = 'SERVFAIL';
    const e = await lookup()
      .lookup(CLIENT_DEFAULT_DOMAIN)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(e).toBeInstanceOf(DomainLookupError);
    expect((e as DomainLookupError).code).toBe('dns_unavailable');
    expect((e as DomainLookupError).message).toContain('ESERVFAIL');
  });

  it('a server that refuses to answer (REFUSED) is a DomainLookupError too, at once, not "no such domain"', async () => {
    sandbox.runtime.dnsOutage = 'REFUSED';
    await expect(lookup().lookup('atelier-durand.frr')).rejects.toMatchObject({
      code: 'dns_unavailable',
      message: expect.stringContaining('EREFUSED') as unknown,
    });
    expect(sandbox.runtime.dnsLog.at(-1)).toEqual({
      name: 'atelier-durand.frr',
      type: 'MX',
      rcode: 'REFUSED',
    });
  });

  it('nothing listening at the server’s address is a DomainLookupError too (the kernel refuses at once)', async () => {
    // UDP port 9 (discard), below the ephemeral range: a port freed by this test could be taken at once by another
    // test process's socket (a sandbox DNS server, a resolver's query socket) and answer or swallow the query.
    const closed = createNodeDomainLookup({ servers: ['127.0.0.1:9'], timeoutMs: 30_000, tries: 2 });
    await expect(closed.lookup(CLIENT_DEFAULT_DOMAIN)).rejects.toMatchObject({
      code: 'dns_unavailable',
      message: expect.stringContaining('ECONNREFUSED') as unknown,
    });
  });
});
