import type { Run } from '../../core/engine/run.js';
import { PIM_MY_ROLES_URL } from '../../core/procedures/partner-center-registration.js';
import { ROLE } from '../../core/directory-roles.js';
import { addRoleAssignment, SEED_USERS } from '../../sandbox/data/seed.js';
import { actionsOf, click, lastCard, startByText, text } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectReadsOnly, expectValidCard, graphLog, runOf } from '../helpers/procedure-over-http.js';

/**
 * Procedure E through the real server, as Teams calls it, against the sandbox tenant: the four accounts the
 * issue names (an active Global Administrator, a PIM-eligible one, a Guest Inviter, a guest).
 */
describe('procedure E — Microsoft Collaborate registration, over HTTP against the sandbox', () => {
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

  /** Every request Sesame sent is Graph v1.0 (Microsoft's CSDL), a read, covered by a scope Sesame asks for. */
  async function expectGraphReads() {
    expect((await expectReadsOnly(stack)).length).toBeGreaterThan(0);
  }

  it('walks an active Global Administrator through the registration to the engagement request (English)', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    let card = await startByText(stack, party, 'globalAdmin', 'register on Microsoft Collaborate');
    expectValidCard(card);
    expect(text(card)).toContain('Before you start');
    expect(text(card)).toContain('50 characters at most');
    expect(text(card)).toContain('You hold the Global Administrator role (active).');
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    // The legal name is checked against Partner Center's limit before the admin types it there.
    card = await click(stack, party, card, 'run.submit', { inputs: { legalName: 'x'.repeat(51) } });
    expect((await runOf(stack, card)).currentStepId).toBe('company');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { legalName: 'Cabinet Martin & Associés' },
    });
    expectValidCard(card);
    expect(text(card)).toContain('it cannot be changed later');
    expect(text(card)).toContain(`claire.martin@`);
    expect(text(card)).toContain('Cabinet Martin');
    card = await click(stack, party, card, 'run.done');
    expect(text(card)).toContain(stack.sandbox.tenantId);
    expect(text(card)).toContain('Nothing changes in Microsoft Entra ID itself.');
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(actionsOf(card).filter((a) => a.verb === 'run.choose')).toHaveLength(2);
    card = await click(stack, party, card, 'run.choose', { option: 'request' });
    expect(text(card)).toContain('justification');
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(text(card)).toContain('Procedure complete');
    const run = await runOf(stack, card);
    expect(run.status).toBe('done');
    expect(run.stepResults['global-admins']).toBeUndefined();
    expect(run.stepResults['engagement-join']).toBeUndefined();
    await expectGraphReads();
  });

  it('asks a PIM-eligible Global Administrator to activate the role first, then goes on once it is active', async () => {
    const party = stack.party('userAdmin');
    let card = await startByText(stack, party, 'userAdmin', 'inscription Microsoft Collaborate');
    expectValidCard(card);
    expect(text(card)).toContain('Activer votre rôle éligible');
    expect(text(card)).toContain('activez votre rôle éligible d’abord');
    expect(text(card)).toContain(PIM_MY_ROLES_URL);
    // Clicking "activated" without activating: Sesame checks again and still asks.
    card = await click(stack, party, card, 'run.done');
    expect(text(card)).toContain('toujours pas actif');
    expect((await runOf(stack, card)).currentStepId).toBe('activate-role');
    // The admin activates the role in PIM (an active assignment appears), then Sesame sees it.
    addRoleAssignment(stack.sandbox.state, SEED_USERS.userAdmin.id, ROLE.globalAdministrator);
    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect(text(card)).toContain('Avant de commencer');
    expect((await runOf(stack, card)).stepResults['global-admin']?.summary?.fr).toContain('(actif)');
    await expectGraphReads();
  });

  it('names the Global Administrators to a Guest Inviter, and stops', async () => {
    const party = stack.party('guestInviter');
    const card = await startByText(stack, party, 'guestInviter', 'Partner Center');
    expectValidCard(card);
    const t = text(card);
    expect(t).toContain('Procédure arrêtée');
    expect(t).toContain('Claire Martin');
    expect(t).toContain('Paul Durand');
    // A Guest Inviter may not list other people's PIM eligibilities: Sesame says so rather than guess.
    expect(t).toContain('lecteurs privilégiés');
    const run = await runOf(stack, card);
    expect(run.status).toBe('failed');
    expect(run.outcome?.stepId).toBe('global-admins');
    await expectGraphReads();
  });

  it('names eligible Global Administrators too when the admin may read them (Global Reader)', async () => {
    const party = stack.party('globalReader', undefined, 'en-US');
    const card = await startByText(stack, party, 'globalReader', 'Collaborate registration');
    expectValidCard(card);
    expect(text(card)).toContain('Eligible through PIM (they must activate the role first): Julien Petit');
    expect(text(card)).toContain('Claire Martin');
  });

  it.each([
    [
      'fr-FR',
      'inviter Cegid Loop dans Microsoft Collaborate',
      'De quelle procédure parlez-vous ?',
      'Démarrer',
    ],
    ['en-US', 'guest access Partner Center', 'Which procedure do you mean?', 'Start'],
  ])(
    'asks which procedure when two fit (%s), and starts the one picked',
    async (locale, words, title, start) => {
      const party = stack.party('globalAdmin', undefined, locale);
      const card = await startByText(stack, party, 'globalAdmin', words);
      expectValidCard(card);
      expect(text(card)).toContain(title);
      const buttons = actionsOf(card).filter((a) => a.verb === 'procedure.start');
      expect(buttons.map((b) => (b.data as { procedureId: string }).procedureId).sort()).toEqual([
        'partner-center-registration',
        'vendor-guest-access',
      ]);
      expect(buttons.every((b) => b.title === start)).toBe(true);
      const runsBefore = (await stack.store.list<Run>('run', stack.sandbox.tenantId, { limit: 1000 })).length;
      const e = buttons.find(
        (b) => (b.data as { procedureId: string }).procedureId === 'partner-center-registration',
      )!;
      await click(stack, party, card, 'procedure.start', { data: e.data as Record<string, unknown> });
      let next = await lastCard(stack, party);
      const link = actionsOf(next).find((a) => a.type === 'Action.OpenUrl')?.url;
      if (typeof link === 'string' && actionsOf(next).some((a) => a.verb === 'signin.done')) {
        await stack.signIn(link, 'globalAdmin');
        await click(stack, party, next, 'signin.done');
        next = await lastCard(stack, party);
      }
      const runs = await stack.store.list<Run>('run', stack.sandbox.tenantId, { limit: 1000 });
      expect(runs.length).toBe(runsBefore + 1);
      expect((await runOf(stack, next)).procedureId).toBe('partner-center-registration');
    },
  );

  it('refuses a guest account: not a work account of the organisation', async () => {
    const party = stack.party('acceptedGuest');
    const card = await startByText(stack, party, 'acceptedGuest', 'Espace partenaires Microsoft');
    expectValidCard(card);
    const t = text(card);
    expect(t).toContain('Procédure arrêtée');
    expect(t).toContain('compte invité');
    expect(t).toContain('pas un compte professionnel');
    const run = await runOf(stack, card);
    expect(run.status).toBe('failed');
    expect(run.outcome?.stepId).toBe('work-account');
    // Nothing beyond /me was read for a guest.
    expect((await graphLog(stack)).map((e) => new URL(e.url, 'http://x').pathname)).toEqual(['/me']);
  });
});
