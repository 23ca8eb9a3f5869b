/**
 * The runs of procedure C (Indio's email-integration service account) for the card catalogue: one per state its
 * card can show, driven through the real pure engine with Graph-shaped answers at a fixed time.
 */
import { ROLE } from '../core/directory-roles.js';
import { okResult, toGraphErrorData, type CallResult } from '../core/engine/call-result.js';
import type { EventActor, RunEvent } from '../core/engine/events.js';
import { createRun, type PendingCall, type Run } from '../core/engine/run.js';
import { transition } from '../core/engine/transition.js';
import { GraphError } from '../core/errors.js';
import { emailServiceAccountModule as C } from '../core/procedures/email-service-account.js';

/** Monday 23 November 2026, 10:00 in Paris. */
const T0 = Date.parse('2026-11-23T09:00:00Z');
const TENANT = '7c1d5e2a-4b3f-4e8d-9a61-2f0c8b9d3e41';
const CONVERSATION_ID = 'a:1xSesameCatalogueConversation';
const DOMAIN = 'cabinet-exemple.fr';
const ACCOUNT_ID = '3b9e1c4d-7a2f-4e6b-8c5d-1f0a2b3c4d5e';
const INDIO_APP_ID = '10258da2-1c67-5cd6-b9d3-7aefa0bb1590';
const INDIO_SP = '47730e50-3fba-5997-890c-acd262025136';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_SP = '4f1a2b3c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const MAIL_READ_WRITE = 'e2a3a72e-5f79-4c64-b1b1-878b674786c9';
export const SKU_EXCHANGE_STANDARD = '4b9405b0-7788-4568-add1-99614e613b69';
const SKU_E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
/** What the card of the confirmation that created the account shows (a catalogue value, never a real one). */
export const CATALOGUE_PASSWORD = 'k7#Vq2!pLx9@Wm4$Rt8&Zs3e';

const CAMILLE = { id: '1e7f3a20-8b4c-4d9e-a5f6-0c1b2d3e4f50', name: 'Camille Martin' } as const;

function requestId(n: number): string {
  return `d6f0b1c2-3a4e-4f5a-8b6c-${(0xc000 + n).toString(16).padStart(12, '0')}`;
}

interface WorldState {
  /** The account exists already (made by hand in the admin center), without a usage location. */
  existing: boolean;
  created: boolean;
  usageLocation: string | null;
  licensed: boolean;
  mailboxReady: boolean;
  noFreeSeat: boolean;
  /** Graph refuses the licence for the usage location (cleared in the admin center meanwhile). */
  refuseLicence: boolean;
  appConsented: boolean;
  tenantWideMail: boolean;
}

