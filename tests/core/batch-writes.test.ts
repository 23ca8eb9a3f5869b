/**
 * Several writes in one action, and tenant choices with several selections: through the real runner, the real
 * SQLite store, the real Graph adapter and the sandbox tenant. A batch invites three guests: one already there
 * (found by the probe: already done), one new (done), one Graph refuses (failed, with its reason); Retry writes
 * only the failed one again. A crash in the middle of a batch is reconciled by probing, never by writing blindly.
 */
import { runCard } from '../../bot/cards/run-card.js';
import { createTenantGraph } from '../../adapters/graph/tenant-graph-client.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { ROLE } from '../../core/directory-roles.js';
import { graphNeeds } from '../../core/graph/scopes.js';
import { createRunner, type Runner } from '../../core/engine/runner.js';
import { transition } from '../../core/engine/transition.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { graphCall } from '../../core/procedures/typed-logic.js';
import {
  checkProcedureModule,
  requiredScopesOf,
  type BatchLogic,
  type Procedure,
  type ProcedureModule,
} from '../../core/procedures/types.js';
import type { SandboxPrincipal } from '../../sandbox/contracts.js';
import {
  INITIAL_DOMAIN,
  SEED_USERS,
  SESAME_CLIENT_ID,
  SESAME_CONSENTED_SCOPES,
} from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { checkCard } from '../helpers/card-validation.js';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const ADMIN = SEED_USERS.globalAdmin;
const PRINCIPAL: SandboxPrincipal = {
  id: ADMIN.id,
  userPrincipalName: ADMIN.userPrincipalName,
  displayName: ADMIN.displayName,
  userType: 'Member',
  accountEnabled: true,
  roleTemplateIds: [...ADMIN.roles],
};
const EXISTING = 'support@indio.fr';
const NEW = 'consultant@vendor-example.com';
/** An address of the tenant's own domain: Graph refuses to invite it. */
const REFUSED = `someone@${INITIAL_DOMAIN}`;
const L = (fr: string, en: string) => ({ fr, en });

const invites: BatchLogic = {
  items: () => [EXISTING, NEW, REFUSED].map((mail) => ({ key: mail, label: mail })),
  // A probe per item.
  probe: () => ({
    [EXISTING]: graphCall('findUsersByMail', EXISTING),
    [NEW]: graphCall('findUsersByMail', NEW),
    [REFUSED]: graphCall('findUsersByMail', REFUSED),
  }),
  interpretProbe(_ctx, results) {
    const done: string[] = [];
    for (const [mail, r] of Object.entries(results)) {
      if (!r.ok) return { error: true, summary: L('Lecture impossible.', 'Could not read.') };
      if ((r.data as { users: unknown[] }).users.length > 0) done.push(mail);
    }
    return { done };
  },
  writeItem: (_ctx, item) =>
    graphCall('inviteGuest', {
      email: item.key,
      redirectUrl: 'https://myapps.microsoft.com',
      sendInvitationMessage: false,
    }),
  interpretItem: (_ctx, _item, result) =>
    result.ok
      ? { status: 'done', objectId: (result.data as { invitedUserId: string }).invitedUserId }
      : {
          status: 'failed',
          reason: L(`Refusé : ${result.error.message}`, `Refused: ${result.error.message}`),
        },
};

const procedure: Procedure = {
  id: 'batch-fixture',
  version: 1,
  title: L('Plusieurs écritures', 'Several writes'),
  summary: L('Test', 'Test'),
  aliases: [],
  vendor: { name: 'Test' },
  requiredScopes: [],
  steps: [
    {
      id: 'approvers',
      kind: 'choice',
      title: L('Approbateurs', 'Approvers'),
      options: [],
      fromTenant: {
        source: 'globalAdmins',
        fact: 'approverIds',
        next: 'invite',
        label: L('Administrateurs qui approuvent', 'Approving administrators'),
        none: L('Personne.', 'Nobody.'),
        multiple: true,
      },
      ...graphNeeds('listRoleHolders'),
    },
    {
      id: 'invite',
      kind: 'batch',
      title: L('Invitations', 'Invitations'),
      logic: 'invites',
      confirm: L('Inviter {count} personne(s) ?', 'Invite {count} people?'),
      ...graphNeeds('findUsersByMail', 'inviteGuest'),
    },
  ],
};

