/**
 * The sandbox console's tenant changes, clicked the way a person does: the test reads the console page, finds the
 * button by its label in its section and sends what the page's script sends (its method, path and body). The
 * next checklist snapshot reads the change and lists it as fixed — or as a new failure.
 */
import type { ChecklistItem, RefreshEvent } from '../../core/checklist/api-types.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;

const unescape = (v: string) => v.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

interface PageButton {
  label: string;
  method: string;
  path: string;
  body?: unknown;
}

/** The buttons of one console section (data-section), and of one table row when `row` is given. */
function buttonsOf(html: string, section: string, row?: string): PageButton[] {
  const start = html.indexOf(`data-section="${section}"`);
  if (start < 0) throw new Error(`no section ${section} on the console`);
  let part = html.slice(start, html.indexOf('</section>', start));
  if (row !== undefined) {
    const rows = part.split('<tr>').filter((r) => unescape(r).includes(row));
    if (rows.length !== 1)
      throw new Error(`expected one row with ${row} in ${section}, found ${rows.length}`);
    part = rows[0]!;
  }
  return [...part.matchAll(/<button([^>]*)>([^<]*)<\/button>/g)].map((m) => {
    const a = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(m[1]!)?.[1];
    const body = a('data-body');
    return {
      label: unescape(m[2]!),
      method: a('data-method')!,
      path: unescape(a('data-path')!),
      ...(body !== undefined ? { body: JSON.parse(unescape(body)) as unknown } : {}),
    };
  });
}

describe('checklist: tenant changes from the sandbox console page', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function tokenOf(who: Who): Promise<string> {
    const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: SEED_USERS[who].userPrincipalName, appId: stack.config.bot.appId }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  async function refresh(who: Who) {
    const res = await fetch(`${stack.sesame.url}/api/tab/checklist/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf(who)}` },
    });
    const events = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RefreshEvent);
    const last = events.at(-1)!;
    if (last.type !== 'done') throw new Error(`refresh did not finish: ${JSON.stringify(last)}`);
    return last;
  }

  const consolePage = async () => (await fetch(`${stack.sandbox.httpUrl}/_sandbox/console`)).text();

  /** Clicks the console button labelled `label` in `section` (and `row`): what the page's script sends. */
  async function clickConsole(section: string, label: string, row?: string): Promise<Response> {
    const buttons = buttonsOf(await consolePage(), section, row);
    const button = buttons.find((b) => b.label === label);
    if (!button)
      throw new Error(`no button "${label}" in ${section}: ${buttons.map((b) => b.label).join(', ')}`);
    return fetch(`${stack.sandbox.httpUrl}${button.path}`, {
      method: button.method,
      headers: { 'content-type': 'application/json' },
      ...(button.body !== undefined ? { body: JSON.stringify(button.body) } : {}),
    });
  }

  const item = (items: readonly ChecklistItem[], id: string) => items.find((i) => i.ruleId === id)!;

  it('the settings the checklist fails on are changed from the page, and the next snapshot lists each as fixed', async () => {
    const first = await refresh('globalAdmin');
    for (const id of [
      'guest-invite-policy',
      'guests-can-invite',
      'user-consent',
      'admin-consent-workflow',
      'users-can-register-apps',
    ])
      expect([id, item(first.snapshot.items, id).status]).toEqual([id, 'fail']);
    expect(item(first.snapshot.items, 'guest-directory-access').status).toBe('pass');

    const html = await consolePage();
    // Each setting shows its current value; the buttons offer the others.
    expect(unescape(html)).toMatch(
      /data-setting-value="invite-policy"><span class="pill ">Everyone, guests included</,
    );
    expect(buttonsOf(html, 'settings', 'Who can invite guests').map((b) => b.label)).toEqual([
      'No one',
      'Admins and Guest Inviters',
      'Admins, Guest Inviters and members',
    ]);

    for (const [row, label] of [
      ['Who can invite guests', 'Admins and Guest Inviters'],
      ['User consent to apps', 'Low-risk apps, verified publishers'],
      ['Admin consent requests', 'On, reviewers notified and reminded, 30 days'],
      ['Users can register apps', 'No, admins only'],
      ['Guest access to the directory', 'Same as members'],
    ] as const) {
      const res = await clickConsole('settings', label, row);
      expect([row, res.status]).toEqual([row, 200]);
    }
    expect(unescape(await consolePage())).toMatch(
      /data-setting-value="app-registration"><span class="pill ">No, admins only</,
    );

    const second = await refresh('globalAdmin');
    for (const id of [
      'guest-invite-policy',
      'guests-can-invite',
      'user-consent',
      'admin-consent-workflow',
      'users-can-register-apps',
    ])
      expect([id, item(second.snapshot.items, id).status]).toEqual([id, 'pass']);
    expect(second.changes.fixed.map((c) => c.ruleId).sort()).toEqual(
      [
        'admin-consent-workflow',
        'guest-invite-policy',
        'guests-can-invite',
        'user-consent',
        'users-can-register-apps',
      ].sort(),
    );
    // Guests with the members' view of the directory is a new failure.
    expect(item(second.snapshot.items, 'guest-directory-access').status).toBe('fail');
    expect(second.changes.newFailures.map((c) => c.ruleId)).toEqual(['guest-directory-access']);
  });

  it('removing a guest or a role assignment from the page shows in the next snapshot', async () => {
    const before = await refresh('globalAdmin');
    expect(item(before.snapshot.items, 'inactive-guests').evidence.objects.map((o) => o.id)).toContain(
      SEED_USERS.inactiveGuest.id,
    );
    expect(item(before.snapshot.items, 'global-admin-count').status).toBe('pass');

    const guest = await clickConsole('guests', 'Remove the guest', SEED_USERS.inactiveGuest.mail!);
    expect(guest.status).toBe(204);
    const admin = await clickConsole(
      'roles',
      'Remove the assignment',
      SEED_USERS.globalAdmin2.userPrincipalName,
    );
    expect(admin.status).toBe(204);
    // Played twice (a stale page), the removal says what is wrong instead of pretending.
    const again = await fetch(`${stack.sandbox.httpUrl}/_sandbox/tenant/role-assignments/nope`, {
      method: 'DELETE',
    });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /No such role assignment/,
    );

    const after = await refresh('globalAdmin');
    expect(item(after.snapshot.items, 'inactive-guests').evidence.objects.map((o) => o.id)).not.toContain(
      SEED_USERS.inactiveGuest.id,
    );
    expect(item(after.snapshot.items, 'global-admin-count')).toMatchObject({
      status: 'fail',
      evidence: { values: { globalAdministrators: 1 } },
    });
    expect(after.changes.newFailures.map((c) => c.ruleId)).toContain('global-admin-count');
  });

  it('refuses an unknown setting or value with the accepted ones', async () => {
    const put = (path: string, body: unknown) =>
      fetch(`${stack.sandbox.httpUrl}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const unknown = await put('/_sandbox/tenant/settings/nope', { value: 'on' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/invite-policy/);
    const bad = await put('/_sandbox/tenant/settings/user-consent', { value: 'maybe' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/"low-risk"/);
  });
});
