/**
 * /_sandbox/*: the operator's controls (reset, faults, replication lag, request log, DNS, guest redemption, the
 * clock and the console). No authentication, so only loopback callers are served, and a browser page of another
 * origin cannot drive them (the console page is served from the same origin).
 */
import type { Hono, Context } from 'hono';
import { mountConsole } from '../console/console-api.js';
import { dnsNameBytes } from '../dns/dns-server.js';
import { quarantine, settleJob } from '../graph/handlers/synchronization.js';
import {
  CEGID_LOOP_COLLABORATIVE_APP,
  grantCegidLoopConsent,
  grantCegidLoopUserConsent,
} from '../data/vendor-consent.js';
import {
  DNS_OUTAGES,
  type DnsOutage,
  type SandboxRuntime,
  type FaultConfig,
  type LargeTenantParams,
} from '../runtime.js';

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** A browser tells where a request comes from; other clients (tests, curl) send no Origin. */
function crossSite(c: Context): boolean {
  if (c.req.header('sec-fetch-site') === 'cross-site') return true;
  const origin = c.req.header('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== c.req.header('host');
  } catch {
    return true;
  }
}

const problem = (c: Context, status: 400 | 403 | 404, message: string) =>
  c.json({ error: { code: 'BadRequest', message } }, status);

async function jsonBody(c: Context): Promise<Record<string, unknown> | undefined> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const rate = (v: unknown): boolean => v === undefined || (typeof v === 'number' && v >= 0 && v <= 1);
const nonNegative = (v: unknown): boolean =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

export function parseLarge(v: unknown): LargeTenantParams | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  const r = v as { users?: unknown; guests?: unknown };
  if (typeof r !== 'object' || !Number.isInteger(r.users) || !Number.isInteger(r.guests)) return 'invalid';
  const users = r.users as number;
  const guests = r.guests as number;
  if (users < 0 || guests < 0 || users > 1_000_000 || guests > 500_000) return 'invalid';
  return { users, guests };
}

