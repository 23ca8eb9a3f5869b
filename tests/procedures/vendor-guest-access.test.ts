import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../../core/engine/run.js';
import { GRAPH_OPERATIONS } from '../../core/graph/operations/index.js';
import { USED_GRAPH_OPERATIONS } from '../../core/procedures/catalog.js';
import { ROLE } from '../../core/directory-roles.js';
import { addRoleAssignment, SEED_USERS } from '../../sandbox/data/seed.js';
import { click, startByText, startGuestAccess, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectRealGraph, expectValidCard, graphLog, runOf } from '../helpers/procedure-over-http.js';
import type { ConversationParty } from '../helpers/teams-activities.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

/**
 * Procedure A through the real server, like Teams calls it: activities and adaptiveCard/action invokes to
 * /api/messages, replies captured by the sandbox's Bot Framework connector, Graph answered by the sandbox tenant.
 */
describe('procedure A — Cegid Loop guest access, over HTTP against the sandbox', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    // Debug level: the token scan below must see every line the server can log.
    stack = await startLocalStack({ logLevel: 'debug' });
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
  });

  async function inviteAndAssign(party: ConversationParty, who: Parameters<typeof startGuestAccess>[2]) {
    let card = await startGuestAccess(stack, party, who);
    expectValidCard(card);
    expect(text(card)).toContain('Adresse e-mail du fournisseur');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    expect(text(card)).toContain(`Inviter ${VENDOR} comme invité ?`);
    expectValidCard(card);
    card = await click(stack, party, card, 'run.confirm');
    return card;
  }

  it('completes as a Global Administrator', async () => {
    const party = stack.party('globalAdmin');
    let card = await inviteAndAssign(party, 'globalAdmin');
    expect(text(card)).toContain(`Attribuer le rôle Inviteur à ${VENDOR} ?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    // The admin who invites becomes the guest's sponsor, once confirmed.
    expect(text(card)).toContain(`Vous désigner comme parrain de ${VENDOR} ?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(text(card)).toContain(`Claire Martin est maintenant parrain de ${VENDOR}.`);
    // Now waiting for the vendor: 2 business days, Europe/Paris, recorded in the run and as a reminder.
    let run = await runOf(stack, card);
    expect(run.status).toBe('waiting');
    expect(run.pending?.kind).toBe('wait');
    const guestId = run.stepResults.invite!.objectIds[0]!;
    const guest = stack.sandbox.state.users.get(guestId)!;
    expect(guest.userType).toBe('Guest');
    expect(guest.mail?.toLowerCase()).toBe(VENDOR);
    expect(stack.sandbox.state.sponsors.get(guestId)).toEqual([SEED_USERS.globalAdmin.id]);
    expect(run.stepResults.sponsor?.status).toBe('done');
    expect(
      [...stack.sandbox.state.roleAssignments.values()].filter(
        (a) => a.principalId === guestId && a.roleDefinitionId === ROLE.guestInviter,
      ),
    ).toHaveLength(1);
    const reminders = await stack.store.listReminders(stack.sandbox.tenantId, run.id);
    expect(reminders.some((r) => r.status === 'scheduled')).toBe(true);

    // The vendor accepts; "check now" sees it, then the admin confirms Cegid Loop's action.
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/guests/${guestId}/accept`, { method: 'POST' });
    card = await click(stack, party, card, 'run.retry');
    expect(text(card)).toContain('Cegid Loop a confirmé');
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(text(card)).toContain('Procédure terminée');
    run = await runOf(stack, card);
    expect(run.status).toBe('done');

    const writes = (await graphLog(stack)).filter((e) => e.method !== 'GET');
    expect(writes.map((e) => `${e.method} ${new URL(e.url, 'http://x').pathname} ${e.status}`)).toEqual([
      'POST /invitations 201',
      'POST /roleManagement/directory/roleAssignments 201',
      `POST /users/${guestId}/sponsors/$ref 204`,
    ]);
    const audit = await stack.store.listAudit(stack.sandbox.tenantId, { runId: run.id, limit: 500 });
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['run.started']));
    const okWrites = audit.filter((a) => a.action === 'graph.write' && a.result === 'ok');
    expect(okWrites.map((a) => a.details?.op).sort()).toEqual([
      'addSponsor',
      'assignDirectoryRole',
      'inviteGuest',
    ]);
    // Every request Sesame sent is real Graph v1.0 (Microsoft's CSDL) and covered by a scope Sesame asks for.
    const sent = await expectRealGraph(stack);
    expect(sent.length).toBeGreaterThan(5);
    // …and each is one of the operations the procedure's steps and the pre-flight declare.
    const declared = USED_GRAPH_OPERATIONS.map((name) => GRAPH_OPERATIONS[name]);
    for (const entry of sent) {
      const path = decodeURIComponent(new URL(entry.url, 'http://graph').pathname);
      const match = declared.find(
        (op) =>
          op.method === entry.method &&
          new RegExp(`^${op.path.replace(/\$/g, '\\$').replace(/\{[^}]*\}/g, '[^/]+')}$`).test(path),
      );
      expect({ request: `${entry.method} ${path}`, declared: match !== undefined }).toEqual({
        request: `${entry.method} ${path}`,
        declared: true,
      });
    }

    // The admin's token never reaches the audit log, the store, the logs or a card.
    const jwt = /eyJ[\w-]+\.eyJ[\w-]+\./;
    expect(JSON.stringify(audit)).not.toMatch(jwt);
    const runs = await stack.store.list('run', stack.sandbox.tenantId, { limit: 1000 });
    expect(JSON.stringify(runs)).not.toMatch(jwt);
    for (const file of ['sesame.db', 'sesame.db-wal']) {
      const path = join(stack.config.dataDir, file);
      if (existsSync(path)) expect(readFileSync(path).toString('latin1')).not.toMatch(jwt);
    }
    expect(stack.logger.lines.some((l) => l.startsWith('debug '))).toBe(true);
    expect(stack.logger.lines.join('\n')).not.toMatch(jwt);
    expect(JSON.stringify(await stack.sent(party.conversationId))).not.toMatch(jwt);
  });

  it('writes no sponsor when the admin already sponsors the guest, and says so', async () => {
    // Jean Dupont (Cegid) is an accepted guest Claire Martin already sponsors (seed).
    const guest = SEED_USERS.acceptedGuest;
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: guest.mail } });
    expect(text(card)).toContain(`Attribuer le rôle Inviteur à ${guest.mail} ?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    // No confirmation asked: the probe found the admin among the sponsors.
    expect(text(card)).toContain(`Claire Martin est déjà parrain de ${guest.mail} : rien n’a été écrit.`);
    const run = await runOf(stack, card);
    expect(run.stepResults.sponsor?.status).toBe('done');
    expect(stack.sandbox.state.sponsors.get(guest.id)).toEqual([SEED_USERS.globalAdmin.id]);
    const writes = (await graphLog(stack)).filter((e) => e.method !== 'GET');
    expect(writes.map((e) => `${e.method} ${new URL(e.url, 'http://x').pathname}`)).toEqual([
      'POST /roleManagement/directory/roleAssignments',
    ]);
    expect(
      (await graphLog(stack)).map((e) => `${e.method} ${new URL(e.url, 'http://x').pathname}`),
    ).toContain(`GET /users/${guest.id}/sponsors`);
  });

  it('adds the admin beside a sponsor someone else set, in English', async () => {
    // Paul Durand sponsors Jean Dupont; Claire Martin runs A for him and is added, Paul kept.
    stack.sandbox.state.sponsors.set(SEED_USERS.acceptedGuest.id, [SEED_USERS.globalAdmin2.id]);
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'Cegid Loop guest access');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { email: SEED_USERS.acceptedGuest.mail },
    });
    card = await click(stack, party, card, 'run.confirm');
    expect(text(card)).toContain(`Make yourself the sponsor of ${SEED_USERS.acceptedGuest.mail}?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(text(card)).toContain(`Claire Martin is now the sponsor of ${SEED_USERS.acceptedGuest.mail}.`);
    expect(stack.sandbox.state.sponsors.get(SEED_USERS.acceptedGuest.id)).toEqual([
      SEED_USERS.globalAdmin2.id,
      SEED_USERS.globalAdmin.id,
    ]);
  });

  /** The card as a reader sees it: what a toggle hides (the details of earlier steps) left out. */
  function shown(card: Card): string {
    const visible = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.filter((n) => (n as { isVisible?: boolean } | null)?.isVisible !== false).map(visible)
        : node && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visible(v)]))
          : node;
    return text(visible(card) as Card);
  }

  /**
   * Sophie Bernard (Privileged Role Administrator) also made Guest Inviter: enough to invite and to assign the
   * role, not to add a sponsor (User Administrator, Directory Writers or Global Administrator). Before she signs
   * in, so her token's roles say so; no other test here signs her in.
   */
  function inviterWithRoleAdmin(): void {
    addRoleAssignment(stack.sandbox.state, SEED_USERS.privilegedRoleAdmin.id, ROLE.guestInviter);
  }

  it('leaves the sponsor to an admin whose roles may not add one, says so and what to do, and goes on', async () => {
    inviterWithRoleAdmin();
    const party = stack.party('privilegedRoleAdmin');
    let card = await startGuestAccess(stack, party, 'privilegedRoleAdmin');
    expectValidCard(card);
    // Told before the start: every step runs, the sponsor partly by hand.
    expect(shown(card)).toContain(
      'Pré-vérification : vos rôles ne permettent pas à Sesame de tout faire dans ces étapes : Parrain de l’invité.',
    );
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm');
    expect(text(card)).toContain(`Attribuer le rôle Inviteur à ${VENDOR} ?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    // No sponsor question: the step said what it could not do, in view, with whom to ask, and the run went on.
    expect(text(card)).not.toContain('Vous désigner comme parrain');
    const t = shown(card);
    expect(t).toContain(
      `Sesame n’a pas pu faire de vous le parrain de ${VENDOR} : vos rôles ne permettent pas d’ajouter un ` +
        'parrain (il faut l’un de ceux-ci : Administrateur d’utilisateurs, Enregistreurs de répertoire, ' +
        'Administrateur général). Rien n’a été écrit.',
    );
    expect(t).toContain(
      `À faire : dans le centre d’administration Microsoft Entra, Utilisateurs > Tous les utilisateurs > ${VENDOR} ` +
        '> Sponsors (parrains) > Ajouter, ou demandez-le à un administrateur d’utilisateurs.',
    );
    expect(t).toContain('Dans votre organisation, Administrateur d’utilisateurs : Julien Petit');
    expect(t).toContain('Tous les utilisateurs (Entra)');
    expect(t).toContain('Intervention de Cegid Loop');
    const run = await runOf(stack, card);
    expect(run.stepResults.sponsor?.status).toBe('skipped');
    expect(run.stepResults.verify?.status).toBe('done');
    expect(run.currentStepId).toBe('vendor-wait');
    expect(run.pending?.kind).toBe('wait');
    const guestId = run.stepResults.invite!.objectIds[0]!;
    // Probed (is the admin already a sponsor?), never written.
    expect(
      (await graphLog(stack)).map((e) => `${e.method} ${new URL(e.url, 'http://x').pathname}`),
    ).toContain(`GET /users/${guestId}/sponsors`);
    const writes = (await graphLog(stack)).filter((e) => e.method !== 'GET');
    expect(writes.map((e) => `${e.method} ${new URL(e.url, 'http://x').pathname} ${e.status}`)).toEqual([
      'POST /invitations 201',
      'POST /roleManagement/directory/roleAssignments 201',
    ]);
    expect(stack.sandbox.state.sponsors.get(guestId) ?? []).toEqual([]);
    const audit = await stack.store.listAudit(stack.sandbox.tenantId, { runId: run.id, limit: 500 });
    expect(audit.filter((a) => a.action === 'action.not-allowed').map((a) => a.details?.stepId)).toEqual([
      'sponsor',
    ]);
  });

  it('says the same in English, and the run completes with the sponsor still shown as left to do', async () => {
    inviterWithRoleAdmin();
    const party = stack.party('privilegedRoleAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'privilegedRoleAdmin', 'Cegid Loop guest access');
    expect(shown(card)).toContain(
      'Pre-flight: your roles do not let Sesame do all of these steps: Guest’s sponsor.',
    );
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.confirm');
    const english =
      `Sesame could not make you the sponsor of ${VENDOR}: your roles do not allow adding a sponsor (it takes one ` +
      'of these: User Administrator, Directory Writers, Global Administrator). Nothing was written.';
    expect(shown(card)).toContain(english);
    expect(shown(card)).toContain(
      `To do: in the Microsoft Entra admin center, Users > All users > ${VENDOR} > Sponsors > Add, or ask ` +
        'a User Administrator.',
    );
    expect(shown(card)).toContain('In your organisation, User Administrator: Julien Petit');
    const guestId = (await runOf(stack, card)).stepResults.invite!.objectIds[0]!;
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/guests/${guestId}/accept`, { method: 'POST' });
    card = await click(stack, party, card, 'run.retry');
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(shown(card)).toContain('Procedure complete');
    expect(shown(card)).toContain(english);
    const run = await runOf(stack, card);
    expect(run.status).toBe('done');
    expect(run.procedureVersion).toBe(2);
    expect((await graphLog(stack)).some((e) => e.url.includes('/sponsors/$ref'))).toBe(false);
  });

  it('carries a run started on version 1 on under version 1: the sponsor step blocks, then another admin adds it', async () => {
    inviterWithRoleAdmin();
    const conversationId = `a:v1-${Math.random().toString(36).slice(2)}`;
    const sophie = stack.party('privilegedRoleAdmin', conversationId);
    let card = await startGuestAccess(stack, sophie, 'privilegedRoleAdmin');
    card = await click(stack, sophie, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, sophie, card, 'run.confirm');
    expect(text(card)).toContain(`Attribuer le rôle Inviteur à ${VENDOR} ?`);
    // As if Sesame had been upgraded while the run stood here: it was started on version 1 (same steps, same
    // shape of run; only the sponsor step's data differs).
    const record = (await stack.store.get<Run>(
      'run',
      stack.sandbox.tenantId,
      (await runOf(stack, card)).id,
    ))!;
    await stack.store.replace(
      'run',
      stack.sandbox.tenantId,
      record.value.id,
      { ...record.value, procedureVersion: 1 },
      record.etag,
    );
    card = await click(stack, sophie, card, 'run.confirm');
    expectValidCard(card);
    // Version 1 required User Administrator, Directory Writers or Global Administrator to add the sponsor.
    let run = await runOf(stack, card);
    expect(run.procedureVersion).toBe(1);
    expect(run.stepResults['assign-role']?.status).toBe('done');
    expect(run.pending).toMatchObject({ kind: 'blocked', stepId: 'sponsor' });
    expect(shown(card)).toContain('Droits insuffisants');
    expect(shown(card)).not.toContain('Sesame n’a pas pu faire de vous le parrain');
    // Claire Martin (Global Administrator), in the same chat, carries it on: asked, written, on to the wait.
    const claire = stack.party('globalAdmin', conversationId);
    await startGuestAccess(stack, claire, 'globalAdmin'); // signs her in (and starts a run of her own)
    card = await click(stack, claire, card, 'run.retry');
    expect(text(card)).toContain(`Vous désigner comme parrain de ${VENDOR} ?`);
    card = await click(stack, claire, card, 'run.confirm');
    expect(text(card)).toContain(`Claire Martin est maintenant parrain de ${VENDOR}.`);
    run = await runOf(stack, card);
    expect(run.procedureVersion).toBe(1);
    expect(run.pending?.kind).toBe('wait');
    const guestId = run.stepResults.invite!.objectIds[0]!;
    expect(stack.sandbox.state.sponsors.get(guestId)).toEqual([SEED_USERS.globalAdmin.id]);
  });

  it('stops at pre-flight for a plain user, naming the missing roles and who holds them', async () => {
    const party = stack.party('plainUser');
    const card = await startGuestAccess(stack, party, 'plainUser');
    expectValidCard(card);
    const t = text(card);
    expect(t).toContain('Droits insuffisants');
    expect(t).toMatch(/Inviteur|Guest Inviter/);
    expect(t).toContain('Claire Martin'); // a Global Administrator to ask
    const run = await runOf(stack, card);
    expect(run.pending?.kind).toBe('blocked');
    expect((await graphLog(stack)).filter((e) => e.method !== 'GET')).toEqual([]);
  });

  it('lets a Guest Inviter invite but says it cannot assign the role', async () => {
    const party = stack.party('guestInviter');
    let card = await startGuestAccess(stack, party, 'guestInviter');
    expect(text(card)).toContain('Rôle Inviteur'); // pre-flight warns the role step needs someone else
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm');
    const run = await runOf(stack, card);
    expect(run.stepResults.invite?.status).toBe('done');
    expect(run.pending?.kind).toBe('blocked');
    expect(run.currentStepId).toBe('assign-role');
    expect(text(card)).toContain('Droits insuffisants');
    expect(text(card)).toMatch(/Administrateur de rôle privilégié|Privileged Role Administrator/);
    const writes = (await graphLog(stack)).filter((e) => e.method !== 'GET');
    expect(writes.map((e) => e.method + ' ' + new URL(e.url, 'http://x').pathname)).toEqual([
      'POST /invitations',
    ]);
  });

  it('sends one invitation when "Invite" is double-clicked', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    const [first, second] = await Promise.all([
      click(stack, party, card, 'run.confirm'),
      click(stack, party, card, 'run.confirm'),
    ]);
    const invites = (await graphLog(stack)).filter(
      (e) => e.method === 'POST' && e.url.includes('/invitations'),
    );
    expect(invites).toHaveLength(1);
    // One click went through; the other is told the card is out of date, above the current state.
    expect([text(first), text(second)].some((t) => t.includes('n’est plus à jour'))).toBe(true);
  });

  it('keeps a run in the language it was started in, whoever clicks and whatever their client says', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startGuestAccess(stack, party, 'globalAdmin'); // typed in French
    expect(text(card)).toContain('Adresse e-mail du fournisseur');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    expect(text(card)).toContain(`Inviter ${VENDOR} comme invité ?`);
  });

  it('gives field-level messages for malformed input and changes nothing', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: 'pas-une-adresse' } });
    expectValidCard(card);
    const input = (card.body as Record<string, unknown>[]).find(
      (b) => b.type === 'Input.Text' && b.id === 'email',
    );
    expect(input?.errorMessage).toBeTruthy();
    expect(input?.value).toBe('pas-une-adresse');
    expect((await runOf(stack, card)).currentStepId).toBe('vendor-email');
    expect((await graphLog(stack)).filter((e) => e.method !== 'GET')).toEqual([]);
  });

  it('retries a 429 on the invitation and completes the step', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    // The sandbox's fault generator is seeded: at this rate the first three POSTs are throttled, the fourth passes.
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ throttleRate: 0.7, retryAfterSeconds: 1, onlyPaths: ['/invitations'] }),
    });
    card = await click(stack, party, card, 'run.confirm');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, { method: 'DELETE' });
    const posts = (await graphLog(stack)).filter(
      (e) => e.method === 'POST' && e.url.includes('/invitations'),
    );
    expect(posts.map((p) => p.status)).toContain(429);
    expect(posts[posts.length - 1]!.status).toBe(201);
    expect((await runOf(stack, card)).stepResults.invite?.status).toBe('done');
  });
});
