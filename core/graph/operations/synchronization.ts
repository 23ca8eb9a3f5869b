/** Synchronization: the provisioning job of a gallery app (procedure D). */
import { ROLE } from '../../directory-roles.js';
import { noContent, operation, readsShape, segment, type NoContent } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const TEMPLATE = shape({ id: 'id', factoryTag: 'string', default: 'boolean' });
export type SynchronizationTemplate = Shaped<typeof TEMPLATE>;

const SYNC_ERROR = { object: { code: 'string', message: 'string', tenantActionable: 'boolean' } } as const;
const EXECUTION = {
  object: {
    /** 'Succeeded' | 'Failed' | 'EntryLevelErrors' */
    state: 'string',
    timeBegan: 'string',
    timeEnded: 'string',
    countExported: 'number',
    countEscrowed: 'number',
    error: SYNC_ERROR,
  },
} as const;
const JOB = shape({
  id: 'id',
  templateId: 'string',
  status: {
    object: {
      /** 'NotConfigured' | 'NotRun' | 'Active' | 'Paused' | 'Quarantine' */
      code: 'string',
      quarantine: {
        object: {
          /** quarantineReason: EncounteredQuarantineException, QuarantinedOnDemand, TooManyDeletes… */
          reason: 'string',
          currentBegan: 'string',
          nextAttempt: 'string',
          error: SYNC_ERROR,
        },
      },
      lastExecution: EXECUTION,
      lastSuccessfulExecution: EXECUTION,
      /** The last run that exported something: a later cycle with no change does not hide the first's count. */
      lastSuccessfulExecutionWithExports: EXECUTION,
      /** When the job last caught up with every change (0001-01-01 before the first time). */
      steadyStateLastAchievedTime: 'string',
      progress: {
        list: {
          completedUnits: 'number',
          totalUnits: 'number',
          units: 'string',
          progressObservationDateTime: 'string',
        },
      },
      troubleshootingUrl: 'string',
    },
  },
  schedule: { object: { state: 'string', interval: 'string' } },
});
export type SynchronizationJob = Shaped<typeof JOB>;

/** A provisioning credential (BaseAddress, SecretToken…); the values are secrets, never stored. */
export interface SynchronizationSecret {
  readonly key: string;
  readonly value: string;
}

const SYNC_ROLES = [
  ROLE.applicationAdministrator,
  ROLE.cloudApplicationAdministrator,
  ROLE.hybridIdentityAdministrator,
];
const SYNC_READ_ROLES = [...SYNC_ROLES, ROLE.globalReader];
const SP = '0f6c4e1a-0000-4000-8000-000000000001';
const JOB_ID = 'gotomeeting.0f6c4e1a00004000800000000000001.0f6c4e1a-0000-4000-8000-000000000002';
const jobs = (spId: string) => `/servicePrincipals/${segment(spId)}/synchronization/jobs`;

