/** The real sandbox tenant for the adapter tests: tokens for seeded users, and its admin API. */
import type { SandboxPrincipal } from '../../sandbox/contracts.js';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CONSENTED_SCOPES } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';

export type SeedKey = keyof typeof SEED_USERS;

export interface SandboxLogEntry {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly requestId: string;
}

export interface SandboxFixture {
  readonly sandbox: RunningSandbox;
  /** A delegated Graph token for a seeded user, with all the scopes Sesame's registration is consented for. */
  graphToken(user: SeedKey, scopes?: readonly string[]): Promise<string>;
  admin(method: 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  /** The Graph request log (paths relative to /v1.0, with their query strings). */
  log(): Promise<SandboxLogEntry[]>;
  reset(body?: unknown): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandboxFixture(): Promise<SandboxFixture> {
  const sandbox = await startSandbox({ host: '127.0.0.1', httpPort: 0, httpsPort: 0 });
  const admin = async (method: 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${sandbox.httpUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok)
      throw new Error(`sandbox admin ${method} ${path} answered ${res.status}: ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    sandbox,
    async graphToken(user, scopes = SESAME_CONSENTED_SCOPES) {
      const u = SEED_USERS[user];
      const principal: SandboxPrincipal = {
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        displayName: u.displayName,
        userType: user.endsWith('Guest') ? 'Guest' : 'Member',
        accountEnabled: true,
        roleTemplateIds: [...u.roles],
      };
      return sandbox.issuer.issueGraphToken(principal, scopes, SESAME_CLIENT_ID);
    },
    admin,
    async log() {
      const res = await fetch(`${sandbox.httpUrl}/_sandbox/log`);
      return ((await res.json()) as { value: SandboxLogEntry[] }).value;
    },
    async reset(body = {}) {
      await admin('POST', '/_sandbox/reset', body);
    },
    stop: () => sandbox.stop(),
  };
}

/** A sleep that records what it was asked to wait and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}
