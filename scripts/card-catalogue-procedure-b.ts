/**
 * The runs of procedure B (the client's Microsoft account, Cegid Loop consent) for the card catalogue: one per state
 * its card can show, driven through the real pure engine with Graph-shaped answers at a fixed time.
 */
import { ROLE } from '../core/directory-roles.js';
import { okResult, toGraphErrorData, type CallResult } from '../core/engine/call-result.js';
import type { EventActor, RunEvent } from '../core/engine/events.js';
import { createRun, type PendingCall, type Run } from '../core/engine/run.js';
import { transition } from '../core/engine/transition.js';
import { GraphError } from '../core/errors.js';
import {
  CEGID_LOOP_APP_ID,
  clientCollaborationAccountModule as B,
} from '../core/procedures/client-collaboration-account.js';

/** Monday 23 November 2026, 10:00 in Paris. */
const T0 = Date.parse('2026-11-23T09:00:00Z');
const FIRM_TENANT = '7c1d5e2a-4b3f-4e8d-9a61-2f0c8b9d3e41';
const CLIENT_TENANT = '9d2e6f3b-5c4a-4f9e-8b72-3a1d9c0e5f62';
const CONVERSATION_ID = 'a:1xSesameCatalogueConversation';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_SP = '4f1a2b3c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const VENDOR_SP = '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d';
const USER_READ_ALL = 'df021288-bdef-4463-88db-98f22de89214';

const PEOPLE = {
  camille: { id: '1e7f3a20-8b4c-4d9e-a5f6-0c1b2d3e4f50', name: 'Camille Martin' },
  hugo: {
    id: '5c0d6e53-bf70-41c2-98e9-3f4a5b6c7d83',
    name: 'Hugo Lefèvre',
    upn: 'hugo.lefevre@atelier-durand.fr',
  },
} as const;

function requestId(n: number): string {
  return `d6f0b1c2-3a4e-4f5a-8b6c-${(0xb000 + n).toString(16).padStart(12, '0')}`;
}

