/**
 * Every card the bot can send, in both languages, as plain data: what the catalogue test validates and what
 * `npm run cards` renders for review. Run cards come from runs driven through the real pure engine with
 * Graph-shaped answers at a fixed time, so the output is deterministic and follows the engine when it changes.
 */
import { ROLE } from '../core/directory-roles.js';
import { okResult, toGraphErrorData, type CallResult } from '../core/engine/call-result.js';
import type { EventActor, RunEvent } from '../core/engine/events.js';
import { createRun, type PendingCall, type Run } from '../core/engine/run.js';
import { transition } from '../core/engine/transition.js';
import { GraphError, SesameError } from '../core/errors.js';
import { errorText } from '../bot/cards/card-text.js';
import type { Locale } from '../core/i18n/locale.js';
import { PROCEDURES, procedureListing } from '../core/procedures/catalog.js';
import type { ProcedureModule } from '../core/procedures/types.js';
import { CEGID_LOOP_EMAIL, vendorGuestAccessModule } from '../core/procedures/vendor-guest-access.js';
import { domainAndProvisioningModule } from '../core/procedures/domain-and-provisioning.js';
import { emailServiceAccountModule } from '../core/procedures/email-service-account.js';
import { errorCard, messageOnly, runStatusCard, signInCard } from '../bot/cards/conversation-cards.js';
import type { AdaptiveCard } from '../bot/cards/adaptive-card.js';
import { helpCard, unknownMessageCard } from '../bot/cards/help-card.js';
import { messageCard } from '../bot/cards/message-card.js';
import { runCard } from '../bot/cards/run-card.js';
import { clientCollaborationAccountModule } from '../core/procedures/client-collaboration-account.js';
import { procedureBRuns } from './card-catalogue-procedure-b.js';
import { procedureCRuns } from './card-catalogue-procedure-c.js';

export interface CatalogueCard {
  readonly name: string;
  readonly locale: Locale;
  readonly card: AdaptiveCard;
}

export const CATALOGUE_LOCALES: readonly Locale[] = ['fr', 'en'];

/** Monday 23 November 2026, 10:00 in Paris. */
const T0 = Date.parse('2026-11-23T09:00:00Z');
const TENANT_ID = '7c1d5e2a-4b3f-4e8d-9a61-2f0c8b9d3e41';
const CONVERSATION_ID = 'a:1xSesameCatalogueConversation';
const TIME_ZONE = 'Europe/Paris';
const GUEST_ID = '5b8e2f71-9c3a-4d6e-8f10-3a2b4c5d6e7f';
const INVITATION_ID = 'c4d9a0e2-7f1b-4a5c-9e3d-8b6f2a1c0d94';
const ASSIGNMENT_ID = 'lAPpYvVpN0KRkAEhdxReEJHRe5UIvZ1Oru7QFcHsnc8-1';
const ALL_SCOPES = vendorGuestAccessModule.procedure.requiredScopes;

const PEOPLE = {
  camille: { id: '1e7f3a20-8b4c-4d9e-a5f6-0c1b2d3e4f50', name: 'Camille Martin' },
  alex: { id: '2a8b4c31-9d5e-4fa0-b6c7-1d2e3f4a5b61', name: 'Alex Dupont', upn: 'alex.dupont@contoso.fr' },
  sam: { id: '3b9c5d42-ae6f-40b1-87d8-2e3f4a5b6c72', name: 'Sam Leroy', upn: 'sam.leroy@contoso.fr' },
} as const;

/** Graph request ids are GUIDs; these are numbered so each answer is told apart and the output is stable. */
function requestId(n: number): string {
  return `d6f0b1c2-3a4e-4f5a-8b6c-${n.toString(16).padStart(12, '0')}`;
}

/** A little tenant that answers the calls procedure A makes, the way the TenantGraph port shapes them. */
interface TenantState {
  allowInvitesFrom: string;
  guestInvited: boolean;
  guestAccepted: boolean;
  roleAssigned: boolean;
  /** Whether the acting admin sponsors the guest. */
  sponsored: boolean;
  /** Answers for inviteGuest / assignDirectoryRole, instead of success. */
  inviteFails?: Failure;
  assignFails?: Failure;
}

