/** Synchronization: provisioning templates, jobs, secrets. */
import { randomUUID } from 'node:crypto';
import type { GraphObject, Json } from '../../data/model.js';
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

export function syncState(a: HandlerArgs, spId: string) {
  let s = a.rt.state.synchronization.get(spId);
  if (!s) {
    s = { jobs: new Map(), secrets: [] };
    a.rt.state.synchronization.set(spId, s);
  }
  return s;
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

export function credentialsValid(creds: { key: string; value: string }[]): boolean {
  const token = creds.find((c) => c.key === 'SecretToken')?.value ?? '';
  const base = creds.find((c) => c.key === 'BaseAddress')?.value;
  return (
    token.length >= 16 &&
    !token.toLowerCase().startsWith('invalid') &&
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
    return list(
      a,
      [...syncState(a, sp.id).jobs.values()],
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
    return entity(a, 'synchronizationJob', `servicePrincipals('${sp.id}')/synchronization/jobs`, job);
  },
  'POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/start': (a) => {
    const { sp, job } = findJob(a);
    const now = iso(a.rt.now());
    const good = credentialsValid(syncState(a, sp.id).secrets);
    const status = job.status as Record<string, Json>;
    job.schedule = { ...(job.schedule as Record<string, Json>), state: 'Active' };
    if (good) {
      status.code = 'Active';
      status.quarantine = null;
      status.lastExecution = {
        activityIdentifier: randomUUID(),
        countEntitled: 0,
        countExported: 0,
        countImported: 0,
        state: 'Succeeded',
        timeBegan: now,
        timeEnded: now,
        error: null,
        countEntitledForProvisioning: 0,
        countEscrowed: 0,
        countEscrowedRaw: 0,

        countExports: 0,
        countImportedDeltas: 0,
        countImportedReferenceDeltas: 0,
      };
      status.lastSuccessfulExecution = status.lastExecution;
    } else {
      status.code = 'Quarantine';
      status.countSuccessiveCompleteFailures = Number(status.countSuccessiveCompleteFailures ?? 0) + 1;
      status.quarantine = {
        currentBegan: now,
        nextAttempt: iso(a.rt.now() + 3_600_000),
        reason: 'EncounteredQuarantineException',
        seriesBegan: now,
        seriesCount: 1,
        error: {
          code: 'CredentialsInvalid',
          message: 'The credentials saved for provisioning were rejected by the application.',
          tenantActionable: true,
        },
      };
    }
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
    const creds =
      body.useSavedCredentials === true
        ? syncState(a, sp.id).secrets
        : keyValues(body.credentials, 'credentials');
    if (!credentialsValid(creds))
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