function world(initial: Partial<WorldState>) {
  const state: WorldState = {
    existing: false,
    created: false,
    usageLocation: 'FR',
    licensed: false,
    mailboxReady: false,
    noFreeSeat: false,
    refuseLicence: false,
    appConsented: true,
    tenantWideMail: false,
    ...initial,
  };
  let n = 0;
  const rid = () => requestId(++n);
  const fail = (status: number, graphCode: string, message: string): CallResult => ({
    ok: false,
    error: toGraphErrorData(
      new GraphError(status === 404 ? 'graph_not_found' : 'graph_bad_request', message, {
        status,
        graphCode,
        requestId: rid(),
      }),
    ),
  });
  const account = () => ({
    id: ACCOUNT_ID,
    userPrincipalName: `indio@${DOMAIN}`,
    displayName: state.existing ? 'Indio (compte existant)' : 'Indio',
    userType: 'Member',
    accountEnabled: true,
    usageLocation: state.usageLocation,
    assignedLicenses: state.licensed ? [{ skuId: SKU_EXCHANGE_STANDARD }] : [],
    provisionedPlans: state.licensed
      ? [
          {
            service: 'exchange',
            capabilityStatus: 'Enabled',
            provisioningStatus: state.mailboxReady ? 'Success' : 'PendingActivation',
          },
        ]
      : [],
  });
  const sku = (skuId: string, part: string, enabled: number, consumed: number, plan: string) => ({
    skuId,
    skuPartNumber: part,
    capabilityStatus: 'Enabled',
    consumedUnits: consumed,
    prepaidUnits: { enabled, suspended: 0, warning: 0 },
    servicePlans: [
      { servicePlanId: `${skuId.slice(0, 8)}-plan`, servicePlanName: plan, provisioningStatus: 'Success' },
    ],
  });
  function answer(call: PendingCall): CallResult {
    const c = call.call;
    switch (c.op) {
      case 'getOrganization':
        return okResult({
          requestId: rid(),
          id: TENANT,
          displayName: 'Cabinet Exemple',
          countryLetterCode: 'FR',
          verifiedDomains: [],
        });
      case 'listDomains':
        return okResult({
          requestId: rid(),
          domains: [
            {
              id: 'cabinetexemple.onmicrosoft.com',
              isVerified: true,
              isDefault: false,
              authenticationType: 'Managed',
            },
            { id: DOMAIN, isVerified: true, isDefault: true, authenticationType: 'Managed' },
            { id: 'cabinet-exemple.com', isVerified: false, isDefault: false, authenticationType: 'Managed' },
          ],
        });
      case 'findUserByUpn':
        return okResult({ requestId: rid(), users: state.existing || state.created ? [account()] : [] });
      case 'createServiceAccount':
        state.created = true;
        return okResult({
          requestId: rid(),
          id: ACCOUNT_ID,
          userPrincipalName: `indio@${DOMAIN}`,
          displayName: 'Indio',
        });
      case 'getServiceAccount':
        return okResult({ requestId: rid(), ...account() });
      case 'setUsageLocation':
        state.usageLocation = String(c.args[1]);
        return okResult({ requestId: rid() });
      case 'listSubscribedSkus':
        return okResult({
          requestId: rid(),
          skus: [
            sku(SKU_E3, 'SPE_E3', 10, state.noFreeSeat ? 10 : 7, 'EXCHANGE_S_ENTERPRISE'),
            sku(
              SKU_EXCHANGE_STANDARD,
              'EXCHANGESTANDARD',
              3,
              state.noFreeSeat ? 3 : 1,
              'EXCHANGE_S_STANDARD',
            ),
            sku('a403ebcc-fae0-4ca2-8c8c-7a907fd6c235', 'POWER_BI_STANDARD', 1_000_000, 2, 'BI_AZURE_P0'),
          ],
        });
      case 'assignLicense':
        if (state.refuseLicence)
          return fail(
            400,
            'Request_BadRequest',
            'License assignment cannot be done for user with invalid usage location.',
          );
        state.licensed = true;
        return okResult({ requestId: rid() });
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
              {
                id: MAIL_READ_WRITE,
                value: 'Mail.ReadWrite',
                displayName: 'Read and write mail in all mailboxes',
              },
            ],
          });
        if (appId !== INDIO_APP_ID || !state.appConsented)
          return fail(404, 'Request_ResourceNotFound', `Resource '${appId}' does not exist.`);
        return okResult({
          requestId: rid(),
          id: INDIO_SP,
          appId,
          displayName: 'Indio Connect',
          appOwnerOrganizationId: null,
          appRoles: [],
        });
      }
      case 'listAppRoleAssignments':
        return okResult({
          requestId: rid(),
          assignments: state.tenantWideMail
            ? [
                {
                  id: 'assignment-indio-mail',
                  appRoleId: MAIL_READ_WRITE,
                  principalId: INDIO_SP,
                  resourceId: GRAPH_SP,
                  resourceDisplayName: 'Microsoft Graph',
                  createdDateTime: '2026-11-20T09:00:00Z',
                },
              ]
            : [],
        });
      default:
        throw new Error(`the catalogue tenant of procedure C does not answer ${c.op}`);
    }
  }
  return { state, answer };
}

class DriveC {
  private now = T0;
  private readonly tenant: ReturnType<typeof world>;

  private constructor(
    public run: Run,
    private readonly actor: EventActor,
    initial: Partial<WorldState>,
  ) {
    this.tenant = world(initial);
  }

  static start(runId: string, actor: EventActor, initial: Partial<WorldState> = {}): DriveC {
    const run = createRun({
      id: runId,
      procedureId: C.procedure.id,
      procedureVersion: C.procedure.version,
      tenantId: TENANT,
      conversationId: CONVERSATION_ID,
      locale: 'fr',
      startedBy: { id: actor.id, name: actor.name },
      now: T0,
    });
    return new DriveC(run, actor, initial).send({ type: 'start', actor });
  }

  set(change: Partial<WorldState>): this {
    Object.assign(this.tenant.state, change);
    return this;
  }

  send(event: RunEvent): this {
    this.now += 1_000;
    const out = transition(C, this.run, event, this.now);
    if (out.refused)
      throw new Error(`catalogue run ${this.run.id}: ${event.type} refused: ${out.refused.reason}`);
    this.run = out.run;
    for (let guard = 0; guard < 50; guard += 1) {
      const p = this.run.pending;
      if (p?.kind !== 'graph') return this;
      const call = p.calls.find((c) => !p.results[c.callId]);
      if (!call) return this;
      this.now += 200;
      const result = this.tenant.answer(call);
      const next = transition(C, this.run, { type: 'effect-result', callId: call.callId, result }, this.now);
      if (next.refused) throw new Error(`catalogue run ${this.run.id}: ${next.refused.reason}`);
      this.run = next.run;
    }
    throw new Error(`catalogue run ${this.run.id}: Graph calls never settle`);
  }