/** A Graph error answer, before its request-id is given. */
interface Failure {
  readonly code: 'graph_forbidden' | 'graph_not_found';
  readonly message: string;
  readonly status: number;
  readonly graphCode: string;
}

function tenant(initial: Partial<TenantState> = {}) {
  const state: TenantState = {
    allowInvitesFrom: 'adminsAndGuestInviters',
    guestInvited: false,
    guestAccepted: false,
    roleAssigned: false,
    sponsored: false,
    ...initial,
  };
  let n = 0;
  const rid = () => requestId(++n);
  const guest = () => ({
    id: GUEST_ID,
    displayName: 'admin',
    mail: CEGID_LOOP_EMAIL,
    userPrincipalName: 'admin_onloop.onmicrosoft.com#EXT#@contoso.onmicrosoft.com',
    userType: 'Guest',
    externalUserState: state.guestAccepted ? 'Accepted' : 'PendingAcceptance',
    externalUserStateChangeDateTime: '2026-11-23T09:00:05Z',
    createdDateTime: '2026-11-23T09:00:05Z',
  });
  const fail = (f: Failure): CallResult => ({
    ok: false,
    error: toGraphErrorData(
      new GraphError(f.code, f.message, { status: f.status, graphCode: f.graphCode, requestId: rid() }),
    ),
  });
  const holders: Record<string, { displayName: string; upn: string; id: string }[] | 'forbidden'> = {
    [ROLE.globalAdministrator]: [{ id: PEOPLE.alex.id, displayName: PEOPLE.alex.name, upn: PEOPLE.alex.upn }],
    [ROLE.userAdministrator]: [{ id: PEOPLE.sam.id, displayName: PEOPLE.sam.name, upn: PEOPLE.sam.upn }],
    [ROLE.privilegedRoleAdministrator]: [],
    [ROLE.guestInviter]: [],
    [ROLE.globalReader]: 'forbidden',
  };

  function answer(call: PendingCall): CallResult {
    const c = call.call;
    switch (c.op) {
      case 'getAuthorizationPolicy':
        return okResult({
          requestId: rid(),
          id: 'authorizationPolicy',
          allowInvitesFrom: state.allowInvitesFrom,
          guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
          allowEmailVerifiedUsersToJoinOrganization: false,
          allowedToSignUpEmailBasedSubscriptions: true,
          defaultUserRolePermissions: null,
        });
      case 'findUsersByMail':
        return okResult({ requestId: rid(), users: state.guestInvited ? [guest()] : [] });
      case 'inviteGuest': {
        if (state.inviteFails) return fail(state.inviteFails);
        state.guestInvited = true;
        return okResult({
          requestId: rid(),
          invitationId: INVITATION_ID,
          userId: GUEST_ID,
          status: 'PendingAcceptance',
          redeemUrl: null,
        });
      }
      case 'listRoleAssignments':
        return okResult({
          requestId: rid(),
          assignments: state.roleAssigned
            ? [
                {
                  id: ASSIGNMENT_ID,
                  principalId: GUEST_ID,
                  roleDefinitionId: ROLE.guestInviter,
                  directoryScopeId: '/',
                },
              ]
            : [],
        });
      case 'assignDirectoryRole': {
        if (state.assignFails) return fail(state.assignFails);
        state.roleAssigned = true;
        return okResult({
          requestId: rid(),
          id: ASSIGNMENT_ID,
          principalId: GUEST_ID,
          roleDefinitionId: ROLE.guestInviter,
          directoryScopeId: '/',
        });
      }
      case 'listSponsors':
        return okResult({ requestId: rid(), sponsorIds: state.sponsored ? [PEOPLE.camille.id] : [] });
      case 'addSponsor':
        state.sponsored = true;
        return okResult({ requestId: rid() });
      case 'getUser':
        return okResult({ requestId: rid(), ...guest() });
      case 'listRoleHolders': {
        const roleTemplateId = String(c.args[0]);
        const list = holders[roleTemplateId] ?? [];
        if (list === 'forbidden')
          return fail(forbidden('Insufficient privileges to complete the operation.'));
        return okResult({
          requestId: rid(),
          roleTemplateId,
          holders: list.map((h, i) => ({
            principalId: h.id,
            displayName: h.displayName,
            userPrincipalName: h.upn,
            principalType: '#microsoft.graph.user',
            assignmentId: `assignment-${i + 1}`,
          })),
        });
      }
      default:
        throw new Error(`the catalogue tenant does not answer ${c.op}`);
    }
  }
  return { state, answer };
}

