import { ROLE } from '../../sandbox/data/model.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { GraphHarness } from './graph-harness.js';

const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const MINE = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
const ALL = '/roleManagement/directory/roleEligibilityScheduleInstances';

describe('PIM eligibility instances (what procedure E reads)', () => {
  it("lists the signed-in user's own eligibilities to any member (PIM's My roles)", async () => {
    const julien = await h.call('GET', MINE, { as: 'userAdmin' });
    expect(julien.status).toBe(200);
    const value = (julien.body as { value: Record<string, unknown>[] }).value;
    expect(value).toEqual([
      expect.objectContaining({
        principalId: SEED_USERS.userAdmin.id,
        roleDefinitionId: ROLE.globalAdministrator,
        directoryScopeId: '/',
        memberType: 'Direct',
      }),
    ]);
    const emma = await h.call('GET', MINE, { as: 'guestInviter' });
    expect(emma.status).toBe(200);
    expect((emma.body as { value: unknown[] }).value).toEqual([]);
    expect((await h.call('GET', MINE.replace('principal', 'nobody'), { as: 'userAdmin' })).status).toBe(400);
  });

  it('lists everyone’s eligibilities only to privileged readers, filtered and with the principal expanded', async () => {
    expect((await h.call('GET', ALL, { as: 'guestInviter' })).status).toBe(403);
    const filter = `roleDefinitionId eq '${ROLE.globalAdministrator}'`;
    const res = await h.call('GET', `${ALL}?$filter=${encodeURIComponent(filter)}&$expand=principal`, {
      as: 'globalReader',
    });
    expect(res.status).toBe(200);
    const value = (res.body as { value: { principal: { displayName: string } }[] }).value;
    expect(value.map((v) => v.principal.displayName)).toEqual(['Julien Petit']);
  });
});
