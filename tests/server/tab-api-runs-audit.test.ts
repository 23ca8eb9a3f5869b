/**
 * What the tab's API says about runs and the audit log beyond the stored records: what an open run waits for (a run
 * stopped at its rights check is "blocked: needs Guest Inviter", not "in progress"), audit events with titles and
 * filters, and the CSV export — with the same visibility as the lists (core/run-visibility.ts).
 */
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { csvCell } from '../../server/tab-audit.js';
import { click, startGuestAccess, type Card } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';

type Who = keyof typeof SEED_USERS;
const VENDOR = 'admin@onloop.onmicrosoft.com';
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const runIdOf = (card: Card) => (card.refresh as { action: { data: { runId: string } } }).action.data.runId;

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('/api/tab runs and audit, in words', () => {
  let stack: LocalStack;
  const runOf: Partial<Record<Who, string>> = {};

  beforeAll(async () => {
    stack = await startLocalStack();
    // Claire Martin invites the vendor (one Graph write) and is asked to confirm the role.
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    runOf.globalAdmin = runIdOf(card);
    card = await click(stack, party, card, 'run.submit', { inputs: { email: VENDOR } });
    card = await click(stack, party, card, 'run.confirm');
    // Lucas Moreau holds no role: his run stops at its rights check.
    runOf.plainUser = runIdOf(await startGuestAccess(stack, stack.party('plainUser'), 'plainUser'));
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
  const get = async (who: Who, path: string, language = 'fr-FR') =>
    fetch(`${stack.sesame.url}/api/tab${path}`, {
      headers: { authorization: `Bearer ${await tokenOf(who)}`, 'accept-language': language },
    });
  const json = async <T>(who: Who, path: string) => (await (await get(who, path)).json()) as T;

  interface Run {
    id: string;
    status: string;
    waitingFor?: {
      kind: string;
      stepTitle: unknown;
      missingRoles?: { fr: string; en: string }[];
      ask?: string;
    };
    lastActor?: { name: string };
  }
  interface Event {
    action: string;
    result: string;
    runId?: string;
    procedureTitle?: { fr: string };
    stepTitle?: { fr: string };
  }

  it('says a run stopped at its rights check is blocked, and which roles it waits for', async () => {
    const runs = await json<Run[]>('globalAdmin', '/runs');
    const lucas = runs.find((r) => r.id === runOf.plainUser)!;
    expect(lucas.status).toBe('active');
    expect(lucas.waitingFor).toMatchObject({ kind: 'rights', stepTitle: null });
    expect(lucas.waitingFor!.missingRoles!.map((r) => r.en)).toContain('Guest Inviter');
    const claire = runs.find((r) => r.id === runOf.globalAdmin)!;
    expect(claire.waitingFor).toMatchObject({
      kind: 'admin',
      ask: 'confirm',
      stepTitle: { fr: 'Rôle Inviteur' },
    });
    expect(claire.lastActor?.name).toBe('Claire Martin');
  });

  it('gives audit events their procedure and step titles, and filters them by result and kind', async () => {
    const all = await json<Event[]>('globalAdmin', '/audit?limit=200');
    const write = all.find((e) => e.action === 'graph.write')!;
    expect(write.procedureTitle?.fr).toBe('Accès invité Cegid Loop');
    expect(write.stepTitle?.fr).toBe('Invitation');

    const refused = await json<Event[]>('globalAdmin', '/audit?limit=200&result=refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.result === 'refused')).toBe(true);
    expect(refused.map((e) => e.runId)).toContain(runOf.plainUser);

    const writes = await json<Event[]>('globalAdmin', '/audit?limit=200&action=graph.write');
    expect(writes.map((e) => e.action)).toEqual(['graph.write']);
    const runEvents = await json<Event[]>('globalAdmin', '/audit?limit=200&action=run');
    expect(runEvents.length).toBeGreaterThan(0);
    expect(runEvents.every((e) => e.action.startsWith('run.'))).toBe(true);
    // A filtered page is filled from older events: one event per page still walks back through all of them.
    const first = await json<{ seq: number }[]>('globalAdmin', '/audit?limit=1&action=run');
    const second = await json<Event[]>('globalAdmin', `/audit?limit=1&action=run&before=${first[0]!.seq}`);
    expect(second).toHaveLength(1);
    expect(second[0]!.action).toMatch(/^run\./);
    // From a day after every event: nothing.
    expect(await json<Event[]>('globalAdmin', '/audit?from=2100-01-01T00:00:00Z')).toEqual([]);
  });

  it('exports the audit log as CSV in the reader’s language, in words, with the same filters', async () => {
    const res = await get('globalAdmin', '/audit.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="sesame-audit.csv"/);
    // A byte order mark first, so that Excel reads the accents as UTF-8.
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    expect(header).toEqual([
      'Date (UTC)',
      'Qui',
      'Procédure',
      'Action',
      'Résultat',
      'Détails',
      'Code de l’action',
      'Exécution',
      'Identifiants de requête Graph',
    ]);
    const write = rows.find((r) => r[6] === 'graph.write')!;
    expect(write.slice(1, 6)).toEqual([
      'Claire Martin',
      'Accès invité Cegid Loop',
      'Modification du tenant',
      'Réussi',
      `Invitation · ${VENDOR}`,
    ]);
    expect(write[5]).not.toMatch(GUID);
    expect(write[8]).toMatch(GUID);
    expect(rows.some((r) => r[3] === 'Vérification des droits' && r[5]!.includes('il manque le rôle'))).toBe(
      true,
    );

    const english = parseCsv(await (await get('globalAdmin', '/audit.csv?result=refused', 'en-GB')).text());
    expect(english[0]![0]).toBe('Time (UTC)');
    expect(english.slice(1).every((r) => r[4] === 'Refused')).toBe(true);
  });

  it('exports to a user without a role only the events of their own runs', async () => {
    const rows = parseCsv(await (await get('plainUser', '/audit.csv')).text()).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r[7]))).toEqual(new Set([runOf.plainUser]));
  });

  it('refuses the export without a token', async () => {
    const res = await fetch(`${stack.sesame.url}/api/tab/audit.csv`);
    expect(res.status).toBe(401);
  });
});

describe('CSV cells', () => {
  it('quotes separators and quotes, and keeps a spreadsheet from reading a value as a formula', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+33 1 23')).toBe("'+33 1 23");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain')).toBe('plain');
  });
});