function forbidden(message: string): Failure {
  return { code: 'graph_forbidden', message, status: 403, graphCode: 'Authorization_RequestDenied' };
}

/** Drives one run through the real engine; every Graph call is answered by the tenant at once. */
class Drive {
  private now = T0;
  constructor(
    public run: Run,
    private readonly world: { answer(call: PendingCall): CallResult; state?: unknown },
    private readonly actor: EventActor,
    private readonly module: ProcedureModule = vendorGuestAccessModule,
  ) {}

  static start(
    runId: string,
    actor: EventActor,
    world: { answer(call: PendingCall): CallResult; state?: unknown } = tenant(),
    module: ProcedureModule = vendorGuestAccessModule,
  ): Drive {
    const run = createRun({
      id: runId,
      procedureId: module.procedure.id,
      procedureVersion: module.procedure.version,
      tenantId: TENANT_ID,
      conversationId: CONVERSATION_ID,
      locale: 'fr',
      startedBy: { id: actor.id, name: actor.name },
      now: T0,
    });
    return new Drive(run, world, actor, module).send({ type: 'start', actor });
  }

  tenant(): TenantState {
    return this.world.state as TenantState;
  }

  later(ms: number): this {
    this.now += ms;
    return this;
  }

  send(event: RunEvent): this {
    this.now += 1_000;
    const out = transition(this.module, this.run, event, this.now);
    if (out.refused)
      throw new Error(`catalogue run ${this.run.id}: ${event.type} refused: ${out.refused.reason}`);
    this.run = out.run;
    this.settle();
    return this;
  }

  choose(option: string): this {
    return this.submit({ choice: option });
  }

  user(event: 'confirm' | 'cancel' | 'manual-done' | 'retry' | 'change'): this {
    return this.send({ type: event, stepVersion: this.run.stepVersion, actor: this.actor } as RunEvent);
  }

  submit(values: Record<string, string>): this {
    return this.send({ type: 'submit-input', stepVersion: this.run.stepVersion, values, actor: this.actor });
  }

  /** Lets the clock reach the run's next retry and delivers that timer, as the bot's timer loop does. */
  due(): this {
    const p = this.run.pending;
    if (p?.kind !== 'retry') throw new Error(`catalogue run ${this.run.id}: no retry timer armed`);
    this.now = Math.max(this.now, Date.parse(p.retryAt));
    return this.send({ type: 'timer-due', reminderId: p.reminderId });
  }

  expect(kind: string, stepId?: string | null): Run {
    const got = this.run.pending?.kind ?? this.run.status;
    if (got !== kind || (stepId !== undefined && this.run.currentStepId !== stepId)) {
      throw new Error(
        `catalogue run ${this.run.id}: expected ${kind} at ${String(stepId)}, got ${got} at ${String(this.run.currentStepId)}`,
      );
    }
    return this.run;
  }

  /** Answers every outstanding Graph call, as the runner would, until the run waits for something else. */
  private settle(): void {
    for (let guard = 0; guard < 50; guard += 1) {
      const p = this.run.pending;
      if (p?.kind !== 'graph') return;
      const call = p.calls.find((c) => !p.results[c.callId]);
      if (!call) return;
      this.now += 200;
      const out = transition(
        this.module,
        this.run,
        { type: 'effect-result', callId: call.callId, result: this.world.answer(call) },
        this.now,
      );
      if (out.refused) throw new Error(`catalogue run ${this.run.id}: ${out.refused.reason}`);
      this.run = out.run;
    }
    throw new Error(`catalogue run ${this.run.id}: Graph calls never settle`);
  }
}

