import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { click, startGuestAccess } from '../helpers/card-clicks.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { botAddedActivity } from '../helpers/teams-activities.js';

/** The tab's API: Entra SSO token (as Teams' getAuthToken gives it) required, data scoped to the caller's tenant. */
describe('/api/tab', () => {
  let stack: LocalStack;
  let token: string;
  beforeAll(async () => {
    stack = await startLocalStack();
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: SEED_USERS.globalAdmin.userPrincipalName, appId: stack.config.bot.appId }),
    });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await stack.stop();
  });

  const get = (path: string, auth?: string) =>
    fetch(`${stack.sesame.url}/api/tab${path}`, {
      headers: { 'accept-language': 'fr-FR', ...(auth ? { authorization: auth } : {}) },
    });

  it('refuses a request without a token, or with a bad one, in the user’s language', async () => {
    const none = await get('/me');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string; message: string } }).error).toEqual(
      expect.objectContaining({ code: 'auth_required', message: 'Vous devez vous connecter.' }),
    );
    expect((await get('/me', 'Bearer nope')).status).toBe(401);
    // A Graph token is not a token for Sesame's API (wrong audience).
    const graphToken = await stack.sandbox.issuer.issueGraphToken(
      { ...SEED_USERS.globalAdmin, userType: 'Member', accountEnabled: true, roleTemplateIds: [] },
      ['User.Read'],
      stack.config.bot.appId,
    );
    expect((await get('/me', `Bearer ${graphToken}`)).status).toBe(401);
  });

  it('answers who is signed in, the procedures, the runs and the audit log of the caller’s tenant', async () => {
    const party = stack.party('globalAdmin');
    const card = await startGuestAccess(stack, party, 'globalAdmin');
    await click(stack, party, card, 'run.submit', { inputs: { email: 'admin@onloop.onmicrosoft.com' } });

    const me = (await (await get('/me', `Bearer ${token}`)).json()) as { tenantId: string; name: string };
    expect(me).toEqual(expect.objectContaining({ tenantId: stack.sandbox.tenantId, name: 'Claire Martin' }));
    const procedures = (await (await get('/procedures', `Bearer ${token}`)).json()) as { id: string }[];
    expect(procedures.map((p) => p.id)).toEqual([
      'vendor-guest-access',
      'partner-center-registration',
      'client-collaboration-account',
      'email-service-account',
      'domain-and-provisioning',
    ]);
    const runs = (await (await get('/runs', `Bearer ${token}`)).json()) as {
      status: string;
      currentStepId: string;
    }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual(expect.objectContaining({ currentStepId: 'invite' }));
    const audit = (await (await get('/audit?limit=5', `Bearer ${token}`)).json()) as { seq: number }[];
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.length).toBeLessThanOrEqual(5);
  });

  it('tells per run when its next reminder is due, and when one was given up', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { email: 'admin@onloop.onmicrosoft.com' },
    });
    card = await click(stack, party, card, 'run.confirm'); // invite
    card = await click(stack, party, card, 'run.confirm'); // Guest Inviter role
    card = await click(stack, party, card, 'run.confirm'); // sponsor
    const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
    type Listed = { id: string; reminder?: { nextAt?: string; failed: boolean } };
    const listed = async () =>
      ((await (await get('/runs', `Bearer ${token}`)).json()) as Listed[]).find((r) => r.id === runId)!;
    const due = (await stack.store.listReminders(stack.sandbox.tenantId, runId)).find((r) =>
      r.id.endsWith(':due'),
    )!;
    expect(await listed()).toMatchObject({
      reminder: { nextAt: new Date(due.dueAt).toISOString(), failed: false },
    });

    // Sesame taken out of the chat, then the deadline passes: the reminder cannot be posted and is given up.
    await stack.post({
      ...botAddedActivity(party),
      membersAdded: [],
      membersRemoved: [{ id: `28:${party.botId}` }],
    });
    await stack.store.scheduleReminder({ ...due, dueAt: Date.now() - 1000 });
    await stack.sesame.timers.dispatchDue();
    expect(await listed()).toMatchObject({ reminder: { failed: true } });
  });
});
