import type { Run } from '../../core/engine/run.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { CLIENT_DEFAULT_DOMAIN } from '../../sandbox/data/seed-client-tenant.js';
import { APPLICATION_TEMPLATES, DEFAULT_DOMAIN, UNVERIFIED_DOMAIN } from '../../sandbox/data/seed.js';
import { actionsOf, click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectRealGraph, expectValidCard, graphWrites, runOf } from '../helpers/procedure-over-http.js';
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

  /** Lets the clock reach the run's next timer and delivers what is due; returns the run after it. */
  async function nextTimer(card: Card): Promise<Run> {
    const run = await runOf(stack, card);
    const p = run.pending;
    const at = p?.kind === 'retry' ? Date.parse(p.retryAt) : undefined;
    if (at === undefined) throw new Error(`the run waits on no timer: ${JSON.stringify(p)}`);
    clock.set(Math.max(clock.now(), at + 1000));
    await stack.sesame.timers.dispatchDue();
    return runOf(stack, card);
  }

  async function refreshed(party: ConversationParty, card: Card): Promise<Card> {
    return click(stack, party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
  }

  it('uses a domain the tenant has verified, then the LogMeIn side, and adds the gallery app once (English)', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'set up automatic provisioning to LogMeIn');
    expectValidCard(card);
    expect(text(card)).toContain(`Verified custom domains: ${DEFAULT_DOMAIN}.`);
    expect(text(card)).toContain(`Domains added but not verified yet: ${UNVERIFIED_DOMAIN}.`);
    expect(text(card)).toContain(`Use ${DEFAULT_DOMAIN}`);
    card = await click(stack, party, card, 'run.choose', { option: 'use' });
    expectValidCard(card);
    // The vendor side is by hand: where, what, and why the admin's e-mail domain must be verified.
    expect(text(card)).toContain('product administrator');
    expect(text(card)).toContain(
      `the domain of their e-mail address is one of the verified domains (here ${DEFAULT_DOMAIN})`,
    );
    expect(text(card)).toContain('https://organization.logmeininc.com');
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    expectValidCard(card);
    expect(text(card)).toContain('LogMeIn is in the gallery, with automatic provisioning.');
    expect(text(card)).toContain('Add LogMeIn to your enterprise apps?');
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(text(card)).toContain('Create LogMeIn’s provisioning job?');
    card = await click(stack, party, card, 'run.confirm');
    const run = await runOf(stack, card);
    expect(run.facts.jobId).toEqual(expect.stringContaining('logmein'));
    expect(await graphWrites(stack)).toEqual([
      `POST /applicationTemplates/${APPLICATION_TEMPLATES.logMeIn.id}/instantiate 201`,
      `POST /servicePrincipals/${String(run.facts.spId)}/synchronization/jobs 201`,
    ]);
    await expectRealGraph(stack);
  });

  /** An assignment made earlier in the Entra admin center (the same Graph call the portal makes). */
  async function assignInPortal(spId: string, principalId: string, appRoleId: string): Promise<void> {
    const admin = createDirectory(stack.sandbox.runtime).findPrincipal(SEED_USERS.globalAdmin.id)!;
    const token = await stack.sandbox.issuer.issueGraphToken(
      admin,
      ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'],
      SESAME_CLIENT_ID,
    );
    const res = await fetch(`${stack.sandbox.graphUrl}/servicePrincipals/${spId}/appRoleAssignedTo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ principalId, resourceId: spId, appRoleId }),
    });
    expect(res.status).toBe(201);
  }
  const TENANT_URL = 'https://api.logmein.example/scim/v2';
  const GROUP = SEED_GROUPS[1];
  const USER = SEED_USERS.plainUser;

  /** From the start to the provisioning job, LogMeIn, the tenant's verified domain: the assignees card. */
  async function upToAssignees(party: ConversationParty, words: string): Promise<Card> {
    let card = await startByText(stack, party, 'globalAdmin', words);
    card = await click(stack, party, card, 'run.choose', { option: 'use' });
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    card = await click(stack, party, card, 'run.confirm');
    return click(stack, party, card, 'run.confirm');
  }

  /** Picks users and groups, assigns them, types the tenant URL: the card that asks for the token. */
  async function upToToken(
    party: ConversationParty,
    words: string,
    picked = [USER.id, GROUP.id],
  ): Promise<Card> {
    let card = await upToAssignees(party, words);
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: picked.join(',') } });
    card = await click(stack, party, card, 'run.confirm');
    return click(stack, party, card, 'run.submit', { inputs: { tenantUrl: TENANT_URL } });
  }

  const typeToken = (party: ConversationParty, card: Card, token: string) =>
    click(stack, party, card, 'run.confirm', { inputs: { 'secret:secretToken': token } });

  /** Lets the sandbox's provisioning cycle end and Sesame's next poll of the job run. */
  async function nextPoll(card: Card): Promise<Run> {
    const run = await runOf(stack, card);
    const p = run.pending;
    if (p?.kind !== 'wait' || !p.nextPollAt) throw new Error(`not polling: ${JSON.stringify(p)}`);
    clock.set(Math.max(clock.now() + CYCLE_MS, Date.parse(p.nextPollAt) + 1000));
    await stack.sesame.timers.dispatchDue();
    return runOf(stack, card);
  }

  const savedSecrets = (spId: string) => stack.sandbox.state.synchronization.get(spId)?.secrets ?? [];

  it('assigns the users and groups picked, tests and saves the credentials, starts provisioning and watches it until steady', async () => {
    const party = stack.party('globalAdmin');
    let card = await upToAssignees(party, 'GoTo');
    expectValidCard(card);
    // Security groups and member users of the tenant, to pick several.
    const choices = JSON.stringify(card);
    expect(choices).toContain('"isMultiSelect":true');
    expect(text(card)).toContain('Utilisateurs et groupes à provisionner');
    for (const name of [GROUP.displayName, `${USER.displayName} (${USER.userPrincipalName})`])
      expect(choices).toContain(name);
    // Something that was not offered is refused.
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: `${USER.id},not-offered` } });
    expect((await runOf(stack, card)).currentStepId).toBe('assignees');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: `${USER.id},${GROUP.id}` } });
    expectValidCard(card);
    expect(text(card)).toContain('Attribuer LogMeIn à 2 utilisateur(s) ou groupe(s) ?');
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    let run = await runOf(stack, card);
    expect(run.stepResults.assign?.items?.map((i) => i.status)).toEqual(['done', 'done']);
    const sp = String(run.facts.spId);
    const assigned = stack.sandbox.state.appRoleAssignments.filter((a) => a.resourceId === sp);
    expect(assigned.map((a) => a.principalId).sort()).toEqual([USER.id, GROUP.id].sort());
    expect(assigned.every((a) => a.appRoleId === run.facts.appRoleId)).toBe(true);

    // The tenant URL: an address that is not https is refused with the reason.
    expect(text(card)).toContain('URL du locataire');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { tenantUrl: 'http://api.logmein.example' },
    });
    expect((await runOf(stack, card)).currentStepId).toBe('tenant-url');
    expect(text(card)).toContain('en https://');
    card = await click(stack, party, card, 'run.submit', { inputs: { tenantUrl: TENANT_URL } });
    expectValidCard(card);
    expect(text(card)).toContain(`Tester puis enregistrer les identifiants de LogMeIn (URL ${TENANT_URL}) ?`);
    expect(JSON.stringify(card)).toContain('"style":"Password"');
    const token = 'logmein-token-0123456789abcdef';
    card = await typeToken(party, card, token);
    expectValidCard(card);
    expect(text(card)).toContain('LogMeIn accepte les identifiants');
    expect(savedSecrets(sp)).toEqual([
      { key: 'BaseAddress', value: TENANT_URL },
      { key: 'SecretToken', value: token },
    ]);
    expect(text(card)).toContain('Démarrer le provisionnement vers LogMeIn ?');
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    run = await runOf(stack, card);
    expect(run.currentStepId).toBe('watch');
    expect(run.stepResults.watch?.summary?.fr).toContain('Premier cycle en cours');
    run = await nextPoll(card);
    expect(run.stepResults.watch?.status).toBe('done');
    expect(run.stepResults.watch?.summary?.fr).toContain('2 objet(s) provisionné(s) vers LogMeIn');
    card = await refreshed(party, card);
    expectValidCard(card);
    expect(text(card)).toContain('e-mail de bienvenue');
    card = await click(stack, party, card, 'run.done');
    expect((await runOf(stack, card)).status).toBe('done');
    const w = await graphWrites(stack);
    expect(w.slice(2)).toEqual([
      `POST /servicePrincipals/${sp}/appRoleAssignedTo 201`,
      `POST /servicePrincipals/${sp}/appRoleAssignedTo 201`,
      `POST /servicePrincipals/${sp}/synchronization/jobs/${String(run.facts.jobId)}/validateCredentials 204`,
      `PUT /servicePrincipals/${sp}/synchronization/secrets 204`,
      `POST /servicePrincipals/${sp}/synchronization/jobs/${String(run.facts.jobId)}/start 204`,
    ]);
    await expectRealGraph(stack);
  });

  it('counts the first cycle’s objects when the job is read only after a later cycle that exported nothing', async () => {
    const party = stack.party('globalAdmin');
    let card = await upToToken(party, 'provisionnement GoTo');
    card = await typeToken(party, card, 'logmein-token-0123456789abcdef');
    card = await click(stack, party, card, 'run.confirm');
    const pending = (await runOf(stack, card)).pending;
    if (pending?.kind !== 'wait' || !pending.nextPollAt) throw new Error('not polling');
    // Sesame's next poll comes an hour late (a busy instance, a restart): a second, incremental cycle has ended.
    clock.set(Date.parse(pending.nextPollAt) + 3_600_000);
    await stack.sesame.timers.dispatchDue();
    const run = await runOf(stack, card);
    expect(run.stepResults.watch?.status).toBe('done');
    expect(run.stepResults.watch?.summary?.fr).toContain('2 objet(s) provisionné(s) vers LogMeIn');
  });

  it('reads the users and groups again later while Graph is unavailable, rather than stopping on an error', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'provisionnement LogMeIn');
    card = await click(stack, party, card, 'run.choose', { option: 'use' });
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    card = await click(stack, party, card, 'run.confirm');
    const faults = (body?: object) =>
      fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, {
        method: body ? 'PUT' : 'DELETE',
        headers: { 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    await faults({ unavailableRate: 1, onlyPaths: ['/groups'] });
    try {
      card = await click(stack, party, card, 'run.confirm');
    } finally {
      await faults();
    }
    let run = await runOf(stack, card);
    expect(run.currentStepId).toBe('assignees');
    expect(run.pending).toMatchObject({ kind: 'retry', lastError: { code: 'graph_unavailable' } });
    run = await nextTimer(card);
    expect(run.pending?.kind).toBe('choice');
    const offered = run.pending?.kind === 'choice' ? (run.pending.offered ?? []) : [];
    expect(offered.map((o) => o.id)).toEqual(expect.arrayContaining([GROUP.id, USER.id]));
  });

  it('assigns several at once when one already has access: only the missing ones are written, each shown on the card', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await upToAssignees(party, 'automatic provisioning');
    let run = await runOf(stack, card);
    const sp = String(run.facts.spId);
    await assignInPortal(sp, USER.id, String(run.facts.appRoleId));
    const other = SEED_USERS.applicationAdmin;
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
    card = await click(stack, party, card, 'run.submit', {
      inputs: { choice: [USER.id, GROUP.id, other.id].join(',') },
    });
    expectValidCard(card);
    expect(text(card)).toContain('Assign LogMeIn to 2 user(s) or group(s)?');
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    run = await runOf(stack, card);
    const items = run.stepResults.assign?.items ?? [];
    expect(Object.fromEntries(items.map((i) => [i.key, i.status]))).toEqual({
      [USER.id]: 'already',
      [GROUP.id]: 'done',
      [other.id]: 'done',
    });
    expect(await graphWrites(stack)).toEqual([
      `POST /servicePrincipals/${sp}/appRoleAssignedTo 201`,
      `POST /servicePrincipals/${sp}/appRoleAssignedTo 201`,
    ]);
    expect(stack.sandbox.state.appRoleAssignments.filter((a) => a.resourceId === sp)).toHaveLength(3);
    // The card lists each of them with what happened to it.
    const assignCard = text(await refreshed(party, card));
    expect(assignCard).toContain('2 done, 1 already done (of 3)');
    for (const label of [GROUP.displayName, other.displayName, USER.displayName])
      expect(assignCard).toContain(label);
    await expectRealGraph(stack);
  });

  it('refuses credentials the vendor does not accept: the token card again with the reason, never the value, nothing saved', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await upToToken(party, 'LogMeIn provisioning');
    const run = await runOf(stack, card);
    const refused = 'invalid-token-typed-wrong-0042';
    card = await typeToken(party, card, refused);
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('credentials');
    expect(text(card)).toContain('LogMeIn refuses these credentials');
    expect(text(card)).toContain("Microsoft's answer: Validation of the provided credentials failed");
    expect(JSON.stringify(card)).toContain('"style":"Password"');
    expect(JSON.stringify(card)).not.toContain(refused);
    expect(savedSecrets(String(run.facts.spId))).toEqual([]);
    // A token too short for the engine's rule is refused before Microsoft is asked.
    card = await typeToken(party, card, 'short');
    expect((await runOf(stack, card)).currentStepId).toBe('credentials');
    // "Change" goes back to the URL, kept as typed.
    card = await click(stack, party, card, 'run.change');
    expect((await runOf(stack, card)).currentStepId).toBe('tenant-url');
    expect(JSON.stringify(card)).toContain(TENANT_URL);
    card = await click(stack, party, card, 'run.submit', { inputs: { tenantUrl: TENANT_URL } });
    card = await typeToken(party, card, 'logmein-token-0123456789abcdef');
    expect(text(card)).toContain('LogMeIn accepts the credentials');
    expect((await graphWrites(stack)).filter((w) => /validateCredentials|secrets/.test(w))).toEqual([
      `POST /servicePrincipals/${String(run.facts.spId)}/synchronization/jobs/${String(run.facts.jobId)}/validateCredentials 400`,
      `POST /servicePrincipals/${String(run.facts.spId)}/synchronization/jobs/${String(run.facts.jobId)}/validateCredentials 204`,
      `PUT /servicePrincipals/${String(run.facts.spId)}/synchronization/secrets 204`,
    ]);
  });

  it('sees a job go into quarantine when the vendor revokes the token, reminds the admin, and is fixed from the card with a new token', async () => {
    const party = stack.party('globalAdmin');
    let card = await upToToken(party, 'provisionnement automatique LogMeIn');
    card = await typeToken(party, card, 'logmein-token-0123456789abcdef');
    card = await click(stack, party, card, 'run.confirm');
    let run = await runOf(stack, card);
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
    expect(run.stepResults.watch?.status).toBe('failed');
    card = await refreshed(party, card);
    expectValidCard(card);
    expect(text(card)).toContain('refuse les identifiants enregistrés');
    expect(text(card)).toContain('cliquez sur « Changer les identifiants »');
    await stack.sesame.timers.dispatchDue();
    const sent = cardsIn(await stack.sent(party.conversationId))
      .map((c) => text(c))
      .join(' ');
    expect(sent).toContain('Le provisionnement vers LogMeIn est en échec : LogMeIn refuse les identifiants');
    // The fix, from the card: back to the credentials, a new token tested and saved, provisioning restarted.
    expect(actionsOf(card).map((a) => `${String(a.title)}:${String(a.verb)}`)).toEqual([
      'Changer les identifiants:run.change',
      'Réessayer:run.retry',
      'Annuler:run.cancel',
    ]);
    card = await click(stack, party, card, 'run.change', { option: 'tenant-url' });
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('tenant-url');
    card = await click(stack, party, card, 'run.submit', { inputs: { tenantUrl: TENANT_URL } });
    // The revoked token is refused by the test, before anything is saved.
    card = await typeToken(party, card, 'logmein-token-0123456789abcdef');
    expect(text(card)).toContain('LogMeIn refuse ces identifiants');
    const fresh = 'logmein-token-fedcba9876543210';
    card = await typeToken(party, card, fresh);
    expect(savedSecrets(sp)).toContainEqual({ key: 'SecretToken', value: fresh });
    expect(text(card)).toContain('Démarrer le provisionnement vers LogMeIn ?');
    card = await click(stack, party, card, 'run.confirm');
    run = await runOf(stack, card);
    expect(run.currentStepId).toBe('watch');
    run = await nextPoll(card);
    expect(run.stepResults.watch?.status).toBe('done');
    expect(run.currentStepId).toBe('users-at-vendor');
    // Nothing was assigned twice on the way back.
    expect(stack.sandbox.state.appRoleAssignments.filter((a) => a.resourceId === sp)).toHaveLength(2);
    await expectRealGraph(stack);
  });

  it('reuses a gallery app already instantiated and its job: nothing is written twice', async () => {
    const party = stack.party('globalAdmin');
    const first = await startByText(stack, party, 'globalAdmin', 'provisionnement LogMeIn');
    let card = await click(stack, party, first, 'run.choose', { option: 'use' });
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.choose', { option: 'logmein' });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.confirm');
    const firstRun = await runOf(stack, card);
    await click(stack, party, card, 'run.cancel');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });

    const again = stack.party('globalAdmin');
    card = await startByText(stack, again, 'globalAdmin', 'provisionnement automatique');
    card = await click(stack, again, card, 'run.choose', { option: 'use' });
    card = await click(stack, again, card, 'run.done');
    card = await click(stack, again, card, 'run.choose', { option: 'logmein' });
    expectValidCard(card);
    expect(text(card)).toContain('LogMeIn est déjà dans vos applications d’entreprise');
    expect(text(card)).toContain('LogMeIn a déjà une tâche de provisionnement : Sesame la réutilise.');
    const run = await runOf(stack, card);
    expect(run.facts.spId).toBe(firstRun.facts.spId);
    expect(run.facts.jobId).toBe(firstRun.facts.jobId);
    expect(run.stepResults.instantiate?.already).toBe(true);
    expect(await graphWrites(stack)).toEqual([]);
  });

  it('adds a new domain, shows its TXT record to copy, and verifies it once the record appears', async () => {
    const party = stack.party('globalAdmin');
    const domain = 'cabinet-exemple.net';
    let card = await startByText(stack, party, 'globalAdmin', 'vérifier un domaine');
    card = await click(stack, party, card, 'run.choose', { option: 'add' });
    // A malformed name changes nothing.
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: 'pas un domaine' } });
    expect((await runOf(stack, card)).currentStepId).toBe('domain-name');
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: domain } });
    expect(text(card)).toContain(`Ajouter ${domain} à votre locataire ?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    const txt = String((await runOf(stack, card)).facts.txtValue);
    expect(txt).toMatch(/^MS=ms[0-9a-f]{8}$/);
    // The record in a form to copy: monospace text runs, apart from the prose.
    const runs =
      JSON.stringify(card).match(/"type":"TextRun","text":"([^"]*)","fontType":"Monospace"/g) ?? [];
    expect(runs.join(' ')).toContain(txt);
    expect(runs.join(' ')).toContain('"TXT"');
    expect(text(card)).toContain('C’est publié');
    // Published too late for the first check: not found yet is a wait, not an error.
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    let run = await runOf(stack, card);
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
    expect(await graphWrites(stack)).toEqual([
      `POST /domains 201`,
      `POST /domains/${domain}/verify 400`,
      `POST /domains/${domain}/verify 200`,
    ]);
    await expectRealGraph(stack);
  });

  it('keeps re-checking a domain that never verifies, reminds the admin, then stops clearly', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'verify a domain');
    card = await click(stack, party, card, 'run.choose', { option: 'add' });
    // A domain already added (unverified) is picked up, not added twice.
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: UNVERIFIED_DOMAIN } });
    expect(text(card)).toContain('already added to your tenant, not verified yet');
    card = await click(stack, party, card, 'run.done');
    let run = await runOf(stack, card);
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
    expectValidCard(card);
    // The card says Sesame stopped, not that DNS is still propagating.
    expect(text(card)).toContain(`The domain ${UNVERIFIED_DOMAIN} is still not verified after 24 hours`);
    expect(text(card)).not.toContain('DNS is propagating');
    expect(actionsOf(card).some((a) => a.verb === 'run.retry')).toBe(true);
    expect((await graphWrites(stack)).filter((w) => w.endsWith('200'))).toEqual([]);
  });

  it('stops clearly on a domain another tenant has verified', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'vérifier un domaine');
    card = await click(stack, party, card, 'run.choose', { option: 'add' });
    card = await click(stack, party, card, 'run.submit', { inputs: { domainName: CLIENT_DEFAULT_DOMAIN } });
    card = await click(stack, party, card, 'run.confirm');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/dns/${CLIENT_DEFAULT_DOMAIN}`, { method: 'PUT' });
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(text(card)).toContain('Procédure arrêtée');
    expect(text(card)).toContain('déjà vérifié dans un autre locataire Microsoft Entra');
    const run = await runOf(stack, card);
    expect(run.status).toBe('failed');
    expect(run.outcome?.stepId).toBe('verify-domain');
  });
});