const HOUR = 3_600_000;

/** The runs of procedure A, one per state its card can show, named as in the catalogue. */
function procedureARuns(): { name: string; run: Run }[] {
  const fullAdmin: EventActor = {
    ...PEOPLE.camille,
    roleTemplateIds: [ROLE.globalAdministrator],
    scopes: ALL_SCOPES,
  };
  const plainUser: EventActor = { ...PEOPLE.camille, roleTemplateIds: [], scopes: ALL_SCOPES };
  const guestInviter: EventActor = {
    ...PEOPLE.camille,
    roleTemplateIds: [ROLE.guestInviter],
    scopes: ALL_SCOPES,
  };
  // The first 8 characters are what cards show: each run gets its own.
  const id = (n: number) =>
    `${(0x0f4e2d10 + n).toString(16).padStart(8, '0')}-9b8a-4765-8432-${n.toString().padStart(12, '0')}`;
  const runs: { name: string; run: Run }[] = [];
  const add = (name: string, run: Run) => runs.push({ name, run });

  add('run-preflight-blocked', Drive.start(id(1), plainUser).expect('blocked', null));

  const input = Drive.start(id(2), fullAdmin);
  add('run-input', input.expect('input', 'vendor-email'));
  add(
    'run-input-error',
    Drive.start(id(3), fullAdmin).submit({ email: 'admin@onloop' }).expect('input', 'vendor-email'),
  );

  const confirmInvite = (n: number) => Drive.start(id(n), fullAdmin).submit({ email: CEGID_LOOP_EMAIL });
  add('run-confirm-invite', confirmInvite(4).expect('confirm', 'invite'));
  add('run-cancelled', confirmInvite(10).user('cancel').expect('cancelled'));
  add(
    'run-error',
    Drive.start(
      id(5),
      fullAdmin,
      tenant({ inviteFails: forbidden('Insufficient privileges to complete the operation.') }),
    )
      .submit({ email: CEGID_LOOP_EMAIL })
      .user('confirm')
      .expect('error', 'invite'),
  );

  const confirmRole = () => Drive.start(id(6), fullAdmin).submit({ email: CEGID_LOOP_EMAIL }).user('confirm');
  add('run-confirm-role', confirmRole().expect('confirm', 'assign-role'));
  add(
    'run-retry',
    Drive.start(
      id(7),
      fullAdmin,
      tenant({
        assignFails: {
          code: 'graph_not_found',
          message:
            'Resource does not exist or one of its queried reference-property objects are not present.',
          status: 404,
          graphCode: 'Request_ResourceNotFound',
        },
      }),
    )
      .submit({ email: CEGID_LOOP_EMAIL })
      .user('confirm')
      .user('confirm')
      .expect('retry', 'assign-role'),
  );

  add(
    'run-blocked',
    Drive.start(id(8), guestInviter)
      .submit({ email: CEGID_LOOP_EMAIL })
      .user('confirm')
      .expect('blocked', 'assign-role'),
  );

  // An admin who may invite and assign the role but not add a sponsor: the step says what is left to them.
  const inviterAndRoleAdmin: EventActor = {
    ...PEOPLE.camille,
    roleTemplateIds: [ROLE.guestInviter, ROLE.privilegedRoleAdministrator],
    scopes: ALL_SCOPES,
  };
  add(
    'run-sponsor-by-hand',
    Drive.start(id(11), inviterAndRoleAdmin)
      .submit({ email: CEGID_LOOP_EMAIL })
      .user('confirm')
      .user('confirm')
      .expect('wait', 'vendor-wait'),
  );

  const confirmSponsor = confirmRole().user('confirm');
  add('run-confirm-sponsor', confirmSponsor.expect('confirm', 'sponsor'));
  const wait = confirmSponsor.user('confirm');
  add('run-wait', wait.expect('wait', 'vendor-wait'));
  const manual = wait.later(3 * HOUR);
  manual.tenant().guestAccepted = true;
  add('run-manual', manual.user('retry').expect('manual', 'vendor-confirmed'));
  add('run-done', manual.later(HOUR).user('manual-done').expect('done'));

  add('run-failed', Drive.start(id(9), fullAdmin, tenant({ allowInvitesFrom: 'none' })).expect('failed'));
  return runs;
}

