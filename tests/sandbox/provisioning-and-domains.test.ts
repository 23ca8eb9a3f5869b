import { CLIENT_DEFAULT_DOMAIN } from '../../sandbox/data/seed-client-tenant.js';
import { APPLICATION_TEMPLATES, SEED_GROUPS, SEED_USERS } from '../../sandbox/data/seed.js';
import { CYCLE_INTERVAL_MS, CYCLE_MS } from '../../sandbox/graph/handlers/synchronization.js';
import { GraphHarness, expectGraphError } from './graph-harness.js';

/** What procedure D meets in the sandbox: domains owned elsewhere, gallery apps, provisioning cycles, quarantine. */
const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(async () => {
  expect((await h.admin('POST', '/reset')).status).toBe(200);
});

const GOOD = [
  { key: 'BaseAddress', value: 'https://api.logmein.example/scim/v2' },
  { key: 'SecretToken', value: 'sandbox-token-0123456789abcdef' },
];

async function provisionedApp() {
  const tpl = APPLICATION_TEMPLATES.logMeIn;
  const inst = await h.call('POST', `/applicationTemplates/${tpl.id}/instantiate`, {
    as: 'applicationAdmin',
    body: { displayName: 'LogMeIn' },
  });
  const sp = inst.body.servicePrincipal.id as string;
  const job = await h.call('POST', `/servicePrincipals/${sp}/synchronization/jobs`, {
    as: 'applicationAdmin',
    body: { templateId: tpl.factoryTag },
  });
  const jobUrl = `/servicePrincipals/${sp}/synchronization/jobs/${job.body.id as string}`;
  return { sp, jobId: job.body.id as string, jobUrl, appRoleId: inst.body.servicePrincipal.appRoles[0].id };
}

describe('domains', () => {
  it('refuses to verify a domain another tenant (Atelier Durand) has verified, even with the TXT record published', async () => {
    const added = await h.call('POST', '/domains', {
      as: 'globalAdmin',
      body: { id: CLIENT_DEFAULT_DOMAIN },
    });
    expect(added.status).toBe(201);
    await h.admin('PUT', `/dns/${CLIENT_DEFAULT_DOMAIN}`);
    expectGraphError(
      await h.call('POST', `/domains/${CLIENT_DEFAULT_DOMAIN}/verify`, { as: 'globalAdmin' }),
      400,
      'Request_BadRequest',
      'already verified in another Microsoft Entra tenant',
    );
  });
});

