import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESAME_CLIENT_SECRET } from '../../sandbox/data/seed.js';
import { click, startGuestAccess } from '../helpers/card-clicks.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { messageActivity } from '../helpers/teams-activities.js';
import { recordFigures } from './figures.js';

const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g;
/** A password-shaped value next to a password-ish key, in JSON or key=value form. */
const PASSWORD =
  /"?(password|passwd|pwd|client_secret|clientSecret)"?\s*[:=]\s*"?(?!\*|\[redacted)[^\s",}]{6,}/gi;

/**
 * A whole procedure A run with every log level kept, then every place a secret could end up is scanned: the log
 * lines (debug included), the SQLite store file and its WAL, and every activity Sesame sent.
 */
describe('secret scan', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ logLevel: 'debug' });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('finds no token and no password in logs, store files or activities', async () => {
    const party = stack.party('globalAdmin');
    let card = await startGuestAccess(stack, party, 'globalAdmin');
    card = await click(stack, party, card, 'run.submit', {
      inputs: { email: 'admin@onloop.onmicrosoft.com' },
    });
    card = await click(stack, party, card, 'run.confirm');
    await click(stack, party, card, 'run.confirm');
    for (const command of ['statut', 'reprendre', 'aide']) await stack.post(messageActivity(party, command));

    const places: Record<string, string> = {
      logs: stack.logger.lines.join('\n'),
      activities: JSON.stringify(await stack.sent(party.conversationId)),
    };
    for (const file of ['sesame.db', 'sesame.db-wal']) {
      const path = join(stack.config.dataDir, file);
      if (existsSync(path)) places[file] = readFileSync(path).toString('latin1');
    }
    let tokens = 0;
    let passwords = 0;
    for (const content of Object.values(places)) {
      tokens += (content.match(JWT) ?? []).length;
      passwords += (content.match(PASSWORD) ?? []).length;
      if (content.includes(SESAME_CLIENT_SECRET)) passwords += 1;
    }
    const debugLines = stack.logger.lines.filter((l) => l.startsWith('debug ')).length;
    recordFigures(
      'secret scan',
      {
        logLines: stack.logger.lines.length,
        debugLines,
        storeFiles: Object.keys(places).filter((p) => p.startsWith('sesame.db')).length,
        activityBytes: places.activities!.length,
        tokens,
        passwords,
      },
      'tokens=0 passwords=0',
    );
    expect(debugLines).toBeGreaterThan(0);
    expect(places['sesame.db']).toBeDefined();
    expect(tokens).toBe(0);
    expect(passwords).toBe(0);
  });
});