/** Procedure D's tenant: its domains, the gallery app, the provisioning job, answered as Graph would. */
const D_GROUP = '4c0d6e53-bf70-41c2-98e9-3f4a5b6c7d83';

function provisioningTenant(
  initial: {
    verifyElsewhere?: boolean;
    jobCode?: 'Active' | 'Quarantine';
    credentialsRefused?: boolean;
    /** The first cycle is over: 3 objects exported, steady state reached. */
    steady?: boolean;
  } = {},
) {
  const state = { dnsPublished: false, verified: false, jobStarted: false, ...initial };
  let n = 0x0d00;
  const rid = () => requestId(++n);
  const SP = '2f6b1c9e-4d3a-4b8e-9c71-5e0a8d2f4b63';
  const JOB = 'logmein.2f6b1c9e4d3a4b8e9c715e0a8d2f4b63.8a1c';
  const fail = (message: string): CallResult => ({
    ok: false,
    error: toGraphErrorData(
      new GraphError('graph_bad_request', message, {
        status: 400,
        graphCode: 'Request_BadRequest',
        requestId: rid(),
      }),
    ),
  });
  const firstCycle = {
    state: 'Succeeded',
    timeBegan: '2030-01-01T00:00:00Z',
    timeEnded: '2030-01-01T00:01:00Z',
    countExported: 3,
    countEscrowed: 0,
    error: null,
  };
  const job = () => ({
    requestId: rid(),
    id: JOB,
    templateId: 'logmein',
    schedule: { state: 'Active', interval: 'PT40M' },
    status: {
      code: state.jobCode ?? 'Active',
      quarantine:
        state.jobCode === 'Quarantine'
          ? {
              reason: 'EncounteredQuarantineException',
              currentBegan: '2026-11-23T10:00:00Z',
              nextAttempt: '2026-11-23T16:00:00Z',
              error: {
                code: 'SandboxCredentialsRejected',
                message: 'The application answered 401 Unauthorized: the secret token was revoked.',
                tenantActionable: true,
              },
            }
          : null,
      lastExecution: state.steady ? firstCycle : null,
      lastSuccessfulExecution: state.steady ? firstCycle : null,
      lastSuccessfulExecutionWithExports: state.steady ? firstCycle : null,
      steadyStateLastAchievedTime: state.steady ? '2030-01-01T00:00:00Z' : '0001-01-01T00:00:00Z',
      progress: [{ completedUnits: 3, totalUnits: 12, units: 'Objects' }],
      troubleshootingUrl: null,
    },
  });
  function answer(call: PendingCall): CallResult {
    const c = call.call;
    switch (c.op) {
      case 'listDomains':
        return okResult({
          requestId: rid(),
          domains: [
            { id: 'cabinet-exemple.fr', isVerified: true, isDefault: true, authenticationType: 'Managed' },
            {
              id: 'cabinet.onmicrosoft.com',
              isVerified: true,
              isDefault: false,
              authenticationType: 'Managed',
            },
          ],
        });
      case 'addDomain':
        return okResult({
          requestId: rid(),
          id: String(c.args[0]),
          isVerified: false,
          isDefault: false,
          authenticationType: 'Managed',
        });
      case 'listVerificationDnsRecords':
        return okResult({
          requestId: rid(),
          records: [
            {
              id: 'txt',
              recordType: 'Txt',
              label: String(c.args[0]),
              text: 'MS=ms41c7a9e2',
              ttl: 3600,
              isOptional: false,
            },
          ],
        });
      case 'verifyDomain':
        if (state.verifyElsewhere)
          return fail(
            `Domain verification failed: the domain ${String(c.args[0])} is already verified in another Microsoft Entra tenant.`,
          );
        return fail(
          `Domain verification failed: the TXT record MS=ms41c7a9e2 was not found in the DNS of ${String(c.args[0])}.`,
        );
      case 'findApplicationTemplates':
        return okResult({
          requestId: rid(),
          templates: [
            {
              id: '3a9e6c1f-2b4d-4e8a-9f0c-7d1b5e3a2c84',
              displayName: 'LogMeIn',
              supportedProvisioningTypes: ['sync'],
            },
          ],
        });
      case 'findServicePrincipalsByTemplate':
        return okResult({ requestId: rid(), servicePrincipals: [] });
      case 'instantiateApplicationTemplate':
        return okResult({
          requestId: rid(),
          application: {
            id: '6c2d8f41-0a3b-4c5d-8e9f-1a2b3c4d5e6f',
            appId: '7d3e9a52-1b4c-4d6e-9f0a-2b3c4d5e6f70',
          },
          servicePrincipal: { id: SP, appId: '7d3e9a52-1b4c-4d6e-9f0a-2b3c4d5e6f70', displayName: 'LogMeIn' },
        });
      case 'getServicePrincipal':
        return okResult({
          requestId: rid(),
          id: SP,
          appId: '7d3e9a52-1b4c-4d6e-9f0a-2b3c4d5e6f70',
          displayName: 'LogMeIn',
          applicationTemplateId: '3a9e6c1f-2b4d-4e8a-9f0c-7d1b5e3a2c84',
          appRoles: [
            {
              id: '9b2c4d6e-8f0a-4b1c-8d3e-5f7a9b1c3d5e',
              displayName: 'User',
              allowedMemberTypes: ['User'],
              isEnabled: true,
            },
          ],
        });
      case 'listSynchronizationJobs':
        return okResult({ requestId: rid(), jobs: [] });
      case 'listSynchronizationTemplates':
        return okResult({
          requestId: rid(),
          templates: [{ id: 'logmein', factoryTag: 'logmein', default: true }],
        });
      case 'createSynchronizationJob':
        return okResult(job());
      case 'getSynchronizationJob':
        return okResult(job());
      case 'startSynchronizationJob':
        state.jobStarted = true;
        return okResult({ requestId: rid() });
      case 'listMemberUsers':
        return okResult({
          requestId: rid(),
          users: [PEOPLE.alex, PEOPLE.sam].map((p) => ({
            id: p.id,
            displayName: p.name,
            userPrincipalName: p.upn,
            mail: p.upn,
          })),
        });
      case 'listSecurityGroups':
        return okResult({
          requestId: rid(),
          groups: [
            {
              id: D_GROUP,
              displayName: 'Comptabilité',
              description: null,
              securityEnabled: true,
              mailEnabled: false,
            },
          ],
        });
      case 'listAppRoleAssignedTo':
        // Sam was given access in the Entra admin center before.
        return okResult({
          requestId: rid(),
          assignments: [{ id: 'a-sam', appRoleId: 'x', principalId: PEOPLE.sam.id, resourceId: SP }],
        });
      case 'assignAppRole':
        return okResult({ requestId: rid(), id: `assignment-${rid().slice(-4)}` });
      case 'validateSynchronizationCredentials':
        return state.credentialsRefused
          ? fail('Validation of the provided credentials failed: the application rejected the secret token.')
          : okResult({ requestId: rid() });
      case 'saveSynchronizationSecrets':
        return okResult({ requestId: rid() });
      default:
        throw new Error(`the catalogue tenant of procedure D does not answer ${c.op}`);
    }
  }
  return { state, answer };
}

