/**
 * The sandbox console: the outside world of each procedure, played through the sandbox's admin API (the page's
 * buttons call the same routes), with one clock shared by the sandbox and Sesame in the local stack.
 */
import { createNodeDomainLookup } from '../../adapters/dns/node-domain-lookup.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { DEFAULT_DOMAIN } from '../../sandbox/data/seed.js';
import { click, startGuestAccess } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import type { Run } from '../../core/engine/run.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

describe('sandbox console', () => {
  let stack: LocalStack;
  const clock = new SimulatedClock(Date.UTC(2026, 10, 27, 9, 0, 0)); // a Friday
  let api: string;
  beforeAll(async () => {
    stack = await startLocalStack({ clock });
    api = stack.sandbox.httpUrl;
  });
  afterAll(async () => {
    await stack.stop();
  });

  const get = async <T>(path: string) => (await (await fetch(`${api}${path}`)).json()) as T;
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('plays procedure A’s vendor: the invitation is listed and accepted, then time runs to Sesame’s next re-check', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.confirm'); // the admin becomes the guest's sponsor
    // The waiting card links to the console, where the vendor's side is played.
    expect(JSON.stringify(card)).toContain(stack.urls.console);

    const events = await get<{
      value: { id: string; events: { title: string; actions: { method: string; path: string }[] }[] }[];
    }>('/_sandbox/outside-events');
    const invitations = events.value.find((s) => s.id === 'guest-invitations')!;
    const pending = invitations.events.find((e) => e.title.includes(VENDOR))!;
    expect(pending).toBeDefined();

    // The vendor accepts from the console's button (the admin API call it makes).
    const action = pending.actions[0]!;
    const accepted = await fetch(`${api}${action.path}`, { method: action.method });
    expect(accepted.ok).toBe(true);
    const state = await get<{ guests: { mail: string; state: string }[] }>('/_sandbox/state');
    expect(state.guests.find((g) => g.mail?.toLowerCase() === VENDOR)?.state).toBe('Accepted');

    const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
    const runNow = async () => (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
    const waiting = await runNow();
    expect(waiting.pending?.kind).toBe('wait');

    // Sesame's next timer (the hourly re-check) is the console's "next due date", on the one shared clock.
    const before = await get<{ now: string; nextDue?: string }>('/_sandbox/clock');
    expect(before.now).toBe(new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(before.nextDue).toBe(
      (waiting.pending as { nextPollAt?: string }).nextPollAt?.replace(/\.\d{3}Z$/, 'Z'),
    );
    const advanced = await post('/_sandbox/clock/advance', { to: 'next-due' });
    expect(advanced.status).toBe(200);
    const after = (await advanced.json()) as { now: string };
    expect(Date.parse(after.now)).toBeGreaterThan(Date.parse(before.nextDue!));
    // The re-check ran at once on Sesame's side, at the sandbox's time: the run saw the acceptance and moved on.
    const moved = await runNow();
    expect(moved.pending?.kind).not.toBe('wait');
    expect(moved.pending?.stepId).not.toBe(waiting.pending?.stepId);
  });

  it('advances by business days on the procedures’ calendar, never backwards', async () => {
    const start = stack.sandbox.now();
    const res = await post('/_sandbox/clock/advance', { businessDays: 2 });
    expect(res.status).toBe(200);
    expect(stack.sandbox.now()).toBeGreaterThanOrEqual(start + 2 * 86_400_000);
    const back = await post('/_sandbox/clock/advance', { to: new Date(start).toISOString() });
    expect(back.status).toBe(400);
    expect((await post('/_sandbox/clock/advance', { hours: -1 })).status).toBe(400);
  });

  it('makes the DNS server fail and brings it back: a real DNS query gets no answer, then the sandbox’s answer', async () => {
    type Events = {
      value: {
        id: string;
        events: {
          id: string;
          title: string;
          actions: { method: string; path: string; body?: Record<string, unknown> }[];
        }[];
      }[];
    };
    const lookup = createNodeDomainLookup({
      servers: [stack.sandbox.dns.server],
      timeoutMs: 30_000,
      tries: 2,
    });
    const row = async () =>
      (await get<Events>('/_sandbox/outside-events')).value.find((s) => s.id === 'dns-server')!.events[0]!;
    const answering = await row();
    expect(answering.id).toBe('dns-answering');
    const fail = answering.actions[0]!;
    expect((await fetch(`${api}${fail.path}`, { method: fail.method })).ok).toBe(true);
    await expect(lookup.lookup(DEFAULT_DOMAIN)).rejects.toMatchObject({ code: 'dns_unavailable' });
    const failing = await row();
    expect(failing.id).toBe('dns-outage');
    const back = failing.actions[0]!;
    expect((await fetch(`${api}${back.path}`, { method: back.method })).ok).toBe(true);
    await expect(lookup.lookup(DEFAULT_DOMAIN)).resolves.toMatchObject({ exists: true });
    // The other way to fail: the server refuses every query (REFUSED), still bound to its port.
    const refuse = (await row()).actions[1]!;
    const refused = await fetch(`${api}${refuse.path}`, {
      method: refuse.method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(refuse.body),
    });
    expect(refused.ok).toBe(true);
    await expect(lookup.lookup(DEFAULT_DOMAIN)).rejects.toMatchObject({
      message: expect.stringContaining('EREFUSED') as unknown,
    });
    expect((await row()).title).toBe('DNS failing: every query answered REFUSED');
    const unknown = await fetch(`${api}/_sandbox/dns-outage`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rcode: 'NXDOMAIN' }),
    });
    expect(unknown.status).toBe(400);
    const again = (await row()).actions[0]!;
    expect((await fetch(`${api}${again.path}`, { method: again.method })).ok).toBe(true);
    await expect(lookup.lookup(DEFAULT_DOMAIN)).resolves.toMatchObject({ exists: true });
  });

  it('publishes and withdraws a domain’s TXT record', async () => {
    const events = await get<{
      value: { id: string; events: { id: string; actions: { method: string; path: string }[] }[] }[];
    }>('/_sandbox/outside-events');
    const dns = events.value.find((s) => s.id === 'dns-records')!.events[0]!;
    const publish = dns.actions[0]!;
    expect(publish.method).toBe('PUT');
    expect((await fetch(`${api}${publish.path}`, { method: 'PUT' })).ok).toBe(true);
    let state = await get<{ domains: { id: string; txtPublished: boolean }[] }>('/_sandbox/state');
    expect(state.domains.find((d) => d.id === dns.id)?.txtPublished).toBe(true);
    expect((await fetch(`${api}${publish.path}`, { method: 'DELETE' })).status).toBe(204);
    state = await get('/_sandbox/state');
    expect(state.domains.find((d) => d.id === dns.id)?.txtPublished).toBe(false);
  });

  it('shows the tenant’s state with directory text escaped', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const guest = [...stack.sandbox.state.users.values()].find((u) => u.userType === 'Guest')!;
    guest.displayName = hostile;
    const res = await fetch(stack.urls.console);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    const html = await res.text();
    expect(html).not.toContain(hostile);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    for (const section of ['guests', 'roles', 'licences', 'domains', 'clock'])
      expect(html).toContain(`data-section="${section}"`);
    expect(html).toContain('Global Administrator');
  });

  it('refuses calls from another web page (a browser sends its Origin)', async () => {
    const res = await post('/_sandbox/clock/advance', { hours: 1 }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    const same = await post('/_sandbox/clock/advance', { hours: 1 }, { origin: api });
    expect(same.status).toBe(200);
  });
});
