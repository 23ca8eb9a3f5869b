/**
 * The Microsoft 365 Agents Playground, started the one way it is safe here: listening on loopback only (the preload),
 * no telemetry, no statsbeat, no Azure credentials, no browser of its own, and with a config file that puts the chat
 * in the sandbox tenant as one of its users (Sesame refuses a conversation whose tenant is not the admin's).
 * Shared by `npm start` (scripts/start-local.ts) and the end-to-end tests (tests/e2e).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEED_USERS, type SeedUserRef } from '../sandbox/data/seed.js';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

/** The name the Playground looks for in its working directory. */
export const PLAYGROUND_CONFIG_FILE = '.m365agentsplayground.yml';

export interface PlaygroundIdentity {
  /** The sandbox tenant's id: the conversation's tenant. */
  readonly tenantId: string;
  /** Sesame's bot id (BOT_ID). */
  readonly botId: string;
  readonly botName?: string;
  /** The chat user; default the seeded Global Administrator, Claire Martin. */
  readonly currentUser?: SeedUserRef;
}

// The Playground's schema asks for exactly five other users; these are the seeded members other than Claire Martin.
const OTHER_USERS = [
  'globalAdmin2',
  'privilegedRoleAdmin',
  'userAdmin',
  'guestInviter',
  'plainUser',
] as const;

/** A JSON string is a valid YAML double-quoted scalar: no YAML library needed, and no quoting surprise. */
const q = (s: string): string => JSON.stringify(s);

function userYaml(user: SeedUserRef, indent: string, first: string): string {
  const [givenName, ...rest] = user.displayName.split(' ');
  return [
    // Teams user ids look like 29:…; Sesame's own tests use the same form.
    `${first}id: ${q(`29:${user.id}`)}`,
    `name: ${q(user.displayName)}`,
    // Sic: the Playground's schema spells it "userPrincipleName".
    `userPrincipleName: ${q(user.userPrincipalName)}`,
    `aadObjectId: ${q(user.id)}`,
    `givenName: ${q(givenName ?? user.displayName)}`,
    `surname: ${q(rest.join(' ') || user.displayName)}`,
    `email: ${q(user.mail)}`,
  ]
    .map((line, i) => (i === 0 ? line : indent + line))
    .join('\n');
}

/** The Playground's config file (format version 0.1.1, as its `dist/index.js` writes by default). */
export function playgroundConfigYaml(identity: PlaygroundIdentity): string {
  const current = identity.currentUser ?? SEED_USERS.globalAdmin;
  const others = OTHER_USERS.map((k) => SEED_USERS[k]).filter((u) => u.id !== current.id);
  if (others.length < 5) others.push(SEED_USERS.globalAdmin);
  return [
    '# Written by Sesame (scripts/playground.ts): the sandbox tenant "Cabinet Exemple" and its seeded users.',
    'version: "0.1.1"',
    `tenantId: ${q(identity.tenantId)}`,
    'bot:',
    `  id: ${q(`28:${identity.botId}`)}`,
    `  name: ${q(identity.botName ?? 'Sesame')}`,
    'currentUser:',
    `  ${userYaml(current, '  ', '')}`,
    'users:',
    ...others.slice(0, 5).map((u) => `  ${userYaml(u, '    ', '- ')}`),
    // Conversation ids in Teams' shapes, stable like a Teams chat's: a run started before a restart of `npm start`
    // can be resumed in the same chat (the Playground's default is a new personal chat id at every start).
    'personalChat:',
    '  id: "a:sesame-personal-chat"',
    'groupChat:',
    '  id: "19:sesame-group-chat@thread.v2"',
    '  name: "Cabinet Exemple"',
    'team:',
    '  id: "19:sesame-team-general@thread.tacv2"',
    '  name: "Cabinet Exemple"',
    `  aadGroupId: ${q('00000000-0000-4000-8000-000000000031')}`,
    '  channels:',
    '    - id: "19:sesame-channel-it@thread.tacv2"',
    '      name: "Informatique"',
    '',
  ].join('\n');
}

/** Writes the config file into `dir` (created if needed), the Playground's working directory. */
export function writePlaygroundConfig(dir: string, identity: PlaygroundIdentity): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, PLAYGROUND_CONFIG_FILE);
  writeFileSync(file, playgroundConfigYaml(identity));
  return file;
}

export interface PlaygroundOptions {
  /** Sesame's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  readonly endpoint: string;
  readonly port: number;
  /** Working directory: where its config file is read and its devTools/ log folder is written. */
  readonly cwd?: string;
  readonly stdio?: StdioOptions;
  /** Whether it opens the system's browser on its page (its default); tests drive their own browser. */
  readonly openBrowser?: boolean;
}

export function startPlayground(options: PlaygroundOptions): ChildProcess {
  const cli = join(require.resolve('@microsoft/m365agentsplayground/package.json'), '..', 'cli.js');
  return spawn(
    process.execPath,
    [
      '-r',
      join(root, 'scripts/loopback-preload.cjs'),
      cli,
      '-e',
      options.endpoint,
      '-c',
      'msteams',
      '-p',
      String(options.port),
      '--disable-telemetry',
    ],
    {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: options.stdio ?? ['ignore', 'inherit', 'inherit'],
      // The Playground must not phone home: no telemetry, no statsbeat, and no Azure credentials.
      env: {
        ...process.env,
        APPLICATION_INSIGHTS_NO_STATSBEAT: '1',
        CLIENT_ID: '',
        CLIENT_SECRET: '',
        TENANT_ID: '',
        ...(options.openBrowser === false ? { TEAMSAPPTESTER_BROWSER: 'none' } : {}),
      },
    },
  );
}

/** Resolves once something accepts connections on 127.0.0.1:port; rejects if `child` exits first or on timeout. */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null): void => {
    exited = `exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`;
  };
  child.once('exit', onExit);
  try {
    for (;;) {
      if (exited) throw new Error(`The Agents Playground ${exited} before listening on port ${port}`);
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      if (Date.now() > deadline) throw new Error(`The Agents Playground did not listen on port ${port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.off('exit', onExit);
  }
}