/** The runs of procedure D, one per state its cards show. */
function procedureDRuns(): { name: string; run: Run }[] {
  const admin: EventActor = {
    ...PEOPLE.camille,
    roleTemplateIds: [ROLE.globalAdministrator],
    scopes: domainAndProvisioningModule.procedure.requiredScopes,
  };
  const id = (n: number) =>
    `${(0x0d4e2d10 + n).toString(16).padStart(8, '0')}-9b8a-4765-8432-${n.toString().padStart(12, '0')}`;
  const start = (n: number, world = provisioningTenant()) =>
    Drive.start(id(n), admin, world, domainAndProvisioningModule);
  const runs: { name: string; run: Run }[] = [];
  const add = (name: string, run: Run) => runs.push({ name, run });
  add('d-domain-choice', start(1).expect('choice', 'domain-confirm'));
  const added = (n: number, world = provisioningTenant()) =>
    start(n, world).choose('add').submit({ domainName: 'cabinet-exemple.net' });
  add('d-domain-add-confirm', added(2).expect('confirm', 'add-domain'));
  add('d-txt-record', added(3).user('confirm').expect('manual', 'publish-txt'));
  add('d-verify-not-yet', added(4).user('confirm').user('manual-done').expect('retry', 'verify-domain'));
  // The TXT record never appears: re-checked for 24 hours, then a clear stop with the record to look for.
  const neverVerified = added(16).user('confirm').user('manual-done');
  for (let i = 0; i < 100 && neverVerified.run.pending?.kind === 'retry'; i++) neverVerified.due();
  add('d-verify-gave-up', neverVerified.expect('error', 'verify-domain'));
  add(
    'd-verify-elsewhere',
    added(5, provisioningTenant({ verifyElsewhere: true }))
      .user('confirm')
      .user('manual-done')
      .expect('failed'),
  );
  const vendor = () => start(6).choose('use');
  add('d-vendor-admin', vendor().expect('manual', 'vendor-admin'));
  add('d-app-choice', vendor().user('manual-done').expect('choice', 'app-choice'));
  const app = (n: number, world = provisioningTenant()) =>
    Drive.start(id(n), admin, world, domainAndProvisioningModule)
      .choose('use')
      .user('manual-done')
      .choose('logmein');
  add('d-instantiate-confirm', app(7).expect('confirm', 'instantiate'));
  const job = (n: number, world = provisioningTenant()) => app(n, world).user('confirm').user('confirm');
  add('d-assignees', job(8).expect('choice', 'assignees'));
  const picked = (n: number, world = provisioningTenant()) =>
    job(n, world).submit({ choice: [D_GROUP, PEOPLE.alex.id, PEOPLE.sam.id].join(',') });
  add('d-assign-confirm', picked(11).expect('confirm', 'assign'));
  add('d-tenant-url', picked(12).user('confirm').expect('input', 'tenant-url'));
  const url = (n: number, world = provisioningTenant()) =>
    picked(n, world).user('confirm').submit({ tenantUrl: 'https://api.logmein.example/scim/v2' });
  add('d-credentials', url(13).expect('confirm', 'credentials'));
  const token = (d: Drive) =>
    d.send({
      type: 'confirm',
      stepVersion: d.run.stepVersion,
      actor: admin,
      secrets: { secretToken: 'catalogue-token-0000000000' },
    });
  add(
    'd-credentials-refused',
    token(url(14, provisioningTenant({ credentialsRefused: true }))).expect('confirm', 'credentials'),
  );
  add('d-watch', token(url(9)).user('confirm').expect('wait', 'watch'));
  add(
    'd-steady',
    token(url(15, provisioningTenant({ steady: true })))
      .user('confirm')
      .expect('manual', 'users-at-vendor'),
  );
  add(
    'd-quarantine',
    token(url(10, provisioningTenant({ jobCode: 'Quarantine' })))
      .user('confirm')
      .expect('error', 'watch'),
  );
  return runs;
}

