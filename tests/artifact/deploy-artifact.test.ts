/**
 * The deploy artifact as an admin ships it (npm run test:artifact; .ci/run): built by `npm run artifact`'s code,
 * checked for what must never ship, unpacked into an empty folder, started with `node dist/server/main.js` and
 * exactly the App Service settings docs/real-teams.md lists, in production mode. The sandbox tenant stands in for
 * Entra ID and the Bot Framework through the runbook's "other clouds" settings, and PostgreSQL (127.0.0.1:5432,
 * database test, as in CI) is the store, as the template makes it. No skipping: without PostgreSQL this fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import ts from 'typescript';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import { SESAME_APP_ID_URI, SESAME_CLIENT_ID, SESAME_CLIENT_SECRET } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import {
  artifactProblems,
  buildDeployArtifact,
  devOnlyPackages,
  START_COMMAND,
  unpackArtifact,
  type DeployArtifact,
} from '../../scripts/build-deploy-artifact.js';
import { messageActivity, postActivity } from '../helpers/teams-activities.js';
import { runbookSettings } from '../helpers/runbook.js';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};
const devOnly = devOnlyPackages(lock);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Building the artifact (tsc, esbuild, npm ci) takes a minute or two on a 2-core machine. */
const BUILD_TIMEOUT = 300_000;