export const synchronizationOperations = {
  listSynchronizationTemplates: operation<
    [servicePrincipalId: string],
    { readonly templates: readonly SynchronizationTemplate[] }
  >({
    resource: 'synchronization',
    method: 'GET',
    path: '/servicePrincipals/{id}/synchronization/templates',
    select: selectOf(TEMPLATE),
    paging: 'all',
    permission: 'Synchronization.Read.All',
    roles: { kind: 'anyOf', roles: SYNC_READ_ROLES },
    purpose: 'D: the provisioning template id',
    example: [SP],
    request: (spId) => ({ path: `/servicePrincipals/${segment(spId)}/synchronization/templates` }),
    read: (body, answer) => ({ templates: answer.items(body).map((t) => answer.shape(TEMPLATE, t)) }),
  }),

  listSynchronizationJobs: operation<
    [servicePrincipalId: string],
    { readonly jobs: readonly SynchronizationJob[] }
  >({
    resource: 'synchronization',
    method: 'GET',
    path: '/servicePrincipals/{id}/synchronization/jobs',
    select: selectOf(JOB),
    paging: 'all',
    permission: 'Synchronization.Read.All',
    roles: { kind: 'anyOf', roles: SYNC_READ_ROLES },
    purpose: 'D: a provisioning job already exists (never create a second one)',
    example: [SP],
    request: (spId) => ({ path: jobs(spId) }),
    read: (body, answer) => ({ jobs: answer.items(body).map((j) => answer.shape(JOB, j)) }),
  }),

  createSynchronizationJob: operation<[servicePrincipalId: string, templateId: string], SynchronizationJob>({
    resource: 'synchronization',
    method: 'POST',
    path: '/servicePrincipals/{id}/synchronization/jobs',
    paging: 'one',
    permission: 'Synchronization.ReadWrite.All',
    roles: { kind: 'anyOf', roles: SYNC_ROLES },
    purpose: 'D: create the provisioning job',
    example: [SP, 'gotomeeting'],
    request: (spId, templateId) => ({ path: jobs(spId), body: { templateId } }),
    read: readsShape(JOB),
  }),

  saveSynchronizationSecrets: operation<
    [servicePrincipalId: string, secrets: readonly SynchronizationSecret[]],
    NoContent
  >({
    resource: 'synchronization',
    method: 'PUT',
    path: '/servicePrincipals/{id}/synchronization/secrets',
    paging: 'one',
    permission: 'Synchronization.ReadWrite.All',
    roles: { kind: 'anyOf', roles: SYNC_ROLES },
    purpose: 'D: save the vendor credentials (tenant URL, secret token)',
    example: [SP, [{ key: 'BaseAddress', value: 'https://example.invalid/scim' }]],
    request: (spId, secrets) => ({
      path: `/servicePrincipals/${segment(spId)}/synchronization/secrets`,
      body: { value: secrets.map((s) => ({ key: s.key, value: s.value })) },
    }),
    read: noContent,
  }),

  validateSynchronizationCredentials: operation<
    [servicePrincipalId: string, jobId: string, credentials: readonly SynchronizationSecret[]],
    NoContent
  >({
    resource: 'synchronization',
    method: 'POST',
    path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}/validateCredentials',
    paging: 'one',
    permission: 'Synchronization.ReadWrite.All',
    roles: { kind: 'anyOf', roles: SYNC_ROLES },
    purpose: 'D: test the vendor admin credentials',
    example: [SP, JOB_ID, [{ key: 'SecretToken', value: 'example-only' }]],
    request: (spId, jobId, credentials) => ({
      path: `${jobs(spId)}/${segment(jobId)}/validateCredentials`,
      body: {
        useSavedCredentials: false,
        credentials: credentials.map((c) => ({ key: c.key, value: c.value })),
      },
    }),
    read: noContent,
  }),

  startSynchronizationJob: operation<[servicePrincipalId: string, jobId: string], NoContent>({
    resource: 'synchronization',
    method: 'POST',
    path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}/start',
    paging: 'one',
    permission: 'Synchronization.ReadWrite.All',
    roles: { kind: 'anyOf', roles: SYNC_ROLES },
    purpose: 'D: start provisioning',
    example: [SP, JOB_ID],
    request: (spId, jobId) => ({ path: `${jobs(spId)}/${segment(jobId)}/start` }),
    read: noContent,
  }),

  getSynchronizationJob: operation<[servicePrincipalId: string, jobId: string], SynchronizationJob>({
    resource: 'synchronization',
    method: 'GET',
    path: '/servicePrincipals/{id}/synchronization/jobs/{jobId}',
    select: selectOf(JOB),
    paging: 'one',
    permission: 'Synchronization.Read.All',
    roles: { kind: 'anyOf', roles: SYNC_READ_ROLES },
    purpose: 'D: watch status and quarantine; reminder on failure',
    example: [SP, JOB_ID],
    request: (spId, jobId) => ({ path: `${jobs(spId)}/${segment(jobId)}` }),
    read: readsShape(JOB),
  }),
};
