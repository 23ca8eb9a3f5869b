/**
 * The baseline: the smallest Teams SDK v2 bot, answering each message with its text, on the same HTTP stack as
 * Sesame (HonoTeamsAdapter on a Hono app served by @hono/node-server) and sending through the sandbox's connector.
 */
import { serve, type ServerType } from '@hono/node-server';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { App } from '@microsoft/teams.apps';
import { ConsoleLogger } from '@microsoft/teams.common';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { HonoTeamsAdapter } from '../../bot/hono-teams-adapter.js';
import type { RunningSandbox } from '../../sandbox/server.js';

export interface EchoBot {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startEchoBot(sandbox: RunningSandbox): Promise<EchoBot> {
  const http = new Hono();
  const cloud = sandbox.identity.botFramework.cloud;
  const app = new App({
    httpServerAdapter: new HonoTeamsAdapter(http),
    dangerouslyAllowUnauthenticatedRequests: true,
    cloud: withOverrides(PUBLIC, cloud),
    apiClientSettings: { oauthUrl: cloud.tokenServiceUrl },
    // 'error': the SDK warns once at start that no credentials are set, which is the point here.
    logger: new ConsoleLogger('echo', { level: 'error' }),
  });
  app.on('message', async ({ send, activity }) => {
    await send(activity.text);
  });
  await app.initialize();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: http.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