/** The client's tenant as Graph answers procedure B: consented or not. */
function world(consented: boolean) {
  let n = 0;
  const rid = () => requestId(++n);
  const notFound = (what: string): CallResult => ({
    ok: false,
    error: toGraphErrorData(
      new GraphError('graph_not_found', `Resource '${what}' does not exist.`, {
        status: 404,
        graphCode: 'Request_ResourceNotFound',
        requestId: rid(),
      }),
    ),
  });
  return (call: PendingCall, tenantOfDomain: (d: string) => string | undefined): CallResult => {
    const c = call.call;
    switch (c.op) {
      case 'findTenantByDomain': {
        const tenantId = tenantOfDomain(String(c.args[0]));
        if (!tenantId) return notFound(String(c.args[0]));
        return okResult({
          requestId: rid(),
          tenantId,
          displayName: 'Atelier Durand',
          defaultDomainName: 'atelier-durand.fr',
          federationBrandName: null,
        });
      }
      case 'getServicePrincipalByAppId': {
        const appId = String(c.args[0]);
        if (appId === GRAPH_APP_ID)
          return okResult({
            requestId: rid(),
            id: GRAPH_SP,
            appId,
            displayName: 'Microsoft Graph',
            appOwnerOrganizationId: null,
            appRoles: [
              { id: USER_READ_ALL, value: 'User.Read.All', displayName: "Read all users' full profiles" },
            ],
          });
        if (appId !== CEGID_LOOP_APP_ID || !consented) return notFound(appId);
        return okResult({
          requestId: rid(),
          id: VENDOR_SP,
          appId,
          displayName: 'Cegid Loop',
          appOwnerOrganizationId: null,
          appRoles: [],
        });
      }
      case 'listPermissionGrants':
        return okResult({
          requestId: rid(),
          grants: consented
            ? [
                {
                  id: 'grant-cegid-all',
                  clientId: VENDOR_SP,
                  consentType: 'AllPrincipals',
                  principalId: null,
                  resourceId: GRAPH_SP,
                  scope: 'openid profile offline_access User.Read Files.ReadWrite.All',
                },
              ]
            : [],
        });
      case 'listAppRoleAssignments':
        return okResult({
          requestId: rid(),
          assignments: consented
            ? [
                {
                  id: 'assignment-cegid-user-read-all',
                  appRoleId: USER_READ_ALL,
                  principalId: VENDOR_SP,
                  resourceId: GRAPH_SP,
                  resourceDisplayName: 'Microsoft Graph',
                  createdDateTime: '2026-11-23T09:05:00Z',
                },
              ]
            : [],
        });
      case 'listRoleHolders': {
        const roleTemplateId = String(c.args[0]);
        const holders =
          roleTemplateId === ROLE.globalAdministrator
            ? [
                {
                  principalId: PEOPLE.hugo.id,
                  displayName: PEOPLE.hugo.name,
                  userPrincipalName: PEOPLE.hugo.upn,
                  principalType: '#microsoft.graph.user',
                  assignmentId: 'assignment-1',
                },
              ]
            : [];
        return okResult({ requestId: rid(), roleTemplateId, holders });
      }
      case 'lookupDomain': {
        // DNS as the sandbox's server answers: the misspelt domain does not exist, the baker's has its own mail
        // host, and 'dns-down.fr' stands for a resolver that could not answer.
        const name = String(c.args[0]);
        if (name === 'dns-down.fr')
          return {
            ok: false,
            error: { code: 'dns_unavailable', message: `DNS gave no answer for ${name} (ESERVFAIL)` },
          };
        if (name === 'boulangerie-morel.fr')
          return okResult({
            name,
            exists: true,
            mx: [
              { priority: 1, exchange: 'mx1.mail.ovh.net' },
              { priority: 5, exchange: 'mx2.mail.ovh.net' },
            ],
          });
        return okResult({ name, exists: false, mx: [] });
      }
      default:
        throw new Error(`the catalogue tenant does not answer ${c.op}`);
    }
  };
}

class DriveB {
  private now = T0;
  private consented = false;
  private readonly answer = world(false);
  private readonly answerConsented = world(true);

  private constructor(
    public run: Run,
    private readonly actor: EventActor,
  ) {}

  static start(runId: string, tenantId: string, actor: EventActor): DriveB {
    const run = createRun({
      id: runId,
      procedureId: B.procedure.id,
      procedureVersion: B.procedure.version,
      tenantId,
      conversationId: CONVERSATION_ID,
      locale: 'fr',
      startedBy: { id: actor.id, name: actor.name },
      now: T0,
    });
    return new DriveB(run, actor).send({ type: 'start', actor });
  }

  consent(): this {
    this.consented = true;
    return this;
  }

  send(event: RunEvent): this {
    this.now += 1_000;
    const out = transition(B, this.run, event, this.now);
    if (out.refused)
      throw new Error(`catalogue run ${this.run.id}: ${event.type} refused: ${out.refused.reason}`);
    this.run = out.run;
    for (let guard = 0; guard < 50; guard += 1) {
      const p = this.run.pending;
      if (p?.kind !== 'graph') return this;
      const call = p.calls.find((c) => !p.results[c.callId]);
      if (!call) return this;
      this.now += 200;
      const answer = this.consented ? this.answerConsented : this.answer;
      const result = answer(call, (d) =>
        ['atelier-durand.fr', 'atelierdurand.onmicrosoft.com'].includes(d) ? CLIENT_TENANT : undefined,
      );
      const next = transition(B, this.run, { type: 'effect-result', callId: call.callId, result }, this.now);
      if (next.refused) throw new Error(`catalogue run ${this.run.id}: ${next.refused.reason}`);
      this.run = next.run;
    }
    throw new Error(`catalogue run ${this.run.id}: Graph calls never settle`);
  }

