/**
 * The checklist's last two rules through the tab API against the local stack: known vendor apps consented (the
 * Cegid Loop collaborative app: a user's consent alone is a warning, sent to procedure B; an admin's consent fixes
 * it and lists its scopes), and service accounts (those Sesame's procedure C created or took over, from its runs:
 * enabled, licensed, strong password), `unknown` when Graph does not answer the read, and the fix link to procedure
 * C (`email-service-account`) only when Sesame has that procedure.
 */
import type { ChecklistItem, RefreshEvent } from '../../core/checklist/api-types.js';
import { KNOWN_VENDOR_APPS } from '../../core/checklist/vendor-apps.js';
import { toItems } from '../../core/checklist/exceptions.js';
import { PROCEDURES } from '../../core/procedures/catalog.js';
import { CEGID_LOOP_APP_ID } from '../../core/procedures/client-collaboration-account.js';
import { DEFAULT_DOMAIN, SEED_USERS } from '../../sandbox/data/seed.js';
import { click, startByText, text } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;

describe('checklist: vendor apps consented and service accounts', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
  });

  async function refresh(who: Who = 'globalAdmin') {
    const token = await fetch(`${stack.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: SEED_USERS[who].userPrincipalName, appId: stack.config.bot.appId }),
    });
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${((await token.json()) as { token: string }).token}`,
        'accept-language': 'en',
      },
    });
    const last = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RefreshEvent)
      .at(-1)!;
    if (last.type !== 'done') throw new Error(`refresh did not finish: ${JSON.stringify(last)}`);
    return last;
  }
  const item = (items: readonly ChecklistItem[], id: string) => items.find((i) => i.ruleId === id)!;
  const tenant = () => stack.sandbox.tenantId;
  const post = (path: string) => fetch(`${stack.sandbox.httpUrl}${path}`, { method: 'POST' });

  it('knows procedure B’s vendor app by the id procedure B consents to', () => {
    expect(KNOWN_VENDOR_APPS.map((a) => a.appId)).toContain(CEGID_LOOP_APP_ID);
  });

  it('vendor apps: none in the seeded firm passes; a user’s own consent warns and is sent to procedure B; the admin’s consent fixes it and lists the scopes', async () => {
    const first = await refresh();
    const none = item(first.snapshot.items, 'vendor-apps-consented');
    expect(none.status).toBe('pass');
    expect(none.verdict.en).toBe('None of the known vendor apps is present in the organisation.');
    expect(none.fix).toBeUndefined();
    expect(none.reads).toEqual([
      "GET /servicePrincipals?$filter=appId in ('{appId}')",
      'GET /oauth2PermissionGrants',
    ]);

    // A user consents to Cegid Loop for themselves only: the sandbox console's button for this tenant.
    const events = (await (await fetch(`${stack.sandbox.httpUrl}/_sandbox/outside-events`)).json()) as {
      value: {
        id: string;
        events: { id: string; actions: { label: string; method: string; path: string }[] }[];
      }[];
    };
    const row = events.value.find((s) => s.id === 'vendor-consents')!.events.find((e) => e.id === tenant())!;
    const userConsent = row.actions.find((a) => a.label.startsWith('Consent for themselves only'))!;
    expect(userConsent.path).toContain(`/consents/${CEGID_LOOP_APP_ID}/users/`);
    const res = await fetch(`${stack.sandbox.httpUrl}${userConsent.path}`, { method: userConsent.method });
    expect(res.ok).toBe(true);
    const second = await refresh();
    const userOnly = item(second.snapshot.items, 'vendor-apps-consented');
    expect(userOnly.status).toBe('warn');
    expect(userOnly.evidence.values).toMatchObject({ present: 1, withoutAdminConsent: 1 });
    expect(userOnly.evidence.objects).toEqual([
      expect.objectContaining({
        name: 'Cegid Loop',
        kind: 'servicePrincipal',
        detail: {
          fr: expect.any(String) as unknown,
          en: 'No admin consent: 1 user(s) consented for themselves',
        },
      }),
    ]);
    expect(userOnly.evidence.objects[0]!.inventory).toBeUndefined();
    expect(userOnly.fix).toEqual({
      procedureId: 'client-collaboration-account',
      title: PROCEDURES.find((m) => m.procedure.id === 'client-collaboration-account')!.procedure.title,
    });

    // A Global Administrator consents for the whole organisation (procedure B's link).
    expect((await post(`/_sandbox/tenants/${tenant()}/consents/${CEGID_LOOP_APP_ID}`)).ok).toBe(true);
    const third = await refresh();
    const consented = item(third.snapshot.items, 'vendor-apps-consented');
    expect(consented.status).toBe('pass');
    expect(consented.fix).toBeUndefined();
    expect(consented.evidence.objects).toEqual([
      expect.objectContaining({ name: 'Cegid Loop', inventory: true }),
    ]);
    expect(consented.evidence.objects[0]!.detail?.en).toBe(
      'Admin consent: openid, profile, offline_access, User.Read, Files.ReadWrite.All; 1 user consent(s)',
    );
    expect(third.changes.fixed.map((c) => c.ruleId)).toContain('vendor-apps-consented');
  });

  it('vendor apps: Graph not answering the grants read makes the rule unknown, naming the read, never a pass', async () => {
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unavailableRate: 1, onlyPaths: ['/oauth2PermissionGrants'] }),
    });
    try {
      const { snapshot } = await refresh();
      const unknown = item(snapshot.items, 'vendor-apps-consented');
      expect(unknown.status).toBe('unknown');
      expect(unknown.missing?.message.en).toContain('GET /oauth2PermissionGrants');
    } finally {
      await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  /** What a run of procedure C leaves in the store once it created (or took over) the account. */
  async function procedureCRun(id: string, accountId: string) {
    await stack.store.create(
      'run',
      tenant(),
      id,
      {
        id,
        procedureId: 'email-service-account',
        procedureVersion: 1,
        tenantId: tenant(),
        status: 'done',
        facts: { accountId, accountExisted: false },
        inputs: {},
        stepResults: {},
      },
      'a:conversation-c',
    );
  }

  it('service accounts: none made by procedure C passes; the account C made is checked (strong password, licence, enabled), a deleted one is listed', async () => {
    const first = await refresh();
    const none = item(first.snapshot.items, 'service-accounts');
    expect(none.status).toBe('pass');
    expect(none.verdict.en).toBe(
      'Sesame’s procedure C has created or taken over no service account in this organisation.',
    );

    // Procedure C made Lucas Moreau's account a service account (in this test, the run it leaves behind).
    const account = stack.sandbox.state.users.get(SEED_USERS.plainUser.id.toLowerCase())!;
    await procedureCRun('run-c-1', SEED_USERS.plainUser.id);
    account.assignedLicenses = [];
    account.passwordPolicies = 'DisablePasswordExpiration, DisableStrongPassword';
    const second = await refresh();
    const weak = item(second.snapshot.items, 'service-accounts');
    expect(weak.status).toBe('fail');
    expect(weak.evidence.objects).toEqual([
      expect.objectContaining({
        id: SEED_USERS.plainUser.id.toLowerCase(),
        name: SEED_USERS.plainUser.userPrincipalName,
        kind: 'user',
        detail: {
          fr: 'mot de passe fort non exigé, sans licence',
          en: 'strong password not enforced, unlicensed',
        },
      }),
    ]);

    account.passwordPolicies = 'DisablePasswordExpiration';
    const third = await refresh();
    expect(item(third.snapshot.items, 'service-accounts').status).toBe('warn');
    expect(item(third.snapshot.items, 'service-accounts').evidence.objects[0]!.detail?.en).toBe('unlicensed');

    account.assignedLicenses = [{ skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df', disabledPlans: [] }];
    // A second account procedure C made was deleted since.
    await procedureCRun('run-c-2', '0f6c4e1a-0000-4000-8000-00000000dead');
    const fourth = await refresh();
    const deleted = item(fourth.snapshot.items, 'service-accounts');
    expect(deleted.status).toBe('warn');
    expect(deleted.evidence.values).toMatchObject({ serviceAccounts: 2, toFix: 1, weakPassword: 0 });
    expect(deleted.evidence.objects.find((o) => o.inventory === true)?.detail?.en).toBe(
      'Enabled, 1 licence(s), strong password enforced',
    );
    expect(deleted.evidence.objects.find((o) => o.inventory !== true)?.detail?.en).toBe(
      'Made by procedure C, not found today (deleted?)',
    );
  });

  it('service accounts: the account procedure C created over the Teams protocol (no Exchange seat left: it stays unlicensed) is found and sent back to C', async () => {
    for (const sku of stack.sandbox.state.subscribedSkus) sku.consumedUnits = sku.prepaidUnits.enabled;
    const party = stack.party('globalAdmin');
    let card = await startByText(stack, party, 'globalAdmin', 'compte de service Indio');
    card = await click(stack, party, card, 'run.submit', { inputs: { choice: DEFAULT_DOMAIN } });
    card = await click(stack, party, card, 'run.submit', {
      inputs: { displayName: 'Indio', alias: 'indio-checklist', usageLocation: 'FR' },
    });
    card = await click(stack, party, card, 'run.confirm');
    expect(text(card)).toContain('Aucune licence avec Exchange n’a de place libre');
    const upn = `indio-checklist@${DEFAULT_DOMAIN}`;
    const account = [...stack.sandbox.state.users.values()].find((u) => u.userPrincipalName === upn)!;
    expect(account).toBeDefined();

    const { snapshot } = await refresh();
    const found = item(snapshot.items, 'service-accounts');
    expect(found.status).toBe('warn');
    expect(found.evidence.objects).toContainEqual(
      expect.objectContaining({
        id: String(account.id),
        name: upn,
        detail: { fr: 'sans licence', en: 'unlicensed' },
      }),
    );
    // Procedure C is in Sesame's catalogue now: the fix opens it.
    expect(found.fix?.procedureId).toBe('email-service-account');
  });

  it('service accounts: Graph not answering the accounts read makes the rule unknown, naming the read, never a pass', async () => {
    await procedureCRun('run-c-3', SEED_USERS.plainUser.id);
    await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unavailableRate: 1, onlyPaths: ['/users'] }),
    });
    try {
      const { snapshot } = await refresh();
      const unknown = item(snapshot.items, 'service-accounts');
      expect(unknown.status).toBe('unknown');
      expect(unknown.missing?.message.en).toContain('GET /users');
    } finally {
      await fetch(`${stack.sandbox.httpUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('service accounts: the fix goes to procedure C when Sesame has it, and is absent (no broken link) when not', async () => {
    await procedureCRun('run-c-4', '0f6c4e1a-0000-4000-8000-00000000dead');
    const { snapshot } = await refresh();
    const failing = item(snapshot.items, 'service-accounts');
    expect(failing.status).toBe('warn');
    const c = PROCEDURES.find((m) => m.procedure.id === 'email-service-account');
    expect(failing.fix).toEqual(
      c ? { procedureId: 'email-service-account', title: c.procedure.title } : undefined,
    );

    // The same finding where the fix's procedure does not exist: no fix at all, and where it does: a fix.
    const result = {
      ruleId: 'service-accounts',
      status: 'warn' as const,
      verdict: failing.verdict,
      evidence: failing.evidence,
    };
    const without = toItems([result], [], { now: Date.now(), procedureTitle: () => undefined });
    expect(without[0]!.fix).toBeUndefined();
    const title = { fr: 'Compte de service', en: 'Service account' };
    const withC = toItems([result], [], {
      now: Date.now(),
      procedureTitle: (id) => (id === 'email-service-account' ? title : undefined),
    });
    expect(withC[0]!.fix).toEqual({ procedureId: 'email-service-account', title });
  });
});
