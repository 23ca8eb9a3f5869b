import { GRAPH_OPERATIONS } from '../../core/graph/operations/index.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import { emailServiceAccountModule, rbacCommands } from '../../core/procedures/email-service-account.js';
import { checkProcedureModule } from '../../core/procedures/types.js';
import { createDirectory } from '../../sandbox/directory.js';
import {
  DEFAULT_DOMAIN,
  GRAPH_APP_ROLE_MAIL_READ_WRITE,
  INITIAL_DOMAIN,
  SEED_USERS,
  SESAME_CLIENT_ID,
  SKU,
  UNVERIFIED_DOMAIN,
  VENDOR_APPS,
} from '../../sandbox/data/seed.js';
import { click, startByText, text, type Card } from '../helpers/card-clicks.js';
import { cardsIn, startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectRealGraph, expectValidCard, graphWrites, runOf } from '../helpers/procedure-over-http.js';
import type { ConversationParty } from '../helpers/teams-activities.js';

const MINUTE = 60_000;

/**
 * Procedure C through the real server, as Teams calls it, against the sandbox tenant on a simulated clock: the
 * account created in a verified domain with a password shown once, the licence with an Exchange plan and a free
 * seat, the mailbox waited for, then the obsolete EWS step replaced by RBAC for Applications (PowerShell filled in
 * for this tenant, account and app), the propagation wait and its reminder. And the failures: no free seat, no
 * usage location, a domain that is not (or no longer) verified, malformed inputs, an existing account.
 */