describe('gallery apps and provisioning', () => {
  it('finds an instance by its template, hides a new service principal during replication', async () => {
    await h.admin('PUT', '/replication-lag', { ms: 30_000 });
    const tpl = APPLICATION_TEMPLATES.logMeIn;
    const inst = await h.call('POST', `/applicationTemplates/${tpl.id}/instantiate`, {
      as: 'applicationAdmin',
      body: { displayName: 'LogMeIn' },
    });
    const sp = inst.body.servicePrincipal.id as string;
    expect((await h.call('GET', `/servicePrincipals/${sp}`, { as: 'applicationAdmin' })).status).toBe(404);
    h.clock += 31_000;
    expect((await h.call('GET', `/servicePrincipals/${sp}`, { as: 'applicationAdmin' })).status).toBe(200);
    const found = await h.call('GET', `/servicePrincipals?$filter=applicationTemplateId eq '${tpl.id}'`, {
      as: 'applicationAdmin',
    });
    expect(found.body.value.map((s: { id: string }) => s.id)).toEqual([sp]);
  });

  it('lists security groups', async () => {
    const res = await h.call('GET', '/groups?$filter=securityEnabled eq true&$select=id,displayName', {
      as: 'applicationAdmin',
    });
    expect(res.status).toBe(200);
    expect(res.body.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(
      SEED_GROUPS.map((g) => g.displayName).sort(),
    );
  });

  it('refuses to start a job with no saved credentials', async () => {
    const { jobUrl } = await provisionedApp();
    expectGraphError(await h.call('POST', `${jobUrl}/start`, { as: 'applicationAdmin' }), 400, 'BadRequest');
  });

  it('runs cycles: in progress, then steady with the assigned users exported, then the next cycle', async () => {
    const { sp, jobUrl, appRoleId } = await provisionedApp();
    for (const principalId of [SEED_USERS.plainUser.id, SEED_GROUPS[0].id]) {
      await h.call('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, {
        as: 'applicationAdmin',
        body: { principalId, resourceId: sp, appRoleId },
      });
    }
    await h.call('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
      as: 'applicationAdmin',
      body: { value: GOOD },
    });
    expect((await h.call('POST', `${jobUrl}/start`, { as: 'applicationAdmin' })).status).toBe(204);
    let job = (await h.call('GET', jobUrl, { as: 'applicationAdmin' })).body;
    expect(job.status.code).toBe('Active');
    expect(job.status.lastExecution).toBeNull();
    expect(job.status.steadyStateLastAchievedTime).toBe('0001-01-01T00:00:00Z');
    h.clock += CYCLE_MS;
    job = (await h.call('GET', jobUrl, { as: 'applicationAdmin' })).body;
    expect(job.status.lastExecution.state).toBe('Succeeded');
    expect(job.status.lastExecution.countExported).toBe(2);
    const steady = job.status.steadyStateLastAchievedTime as string;
    expect(steady).not.toBe('0001-01-01T00:00:00Z');
    h.clock += CYCLE_INTERVAL_MS;
    job = (await h.call('GET', jobUrl, { as: 'applicationAdmin' })).body;
    expect(Date.parse(job.status.steadyStateLastAchievedTime)).toBeGreaterThan(Date.parse(steady));
  });

  it('quarantines a job whose token the vendor revoked, and a new token plus start brings it back', async () => {
    const { sp, jobId, jobUrl } = await provisionedApp();
    const put = (value: typeof GOOD) =>
      h.call('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
        as: 'applicationAdmin',
        body: { value },
      });
    await put(GOOD);
    await h.call('POST', `${jobUrl}/start`, { as: 'applicationAdmin' });
    h.clock += CYCLE_MS;
    expect(
      (await h.admin('PUT', `/synchronization/${sp}/jobs/${encodeURIComponent(jobId)}/quarantine`)).status,
    ).toBe(204);
    let job = (await h.call('GET', jobUrl, { as: 'applicationAdmin' })).body;
    expect(job.status.code).toBe('Quarantine');
    expect(job.status.quarantine.reason).toBe('EncounteredQuarantineException');
    // The revoked token no longer validates; the vendor's new one does.
    const validate = (value: typeof GOOD) =>
      h.call('POST', `${jobUrl}/validateCredentials`, {
        as: 'applicationAdmin',
        body: { credentials: value },
      });
    expectGraphError(await validate(GOOD), 400, 'BadRequest');
    const fresh = [GOOD[0]!, { key: 'SecretToken', value: 'sandbox-token-fedcba9876543210' }];
    expect((await validate(fresh)).status).toBe(204);
    await put(fresh);
    await h.call('POST', `${jobUrl}/start`, { as: 'applicationAdmin' });
    h.clock += CYCLE_MS;
    job = (await h.call('GET', jobUrl, { as: 'applicationAdmin' })).body;
    expect(job.status.code).toBe('Active');
    expect(job.status.quarantine).toBeNull();
    expect(job.status.lastExecution.state).toBe('Succeeded');
  });

  it('quarantines at the end of the first cycle when the saved token is rejected', async () => {
    const { sp, jobUrl } = await provisionedApp();
    await h.call('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
      as: 'applicationAdmin',
      body: { value: [GOOD[0]!, { key: 'SecretToken', value: 'invalid-token-for-sure-123' }] },
    });
    await h.call('POST', `${jobUrl}/start`, { as: 'applicationAdmin' });
    h.clock += CYCLE_MS;
    const job = (await h.call('GET', jobUrl, { as: 'applicationAdmin' })).body;
    expect(job.status.code).toBe('Quarantine');
    expect(job.status.lastExecution.state).toBe('Failed');
  });
});
