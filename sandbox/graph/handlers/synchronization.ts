/** Synchronization: provisioning templates, jobs, secrets. */
import {
  guidFrom,
  type GraphObject,
  type Json,
  type SynchronizationState,
  type TenantState,
} from '../../data/model.js';
import { badRequest, notFound } from '../errors.js';
import { contextUrl } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import {
  type Handler,
  type HandlerArgs,
  checkBody,
  checkParams,
  entity,
  iso,
  list,
  noContent,
  ok,
  str,
} from './shared.js';
import { findSp } from './applications.js';

export function syncState(a: { rt: { state: TenantState } }, spId: string): SynchronizationState {
  let s = a.rt.state.synchronization.get(spId);
  if (!s) {
    s = { jobs: new Map(), secrets: [], runs: new Map(), revokedTokens: new Set() };
    a.rt.state.synchronization.set(spId, s);
  }
  return s;
}

/** A provisioning cycle of the sandbox takes a minute; the next one starts 40 minutes later, as Entra's do. */
export const CYCLE_MS = 60_000;
export const CYCLE_INTERVAL_MS = 40 * 60_000;
const NEVER = '0001-01-01T00:00:00Z';

function execution(
  began: number,
  ended: number,
  state: 'Succeeded' | 'Failed',
  exported: number,
  error: Json,
): Record<string, Json> {
  return {
    activityIdentifier: guidFrom(`sync-execution:${began}:${state}`),
    countEntitled: exported,
    countEntitledForProvisioning: exported,
    countEscrowed: 0,
    countEscrowedRaw: 0,
    countExported: exported,
    countExports: exported,
    countImported: exported,
    countImportedDeltas: exported,
    countImportedReferenceDeltas: 0,
    error,
    state,
    timeBegan: iso(began),
    timeEnded: iso(ended),
  };
}

/** The users and groups the app is assigned to: what a cycle provisions. */
function assignedCount(state: TenantState, spId: string): number {
  return state.appRoleAssignments.filter((r) => r.resourceId === spId).length;
}

/** Puts a job in quarantine for rejected credentials (what Entra does when the app answers 401). */
export function quarantine(job: GraphObject, at: number, message: string): void {
  const status = job.status as Record<string, Json>;
  const previous = status.quarantine as Record<string, Json> | null;
  status.code = 'Quarantine';
  status.countSuccessiveCompleteFailures = Number(status.countSuccessiveCompleteFailures ?? 0) + 1;
  status.quarantine = {
    currentBegan: iso(at),
    // Entra retries a quarantined job less and less often (up to once a day).
    nextAttempt: iso(at + 6 * 3_600_000),
    reason: 'EncounteredQuarantineException',
    seriesBegan: (previous?.seriesBegan as string | undefined) ?? iso(at),
    seriesCount: Number(previous?.seriesCount ?? 0) + 1,
    // A sandbox error code: Microsoft does not document the codes; Sesame explains the documented reason.
    error: { code: 'SandboxCredentialsRejected', message, tenantActionable: true },
  };
  status.lastExecution = execution(at - CYCLE_MS, at, 'Failed', 0, status.quarantine.error as Json);
  status.progress = [];
}

/**
 * Brings a job's status up to the sandbox's time: each provisioning cycle that ended since the last read either
 * succeeds (the assigned users and groups are exported, steady state reached) or, with credentials the app
 * rejects, puts the job in quarantine until someone fixes them and starts it again.
 */