  submit(values: Record<string, string>): this {
    return this.send({ type: 'submit-input', stepVersion: this.run.stepVersion, values, actor: this.actor });
  }

  choose(option: string): this {
    return this.submit({ choice: option });
  }

  user(event: 'confirm' | 'manual-done' | 'retry'): this {
    return this.send({ type: event, stepVersion: this.run.stepVersion, actor: this.actor } as RunEvent);
  }

  /** Time passes (a wait's due time). */
  later(ms: number): this {
    this.now += ms;
    return this;
  }

  /** A poll of the wait, as its timer runs it. */
  poll(): this {
    const p = this.run.pending;
    if (p?.kind !== 'wait') throw new Error(`catalogue run ${this.run.id}: not waiting`);
    return this.send({ type: 'timer-due', reminderId: p.pollReminderId });
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

/**
 * The runs of procedure C, one per state its card can show, named as in the catalogue; `revealed` is the password
 * the card of the turn that created the account shows.
 */
export function procedureCRuns(): { name: string; run: Run; revealed?: Readonly<Record<string, string>> }[] {
  const scopes = C.procedure.requiredScopes;
  const admin: EventActor = { ...CAMILLE, roleTemplateIds: [ROLE.globalAdministrator], scopes };
  const id = (n: number) =>
    `${(0x0c4e2d10 + n).toString(16).padStart(8, '0')}-9b8a-4765-8432-${n.toString().padStart(12, '0')}`;
  const start = (n: number, initial: Partial<WorldState> = {}) => DriveC.start(id(n), admin, initial);
  const form = { displayName: 'Indio', alias: 'indio', usageLocation: 'FR' };
  const filled = (d: DriveC) => d.choose(DOMAIN).submit(form);
  const created = (d: DriveC) => filled(d).user('confirm');
  const licensed = (d: DriveC) => created(d).choose(SKU_EXCHANGE_STANDARD).user('confirm');
  const mailbox = (d: DriveC) => licensed(d).set({ mailboxReady: true }).poll();
  const app = (d: DriveC) => mailbox(d).user('manual-done').submit({ appId: INDIO_APP_ID });
  return [
    { name: 'c-domain', run: start(1).expect('choice', 'upn-domain') },
    { name: 'c-account', run: start(2).choose(DOMAIN).expect('input', 'account') },
    {
      name: 'c-account-invalid',
      run: start(3)
        .choose(DOMAIN)
        .submit({ displayName: ' ', alias: 'in dio', usageLocation: 'France' })
        .expect('input', 'account'),
    },
    { name: 'c-confirm-create', run: filled(start(4)).expect('confirm', 'create') },
    {
      name: 'c-password-shown',
      run: created(start(5)).expect('choice', 'licence'),
      revealed: { servicePassword: CATALOGUE_PASSWORD },
    },
    {
      name: 'c-existing-account',
      run: filled(start(6, { existing: true, usageLocation: null })).expect('confirm', 'usage-location'),
    },
    { name: 'c-no-free-seat', run: created(start(7, { noFreeSeat: true })).expect('failed') },
    {
      name: 'c-confirm-licence',
      run: created(start(8)).choose(SKU_EXCHANGE_STANDARD).expect('confirm', 'assign'),
    },
    {
      name: 'c-licence-refused-usage-location',
      run: created(start(9, { refuseLicence: true }))
        .choose(SKU_EXCHANGE_STANDARD)
        .user('confirm')
        .expect('error', 'assign'),
    },
    { name: 'c-mailbox-wait', run: licensed(start(10)).expect('wait', 'mailbox') },
    { name: 'c-ews-obsolete', run: mailbox(start(11)).expect('manual', 'ews-obsolete') },
    { name: 'c-app', run: mailbox(start(12)).user('manual-done').expect('input', 'app') },
    {
      name: 'c-app-missing',
      run: mailbox(start(13, { appConsented: false }))
        .user('manual-done')
        .submit({ appId: INDIO_APP_ID })
        .expect('choice', 'app-missing'),
    },
    { name: 'c-rbac-commands', run: app(start(14)).expect('manual', 'rbac') },
    {
      name: 'c-rbac-tenant-wide-mail',
      run: app(start(15, { tenantWideMail: true })).expect('manual', 'rbac'),
    },
    { name: 'c-propagation-wait', run: app(start(16)).user('manual-done').expect('wait', 'propagation') },
    {
      name: 'c-verify',
      run: app(start(17))
        .user('manual-done')
        .later(2 * 60 * 60_000)
        .poll()
        .expect('manual', 'verify'),
    },
  ];
}
