/**
 * Starts the sandbox tenant: an HTTP listener (Graph v1.0, the admin API, the identity side's HTTP routes) and
 * an HTTPS listener (Entra ID endpoints; MSAL refuses http authorities) with a loopback certificate made at start.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { generate } from 'selfsigned';
import { mountAdmin } from './admin/admin-api.js';
import type { TenantState } from './data/model.js';
import { createDirectory, SANDBOX_APPS } from './directory.js';
import { startSandboxDns, type RunningSandboxDns } from './dns/dns-server.js';
import { mountGraph } from './graph/app.js';
import { errorBody } from './graph/errors.js';
import { createIdentityApps, type IdentityApps } from './identity/index.js';
import { TokenIssuer } from './identity/token-issuer.js';
import { SandboxRuntime, type LargeTenantParams } from './runtime.js';

export interface StartSandboxOptions {
  /** Default 127.0.0.1. Anything but loopback is refused unless allowNonLoopback is set. */
  readonly host?: string;
  readonly allowNonLoopback?: boolean;
  /** 0 = ephemeral (tests). */
  readonly httpPort?: number;
  readonly httpsPort?: number;
  /** The DNS server's UDP port; default 0 (ephemeral: whoever starts the sandbox tells Sesame where it is). */
  readonly dnsPort?: number;
  readonly large?: LargeTenantParams;
  readonly now?: () => number;
  /** Accept Bot Framework connector calls without a token (the Agents Playground). Default false. */
  readonly allowAnonymousConnector?: boolean;
}

export interface RunningSandbox {
  readonly httpUrl: string;
  readonly httpsUrl: string;
  readonly graphUrl: string;
  readonly tenantId: string;
  readonly caCertPem: string;
  readonly issuer: TokenIssuer;
  /** The live tenant data (replaced by a reset: read it through this getter). */
  readonly state: TenantState;
  readonly runtime: SandboxRuntime;
  readonly identity: IdentityApps;
  /** The sandbox's time (its base clock plus what the console advanced); Sesame shares it in the local stack. */
  now(): number;
  /** The console page, for people: outside events, the clock, the tenant's state. */
  readonly consoleUrl: string;
  /** The DNS server (UDP) answering for the sandbox's domains. */
  readonly dns: RunningSandboxDns;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function listen(server: ServerType): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    const ready = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    if (server.listening) ready();
    else server.once('listening', ready);
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
}

function onError(app: Hono, now: () => number): void {
  app.onError((_err, c) => {
    const id = crypto.randomUUID();
    return c.json(
      errorBody(
        'InternalServerError',
        'An internal server error occurred.',
        id,
        c.req.header('client-request-id') ?? id,
        new Date(now()).toISOString(),
      ),
      500,
      { 'request-id': id },
    );
  });
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !options.allowNonLoopback)
    throw new Error(
      `The sandbox listens on loopback only; refusing host ${host} (set allowNonLoopback to override).`,
    );
  const rt = new SandboxRuntime(options.now ?? Date.now, options.large);
  // Everything reads the runtime's time, which the console can move forward.
  const now = rt.now;
  const urlHost = host === '::1' ? '[::1]' : host;

  const pems = await generate(
    [{ name: 'commonName', value: host === 'localhost' ? 'localhost' : '127.0.0.1' }],
    {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    },
  );

  const httpApp = new Hono();
  const httpsApp = new Hono();
  onError(httpApp, now);
  onError(httpsApp, now);

  // Listen first: the identity side needs the real URLs (ports may be ephemeral) to build its issuer and links.
  let httpFetch: (r: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  let httpsFetch: typeof httpFetch = () => new Response(null, { status: 503 });
  const httpServer = serve({
    fetch: (r, env) => httpFetch(r, env),
    port: options.httpPort ?? 0,
    hostname: host,
  });
  const httpsServer = serve({
    fetch: (r, env) => httpsFetch(r, env),
    port: options.httpsPort ?? 0,
    hostname: host,
    createServer: https.createServer,
    serverOptions: { key: pems.private, cert: pems.cert },
  });
  let httpPort: number;
  let httpsPort: number;
  try {
    [httpPort, httpsPort] = await Promise.all([listen(httpServer), listen(httpsServer)]);
  } catch (e) {
    await Promise.all([close(httpServer), close(httpsServer)]);
    throw e;
  }
  let dns: RunningSandboxDns;
  try {
    dns = await startSandboxDns(rt, host === 'localhost' ? '127.0.0.1' : host, options.dnsPort ?? 0);
  } catch (e) {
    await Promise.all([close(httpServer), close(httpsServer)]);
    throw e;
  }
  const httpUrl = `http://${urlHost}:${httpPort}`;
  const httpsUrl = `https://${urlHost}:${httpsPort}`;

  const issuer = await TokenIssuer.create({
    tenantId: rt.state.tenantId,
    issuerHost: httpsUrl,
    now,
    tenantOf: (oid) => rt.tenantOfUser(oid)?.tenantId,
    tenantIds: () => rt.tenants.map((t) => t.tenantId),
  });
  const identity = createIdentityApps({
    directory: createDirectory(rt),
    issuer,
    apps: SANDBOX_APPS,
    httpBaseUrl: httpUrl,
    httpsBaseUrl: httpsUrl,
    now,
    ...(options.allowAnonymousConnector !== undefined
      ? { allowAnonymousConnector: options.allowAnonymousConnector }
      : {}),
  });

  mountAdmin(httpApp, rt);
  mountGraph(httpApp, { rt, issuer });
  httpApp.route('/', identity.httpApp);
  httpsApp.route('/', identity.httpsApp);
  httpFetch = (r, env) => httpApp.fetch(r, env);
  httpsFetch = (r, env) => httpsApp.fetch(r, env);

  return {
    httpUrl,
    httpsUrl,
    graphUrl: `${httpUrl}/v1.0`,
    get tenantId() {
      return rt.state.tenantId;
    },
    caCertPem: pems.cert,
    issuer,
    get state() {
      return rt.state;
    },
    runtime: rt,
    identity,
    now,
    consoleUrl: `${httpUrl}/_sandbox/console`,
    dns,
    stop: async () => {
      await Promise.all([close(httpServer), close(httpsServer), dns.stop()]);
    },
  };
}
