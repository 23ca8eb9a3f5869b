import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { SESAME_SIGN_IN_SCOPES } from '../../core/procedures/catalog.js';
import { CLIENT_DEFAULT_DOMAIN } from '../../sandbox/data/seed-client-tenant.js';
import { APPLICATION_TEMPLATES, DEFAULT_DOMAIN, UNVERIFIED_DOMAIN } from '../../sandbox/data/seed.js';
import { resolveGraphRequest, type GraphMethod } from '../contract/csdl.js';
import { checkLeastPrivilege } from '../contract/permissions.js';
import { actionsOf, click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { checkCard, MAX_CARD_BYTES } from '../helpers/card-validation.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import type { ConversationParty } from '../helpers/teams-activities.js';
import { createDirectory } from '../../sandbox/directory.js';
import { SEED_GROUPS, SEED_USERS, SESAME_CLIENT_ID } from '../../sandbox/data/seed.js';
import { CYCLE_MS } from '../../sandbox/graph/handlers/synchronization.js';

/**
 * Procedure D through the real server, as Teams calls it, against the sandbox tenant on a simulated clock: the
 * domain part (a verified domain, a new one verified once its TXT record is published, one that never verifies,
 * one verified in another tenant) and the gallery app (found once, reused when already there).
 */
describe('procedure D — verified domain and gallery app, over HTTP against the sandbox', () => {
  const clock = new SimulatedClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ clock });
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
  });

  async function graphLog(): Promise<{ method: string; url: string; status: number }[]> {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`);
    return ((await res.json()) as { value: { method: string; url: string; status: number }[] }).value;
  }
  const writes = async () =>
    (await graphLog())
      .filter((e) => e.method !== 'GET')
      .map((e) => `${e.method} ${decodeURIComponent(e.url.split('?')[0]!)} ${e.status}`);

  async function runOf(card: Card): Promise<Run> {
    const data = (card.refresh as { action: { data: { runId: string } } }).action.data;
    return (await stack.store.get<Run>('run', stack.sandbox.tenantId, data.runId))!.value;
  }

  function expectValid(card: Card) {
    const check = checkCard(card);
    expect(check.schemaErrors).toEqual([]);
    expect(check.parseErrors).toEqual([]);
    expect(check.bytes).toBeLessThan(MAX_CARD_BYTES);
  }

  /** Every request Sesame sent is Graph v1.0, covered by a scope Sesame asks for. */
  async function expectRealGraph() {
    const sent = (await graphLog()).filter((e) => !e.url.startsWith('/$batch'));
    for (const entry of sent) {
      const url = new URL(entry.url, 'http://graph');
      const resolved = resolveGraphRequest(entry.method as GraphMethod, decodeURIComponent(url.pathname), {});
      expect({ request: `${entry.method} ${entry.url}`, ok: resolved.ok }).toEqual({
        request: `${entry.method} ${entry.url}`,
        ok: true,
      });
    }
    const coverage = checkLeastPrivilege(
      sent.map((e) => ({
        method: e.method,
        path: decodeURIComponent(new URL(e.url, 'http://graph').pathname),
      })),
      SESAME_SIGN_IN_SCOPES,
    );
    expect(coverage.uncovered).toEqual([]);
  }

  /** Lets the clock reach the run's next timer and delivers what is due; returns the run after it. */
  async function nextTimer(card: Card): Promise<Run> {
    const run = await runOf(card);
    const p = run.pending;
    const at = p?.kind === 'retry' ? Date.parse(p.retryAt) : undefined;
    if (at === undefined) throw new Error(`the run waits on no timer: ${JSON.stringify(p)}`);
    clock.set(Math.max(clock.now(), at + 1000));
    await stack.sesame.timers.dispatchDue();
    return runOf(card);
  }

  async function refreshed(party: ConversationParty, card: Card): Promise<Card> {
    return click(stack, party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
  }

  it('uses a domain the tenant has verified, then the LogMeIn side, and adds the gallery app once (English)', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'set up automatic provisioning to LogMeIn');
    expectValid(card);
    expect(text(card)).toContain(`Verified custom domains: ${DEFAULT_DOMAIN}.`);
    expect(text(card)).toContain(`Domains added but not verified yet: ${UNVERIFIED_DOMAIN}.`);
    expect(text(card)).toContain(`Use ${DEFAULT_DOMAIN}`);
    card = await click(stack, party, card, 'run.choose', { option: 'use' });
    expectValid(card);
    // The vendor side is by hand: where, what, and why the admin's e-mail domain must be verified.
    expect(text(card)).toContain('product administrator');
    expect(text(card)).toContain(
      `the domain of their e-mail address is one of the verified domains (here ${DEFAULT_DOMAIN})`,
    );
    expect(text(card)).toContain('https://organization.logmeininc.com');
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    expectValid(card);
    expect(text(card)).toContain('LogMeIn is in the gallery, with automatic provisioning.');
    expect(text(card)).toContain('Add LogMeIn to your enterprise apps?');
    card = await click(stack, party, card, 'run.confirm');
    expectValid(card);
    expect(text(card)).toContain('Create LogMeIn’s provisioning job?');
    card = await click(stack, party, card, 'run.confirm');
    const run = await runOf(card);
    expect(run.facts.jobId).toEqual(expect.stringContaining('logmein'));
    expect(await writes()).toEqual([
      `POST /applicationTemplates/${APPLICATION_TEMPLATES.logMeIn.id}/instantiate 201`,
      `POST /servicePrincipals/${String(run.facts.spId)}/synchronization/jobs 201`,
    ]);
    await expectRealGraph();
  });

  /**
   * What the admin does in the Entra admin center at the "credentials and assignments" step, through the same
   * Graph calls the portal makes, with their own token: assign users and groups, save the vendor's credentials,
   * and (after a fix) restart provisioning.
   */
  async function portal(method: string, path: string, body?: unknown): Promise<number> {
    const admin = createDirectory(stack.sandbox.runtime).findPrincipal(SEED_USERS.globalAdmin.id)!;
    const token = await stack.sandbox.issuer.issueGraphToken(
      admin,
      ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All', 'Synchronization.ReadWrite.All'],
      SESAME_CLIENT_ID,
    );
    const res = await fetch(`${stack.sandbox.graphUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return res.status;
  }
  const TENANT_URL = 'https://api.logmein.example/scim/v2';
  async function portalSetup(run: Run, token: string, assign = true): Promise<void> {
    const sp = String(run.facts.spId);
    for (const principalId of assign ? [SEED_USERS.plainUser.id, SEED_GROUPS[1].id] : [])
      expect(
        await portal('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, {
          principalId,
          resourceId: sp,
          appRoleId: String(run.facts.appRoleId),
        }),
      ).toBe(201);
    expect(
      await portal('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
        value: [
          { key: 'BaseAddress', value: TENANT_URL },
          { key: 'SecretToken', value: token },
        ],
      }),
    ).toBe(204);
  }

  /** From the start to the provisioning job, LogMeIn, the tenant's verified domain. */
  async function upToCredentials(party: ConversationParty, words: string): Promise<Card> {
    let card = await startByText(stack, party, 'globalAdmin', words);
    card = await click(stack, party, card, 'run.choose', { option: 'use' });
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    card = await click(stack, party, card, 'run.confirm');
    return click(stack, party, card, 'run.confirm');
  }

  /** Lets the sandbox's provisioning cycle end and Sesame's next poll of the job run. */
  async function nextPoll(card: Card): Promise<Run> {
    const run = await runOf(card);
    const p = run.pending;
    if (p?.kind !== 'wait' || !p.nextPollAt) throw new Error(`not polling: ${JSON.stringify(p)}`);
    clock.set(Math.max(clock.now() + CYCLE_MS, Date.parse(p.nextPollAt) + 1000));
    await stack.sesame.timers.dispatchDue();
    return runOf(card);
  }

  it('starts provisioning and watches the first cycle until it is steady', async () => {
    const party = stack.party('globalAdmin');
    let card = await upToCredentials(party, 'GoTo');
    expectValid(card);
    expect(text(card)).toContain('Informations d’identification de l’administrateur');
    expect(text(card)).toContain('ne le collez nulle part ailleurs');
    await portalSetup(await runOf(card), 'logmein-token-0123456789abcdef');
    card = await click(stack, party, card, 'run.done');
    expect(text(card)).toContain('Démarrer le provisionnement vers LogMeIn ?');
    card = await click(stack, party, card, 'run.confirm');
    expectValid(card);
    let run = await runOf(card);
    expect(run.currentStepId).toBe('watch');
    expect(run.stepResults.watch?.summary?.fr).toContain('Premier cycle en cours');
    run = await nextPoll(card);
    expect(run.stepResults.watch?.status).toBe('done');
    expect(run.stepResults.watch?.summary?.fr).toContain('2 objet(s) provisionné(s) vers LogMeIn');
    card = await refreshed(party, card);
    expectValid(card);
    expect(text(card)).toContain('e-mail de bienvenue');
    card = await click(stack, party, card, 'run.done');
    expect((await runOf(card)).status).toBe('done');
    await expectRealGraph();
  });

  it('explains credentials the vendor refuses (quarantine at the first cycle) and reminds the admin', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await upToCredentials(party, 'automatic provisioning');
    await portalSetup(await runOf(card), 'invalid-token-typed-wrong');
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.confirm');
    const run = await nextPoll(card);
    expect(run.pending?.kind).toBe('error');
    expect(run.stepResults.watch?.status).toBe('failed');
    card = await refreshed(party, card);
    expectValid(card);
    expect(text(card)).toContain('LogMeIn refuses the saved credentials (tenant URL or secret token)');
    expect(text(card)).toContain('Create a new secret token in the LogMeIn Admin Center');
    await stack.sesame.timers.dispatchDue();
    const sent = cardsIn(await stack.sent(party.conversationId))
      .map((c) => text(c))
      .join(' ');
    expect(sent).toContain('Provisioning to LogMeIn is failing: LogMeIn refuses the saved credentials');
  });

  it('sees a job go into quarantine when the vendor revokes the token, and back to steady once fixed', async () => {
    const party = stack.party('globalAdmin');
    let card = await upToCredentials(party, 'provisionnement automatique LogMeIn');
    await portalSetup(await runOf(card), 'logmein-token-0123456789abcdef');
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.confirm');
    let run = await runOf(card);
    const sp = String(run.facts.spId);
    const job = String(run.facts.jobId);
    // Before the first cycle ends, LogMeIn revokes the token (the console's button: the admin API).
    const revoked = await fetch(
      `${stack.sandbox.httpUrl}/_sandbox/synchronization/${sp}/jobs/${encodeURIComponent(job)}/quarantine`,
      { method: 'PUT' },
    );
    expect(revoked.status).toBe(204);
    run = await nextPoll(card);
    expect(run.pending?.kind).toBe('error');
    card = await refreshed(party, card);
    expect(text(card)).toContain('refuse les identifiants enregistrés');
    expect(text(card)).toContain('Redémarrer l’approvisionnement');
    // The fix, in the portal: a new token, saved, and provisioning restarted; then "Retry" here.
    await portalSetup(run, 'logmein-token-fedcba9876543210', false);
    expect(
      await portal('POST', `/servicePrincipals/${sp}/synchronization/jobs/${encodeURIComponent(job)}/start`),
    ).toBe(204);
    clock.advance(CYCLE_MS + 1000);
    card = await click(stack, party, card, 'run.retry');
    expectValid(card);
    run = await runOf(card);
    expect(run.stepResults.watch?.status).toBe('done');
    expect(run.currentStepId).toBe('users-at-vendor');
  });

  it('reuses a gallery app already instantiated and its job: nothing is written twice', async () => {
    const party = stack.party('globalAdmin');
    const first = await startByText(stack, party, 'globalAdmin', 'provisionnement LogMeIn');
    let card = await click(stack, party, first, 'run.choose', { option: 'use' });
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.confirm');
    const firstRun = await runOf(card);
    await click(stack, party, card, 'run.cancel');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });

    const again = stack.party('globalAdmin');
    card = await startByText(stack, again, 'globalAdmin', 'provisionnement automatique');
    card = await click(stack, again, card, 'run.choose', { option: 'use' });
    card = await click(stack, again, card, 'run.done');
    card = await click(stack, again, card, 'run.choose', { option: 'logmein' });
    expectValid(card);
    expect(text(card)).toContain('LogMeIn est déjà dans vos applications d’entreprise');
    expect(text(card)).toContain('LogMeIn a déjà une tâche de provisionnement : Sesame la réutilise.');
    const run = await runOf(card);
    expect(run.facts.spId).toBe(firstRun.facts.spId);
    expect(run.facts.jobId).toBe(firstRun.facts.jobId);
    expect(run.stepResults.instantiate?.already).toBe(true);
    expect(await writes()).toEqual([]);
  });

  it('adds a new domain, shows its TXT record to copy, and verifies it once the record appears', async () => {
    const party = stack.party('globalAdmin');
    const domain = 'cabinet-exemple.net';
    let card = await startByText(stack, party, 'globalAdmin', 'vérifier un domaine');
    card = await click(stack, party, card, 'run.choose', { option: 'add' });
    // A malformed name changes nothing.
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: 'pas un domaine' } });
    expect((await runOf(card)).currentStepId).toBe('domain-name');
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: domain } });
    expect(text(card)).toContain(`Ajouter ${domain} à votre locataire ?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValid(card);
    const txt = String((await runOf(card)).facts.txtValue);
    expect(txt).toMatch(/^MS=ms[0-9a-f]{8}$/);
    // The record in a form to copy: monospace text runs, apart from the prose.
    const runs =
      JSON.stringify(card).match(/"type":"TextRun","text":"([^"]*)","fontType":"Monospace"/g) ?? [];
    expect(runs.join(' ')).toContain(txt);
    expect(runs.join(' ')).toContain('"TXT"');
    expect(text(card)).toContain('C’est publié');
    // Published too late for the first check: not found yet is a wait, not an error.
    card = await click(stack, party, card, 'run.done');
    expectValid(card);
    let run = await runOf(card);
    expect(run.pending?.kind).toBe('retry');
    expect(text(card)).toContain('ne voit pas encore l’enregistrement TXT');
    expect(run.status).toBe('active');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/dns/${domain}`, { method: 'PUT' });
    run = await nextTimer(card);
    expect(run.stepResults['verify-domain']?.status).toBe('done');
    expect(run.currentStepId).toBe('vendor-admin');
    card = await refreshed(party, card);
    expect(text(card)).toContain(`${domain} est vérifié.`);
    expect(text(card)).toContain(`ici ${domain}`);
    expect(await writes()).toEqual([
      `POST /domains 201`,
      `POST /domains/${domain}/verify 400`,
      `POST /domains/${domain}/verify 200`,
    ]);
    await expectRealGraph();
  });

  it('keeps re-checking a domain that never verifies, reminds the admin, then stops clearly', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'verify a domain');
    card = await click(stack, party, card, 'run.choose', { option: 'add' });
    // A domain already added (unverified) is picked up, not added twice.
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: UNVERIFIED_DOMAIN } });
    expect(text(card)).toContain('already added to your tenant, not verified yet');
    card = await click(stack, party, card, 'run.done');
    let run = await runOf(card);
    let checks = 1;
    while (run.pending?.kind === 'retry') {
      run = await nextTimer(card);
      checks += 1;
    }
    expect(checks).toBeGreaterThan(5);
    expect(run.pending?.kind).toBe('error');
    expect(run.stepResults['verify-domain']?.status).toBe('failed');
    // The reminder reached the chat on its own, with the record to look for.
    await stack.sesame.timers.dispatchDue();
    const sent = cardsIn(await stack.sent(party.conversationId))
      .map((c) => text(c))
      .join(' ');
    expect(sent).toContain('Waiting for: Domain verification');
    expect(sent).toContain(`The domain ${UNVERIFIED_DOMAIN} is still not verified after 24 hours`);
    expect(sent).toContain(String(run.facts.txtValue));
    card = await refreshed(party, card);
    expectValid(card);
    expect(actionsOf(card).some((a) => a.verb === 'run.retry')).toBe(true);
    expect((await writes()).filter((w) => w.endsWith('200'))).toEqual([]);
  });

  it('stops clearly on a domain another tenant has verified', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'vérifier un domaine');
    card = await click(stack, party, card, 'run.choose', { option: 'add' });
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: CLIENT_DEFAULT_DOMAIN } });
    card = await click(stack, party, card, 'run.confirm');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/dns/${CLIENT_DEFAULT_DOMAIN}`, { method: 'PUT' });
    card = await click(stack, party, card, 'run.done');
    expectValid(card);
    expect(text(card)).toContain('Procédure arrêtée');
    expect(text(card)).toContain('déjà vérifié dans un autre locataire Microsoft Entra');
    const run = await runOf(card);
    expect(run.status).toBe('failed');
    expect(run.outcome?.stepId).toBe('verify-domain');
  });
});
