import { CEGID_LOOP_APP_ID } from '../../core/procedures/client-collaboration-account.js';
import { CLIENT_TENANT_ID, CLIENT_USERS, type ClientUserKey } from '../../sandbox/data/seed-client-tenant.js';
import { SANDBOX_NON_M365_DOMAIN } from '../../sandbox/data/vendor-consent.js';
import { createNodeDomainLookup } from '../../adapters/dns/node-domain-lookup.js';
import { actionsOf, click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { asDnsName, INJECTION_CORPUS } from '../helpers/injection-corpus.js';
import { asRead, liveMarkup } from '../helpers/inert-markdown.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectReadsOnly, expectValidCard, graphLog, runOf } from '../helpers/procedure-over-http.js';
import type { ConversationParty } from '../helpers/teams-activities.js';

/**
 * Procedure B through the real server, as Teams calls it, against the sandbox's two tenants: the firm ("Cabinet
 * Exemple") and its client "Atelier Durand", where the Cegid Loop collaborative app is not consented until the
 * sandbox console plays the client's Global Administrator consenting.
 */
describe('procedure B — client’s Microsoft account and Cegid Loop consent, over HTTP against the sandbox', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
  });

  /** The queries the sandbox's DNS server answered (npm start points Sesame's DNS adapter at it). */
  async function dnsLog(): Promise<{ name: string; type: string; rcode: string }[]> {
    const res = await fetch(`${api()}/_sandbox/dns-log`);
    return ((await res.json()) as { value: { name: string; type: string; rcode: string }[] }).value;
  }

  const api = () => stack.sandbox.httpUrl;

  function clientParty(who: ClientUserKey, locale = 'fr-FR'): ConversationParty {
    const user = CLIENT_USERS[who];
    return {
      serviceUrl: `${api()}/botframework/connector`,
      tenantId: CLIENT_TENANT_ID,
      conversationId: `a:client-${who}-${Math.random().toString(36).slice(2)}`,
      botId: stack.config.bot.appId,
      user: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
      locale,
    };
  }

  function link(card: Card, labelPart: string): string {
    const m = new RegExp(`\\[[^\\]]*${labelPart}[^\\]]*\\]\\(([^)]+)\\)`).exec(JSON.stringify(card));
    if (!m) throw new Error(`no link "${labelPart}" on ${text(card).slice(0, 300)}`);
    return m[1]!;
  }

  async function consentFromConsole(tenantName: string) {
    const events = (await (await fetch(`${api()}/_sandbox/outside-events`)).json()) as {
      value: { id: string; events: { title: string; actions: { method: string; path: string }[] }[] }[];
    };
    const consents = events.value.find((s) => s.id === 'vendor-consents')!;
    const pending = consents.events.find((e) => e.title.startsWith(tenantName));
    expect(pending).toBeDefined();
    const action = pending!.actions[0]!;
    const res = await fetch(`${api()}${action.path}`, { method: action.method });
    expect(res.ok).toBe(true);
  }

  it('free Microsoft account: the client’s instructions in French, ready to send, and nothing read or written in the tenant (English admin)', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'free Microsoft account for my client');
    expectValidCard(card);
    expect(text(card)).toContain('Client’s account type');
    await fetch(`${api()}/_sandbox/log`, { method: 'DELETE' });
    card = await click(stack, party, card, 'run.choose', { option: 'msa' });
    expectValidCard(card);
    card = await click(stack, party, card, 'run.choose', { option: 'fr' });
    expectValidCard(card);
    // The admin's words in English, the client's in French, from the seed's steps.
    expect(text(card)).toContain('Here is the text to send your client (in French)');
    expect(text(card)).toContain('Choisissez un mot de passe');
    expect(text(card)).toContain('account-security-noreply@accountprotection.microsoft.com');
    expect(text(card)).toContain('signup.live.com');
    const mail = new URL(link(card, 'Prepare the email'));
    expect(mail.protocol).toBe('mailto:');
    expect(mail.searchParams.get('subject')).toBe('Créer votre compte Microsoft gratuit pour Cegid Loop');
    expect(mail.searchParams.get('body')).toContain(
      '3. Choisissez un mot de passe, puis cliquez sur « Suivant ».',
    );
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(text(card)).toContain('Procedure complete');
    const run = await runOf(stack, card);
    expect(run.status).toBe('done');
    expect(run.stepResults['find-tenant']).toBeUndefined();
    expect(await graphLog(stack)).toEqual([]);
  });

  it('the client’s instructions in English for a French admin', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'compte Microsoft gratuit pour un client');
    card = await click(stack, party, card, 'run.choose', { option: 'msa' });
    card = await click(stack, party, card, 'run.choose', { option: 'en' });
    expectValidCard(card);
    expect(text(card)).toContain('Voici le texte à envoyer à votre client (en anglais)');
    expect(text(card)).toContain('Choose a password, then click');
    expect(new URL(link(card, 'Préparer l’e-mail')).searchParams.get('subject')).toBe(
      'Create your free Microsoft account for Cegid Loop',
    );
  });

  it('an unknown (misspelt) domain: Graph 404, DNS NXDOMAIN, the card says no such domain; the admin corrects it and gets the consent link for the client’s tenant', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'compte Microsoft client Cegid Loop');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    expectValidCard(card);
    // Not a domain at all: refused before anything is asked of Microsoft.
    card = await click(stack, party, card, 'run.submit', { inputs: { domain: 'atelier durand' } });
    expect(text(card)).toContain('Ce n’est pas un nom de domaine');
    expect((await runOf(stack, card)).currentStepId).toBe('client-domain');
    expect(await graphLog(stack)).toEqual([]);

    card = await click(stack, party, card, 'run.submit', { inputs: { domain: 'hugo@atelier-durand.frr' } });
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('no-domain');
    expect(text(card)).toContain('Le domaine atelier-durand.frr n’existe pas');
    expect(text(card)).toContain('Vérifiez son orthographe');
    expect(text(card)).not.toContain('Microsoft 365 ne l’a vérifié');
    expect(actionsOf(card).filter((a) => a.verb === 'run.choose')).toHaveLength(2);
    expect(await dnsLog()).toEqual([{ name: 'atelier-durand.frr', type: 'MX', rcode: 'NXDOMAIN' }]);
    expect((await runOf(stack, card)).facts).toMatchObject({ domainExists: false, clientTenantId: null });
    card = await click(stack, party, card, 'run.choose', { option: 'correct' });
    expect((await runOf(stack, card)).currentStepId).toBe('client-domain');
    await fetch(`${api()}/_sandbox/dns-log`, { method: 'DELETE' });
    card = await click(stack, party, card, 'run.submit', { inputs: { domain: 'Atelier-Durand.fr' } });
    expectValidCard(card);
    // Graph found the tenant: DNS is not asked.
    expect(await dnsLog()).toEqual([]);
    expect((await runOf(stack, card)).facts).toMatchObject({
      domainExists: null,
      clientTenantId: CLIENT_TENANT_ID,
    });
    expect(text(card)).toContain('Lien à envoyer au client');
    expect(text(card)).toContain('Atelier Durand');
    expect(text(card)).toContain(CLIENT_TENANT_ID);
    expect(text(card)).toContain('Administrateur de rôle privilégié');
    expect(text(card)).toContain('Administrateur d’application cloud ne suffit pas');
    // The v2 admin-consent link for the vendor's app, in the client's tenant, every value URL-encoded.
    const consent = new URL(link(card, 'Lien de consentement administrateur'));
    expect(`${consent.origin}${consent.pathname}`).toBe(
      `https://login.microsoftonline.com/${CLIENT_TENANT_ID}/v2.0/adminconsent`,
    );
    expect(consent.searchParams.get('client_id')).toBe(CEGID_LOOP_APP_ID);
    expect(consent.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');
    expect(consent.searchParams.get('redirect_uri')).toBe('https://loop.loopsoftware.fr/YPN/authorize');
    const run = await runOf(stack, card);
    expect(consent.searchParams.get('state')).toBe(run.id);
    expect(link(card, 'Lien de consentement administrateur')).toContain(
      'scope=https%3A%2F%2Fgraph.microsoft.com%2F.default',
    );
    // Cegid Loop is not consented in the firm's tenant: its permissions cannot be read from here, and Sesame says so.
    expect(text(card)).toContain('illisibles avant le consentement');
    card = await click(stack, party, card, 'run.done');
    expect(text(card)).toContain('Procédure terminée');
    const sent = await expectReadsOnly(stack);
    expect(sent.map((e) => `${e.method} ${decodeURIComponent(e.url)} ${e.status}`)).toEqual(
      expect.arrayContaining([
        "GET /tenantRelationships/findTenantInformationByDomainName(domainName='atelier-durand.frr') 404",
        "GET /tenantRelationships/findTenantInformationByDomainName(domainName='atelier-durand.fr') 200",
      ]),
    );
  });

  it('a domain with no Microsoft 365: Graph 404, DNS gives its MX, the card says it exists without a tenant; the admin switches to the free account instructions', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'Cegid Loop collaborative offer');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    card = await click(stack, party, card, 'run.submit', { inputs: { domain: SANDBOX_NON_M365_DOMAIN } });
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('no-tenant');
    expect(text(card)).toContain(
      `The domain ${SANDBOX_NON_M365_DOMAIN} exists (mail: mx1.mail.ovh.net, mx2.mail.ovh.net) but no Microsoft 365 organisation has verified it`,
    );
    expect(text(card)).toContain(
      'They need a free Microsoft account, or to create a Microsoft 365 organisation',
    );
    expect(text(card)).not.toContain('does not exist');
    expect(await dnsLog()).toEqual([{ name: SANDBOX_NON_M365_DOMAIN, type: 'MX', rcode: 'NOERROR' }]);
    expect((await runOf(stack, card)).facts).toMatchObject({
      domainExists: true,
      domainMx: ['mx1.mail.ovh.net', 'mx2.mail.ovh.net'],
      clientTenantId: null,
    });
    card = await click(stack, party, card, 'run.choose', { option: 'msa' });
    expect((await runOf(stack, card)).currentStepId).toBe('msa-language');
    card = await click(stack, party, card, 'run.choose', { option: 'en' });
    expect(text(card)).toContain('Choose a password');
    await expectReadsOnly(stack);
  });

  it('DNS does not answer (the sandbox DNS server fails): the card says try again, nothing is concluded about the domain; once DNS is back, Try again gives the answer', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'consentement Cegid Loop');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    expect((await fetch(`${api()}/_sandbox/dns-outage`, { method: 'PUT' })).ok).toBe(true);
    card = await click(stack, party, card, 'run.submit', { inputs: { domain: SANDBOX_NON_M365_DOMAIN } });
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('dns-failed');
    expect(text(card)).toContain('Le DNS n’a pas pu dire si');
    expect(text(card)).toContain('Réessayez dans un moment');
    expect(text(card)).not.toContain('n’existe pas');
    expect(text(card)).not.toContain('mx1.mail.ovh.net');
    // The resolver's words stay in the run, for support; the card says it in the admin's language.
    expect(text(card)).not.toContain('ESERVFAIL');
    expect((await runOf(stack, card)).facts).toMatchObject({
      domainExists: null,
      clientTenantId: null,
      dnsError: expect.stringContaining('ESERVFAIL') as unknown,
    });
    expect((await dnsLog()).map((q) => q.rcode)).toContain('SERVFAIL');
    await fetch(`${api()}/_sandbox/dns-outage`, { method: 'DELETE' });
    card = await click(stack, party, card, 'run.choose', { option: 'retry' });
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('no-tenant');
    expect(text(card)).toContain('mx1.mail.ovh.net');
    expect((await runOf(stack, card)).facts).toMatchObject({ domainExists: true, dnsError: null });
    await expectReadsOnly(stack);
  });

  it('DNS refuses to answer (the sandbox DNS server answers REFUSED): the same try-again card, never "no such domain"', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'Cegid Loop consent');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    // The server keeps its port (a port freed and bound again could be taken by another test process meanwhile):
    // it refuses every query, so the resolver gets no usable answer, as from a server it cannot use.
    const refuse = await fetch(`${api()}/_sandbox/dns-outage`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rcode: 'REFUSED' }),
    });
    expect(refuse.ok).toBe(true);
    card = await click(stack, party, card, 'run.submit', { inputs: { domain: 'atelier-durand.frr' } });
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('dns-failed');
    expect(text(card)).toContain('DNS could not say whether atelier-durand.frr exists');
    expect(text(card)).toContain('Try again in a moment');
    expect(text(card)).not.toContain('does not exist');
    expect((await runOf(stack, card)).facts).toMatchObject({
      domainExists: null,
      dnsError: expect.stringContaining('EREFUSED') as unknown,
    });
    // The query reached the server, which refused it: not an NXDOMAIN read as "no such domain".
    expect(await dnsLog()).toEqual([{ name: 'atelier-durand.frr', type: 'MX', rcode: 'REFUSED' }]);
    await fetch(`${api()}/_sandbox/dns-outage`, { method: 'DELETE' });
    card = await click(stack, party, card, 'run.choose', { option: 'retry' });
    expect((await runOf(stack, card)).currentStepId).toBe('no-domain');
    expect(text(card)).toContain('The domain atelier-durand.frr does not exist');
  });

  it('MX host names from a hostile DNS zone (the injection corpus) show as text on the no-Microsoft-365 card', async () => {
    // What Sesame's DNS adapter makes of each name (c-ares escapes bytes outside printable ASCII as \DDD, and a few
    // punctuation marks): the card must show exactly that, inert.
    const resolver = createNodeDomainLookup({
      servers: [stack.sandbox.dns.server],
      timeoutMs: 30_000,
      tries: 2,
    });
    const domain = 'mail-hostile.example';
    const violations: string[] = [];
    // What DNS cannot carry (a label over 63 bytes) the sandbox refuses to serve, rather than send a broken answer.
    const tooLong = await fetch(`${api()}/_sandbox/dns-mx/${domain}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mx: [{ priority: 10, exchange: `${'a'.repeat(64)}.example` }] }),
    });
    expect(tooLong.status).toBe(400);
    for (const [i, { name, text: hostile }] of INJECTION_CORPUS.entries()) {
      await fetch(`${api()}/_sandbox/reset`, { method: 'POST' });
      const exchange = asDnsName(hostile);
      const set = await fetch(`${api()}/_sandbox/dns-mx/${domain}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          mx: [
            { priority: 10, exchange },
            { priority: 20, exchange: 'mx2.ok.example' },
          ],
        }),
      });
      expect({ name, status: set.status }).toEqual({ name, status: 200 });
      const given = (await resolver.lookup(domain)).mx.map((m) => m.exchange);
      expect(given).toHaveLength(2);
      const party = stack.party('globalAdmin', undefined, i % 2 === 0 ? 'fr-FR' : 'en-US');
      let card = await startByText(stack, party, 'globalAdmin', 'consentement Cegid Loop');
      card = await click(stack, party, card, 'run.choose', { option: 'm365' });
      card = await click(stack, party, card, 'run.submit', { inputs: { domain } });
      expectValidCard(card);
      expect({ name, step: (await runOf(stack, card)).currentStepId }).toEqual({ name, step: 'no-tenant' });
      for (const v of liveMarkup(card)) violations.push(`${name}: ${v}`);
      // Character for character, in the step's text ({domainMx}) and in the DNS check's result alike.
      const read = JSON.stringify(asRead(card));
      const shown = JSON.stringify(given.join(', ')).slice(1, -1);
      expect({ name, times: read.split(shown).length - 1 }).toEqual({ name, times: 2 });
      // No bidi control from DNS anywhere in what Teams receives (Sesame writes none of its own).
      expect({
        name,
        bidi: /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/.test(JSON.stringify(card)),
      }).toEqual({
        name,
        bidi: false,
      });
    }
    expect(violations).toEqual([]);
  });

  it('a personal mail domain goes straight to the free account instructions', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'consentement Cegid');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    card = await click(stack, party, card, 'run.submit', {
      inputs: { domain: 'client.collaboratif@gmail.com' },
    });
    expectValidCard(card);
    expect(text(card)).toContain('gmail.com est le domaine d’une messagerie personnelle');
    expect((await runOf(stack, card)).currentStepId).toBe('msa-language');
  });

  it('in the client’s tenant: never consented, the Global Administrator consents (sandbox console), the wait moves on and the consent is verified', async () => {
    const party = clientParty('globalAdmin');
    let card = await startByText(stack, party, CLIENT_USERS.globalAdmin, 'consentement Cegid Loop');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    card = await click(stack, party, card, 'run.submit', { inputs: { domain: 'atelier-durand.fr' } });
    expectValidCard(card);
    expect(text(card)).toContain('Consentement administrateur');
    expect(text(card)).toContain('Vous pouvez consentir vous-même.');
    const history = JSON.stringify(await runOf(stack, card, CLIENT_TENANT_ID));
    expect(history).toContain('Cegid Loop n’a jamais reçu de consentement dans Atelier Durand');
    expect(history).toContain('Il manque tout');
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    let run = await runOf(stack, card, CLIENT_TENANT_ID);
    expect(run.pending?.kind).toBe('wait');
    expect(text(card)).toContain('Consentement en attente');
    // Not yet: "check now" finds nothing and keeps waiting, a reminder armed for the due date.
    card = await click(stack, party, card, 'run.retry');
    run = await runOf(stack, card, CLIENT_TENANT_ID);
    expect(run.pending?.kind).toBe('wait');
    const armed = (await stack.store.listReminders(CLIENT_TENANT_ID, run.id)).filter(
      (r) =>
        r.status === 'scheduled' && r.payload.messageKey === 'client-collaboration-account.consent-missing',
    );
    expect(armed).toHaveLength(1);

    await consentFromConsole('Atelier Durand');
    // Sesame's next re-check, on the shared clock.
    const advanced = await fetch(`${api()}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'next-due' }),
    });
    expect(advanced.status).toBe(200);
    run = await runOf(stack, card, CLIENT_TENANT_ID);
    expect(run.status).toBe('done');
    // What Teams shows when the card refreshes (its Universal Actions refresh).
    const refresh = (card.refresh as { action: { data: Record<string, unknown> } }).action.data;
    card = await click(stack, party, card, 'run.refresh', { data: refresh });
    expectValidCard(card);
    expect(text(card)).toContain('Procédure terminée');
    expect(text(card)).toContain('Consentement vérifié dans Atelier Durand');
    expect(text(card)).toContain('Files.ReadWrite.All');
    expect(text(card)).toContain('User.Read.All');
    // The consent arrived: the reminder is withdrawn, and Sesame itself wrote nothing in the client's tenant.
    const left = await stack.store.listReminders(CLIENT_TENANT_ID, run.id);
    expect(left.filter((r) => r.status === 'scheduled')).toEqual([]);
    await expectReadsOnly(stack);
  });

  it('in the client’s tenant, an admin who cannot consent is told who can, and the card still gives the link', async () => {
    const party = clientParty('userAdmin', 'en-US');
    let card = await startByText(stack, party, CLIENT_USERS.userAdmin, 'Cegid Loop consent');
    card = await click(stack, party, card, 'run.choose', { option: 'm365' });
    card = await click(stack, party, card, 'run.submit', {
      inputs: { domain: 'atelierdurand.onmicrosoft.com' },
    });
    expectValidCard(card);
    expect(text(card)).toContain('You cannot consent yourself: send this link to Hugo Lefèvre');
    expect(text(card)).toContain('You hold neither Global Administrator nor Privileged Role Administrator');
    expect(text(card)).toContain('Application Administrator is not enough');
    expect(new URL(link(card, 'Admin-consent link')).pathname).toBe(`/${CLIENT_TENANT_ID}/v2.0/adminconsent`);
    // Nothing changed in the client's tenant.
    const sps = (await (await fetch(`${api()}/_sandbox/outside-events`)).json()) as {
      value: { id: string; events: { title: string }[] }[];
    };
    expect(
      sps.value
        .find((s) => s.id === 'vendor-consents')!
        .events.some((e) => e.title.startsWith('Atelier Durand')),
    ).toBe(true);
    await expectReadsOnly(stack);
  });
});