let work: string;
let artifact: DeployArtifact;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sesame-artifact-'));
  artifact = await buildDeployArtifact({ outDir: join(work, 'build') });
}, BUILD_TIMEOUT);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the deploy artifact', () => {
  it('holds the compiled server, the tab bundle, package.json, the lock file and production dependencies', () => {
    const files = artifact.files;
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'dist/server/main.js']),
    );
    expect(files).toContain('tab/dist/index.html');
    expect(files.some((f) => /^tab\/dist\/index-\w+\.js$/.test(f))).toBe(true);
    for (const name of Object.keys(pkg.dependencies))
      expect(files.some((f) => f.startsWith(`node_modules/${name}/`))).toBe(true);
    // The one native module, for the target (Linux x64), and no binary built on this machine.
    expect(files).toContain('node_modules/better-sqlite3/prebuilds/linux-x64.node');
    expect(files.filter((f) => f.startsWith('node_modules/better-sqlite3/build/'))).toEqual([]);
    const shipped = JSON.parse(readFileSync(join(artifact.folder, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(shipped.scripts).toEqual({ start: START_COMMAND });
  });

  it('holds no env or .user file, no .git, no data/, no test, no source, no sandbox and no dev dependency', () => {
    const files = artifact.files;
    expect(files.filter((f) => f.startsWith('env/') || /(^|\/)\.env/.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.user'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)\.git\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('data/') || f.endsWith('.db'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('tests/') || f.startsWith('dist/tests/'))).toEqual([]);
    expect(files.filter((f) => !f.startsWith('node_modules/') && /\.test\.[jt]s$/.test(f))).toEqual([]);
    expect(files.filter((f) => !f.startsWith('node_modules/') && /\.tsx?$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/sandbox/') || f.startsWith('dist/tests/'))).toEqual([]);
    // Of the tools, only the Node version guard every entry point imports first.
    expect(
      files.filter((f) => f.startsWith('dist/scripts/') && !f.startsWith('dist/scripts/node-version-guard.')),
    ).toEqual([]);
    // Every package the lock file installs for development only (jest, typescript, esbuild, tsx, react…).
    expect(devOnly).toEqual(
      expect.arrayContaining(['node_modules/jest', 'node_modules/typescript', 'node_modules/tsx']),
    );
    const packages = new Set(files.map((f) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]));
    expect(devOnly.filter((path) => packages.has(path))).toEqual([]);
    // Our dev dependencies are absent unless a production dependency needs them too (the lock file says which).
    const devOnlyOfOurs = Object.keys(pkg.devDependencies).filter(
      (n) => lock.packages[`node_modules/${n}`]?.dev,
    );
    expect(devOnlyOfOurs.length).toBeGreaterThan(20);
    expect(devOnlyOfOurs.filter((name) => packages.has(`node_modules/${name}`))).toEqual([]);
  });

  it('imports only production dependencies from the compiled server', () => {
    const allowed = new Set(Object.keys(pkg.dependencies));
    const imported = new Set<string>();
    for (const file of artifact.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      const code = readFileSync(join(artifact.folder, file), 'utf8');
      // TypeScript's own scanner reads the import and export statements and import() calls, so a word "from"
      // inside a French or English text is never taken for an import.
      for (const { fileName: spec } of ts.preProcessFile(code, true, true).importedFiles) {
        if (spec.startsWith('node:') || spec.startsWith('.')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...imported].filter((name) => !allowed.has(name))).toEqual([]);
    expect(imported.has('better-sqlite3')).toBe(true);
  });

  it('is refused by the build when a forbidden file slips in', () => {
    const good = artifact.files;
    expect(artifactProblems(good, devOnly)).toEqual([]);
    const bad = [
      ...good,
      'env/.env.dev.user',
      'env/.env.local',
      '.git/config',
      'data/sesame.db',
      'tests/x.test.ts',
      'node_modules/jest/package.json',
    ];
    expect(artifactProblems(bad, devOnly)).toEqual([
      'env/.env.dev.user is an env file',
      'env/.env.local is an env file',
      '.git/config is git metadata',
      'data/sesame.db is local data',
      'tests/x.test.ts is a test',
      'node_modules/jest is a dev dependency',
    ]);
  });
});

describe('the unpacked artifact, started with the runbook settings in production mode', () => {
  let deployed: string;
  let sandbox: RunningSandbox;
  let server: ChildProcess;
  let url: string;
  let output = '';
  const schema = `sesame_artifact_${process.pid}_${randomBytes(4).toString('hex')}`;

  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (e) {
      throw new Error(
        `PostgreSQL is unreachable at ${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message}`,
      );
    }
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    deployed = join(work, 'site');
    rmSync(deployed, { recursive: true, force: true });
    const names = await unpackArtifact(artifact.zip, deployed);
    expect(names).toEqual(artifact.files);
    await admin(`CREATE SCHEMA ${schema}`);
    sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
    const caFile = join(work, 'cloud-ca.pem');
    writeFileSync(caFile, sandbox.caCertPem);

    // What an admin sets on the App Service, per docs/real-teams.md: exactly the listed names, no more, no fewer.
    const appSettings: Record<string, string> = {
      SESAME_MODE: 'production',
      PUBLIC_URL: `https://${new URL(SESAME_APP_ID_URI.replace('api://', 'https://')).host}`,
      CLIENT_ID: SESAME_CLIENT_ID,
      CLIENT_SECRET: SESAME_CLIENT_SECRET,
      TENANT_ID: sandbox.tenantId,
      AAD_APP_CLIENT_ID: SESAME_CLIENT_ID,
      AAD_APP_CLIENT_SECRET: SESAME_CLIENT_SECRET,
      AAD_APP_ID_URI: SESAME_APP_ID_URI,
      OAUTH_CONNECTION_NAME: 'sesame-sso',
      DATABASE_URL: `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      SCM_DO_BUILD_DURING_DEPLOYMENT: 'false',
    };
    expect(Object.keys(appSettings).sort()).toEqual(runbookSettings('app-settings').sort());
    // The sandbox as the "cloud": the runbook's settings for a sovereign or private cloud, and Node's own CA setting.
    const bf = sandbox.identity.botFramework.cloud;
    const cloudSettings: Record<string, string> = {
      AUTHORITY_HOST: sandbox.httpsUrl,
      GRAPH_BASE_URL: sandbox.graphUrl,
      BOT_FRAMEWORK_OPENID_METADATA_URL: bf.openIdMetadataUrl,
      BOT_FRAMEWORK_TOKEN_ISSUER: bf.tokenIssuer,
      BOT_FRAMEWORK_TOKEN_SERVICE_URL: bf.tokenServiceUrl,
      NODE_EXTRA_CA_CERTS: caFile,
    };
    expect(Object.keys(cloudSettings).sort()).toEqual(runbookSettings('other-clouds').sort());

    // App Service gives the port; nothing of this test's own environment is passed on.
    const [command, ...args] = START_COMMAND.split(' ');
    expect(command).toBe('node');
    server = spawn(process.execPath, args, {
      cwd: deployed,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: '0', ...appSettings, ...cloudSettings },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
    });
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await sandbox?.stop();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('reports healthy on /healthz, with the PostgreSQL store', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    // The store it opened is the one DATABASE_URL names: its tables are in the test's schema.
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const tables = await client.query(
        'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      expect((tables.rows[0] as { n: number }).n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('refuses an unsigned activity on /api/messages (401)', async () => {
    const party = partyFor(sandbox, 'globalAdmin');
    const res = await postActivity(url, messageActivity(party, 'aide'));
    expect(res.status).toBe(401);
    expect(sandbox.identity.botFramework.activities(party.conversationId)).toEqual([]);
  });

  it('answers a Bot Framework-signed "aide" with the French help card, sent with its own token', async () => {
    const party = partyFor(sandbox, 'globalAdmin');
    const token = await sandbox.identity.botFramework.mintActivityToken({ appId: SESAME_CLIENT_ID });
    const res = await postActivity(url, messageActivity(party, 'aide'), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const sent = await waitFor(() => sandbox.identity.botFramework.activities(party.conversationId));
    expect(JSON.stringify(sent)).toContain('Sesame — procédures d’accès des éditeurs');
  });

  it('answers a tab API call carrying a Teams SSO token, and refuses one without', async () => {
    const user = SEED_USERS.globalAdmin;
    const token = await sandbox.identity.botFramework.mintTeamsSsoToken({
      userIdOrUpn: user.id,
      appId: SESAME_CLIENT_ID,
    });
    const me = await fetch(`${url}/api/tab/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(
      expect.objectContaining({ tenantId: sandbox.tenantId, name: user.displayName }),
    );
    expect((await fetch(`${url}/api/tab/me`)).status).toBe(401);
  });

  it('logs JSON lines with the activity correlated, and none of the secrets it was given', () => {
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toEqual(
      expect.objectContaining({
        level: 'info',
        msg: expect.stringMatching(/^Sesame listening on /) as unknown,
      }),
    );
    // One line per activity, with its id and how it was answered.
    const answered = records.filter((r) => r.msg === 'activity');
    expect(answered.map((r) => r.status).sort()).toEqual([200, 401]);
    for (const r of answered)
      expect(r).toEqual(
        expect.objectContaining({ activityId: expect.any(String) as unknown, tenantId: sandbox.tenantId }),
      );
    expect(output).not.toContain(SESAME_CLIENT_SECRET);
    expect(output).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
  });

  it('keeps nothing in the site folder but what was deployed (the store is PostgreSQL, no data/)', () => {
    expect(readdirSync(deployed).sort()).toEqual([
      'dist',
      'node_modules',
      'package-lock.json',
      'package.json',
      'tab',
    ]);
  });
});

function partyFor(sandbox: RunningSandbox, who: keyof typeof SEED_USERS) {
  const user = SEED_USERS[who];
  return {
    serviceUrl: sandbox.identity.botFramework.serviceUrl,
    tenantId: sandbox.tenantId,
    conversationId: `a:artifact-${randomBytes(4).toString('hex')}`,
    botId: SESAME_CLIENT_ID,
    user: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
    locale: 'fr-FR',
  };
}

async function waitFor<T>(read: () => readonly T[]): Promise<readonly T[]> {
  for (let i = 0; i < 100; i++) {
    const items = read();
    if (items.length > 0) return items;
    await new Promise((r) => setTimeout(r, 50));
  }
  return read();
}