  choose(option: string): this {
    return this.send({
      type: 'submit-input',
      stepVersion: this.run.stepVersion,
      values: { choice: option },
      actor: this.actor,
    });
  }

  submit(values: Record<string, string>): this {
    return this.send({ type: 'submit-input', stepVersion: this.run.stepVersion, values, actor: this.actor });
  }

  user(event: 'manual-done' | 'retry'): this {
    return this.send({ type: event, stepVersion: this.run.stepVersion, actor: this.actor } as RunEvent);
  }

  expect(kind: string, stepId?: string | null): Run {
    const got = this.run.pending?.kind ?? this.run.status;
    if (got !== kind || (stepId !== undefined && this.run.currentStepId !== stepId))
      throw new Error(
        `catalogue run ${this.run.id}: expected ${kind} at ${String(stepId)}, got ${got} at ${String(this.run.currentStepId)}`,
      );
    return this.run;
  }
}

/** The runs of procedure B, one per state its card can show, named as in the catalogue. */
export function procedureBRuns(): { name: string; run: Run }[] {
  const scopes = B.procedure.requiredScopes;
  const firmAdmin: EventActor = { ...PEOPLE.camille, roleTemplateIds: [ROLE.globalAdministrator], scopes };
  const clientAdmin: EventActor = { ...PEOPLE.hugo, roleTemplateIds: [ROLE.globalAdministrator], scopes };
  const clientUserAdmin: EventActor = {
    id: '6d1e7f64-c081-42d3-a9fa-4a5b6c7d8e94',
    name: 'Inès Caron',
    roleTemplateIds: [ROLE.userAdministrator],
    scopes,
  };
  const id = (n: number) =>
    `${(0x0b4e2d10 + n).toString(16).padStart(8, '0')}-9b8a-4765-8432-${n.toString().padStart(12, '0')}`;
  const firm = (n: number) => DriveB.start(id(n), FIRM_TENANT, firmAdmin);
  const client = (n: number, who = clientAdmin) => DriveB.start(id(n), CLIENT_TENANT, who);
  const m365 = (d: DriveB, domain: string) => d.choose('m365').submit({ domain });
  return [
    { name: 'b-account-type', run: firm(1).expect('choice', 'account-type') },
    { name: 'b-msa-instructions-fr', run: firm(2).choose('msa').choose('fr').expect('manual', 'msa-fr') },
    { name: 'b-msa-instructions-en', run: firm(3).choose('msa').choose('en').expect('manual', 'msa-en') },
    { name: 'b-domain', run: firm(4).choose('m365').expect('input', 'client-domain') },
    { name: 'b-domain-invalid', run: m365(firm(5), 'atelier durand').expect('input', 'client-domain') },
    { name: 'b-no-domain', run: m365(firm(6), 'atelier-durand.frr').expect('choice', 'no-domain') },
    { name: 'b-no-tenant', run: m365(firm(12), 'boulangerie-morel.fr').expect('choice', 'no-tenant') },
    { name: 'b-dns-failed', run: m365(firm(13), 'dns-down.fr').expect('choice', 'dns-failed') },
    { name: 'b-send-link', run: m365(firm(7), 'atelier-durand.fr').expect('manual', 'send-link') },
    { name: 'b-consent-link', run: m365(client(8), 'atelier-durand.fr').expect('manual', 'consent-link') },
    {
      name: 'b-consent-link-cannot-consent',
      run: m365(client(9, clientUserAdmin), 'atelier-durand.fr').expect('manual', 'consent-link'),
    },
    {
      name: 'b-consent-wait',
      run: m365(client(10), 'atelier-durand.fr').user('manual-done').expect('wait', 'consent-wait'),
    },
    {
      name: 'b-consent-verified',
      run: m365(client(11), 'atelier-durand.fr').user('manual-done').consent().user('retry').expect('done'),
    },
  ];
}