const fixture: ProcedureModule = {
  procedure: { ...procedure, requiredScopes: requiredScopesOf(procedure.steps) },
  logic: {
    checks: {},
    actions: {},
    batches: { invites },
    waits: {},
    choices: {
      globalAdmins: {
        reads: () => ({ holders: graphCall('listRoleHolders', ROLE.globalAdministrator) }),
        options(_ctx, results) {
          const r = results.holders;
          if (!r || !r.ok) return { error: L('Lecture impossible.', 'Cannot read.') };
          const data = r.data as { holders: { principalId: string; displayName: string | null }[] };
          return { options: data.holders.map((h) => ({ id: h.principalId, label: h.displayName ?? '?' })) };
        },
      },
    },
    textParams: () => ({}),
  },
};

let sandbox: RunningSandbox;
let store: Store;
let runner: Runner;
const clock = new SimulatedClock(T0);
const actor = {
  id: ADMIN.id,
  name: ADMIN.displayName,
  roleTemplateIds: [...ADMIN.roles],
  scopes: [...SESAME_CONSENTED_SCOPES],
};

beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', httpPort: 0, httpsPort: 0, now: () => clock.now() });
});
afterAll(async () => {
  await sandbox?.stop();
});
beforeEach(async () => {
  clock.set(T0);
  await fetch(`${sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
  store = await openSqliteStore({ file: ':memory:', now: () => clock.now() });
  const graph = createTenantGraph({
    baseUrl: sandbox.graphUrl,
    getToken: async () =>
      sandbox.issuer.issueGraphToken(PRINCIPAL, SESAME_CONSENTED_SCOPES, SESAME_CLIENT_ID),
    sleep: async () => {},
    now: () => clock.now(),
  });
  runner = createRunner({ store, clock, graph: () => graph, procedures: [fixture] });
});
afterEach(async () => {
  await store?.close();
});

async function start() {
  return runner.start({
    tenantId: sandbox.tenantId,
    conversationId: 'conv-1',
    procedureId: 'batch-fixture',
    actor,
    locale: 'fr',
  });
}

function card(run: Parameters<typeof runCard>[1], locale: 'fr' | 'en' = 'fr') {
  return runCard(fixture, run, { locale, sign: () => 'sig', params: {}, formatTime: (iso) => iso });
}

async function pickAll() {
  const started = await start();
  const p = started.run.pending;
  if (p?.kind !== 'choice' || !p.offered) throw new Error('no tenant choice');
  return {
    started,
    offered: p.offered,
    picked: await runner.dispatch(sandbox.tenantId, started.run.id, {
      type: 'submit-input',
      stepVersion: started.run.stepVersion,
      values: { choice: p.offered.map((o) => o.id).join(',') },
      actor,
    }),
  };
}

describe('tenant choices with several selections', () => {
  it('is soundly wired', () => {
    expect(checkProcedureModule(fixture)).toEqual([]);
  });

  it('renders a multi-select ChoiceSet and keeps every picked id and label, in the order offered', async () => {
    const started = await start();
    const json = JSON.stringify(card(started.run));
    expect(json).toContain('"isMultiSelect":true');
    for (const locale of ['fr', 'en'] as const)
      expect(checkCard(card(started.run, locale)).schemaErrors).toEqual([]);
    const { offered, picked } = await pickAll();
    expect(picked.refused).toBeUndefined();
    expect(picked.run.facts.approverIds).toEqual(offered.map((o) => o.id));
    expect(picked.run.facts.approverIdsLabels).toEqual(offered.map((o) => o.label));
  });

  it('refuses a selection naming anything not offered, and an empty one', async () => {
    const started = await start();
    const p = started.run.pending;
    const first = p?.kind === 'choice' ? p.offered![0]!.id : '';
    for (const choice of [`${first},00000000-0000-0000-0000-0000000000ff`, '', ' , ']) {
      const out = await runner.dispatch(sandbox.tenantId, started.run.id, {
        type: 'submit-input',
        stepVersion: started.run.stepVersion,
        values: { choice },
        actor,
      });
      expect(out.refused?.code).toBe('input_invalid');
      expect(out.run.facts.approverIds).toBeUndefined();
    }
  });
});

describe('several writes in one action', () => {
  it('writes only the missing items, one result each, and Retry redoes only the failed one', async () => {
    const { picked } = await pickAll();
    expect(picked.run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
    expect(picked.run.stepResults.invite?.items?.map((i) => [i.key, i.status])).toEqual([
      [EXISTING, 'already'],
      [NEW, 'todo'],
      [REFUSED, 'todo'],
    ]);
    expect(JSON.stringify(card(picked.run))).toContain('Inviter 2 personne(s)');

    const confirmed = await runner.dispatch(sandbox.tenantId, picked.run.id, {
      type: 'confirm',
      stepVersion: picked.run.stepVersion,
      actor,
    });
    const items = confirmed.run.stepResults.invite?.items ?? [];
    expect(items.map((i) => [i.key, i.status])).toEqual([
      [EXISTING, 'already'],
      [NEW, 'done'],
      [REFUSED, 'failed'],
    ]);
    expect(items[2]?.reason?.en).toMatch(/already exists in the directory/);
    expect(confirmed.run.pending?.kind).toBe('error');
    const shown = JSON.stringify(card(confirmed.run, 'en'));
    expect(shown).toContain('already exists in the directory');
    for (const locale of ['fr', 'en'] as const)
      expect(checkCard(card(confirmed.run, locale)).schemaErrors).toEqual([]);

    const writes = async () =>
      (await store.listAudit(sandbox.tenantId, { runId: picked.run.id, limit: 500 })).filter(
        (a) => a.action === 'graph.write',
      );
    expect((await writes()).map((a) => [a.details?.item, a.result]).sort()).toEqual([
      [NEW, 'ok'],
      [REFUSED, 'failed'],
    ]);

    const retried = await runner.dispatch(sandbox.tenantId, picked.run.id, {
      type: 'retry',
      stepVersion: confirmed.run.stepVersion,
      actor,
    });
    // Only the failed item went out again; the new guest was found done by the probe.
    expect((await writes()).map((a) => a.details?.item).sort()).toEqual([NEW, REFUSED, REFUSED].sort());
    expect(retried.run.stepResults.invite?.items?.map((i) => i.status)).toEqual([
      'already',
      'done',
      'failed',
    ]);
  });

  it('after a crash mid-batch, re-probes: what the interrupted writes did is recorded, the rest is asked again', async () => {
    const { picked } = await pickAll();
    const now = T0 + 60_000;
    const confirmedT = transition(
      fixture,
      picked.run,
      { type: 'confirm', stepVersion: picked.run.stepVersion, actor },
      now,
    );
    const p = confirmedT.run.pending;
    if (p?.kind !== 'graph') throw new Error('no writes issued');
    expect(p.calls.map((c) => c.name)).toEqual([`item:${NEW}`, `item:${REFUSED}`]);
    // The first write answered (and was saved), then Sesame died before the second one answered.
    const first = transition(
      fixture,
      confirmedT.run,
      {
        type: 'effect-result',
        callId: p.calls[0]!.callId,
        result: { ok: true, data: { invitedUserId: 'u-new' } },
      },
      now,
    );
    expect(first.run.pending?.kind).toBe('graph');
    const recovered = transition(fixture, first.run, { type: 'recover', reachable: true }, now + 1000);
    const rp = recovered.run.pending;
    expect(rp?.kind === 'graph' && rp.stage).toBe('probe');
    expect(rp?.kind === 'graph' && rp.reconcile).toBe(true);
    expect(
      recovered.effects
        .filter((e) => e.type === 'graph')
        .every((e) => e.type === 'graph' && e.purpose === 'probe'),
    ).toBe(true);
    // The probe finds the first invitation done and the second not: the admin is asked for that one only.
    let run = recovered.run;
    for (const call of rp?.kind === 'graph' ? rp.calls : []) {
      const found = call.name === NEW || call.name === EXISTING;
      run = transition(
        fixture,
        run,
        {
          type: 'effect-result',
          callId: call.callId,
          result: { ok: true, data: { users: found ? [{ id: 'x' }] : [] } },
        },
        now + 2000,
      ).run;
    }
    expect(run.pending).toEqual({ kind: 'confirm', stepId: 'invite' });
    expect(run.stepResults.invite?.items?.map((i) => [i.key, i.status])).toEqual([
      [EXISTING, 'already'],
      [NEW, 'already'],
      [REFUSED, 'todo'],
    ]);
    // The audit says which writes were still out when Sesame stopped: the second one only.
    const interrupted = recovered.effects.find((e) => e.type === 'audit' && e.action === 'run.interrupted');
    expect(interrupted?.type === 'audit' && interrupted.details.calls).toEqual([
      { op: 'inviteGuest', purpose: 'write', attempt: 1 },
    ]);
  });
});