function formatTime(locale: Locale): (iso: string) => string {
  // As the procedure conversation formats times for the reader.
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  });
  return (iso) => format.format(new Date(iso));
}

/** Signatures are not what is reviewed: a readable stand-in, never a real key. */
function fakeSign(parts: readonly (string | number | undefined)[]): string {
  return `catalogue-sig-${parts.map((p) => (p === undefined ? '' : String(p).slice(0, 8))).join('-')}`;
}

function runCardFor(
  run: Run,
  locale: Locale,
  module: ProcedureModule = run.procedureId === domainAndProvisioningModule.procedure.id
    ? domainAndProvisioningModule
    : vendorGuestAccessModule,
  revealed?: Readonly<Record<string, string>>,
): AdaptiveCard {
  return runCard(module, run, {
    locale,
    ...(revealed ? { revealed } : {}),
    params: module.logic.textParams(
      { run, inputs: run.inputs, facts: run.facts, adminRoles: run.admin.roleTemplateIds, now: T0 },
      locale,
    ),
    formatTime: formatTime(locale),
    sign: (verb, runId, stepVersion, option) =>
      fakeSign([verb, runId, run.conversationId, stepVersion, option]),
  });
}

/** Every key of message-card.ts; a key added there and missing here does not compile. */
const MESSAGE_KEYS: Record<Parameters<typeof messageCard>[1], true> = {
  unknownAction: true,
  signedIn: true,
  signedOut: true,
  notSignedIn: true,
};

