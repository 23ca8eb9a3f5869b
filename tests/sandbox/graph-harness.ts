/** Starts the real sandbox on ephemeral ports and calls its Graph side as a client would. */
import { createDirectory } from '../../sandbox/directory.js';
import { SEED_USERS, SESAME_CLIENT_ID } from '../../sandbox/data/seed.js';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../sandbox/server.js';

export const ALL_SCOPES = [
  'User.Read',
  'User.Read.All',
  'User.ReadWrite.All',
  'User.Invite.All',
  'RoleManagement.ReadWrite.Directory',
  'Policy.Read.All',
  'Policy.ReadWrite.Authorization',
  'Directory.Read.All',
  'LicenseAssignment.ReadWrite.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Domain.ReadWrite.All',
  'Synchronization.ReadWrite.All',
  'AuditLog.Read.All',
];

export type SeedKey = keyof typeof SEED_USERS;

export interface GraphCall {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class GraphHarness {
  clock = Date.parse('2026-11-20T09:00:00Z');
  sandbox!: RunningSandbox;

  async start(options: StartSandboxOptions = {}): Promise<this> {
    this.sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, now: () => this.clock, ...options });
    return this;
  }

  stop(): Promise<void> {
    return this.sandbox.stop();
  }

  async token(who: SeedKey, scopes: readonly string[] = ALL_SCOPES): Promise<string> {
    const principal = createDirectory(this.sandbox.runtime).findPrincipal(SEED_USERS[who].id);
    if (!principal) throw new Error(`no seeded user ${who}`);
    return this.sandbox.issuer.issueGraphToken(principal, scopes, SESAME_CLIENT_ID);
  }

  async call(
    method: string,
    path: string,
    options: {
      token?: string;
      as?: SeedKey;
      scopes?: readonly string[];
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<GraphCall> {
    const token = options.token ?? (options.as ? await this.token(options.as, options.scopes) : undefined);
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const url = path.startsWith('http') ? path : `${this.sandbox.graphUrl}${path}`;
    const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  async admin(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.sandbox.httpUrl}/_sandbox${path}`, {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
  }
}

/** Asserts a Graph-shaped error. */
export function expectGraphError(
  res: GraphCall,
  status: number,
  code: string,
  message?: string | RegExp,
): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.innerError['request-id']).toBe(res.headers.get('request-id'));
  expect(res.body.error.innerError['client-request-id']).toBeTruthy();
  expect(typeof res.body.error.innerError.date).toBe('string');
  if (message !== undefined) {
    if (typeof message === 'string') expect(res.body.error.message).toContain(message);
    else expect(res.body.error.message).toMatch(message);
  }
}