export function settleJob(state: TenantState, spId: string, job: GraphObject, now: number): void {
  const s = syncState({ rt: { state } }, spId);
  const run = s.runs.get(job.id);
  const status = job.status as Record<string, Json>;
  if (!run || status.code !== 'Active') return;
  const ended =
    now < run.startedAt + CYCLE_MS ? 0 : Math.floor((now - run.startedAt - CYCLE_MS) / CYCLE_INTERVAL_MS) + 1;
  for (let k = run.cyclesSeen; k < ended; k += 1) {
    run.cyclesSeen = k + 1;
    const end = run.startedAt + CYCLE_MS + k * CYCLE_INTERVAL_MS;
    if (!credentialsValid(s.secrets, s.revokedTokens)) {
      quarantine(job, end, 'The application answered 401 Unauthorized: the saved secret token was rejected.');
      return;
    }
    const count = k === 0 ? assignedCount(state, spId) : 0;
    const done = execution(end - CYCLE_MS, end, 'Succeeded', count, null);
    status.lastExecution = done;
    status.lastSuccessfulExecution = done;
    if (count > 0) status.lastSuccessfulExecutionWithExports = done;
    status.countSuccessiveCompleteFailures = 0;
    if (status.steadyStateFirstAchievedTime === NEVER) status.steadyStateFirstAchievedTime = iso(end);
    status.steadyStateLastAchievedTime = iso(end);
    status.synchronizedEntryCountByType = [
      {
        key: 'user to urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        value: assignedCount(state, spId),
      },
    ];
    status.progress = [
      {
        completedUnits: assignedCount(state, spId),
        progressObservationDateTime: iso(end),
        totalUnits: assignedCount(state, spId),
        units: 'Objects',
      },
    ];
  }
}

export function syncTemplates(a: HandlerArgs, sp: GraphObject): GraphObject[] {
  const tpl = typeof sp.applicationTemplateId === 'string' ? sp.applicationTemplateId : '';
  return a.rt.state.synchronizationTemplatesByAppTemplate.get(tpl) ?? [];
}

export function findJob(a: HandlerArgs): { sp: GraphObject; job: GraphObject } {
  const sp = findSp(a);
  const job = syncState(a, sp.id).jobs.get(decodeURIComponent(a.params.jobId!));
  if (!job) throw notFound(decodeURIComponent(a.params.jobId!));
  return { sp, job };
}

/** The sandbox's provisioning endpoint accepts a secret token of at least 16 characters, except "invalid…". */

