/**
 * "Fix it in chat" links to procedures on main: no verified custom domain → procedure D (verified domain and
 * provisioning); a pending invitation → procedure A. A passing item offers no fix.
 */
import type { ChecklistItem, RefreshEvent } from '../../core/checklist/api-types.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

describe('checklist: fix links', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function refresh() {
    const token = await fetch(`${stack.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        upn: SEED_USERS.globalAdmin.userPrincipalName,
        appId: stack.config.bot.appId,
      }),
    });
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${((await token.json()) as { token: string }).token}` },
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

  it('a tenant without a verified custom domain is sent to procedure D; with one, no fix is offered', async () => {
    const first = await refresh();
    const verified = item(first.snapshot.items, 'verified-domain');
    expect(verified.status).toBe('pass');
    expect(verified.fix).toBeUndefined();
    expect(item(first.snapshot.items, 'pending-guests').fix?.procedureId).toBe('vendor-guest-access');

    // The only verified custom domain loses its verification (its DNS record was removed, say).
    stack.sandbox.state.domains.get('cabinet-exemple.fr')!.isVerified = false;
    const second = await refresh();
    const missing = item(second.snapshot.items, 'verified-domain');
    expect(missing.status).toBe('warn');
    expect(missing.fix).toEqual({
      procedureId: 'domain-and-provisioning',
      title: {
        fr: 'Domaine vérifié et provisionnement automatique (GoTo / LogMeIn)',
        en: 'Verified domain and automatic provisioning (GoTo / LogMeIn)',
      },
    });
  });
});
