import type { Run } from '../../core/engine/run.js';
import { CLIENT_USERS } from '../../sandbox/data/seed-client-tenant.js';
import { actionsOf, lastCard, startGuestAccess, click, text, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { cardActionInvoke, messageActivity } from '../helpers/teams-activities.js';
import { recordFigures } from './figures.js';
import { clientParty, graphWrites, clearGraphLog } from './stack-probes.js';

const VENDOR = 'admin@onloop.onmicrosoft.com';

/**
 * Two tenants, one Sesame: the client tenant's users probe every read path (card actions, typed commands, the tab
 * API) with the firm's ids, and use the firm's chat with their own sign-in. Nothing of the firm is ever shown.
 */
describe('two-tenant isolation', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('the other tenant’s ids read nothing; mixed token and conversation tenants are refused', async () => {
    // The firm's run, with its vendor address and admin name: what must not leak.
    const firm = stack.party('globalAdmin');
    let card: Card = await startGuestAccess(stack, firm, 'globalAdmin');
    card = await click(stack, firm, card, 'run.submit', { inputs: { email: VENDOR } });
    const runId = (card.refresh as { action: { data: { runId: string } } }).action.data.runId;
    const secrets = [runId.slice(0, 8), VENDOR, 'Claire Martin'];
    const leaks = (shown: string) => secrets.some((s) => shown.includes(s));
    const before = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
    await clearGraphLog(stack);

    let probes = 0;
    let reads = 0;
    const probe = (shown: string) => {
      probes += 1;
      if (leaks(shown)) reads += 1;
    };

    // The client's admin, in the client's chat — and in a chat of the client's tenant with the firm's conversation id.
    for (const party of [
      clientParty(stack, 'globalAdmin'),
      clientParty(stack, 'globalAdmin', firm.conversationId),
    ]) {
      await stack.post(messageActivity(party, 'aide'));
      for (const a of actionsOf(card).filter((x) => typeof x.verb === 'string')) {
        const res = await stack.post(
          cardActionInvoke(party, a.verb as string, a.data as Record<string, unknown>),
        );
        probe(JSON.stringify(res.body));
      }
      for (const command of ['statut', 'reprendre', 'annuler']) {
        await stack.post(messageActivity(party, command));
        probe(text(await lastCard(stack, party)));
      }
    }
    // The tab API with a token of the client's tenant.
    const clientToken = await stack.sandbox.issuer.sign({
      aud: stack.config.sso.clientId,
      oid: CLIENT_USERS.globalAdmin.id,
      sub: CLIENT_USERS.globalAdmin.id,
      scp: 'access_as_user',
    });
    for (const path of ['me', 'runs', 'audit', `runs/${runId}`]) {
      const res = await fetch(`${stack.sesame.url}/api/tab/${path}`, {
        headers: { authorization: `Bearer ${clientToken}` },
      });
      probe(res.ok ? await res.text() : '');
    }

    // Mixed: the firm's chat, signed in with the client's account.
    await stack.post(messageActivity(firm, 'déconnexion'));
    await click(stack, firm, card, 'run.confirm');
    const signIn = await lastCard(stack, firm);
    const link = actionsOf(signIn).find((a) => a.type === 'Action.OpenUrl')?.url as string;
    await stack.signIn(link, CLIENT_USERS.globalAdmin);
    let mixedRefused = 0;
    const mixed = [
      () => click(stack, firm, card, 'run.confirm'),
      async () => {
        await stack.post(messageActivity(firm, 'annuler'));
        return lastCard(stack, firm);
      },
      async () => {
        await stack.post(messageActivity(firm, 'accès invité Cegid Loop'));
        return lastCard(stack, firm);
      },
    ];
    for (const attempt of mixed) {
      if (text(await attempt()).includes('deux organisations différentes')) mixedRefused += 1;
    }
    const after = (await stack.store.get<Run>('run', stack.sandbox.tenantId, runId))!.value;
    const writes = await graphWrites(stack);

    recordFigures(
      'two-tenant isolation',
      { probes, reads, mixedAttempts: mixed.length, mixedRefused, graphWrites: writes },
      'reads=0, every mixed attempt refused, 0 writes',
    );
    expect(reads).toBe(0);
    expect(mixedRefused).toBe(mixed.length);
    expect(writes).toBe(0);
    expect(after).toEqual(before);
  });
});