export function credentialsValid(
  creds: readonly { key: string; value: string }[],
  revoked: ReadonlySet<string> = new Set(),
): boolean {
  const token = creds.find((c) => c.key === 'SecretToken')?.value ?? '';
  const base = creds.find((c) => c.key === 'BaseAddress')?.value;
  return (
    token.length >= 16 &&
    !token.toLowerCase().startsWith('invalid') &&
    !revoked.has(token) &&
    (base === undefined || /^https:\/\//.test(base))
  );
}

export function keyValues(v: unknown, what: string): { key: string; value: string }[] {
  if (!Array.isArray(v))
    throw badRequest(`The '${what}' parameter must be a collection of key/value pairs.`, 'BadRequest');
  return v.map((el) => {
    checkBody(el, 'synchronizationSecretKeyStringValuePair');
    const r = el as Record<string, unknown>;
    if (typeof r.key !== 'string' || typeof r.value !== 'string')
      throw badRequest('Each credential needs a key and a string value.', 'BadRequest');
    return { key: r.key, value: r.value };
  });
}

export const synchronizationHandlers = {
  'GET /servicePrincipals/{id}/synchronization/templates': (a) => {
    const sp = findSp(a);
    return list(
      a,
      syncTemplates(a, sp),
      {
        type: 'synchronizationTemplate',
        directoryObjects: false,
        contextPath: `servicePrincipals('${sp.id}')/synchronization/templates`,
      },
      ['$select'],
    );
  },
  'GET /servicePrincipals/{id}/synchronization/jobs': (a) => {
    const sp = findSp(a);
    const jobs = [...syncState(a, sp.id).jobs.values()];
    for (const job of jobs) settleJob(a.rt.state, sp.id, job, a.rt.now());
    return list(
      a,
      jobs,
      {
        type: 'synchronizationJob',
        directoryObjects: false,
        contextPath: `servicePrincipals('${sp.id}')/synchronization/jobs`,
      },
      ['$select'],
    );
  },
  'POST /servicePrincipals/{id}/synchronization/jobs': (a) => {
    const sp = findSp(a);
    const body = checkBody(a.req.body, 'synchronizationJob');
    const templateId = str(body, 'templateId', 'SynchronizationJob')!;
    if (!syncTemplates(a, sp).some((t) => t.id === templateId))
      throw badRequest(
        `The template '${templateId}' is not available for this service principal.`,
        'BadRequest',
      );
    const hex = sp.id.replace(/-/g, '');
    const id = `${templateId}.${hex}.${a.rt.state.newId('job').replace(/-/g, '')}`;
    const job: GraphObject = {
      id,
      templateId,
      schedule: { expiration: null, interval: 'PT40M', state: 'Disabled' },
      status: {
        code: 'NotConfigured',
        countSuccessiveCompleteFailures: 0,
        escrowsPruned: false,
        lastExecution: null,
        lastSuccessfulExecution: null,
        lastSuccessfulExecutionWithExports: null,
        progress: [],
        quarantine: null,
        steadyStateFirstAchievedTime: '0001-01-01T00:00:00Z',
        steadyStateLastAchievedTime: '0001-01-01T00:00:00Z',
        synchronizedEntryCountByType: [],
        troubleshootingUrl: null,
      },
      synchronizationJobSettings: [],
    };
    syncState(a, sp.id).jobs.set(id, job);
    return ok(
      {
        '@odata.context': contextUrl(
          a.req,
          `servicePrincipals('${sp.id}')/synchronization/jobs`,
          undefined,
          true,
        ),
        ...job,
      },
      201,
    );
  },
  'GET /servicePrincipals/{id}/synchronization/jobs/{jobId}': (a) => {
    const { sp, job } = findJob(a);
    settleJob(a.rt.state, sp.id, job, a.rt.now());
    return entity(a, 'synchronizationJob', `servicePrincipals('${sp.id}')/synchronization/jobs`, job);
  },
  /** Starts the job; a job in quarantine leaves it (Graph: "If the job is in quarantine, the quarantine status is cleared"). */
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/start': (a) => {
    const { sp, job } = findJob(a);
    const s = syncState(a, sp.id);
    if (!s.secrets.some((x) => x.key === 'SecretToken'))
      throw badRequest(
        'The job cannot start: no admin credentials are saved for provisioning to this application.',
        'BadRequest',
      );
    const status = job.status as Record<string, Json>;
    job.schedule = { ...(job.schedule as Record<string, Json>), state: 'Active' };
    status.code = 'Active';
    status.quarantine = null;
    status.progress = [
      {
        completedUnits: 0,
        progressObservationDateTime: iso(a.rt.now()),
        totalUnits: assignedCount(a.rt.state, sp.id),
        units: 'Objects',
      },
    ];
    s.runs.set(job.id, { startedAt: a.rt.now(), cyclesSeen: 0 });
    return noContent();
  },
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/validateCredentials': (a) => {
    findJob(a);
    const body = checkParams(
      a.req.body,
      ['applicationIdentifier', 'templateId', 'useSavedCredentials', 'credentials'],
      'validateCredentials',
    );
    const sp = findSp(a);
    const s = syncState(a, sp.id);
    const creds = body.useSavedCredentials === true ? s.secrets : keyValues(body.credentials, 'credentials');
    if (!credentialsValid(creds, s.revokedTokens))
      throw badRequest(
        'Validation of the provided credentials failed: the application rejected the secret token or the tenant URL.',
        'BadRequest',
      );
    return noContent();
  },
  'PUT /servicePrincipals/{id}/synchronization/secrets': (a) => {
    const sp = findSp(a);
    const body = checkParams(a.req.body, ['value'], 'secrets');
    const pairs = keyValues(body.value, 'value');
    const s = syncState(a, sp.id);
    for (const p of pairs) {
      const i = s.secrets.findIndex((x) => x.key === p.key);
      if (i >= 0) s.secrets[i] = p;
      else s.secrets.push(p);
    }
    return noContent();
  },
} satisfies Partial<Record<RouteKey, Handler>>;