export function cardCatalogue(): CatalogueCard[] {
  const listings = PROCEDURES.map((m) => procedureListing(m.procedure));
  const runs = [...procedureARuns(), ...procedureDRuns()];
  const byName = new Map(runs.map((r) => [r.name, r.run]));
  const pick = (name: string) => {
    const run = byName.get(name);
    if (!run) throw new Error(`no catalogue run ${name}`);
    return run;
  };
  const signInLink = 'https://login.sesame.example/signin?state=catalogue';
  const unknownText: Record<Locale, string> = { fr: 'bonjour, tu peux m’aider ?', en: 'hi, can you help?' };

  const builders: { name: string; build: (locale: Locale) => AdaptiveCard }[] = [
    { name: 'help', build: (l) => helpCard(l, listings) },
    { name: 'help-empty', build: (l) => helpCard(l, []) },
    { name: 'unknown-message', build: (l) => unknownMessageCard(l, unknownText[l], listings) },
    ...Object.keys(MESSAGE_KEYS).map((key) => ({
      name: `message-${key}`,
      build: (l: Locale) => messageCard(l, key as keyof typeof MESSAGE_KEYS),
    })),
    // As sesame-bot sends it: the SDK's sign-in hook does not know which procedure was asked for.
    { name: 'sign-in', build: (l) => signInCard(l, undefined, undefined, signInLink) },
    {
      name: 'sign-in-procedure',
      build: (l) => signInCard(l, vendorGuestAccessModule, vendorGuestAccessModule.procedure.id, signInLink),
    },
    {
      name: 'status',
      build: (l) =>
        runStatusCard([pick('run-wait'), pick('run-blocked'), pick('run-done')], l, PROCEDURES, {
          sign: fakeSign,
        }),
    },
    { name: 'status-empty', build: (l) => runStatusCard([], l, PROCEDURES, { sign: fakeSign }) },
    {
      name: 'error-graph-forbidden',
      build: (l) =>
        errorCard(
          new GraphError('graph_forbidden', 'Insufficient privileges to complete the operation.', {
            status: 403,
            graphCode: 'Authorization_RequestDenied',
            requestId: requestId(0xe403),
          }),
          l,
        ),
    },
    {
      name: 'error-wrong-tenant',
      build: (l) =>
        errorCard(
          new SesameError('card_wrong_tenant', 'signed in to another tenant', {
            details: { detail: 'fabrikam.onmicrosoft.com' },
          }),
          l,
        ),
    },
    {
      name: 'refused-run-not-found',
      build: (l) => messageOnly(errorText(new SesameError('run_not_found', 'run_not_found'), l)),
    },
    ...runs.map(({ name, run }) => ({ name, build: (l: Locale) => runCardFor(run, l) })),
    ...procedureBRuns().map(({ name, run }) => ({
      name,
      build: (l: Locale) => runCardFor(run, l, clientCollaborationAccountModule),
    })),
    ...procedureCRuns().map(({ name, run, revealed }) => ({
      name,
      build: (l: Locale) => runCardFor(run, l, emailServiceAccountModule, revealed),
    })),
  ];

  return builders.flatMap(({ name, build }) =>
    CATALOGUE_LOCALES.map((locale) => ({ name, locale, card: build(locale) })),
  );
}