describe('procedure C — email-integration service account, over HTTP against the sandbox', () => {
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

  /** Moves the shared clock and delivers what is due (polls, reminders). */
  async function advance(ms: number): Promise<void> {
    clock.set(clock.now() + ms);
    await stack.sesame.timers.dispatchDue();
  }

  async function refreshed(party: ConversationParty, card: Card): Promise<Card> {
    return click(stack, party, card, 'run.refresh', {
      data: (card.refresh as { action: { data: Record<string, unknown> } }).action.data,
    });
  }

  /** The monospace TextRuns of a card: generated secrets and values to copy. */
  function monospace(card: Card): string[] {
    const out: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.type === 'TextRun' && o.fontType === 'Monospace' && typeof o.text === 'string')
          out.push(o.text);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return out;
  }

  function inputValue(card: Card, id: string): unknown {
    let found: unknown;
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.')) found = o.value;
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return found;
  }

  function choiceValues(card: Card): string[] {
    const out: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.type === 'Input.ChoiceSet') for (const c of o.choices as { value: string }[]) out.push(c.value);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return out;
  }

  const userByUpn = (upn: string) =>
    [...stack.sandbox.state.users.values()].find((u) => u.userPrincipalName.toLowerCase() === upn);

  /** An account created earlier by someone else in the admin center (the same Graph call the portal makes). */
  async function createInPortal(upn: string, usageLocation: string | null): Promise<string> {
    const admin = createDirectory(stack.sandbox.runtime).findPrincipal(SEED_USERS.globalAdmin.id)!;
    const token = await stack.sandbox.issuer.issueGraphToken(admin, ['User.ReadWrite.All'], SESAME_CLIENT_ID);
    const res = await fetch(`${stack.sandbox.graphUrl}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        accountEnabled: true,
        displayName: 'Indio (created by hand)',
        mailNickname: upn.split('@')[0],
        userPrincipalName: upn,
        ...(usageLocation ? { usageLocation } : {}),
        passwordProfile: { password: 'Portal-Made-Passw0rd!', forceChangePasswordNextSignIn: true },
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** Starts C, picks the domain, fills the form. */
  async function upToConfirm(
    party: ConversationParty,
    values: { alias: string; usageLocation?: string; displayName?: string },
    words = 'compte de service Indio',
  ): Promise<Card> {
    let card = await startByText(stack, party, 'globalAdmin', words);
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: DEFAULT_DOMAIN } });
    return click(stack, party, card, 'run.submit', {
      inputs: {
        displayName: values.displayName ?? 'Indio',
        alias: values.alias,
        usageLocation: values.usageLocation ?? 'FR',
      },
    });
  }

  it('is soundly wired, and creates the account with forceChangePasswordNextSignIn false', () => {
    expect(checkProcedureModule(emailServiceAccountModule)).toEqual([]);
    const request = GRAPH_OPERATIONS.createServiceAccount.request({
      displayName: 'Indio',
      mailNickname: 'indio',
      userPrincipalName: 'indio@cabinet-exemple.fr',
      usageLocation: 'FR',
      password: 'x',
    });
    expect(request.body).toMatchObject({
      usageLocation: 'FR',
      passwordProfile: { forceChangePasswordNextSignIn: false },
    });
  });

  it('creates the account, assigns a licence with a free Exchange seat, waits for the mailbox, then gives RBAC for Applications filled in (French)', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'compte de service Indio');
    expectValidCard(card);
    expect(text(card)).toContain('Cabinet Exemple : pays FR.');
    // Verified domains only, the default first: the unverified one is not offered.
    expect(choiceValues(card)).toEqual([DEFAULT_DOMAIN, INITIAL_DOMAIN]);
    expect(choiceValues(card)).not.toContain(UNVERIFIED_DOMAIN);

    card = await click(stack, party, card, 'run.submit', { inputs: { choice: DEFAULT_DOMAIN } });
    expectValidCard(card);
    expect(text(card)).toContain(`alias@${DEFAULT_DOMAIN}`);
    // The usage location is the tenant's country, read by the first step.
    expect(inputValue(card, 'usageLocation')).toBe('FR');

    card = await click(stack, party, card, 'run.submit', {
      inputs: { displayName: 'Indio – intégration', alias: 'indio', usageLocation: 'fr' },
    });
    expectValidCard(card);
    expect(text(card)).toContain(
      `Créer le compte indio@${DEFAULT_DOMAIN} (« Indio – intégration », emplacement FR) avec un mot de passe généré ?`,
    );
    expect(await graphWrites(stack)).toEqual([]);

    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    const [password] = monospace(card);
    expect(password).toMatch(/^\S{24}$/);
    const created = userByUpn(`indio@${DEFAULT_DOMAIN}`)!;
    expect(created).toBeDefined();
    expect(created.usageLocation).toBe('FR');
    expect(created.displayName).toBe('Indio – intégration');
    expect(text(card)).toContain('Son mot de passe est affiché ci-dessous, une seule fois');

    // Licences with an Exchange plan and a free seat, Plan 1 first; full, suspended-only and mailbox-less ones are not offered.
    expect(text(card)).toContain('Licences avec Exchange et une place libre');
    expect(choiceValues(card)).toEqual([SKU.exchangeStandard, SKU.m365E3]);
    expect(text(card)).toContain('EXCHANGESTANDARD — Exchange Online (Plan 1) — 2 / 3');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: SKU.exchangeStandard } });
    expectValidCard(card);
    expect(monospace(card)).toEqual([]);
    expect(text(card)).toContain(
      'Attribuer la licence EXCHANGESTANDARD — Exchange Online (Plan 1) — 2 / 3 à',
    );
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(created.assignedLicenses).toEqual([{ skuId: SKU.exchangeStandard, disabledPlans: [] }]);
    // Exchange takes 10 simulated minutes: the mailbox is not ready yet.
    expect(text(card)).toContain('n’est pas encore prête (PendingActivation)');
    expect((await runOf(stack, card)).currentStepId).toBe('mailbox');

    await advance(10 * MINUTE);
    card = await refreshed(party, card);
    expectValidCard(card);
    let run = await runOf(stack, card);
    expect(run.currentStepId).toBe('ews-obsolete');
    // The seed's last step is obsolete, and Sesame says so with the dates.
    for (const said of [
      'ApplicationImpersonation',
      'supprimé le rôle ApplicationImpersonation en février 2025',
      'EWS est bloqué par défaut depuis le 1er octobre 2026',
      's’arrête le 1er avril 2027',
      'RBAC pour les applications',
    ])
      expect(text(card)).toContain(said);

    card = await click(stack, party, card, 'run.done');
    // A malformed app id is refused by the form.
    card = await click(stack, party, card, 'run.submit', { inputs: { appId: 'indio-app' } });
    expect(text(card)).toContain('ID d’application : un GUID');
    card = await click(stack, party, card, 'run.submit', { inputs: { appId: VENDOR_APPS.indio.appId } });
    expectValidCard(card);
    run = await runOf(stack, card);
    const objectId = String(run.facts.appObjectId);
    expect(run.currentStepId).toBe('rbac');
    // The PowerShell, filled in for this tenant, account and app.
    expect(monospace(card)).toEqual([
      `New-ServicePrincipal -AppId '${VENDOR_APPS.indio.appId}' -ObjectId '${objectId}' -DisplayName 'Indio Connect'`,
      `New-ManagementScope -Name 'Sesame - indio mailbox' -RecipientRestrictionFilter 'PrimarySmtpAddress -eq ''indio@${DEFAULT_DOMAIN}'''`,
      `New-ManagementRoleAssignment -App '${VENDOR_APPS.indio.appId}' -Role 'Application Mail.ReadWrite' -CustomResourceScope 'Sesame - indio mailbox'`,
      `Test-ServicePrincipalAuthorization -Identity '${VENDOR_APPS.indio.appId}' -Resource 'indio@${DEFAULT_DOMAIN}'`,
    ]);
    expect(text(card)).toContain('Aucune autorisation d’application sur le courrier accordée');
    expect(text(card)).toContain('N’accordez pas aussi la même autorisation d’application Microsoft Graph');

    card = await click(stack, party, card, 'run.done');
    expectValidCard(card);
    expect((await runOf(stack, card)).currentStepId).toBe('propagation');
    await advance(2 * 60 * MINUTE + 5 * MINUTE);
    const reminders = (await stack.sent(party.conversationId)).filter((a) =>
      JSON.stringify(a).includes('Deux heures ont passé depuis l’attribution du rôle'),
    );
    expect(reminders).toHaveLength(1);
    card = await refreshed(party, card);
    expect((await runOf(stack, card)).currentStepId).toBe('verify');
    expectValidCard(card);
    // The test commands (the RBAC ones stay among the earlier steps' details).
    expect(monospace(card).slice(0, 3)).toEqual([
      `Test-ServicePrincipalAuthorization -Identity '${VENDOR_APPS.indio.appId}' -Resource 'indio@${DEFAULT_DOMAIN}'`,
      `Get-CASMailbox -Identity 'indio@${DEFAULT_DOMAIN}' | Format-List MAPIEnabled`,
      `Set-CASMailbox -Identity 'indio@${DEFAULT_DOMAIN}' -MAPIEnabled $true`,
    ]);
    card = await click(stack, party, card, 'run.done');
    expect((await runOf(stack, card)).status).toBe('done');
    // The password appears on no later card.
    for (const c of cardsIn(await stack.sent(party.conversationId))) {
      if (JSON.stringify(c).includes(password!)) expect(JSON.stringify(c)).toContain('run.confirm');
    }
    expect(await graphWrites(stack)).toEqual([
      'POST /users 201',
      `POST /users/${created.id}/assignLicense 200`,
    ]);
    await expectRealGraph(stack);
  });

  it('reuses an existing account without a usage location: sets it, never creates a second one, says it cannot show its password (English)', async () => {
    const party = stack.party('globalAdmin', undefined, 'en-US');
    const id = await createInPortal(`indio@${DEFAULT_DOMAIN}`, null);
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`, { method: 'DELETE' });
    let card = await upToConfirm(party, { alias: 'Indio', usageLocation: 'BE' }, 'service account for Indio');
    expectValidCard(card);
    // The probe found it before any confirmation: no password generated, none shown.
    expect(text(card)).toContain(`The account indio@${DEFAULT_DOMAIN} already exists`);
    expect(text(card)).toContain('Sesame reuses it and creates no other');
    expect(text(card)).toContain('Sesame does not know the password of an account it did not create');
    expect(monospace(card)).toEqual([]);
    expect(text(card)).toContain(`The account indio@${DEFAULT_DOMAIN} has no usage location: set it to BE?`);
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(stack.sandbox.state.users.get(id)!.usageLocation).toBe('BE');
    expect(text(card)).toContain('Licences with Exchange and a free seat');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: SKU.m365E3 } });
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(text(card)).toContain('is not ready yet (PendingActivation)');
    expect(
      [...stack.sandbox.state.users.values()].filter((u) => u.userPrincipalName.startsWith('indio@')),
    ).toHaveLength(1);
    expect(await graphWrites(stack)).toEqual([
      `PATCH /users/${id} 204`,
      `POST /users/${id}/assignLicense 200`,
    ]);

    // An hour on, still not provisioned (a slow Exchange): the reminder says so, and Sesame keeps checking.
    stack.sandbox.state.users.get(id)!.provisionedPlans = [
      { capabilityStatus: 'Enabled', provisioningStatus: 'PendingActivation', service: 'exchange' },
    ];
    await advance(60 * MINUTE);
    const late = (await stack.sent(party.conversationId)).filter((a) =>
      JSON.stringify(a).includes('is still not ready an hour after the licence was assigned'),
    );
    expect(late).toHaveLength(1);
    expect((await runOf(stack, card)).currentStepId).toBe('mailbox');
    // The sandbox console lists the mailbox being provisioned; its button finishes it.
    const sources = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/outside-events`)).json()) as {
      value: {
        id: string;
        events: { id: string; detail: string; actions: { method: string; path: string }[] }[];
      }[];
    };
    const event = sources.value.find((s) => s.id === 'mailboxes')!.events.find((e) => e.id === id)!;
    expect(event.detail).toContain('mailbox PendingActivation');
    const action = event.actions[0]!;
    expect((await fetch(`${stack.sandbox.httpUrl}${action.path}`, { method: action.method })).status).toBe(
      204,
    );
    await advance(5 * MINUTE);
    expect((await runOf(stack, card)).currentStepId).toBe('ews-obsolete');
    await expectRealGraph(stack);
  });

  it('says which plans would fit and that one must be bought when no Exchange licence has a free seat; the account stays, unlicensed', async () => {
    const party = stack.party('globalAdmin');
    for (const sku of stack.sandbox.state.subscribedSkus) {
      if (sku.skuId === SKU.m365E3) sku.consumedUnits = sku.prepaidUnits.enabled;
      // Seats in suspension are not free: 3 bought, 1 used, 2 suspended.
      if (sku.skuId === SKU.exchangeStandard) {
        sku.prepaidUnits = { ...sku.prepaidUnits, enabled: 1, suspended: 2 };
      }
    }
    let card = await upToConfirm(party, { alias: 'indio' });
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    const run = await runOf(stack, card);
    expect(run.status).toBe('failed');
    for (const said of [
      'Aucune licence avec Exchange n’a de place libre',
      'SPE_E3 (Exchange Online (Plan 2)) : 10 utilisées sur 10',
      'EXCHANGESTANDARD (Exchange Online (Plan 1)) : 1 utilisées sur 1, 2 suspendues',
      'Il faut en acheter une',
      'Exchange Online (Plan 1) — la moins chère qui convient',
    ])
      expect(text(card)).toContain(said);
    expect(JSON.stringify(card)).toContain('(https://admin.microsoft.com/#/catalog)');
    const account = userByUpn(`indio@${DEFAULT_DOMAIN}`)!;
    expect(account.assignedLicenses).toEqual([]);
    expect(await graphWrites(stack)).toEqual(['POST /users 201']);
  });

  it('explains the usage-location refusal first when Microsoft refuses the licence for it, and assigns once it is set', async () => {
    const party = stack.party('globalAdmin');
    let card = await upToConfirm(party, { alias: 'indio' });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: SKU.m365E3 } });
    const account = userByUpn(`indio@${DEFAULT_DOMAIN}`)!;
    // Someone clears it in the admin center between the steps.
    account.usageLocation = null;
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    const said = text(card);
    const explanation = said.indexOf('Microsoft refuse la licence');
    expect(explanation).toBeGreaterThan(-1);
    expect(said).toContain('n’a pas d’emplacement d’utilisation valide');
    expect(said).toContain('La licence n’a pas été attribuée.');
    // The procedure's explanation comes before Graph's own words.
    expect(said.indexOf('License assignment cannot be done')).toBeGreaterThan(explanation);
    expect(account.assignedLicenses).toEqual([]);
    account.usageLocation = 'FR';
    card = await click(stack, party, card, 'run.retry');
    if ((await runOf(stack, card)).pending?.kind === 'confirm')
      card = await click(stack, party, card, 'run.confirm');
    expect(account.assignedLicenses).toEqual([{ skuId: SKU.m365E3, disabledPlans: [] }]);
  });

  it('offers verified domains only, refuses another one, and creates nothing when the domain lost its verification', async () => {
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'service account for Indio');
    // A forged submit naming a domain that was not offered is refused.
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: UNVERIFIED_DOMAIN } });
    expect((await runOf(stack, card)).currentStepId).toBe('upn-domain');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: DEFAULT_DOMAIN } });
    card = await click(stack, party, card, 'run.submit', {
      inputs: { displayName: 'Indio', alias: 'indio', usageLocation: 'FR' },
    });
    // Between the choice and the confirmation, the domain loses its verification.
    stack.sandbox.state.domains.get(DEFAULT_DOMAIN)!.isVerified = false;
    card = await click(stack, party, card, 'run.confirm');
    expectValidCard(card);
    expect(text(card)).toContain('is no longer verified in your organisation');
    expect(text(card)).toContain('Nothing was created');
    expect(monospace(card)).toEqual([]);
    expect(userByUpn(`indio@${DEFAULT_DOMAIN}`)).toBeUndefined();
  });

  it.each([
    [{ alias: 'in dio' }, 'alias', 'Alias : lettres sans accent'],
    [{ alias: 'indiô' }, 'alias', 'Alias : lettres sans accent'],
    [{ alias: '.indio' }, 'alias', 'Alias : lettres sans accent'],
    [{ alias: 'in..dio' }, 'alias', 'Alias : lettres sans accent'],
    [{ alias: 'x'.repeat(65) }, 'alias', '64 caractères au plus'],
    [{ alias: 'indio', usageLocation: 'France' }, 'usageLocation', 'le code pays ISO à deux lettres'],
    [{ alias: 'indio', usageLocation: '' }, 'usageLocation', 'ce champ est obligatoire'],
    [{ alias: 'indio', displayName: ' -- ' }, 'displayName', 'au moins une lettre ou un chiffre'],
  ])('refuses a malformed form %j with the reason, writing nothing', async (values, field, reason) => {
    const party = stack.party('globalAdmin');
    const card = await upToConfirm(party, values);
    expectValidCard(card);
    const run = await runOf(stack, card);
    expect(run.currentStepId).toBe('account');
    expect(run.pending?.kind === 'input' ? Object.keys(run.pending.errors ?? {}) : []).toContain(field);
    expect(text(card)).toContain(reason);
    expect(await graphWrites(stack)).toEqual([]);
  });

  it('warns when the app already holds a tenant-wide Mail permission in Entra (the grants add up)', async () => {
    const party = stack.party('globalAdmin');
    const state = stack.sandbox.state;
    const indio = [...state.servicePrincipals.values()].find((s) => s.appId === VENDOR_APPS.indio.appId)!;
    const graph = [...state.servicePrincipals.values()].find(
      (s) => s.appId === '00000003-0000-0000-c000-000000000000',
    )!;
    state.appRoleAssignments.push({
      id: 'indio-mail-readwrite-tenant-wide',
      deletedDateTime: null,
      appRoleId: GRAPH_APP_ROLE_MAIL_READ_WRITE,
      createdDateTime: new Date(clock.now()).toISOString(),
      principalDisplayName: indio.displayName,
      principalId: indio.id,
      principalType: 'ServicePrincipal',
      resourceDisplayName: graph.displayName,
      resourceId: graph.id,
    });
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/mailbox-provisioning`, {
      method: 'PUT',
      body: JSON.stringify({ ms: 0 }),
      headers: { 'content-type': 'application/json' },
    });
    let card = await upToConfirm(party, { alias: 'svc-indio' });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: SKU.exchangeStandard } });
    card = await click(stack, party, card, 'run.confirm');
    expect((await runOf(stack, card)).currentStepId).toBe('ews-obsolete');
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.submit', { inputs: { appId: VENDOR_APPS.indio.appId } });
    expectValidCard(card);
    expect(text(card)).toContain('Mail.ReadWrite (Microsoft Graph)');
    expect(text(card)).toContain('Elles valent pour toutes les boîtes et s’ajoutent à la portée RBAC');
    expect(monospace(card)).toHaveLength(4);
  });

  it('sends an unknown app back to its id, and finds it once corrected', async () => {
    const party = stack.party('globalAdmin');
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/mailbox-provisioning`, {
      method: 'PUT',
      body: JSON.stringify({ ms: 0 }),
      headers: { 'content-type': 'application/json' },
    });
    let card = await upToConfirm(party, { alias: 'indio' });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: SKU.exchangeStandard } });
    card = await click(stack, party, card, 'run.confirm');
    card = await click(stack, party, card, 'run.done');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { appId: '11111111-2222-4333-8444-555555555555' },
    });
    expectValidCard(card);
    expect(text(card)).toContain(
      'Aucun principal de service pour l’application 11111111-2222-4333-8444-555555555555',
    );
    expect((await runOf(stack, card)).currentStepId).toBe('app-missing');
    card = await click(stack, party, card, 'run.choose', { option: 'correct' });
    card = await click(stack, party, card, 'run.submit', { inputs: { appId: VENDOR_APPS.indio.appId } });
    expect((await runOf(stack, card)).currentStepId).toBe('rbac');
  });

  it('escapes values from the run in the PowerShell it gives', () => {
    const [sp, scope, role, test] = rbacCommands({
      appId: 'a',
      objectId: 'o',
      appName: "O'Brien’s $app `x`",
      upn: "o'hara@x.fr",
      scope: "Sesame - o'hara mailbox",
    });
    expect(sp!.value).toBe(
      "New-ServicePrincipal -AppId 'a' -ObjectId 'o' -DisplayName 'O''Brien’’s $app `x`'",
    );
    expect(scope!.value).toBe(
      "New-ManagementScope -Name 'Sesame - o''hara mailbox' -RecipientRestrictionFilter 'PrimarySmtpAddress -eq ''o''''hara@x.fr'''",
    );
    expect(role!.value).toContain("-CustomResourceScope 'Sesame - o''hara mailbox'");
    expect(test!.value).toBe("Test-ServicePrincipalAuthorization -Identity 'a' -Resource 'o''hara@x.fr'");
  });
});