export function mountAdmin(app: Hono, rt: SandboxRuntime): void {
  app.use('/_sandbox/*', async (c, next) => {
    if (!isLoopback(remoteAddress(c)))
      return problem(c, 403, 'The sandbox admin API answers loopback callers only.');
    if (crossSite(c)) return problem(c, 403, 'The sandbox admin API refuses requests from other web pages.');
    await next();
  });
  mountConsole(app, rt, () => rt.consoleHooks);

  app.post('/_sandbox/reset', async (c) => {
    const body = await jsonBody(c);
    if (!body) return problem(c, 400, 'Malformed JSON.');
    const large = parseLarge(body.large);
    if (large === 'invalid')
      return problem(c, 400, 'large must be { users, guests } with non-negative integers.');
    rt.reset(large);
    return c.json({ tenantId: rt.state.tenantId, users: rt.state.users.size });
  });

  app.put('/_sandbox/faults', async (c) => {
    const b = await jsonBody(c);
    if (!b) return problem(c, 400, 'Malformed JSON.');
    const known = ['latencyMs', 'throttleRate', 'retryAfterSeconds', 'unavailableRate', 'onlyPaths'];
    const unknown = Object.keys(b).filter((k) => !known.includes(k));
    if (unknown.length > 0) return problem(c, 400, `Unknown fault settings: ${unknown.join(', ')}.`);
    if (!rate(b.throttleRate) || !rate(b.unavailableRate))
      return problem(c, 400, 'Rates are numbers from 0 to 1.');
    if (!nonNegative(b.latencyMs) || !nonNegative(b.retryAfterSeconds))
      return problem(c, 400, 'latencyMs and retryAfterSeconds are non-negative numbers.');
    if (
      b.onlyPaths !== undefined &&
      (!Array.isArray(b.onlyPaths) || b.onlyPaths.some((p) => typeof p !== 'string'))
    )
      return problem(c, 400, 'onlyPaths is a list of paths relative to /v1.0.');
    rt.faults = b as FaultConfig;
    return c.json(rt.faults);
  });
  app.delete('/_sandbox/faults', (c) => {
    rt.faults = {};
    return c.body(null, 204);
  });

  app.put('/_sandbox/replication-lag', async (c) => {
    const b = await jsonBody(c);
    if (!b || typeof b.ms !== 'number' || !nonNegative(b.ms))
      return problem(c, 400, 'Expected { "ms": non-negative number }.');
    rt.replicationLagMs = b.ms;
    return c.json({ ms: rt.replicationLagMs });
  });

  app.put('/_sandbox/mailbox-provisioning', async (c) => {
    const b = await jsonBody(c);
    if (!b || typeof b.ms !== 'number' || !nonNegative(b.ms))
      return problem(c, 400, 'Expected { "ms": non-negative number }.');
    rt.mailboxProvisioningMs = b.ms;
    return c.json({ ms: rt.mailboxProvisioningMs });
  });

  app.get('/_sandbox/log', (c) => c.json({ value: rt.log }));
  app.delete('/_sandbox/log', (c) => {
    rt.log.length = 0;
    return c.body(null, 204);
  });

  /** Publishes (or withdraws) the domain's verification TXT record, as the admin would at their DNS host. */
  app.put('/_sandbox/dns/:domain', (c) => {
    const name = c.req.param('domain').toLowerCase();
    if (!rt.state.domains.has(name)) return problem(c, 404, `Unknown domain ${name}.`);
    rt.state.publishedDnsTxt.add(name);
    return c.json({ domain: name, txt: rt.state.domainVerificationCodes.get(name) });
  });
  app.delete('/_sandbox/dns/:domain', (c) => {
    rt.state.publishedDnsTxt.delete(c.req.param('domain').toLowerCase());
    return c.body(null, 204);
  });

  /**
   * The sandbox's DNS server stops answering until DELETE or a reset: SERVFAIL to every query, or the `rcode` asked
   * ({ "rcode": "REFUSED" }). Its port stays bound: nothing else can take it meanwhile.
   */
  app.put('/_sandbox/dns-outage', async (c) => {
    const b = await jsonBody(c);
    const rcode = b?.rcode ?? 'SERVFAIL';
    if (!DNS_OUTAGES.includes(rcode as DnsOutage))
      return problem(
        c,
        400,
        `Expected { "rcode": ${DNS_OUTAGES.map((r) => `"${r}"`).join(' | ')} } or no body.`,
      );
    rt.dnsOutage = rcode as DnsOutage;
    return c.json({ dnsOutage: rt.dnsOutage });
  });
  app.delete('/_sandbox/dns-outage', (c) => {
    rt.dnsOutage = false;
    return c.body(null, 204);
  });
  /**
   * The DNS server answers these MX records for `name` (a name it knows or not) until DELETE or a reset: what a
   * domain's own DNS host may publish, hostile host names included. Each exchange must fit in a DNS name.
   */
  app.put('/_sandbox/dns-mx/:name', async (c) => {
    const b = await jsonBody(c);
    const mx = Array.isArray(b?.mx) ? (b.mx as unknown[]) : undefined;
    const valid = mx?.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        Number.isInteger((m as { priority?: unknown }).priority) &&
        (m as { priority: number }).priority >= 0 &&
        (m as { priority: number }).priority <= 65535 &&
        typeof (m as { exchange?: unknown }).exchange === 'string' &&
        dnsNameBytes((m as { exchange: string }).exchange) !== undefined,
    );
    if (!mx || !valid)
      return problem(
        c,
        400,
        'Expected { "mx": [{ "priority": integer, "exchange": name }] }, each name in labels of 63 bytes at most, 255 in all.',
      );
    const name = c.req.param('name').toLowerCase().replace(/\.$/, '');
    rt.dnsMx.set(name, mx as { priority: number; exchange: string }[]);
    return c.json({ name, mx });
  });
  app.delete('/_sandbox/dns-mx/:name', (c) => {
    rt.dnsMx.delete(c.req.param('name').toLowerCase().replace(/\.$/, ''));
    return c.body(null, 204);
  });
  app.get('/_sandbox/dns-log', (c) => c.json({ value: rt.dnsLog }));
  app.delete('/_sandbox/dns-log', (c) => {
    rt.dnsLog.length = 0;
    return c.body(null, 204);
  });

  /**
   * The vendor revokes the provisioning token saved for a job (rotated on its side, an admin left): the token
   * stops working and the job goes into quarantine now, as Entra puts it at the next cycle. Only a new token,
   * saved and followed by a start, brings it back.
   */
  app.put('/_sandbox/synchronization/:spId/jobs/:jobId/quarantine', (c) => {
    const spId = c.req.param('spId').toLowerCase();
    const s = rt.state.synchronization.get(spId);
    const job = s?.jobs.get(c.req.param('jobId'));
    if (!s || !job) return problem(c, 404, 'No such provisioning job.');
    settleJob(rt.state, spId, job, rt.now());
    const token = s.secrets.find((x) => x.key === 'SecretToken')?.value;
    if (token) s.revokedTokens.add(token);
    quarantine(job, rt.now(), 'The application answered 401 Unauthorized: the secret token was revoked.');
    return c.body(null, 204);
  });

  const accept = (id: string): boolean => {
    const u = rt.state.users.get(id.toLowerCase());
    if (!u || u.userType !== 'Guest') return false;
    u.externalUserState = 'Accepted';
    u.externalUserStateChangeDateTime = new Date(rt.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return true;
  };
  /**
   * Edits a directory user of any tenant as an admin would in the Entra portal (display name, mail, job title):
   * how tests seed hostile names. Only string fields Graph lets admins write.
   */
  app.patch('/_sandbox/users/:id', async (c) => {
    const body = await jsonBody(c);
    if (!body) return problem(c, 400, 'Malformed JSON.');
    const tenant = rt.tenantOfUser(c.req.param('id'));
    const user = tenant?.findUser(c.req.param('id'));
    if (!user) return problem(c, 404, 'No such user.');
    const editable = ['displayName', 'mail', 'jobTitle', 'givenName', 'surname', 'department', 'companyName'];
    for (const [k, v] of Object.entries(body)) {
      if (!editable.includes(k) || (typeof v !== 'string' && v !== null))
        return problem(c, 400, `Only ${editable.join(', ')} can be set (strings).`);
    }
    Object.assign(user, body);
    return c.json(user);
  });

  /** Every tenant the sandbox serves, home first. */
  app.get('/_sandbox/tenants', (c) =>
    c.json({
      value: rt.tenants.map((t) => ({
        id: t.tenantId,
        displayName: t.tenantDisplayName,
        domains: t.verifiedDomainNames(),
      })),
    }),
  );

  /**
   * An administrator of the tenant consents to the Cegid Loop collaborative app for the whole organisation (what
   * they do from the admin-consent link procedure B gives): its service principal, delegated grant and app role
   * assignments appear in that tenant.
   */
  app.post('/_sandbox/tenants/:tenantId/consents/:appId', (c) => {
    const tenant = rt.tenant(c.req.param('tenantId'));
    if (!tenant) return problem(c, 404, 'No such tenant.');
    if (c.req.param('appId').toLowerCase() !== CEGID_LOOP_COLLABORATIVE_APP.appId)
      return problem(c, 404, 'The sandbox plays consents to the Cegid Loop collaborative app only.');
    return c.json(grantCegidLoopConsent(tenant, rt.now()));
  });

  /** Exchange finishes a licensed user's mailbox now (what happens minutes after a licence, in a real tenant). */
  app.post('/_sandbox/users/:id/mailbox', (c) => {
    const user = rt.state.users.get(c.req.param('id'));
    const plans = user?.provisionedPlans as { provisioningStatus: string; readyAt?: number }[] | undefined;
    const pending = plans?.filter((p) => p.provisioningStatus === 'PendingActivation') ?? [];
    if (!user || pending.length === 0) return problem(c, 404, 'No mailbox being provisioned for this user.');
    for (const p of pending) {
      p.provisioningStatus = 'Success';
      delete p.readyAt;
    }
    return c.body(null, 204);
  });

  /** A user of the tenant consents to the Cegid Loop collaborative app for themselves only (no admin consent). */
  app.post('/_sandbox/tenants/:tenantId/consents/:appId/users/:userId', (c) => {
    const tenant = rt.tenant(c.req.param('tenantId'));
    if (!tenant) return problem(c, 404, 'No such tenant.');
    if (c.req.param('appId').toLowerCase() !== CEGID_LOOP_COLLABORATIVE_APP.appId)
      return problem(c, 404, 'The sandbox plays consents to the Cegid Loop collaborative app only.');
    if (!tenant.users.has(c.req.param('userId').toLowerCase())) return problem(c, 404, 'No such user.');
    return c.json(grantCegidLoopUserConsent(tenant, c.req.param('userId')));
  });

  /** The guest redeems the invitation (what the vendor does from the e-mail). */
  app.post('/_sandbox/guests/:id/accept', (c) =>
    accept(c.req.param('id')) ? c.body(null, 204) : problem(c, 404, 'No such guest.'),
  );
  app.get('/_sandbox/redeem/:invitationId', (c) => {
    const user = c.req.query('user') ?? '';
    if (!accept(user)) return problem(c, 404, 'No such invitation.');
    return c.html(
      '<!doctype html><meta charset="utf-8"><title>Invitation</title><p>Invitation accepted. / Invitation acceptée.</p>',
    );
  });
}
