import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TabApiClient, TabApiError } from '../../tab/src/api-client.js';
import { channelTabInstanceConfig } from '../../tab/src/channel-tab.js';
import { botChatDeepLink, procedureStartText } from '../../tab/src/deep-link.js';
import { errorText } from '../../tab/src/error-text.js';
import { formattingTag, tabLocale, tt } from '../../tab/src/i18n.js';

/** A stand-in for Sesame's /api/tab routes: enough to check what the client sends and how it reads answers. */
describe('tab API client', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/tab/config.json') return json(200, { botId: 'bot-1', appId: 'app-1' });
      if (req.headers.authorization !== 'Bearer good-token') {
        const fr = req.headers['accept-language']?.startsWith('fr');
        return json(401, {
          error: { code: 'unauthorized', message: fr ? 'Jeton refusé.' : 'Token refused.' },
        });
      }
      if (url.pathname === '/api/tab/me')
        return json(200, { tenantId: 't', userId: 'u', name: 'Alice', upn: 'a@x' });
      if (url.pathname === '/api/tab/audit') return json(200, [{ seq: 7, at: '2026-11-22T10:00:00Z' }]);
      if (url.pathname === '/api/tab/runs') return json(500, { oops: true });
      if (url.pathname === '/api/tab/procedures') return json(200, { not: 'a list' });
      return json(404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (token: string, language = 'en-US') =>
    new TabApiClient({ getToken: async () => token, language, baseUrl });

  it('sends the Teams token and the language, and returns the JSON body', async () => {
    await expect(client('good-token', 'fr-FR').me()).resolves.toEqual({
      tenantId: 't',
      userId: 'u',
      name: 'Alice',
      upn: 'a@x',
    });
    const request = seen.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer good-token');
    expect(request.headers['accept-language']).toBe('fr-FR');
  });

  it('pages the audit log with before and limit', async () => {
    await client('good-token').audit({ before: 120 });
    expect(seen.at(-1)!.url).toBe('/api/tab/audit?before=120&limit=50');
    await client('good-token').audit({ limit: 10 });
    expect(seen.at(-1)!.url).toBe('/api/tab/audit?limit=10');
  });

  it("passes on the server's error code and message, in the user's language", async () => {
    const error = await client('bad-token', 'fr-FR')
      .runs()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TabApiError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, serverMessage: 'Jeton refusé.' });
    expect(errorText('fr', error)).toBe('Jeton refusé.');
  });

  it('says what went wrong when the server sends no message', async () => {
    const error = await client('good-token')
      .runs()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'server', status: 500 });
    expect(errorText('en', error)).toBe(tt('en', 'error.server', { status: 500 }));
    const wrongShape = await client('good-token')
      .procedures()
      .catch((e: unknown) => e);
    expect(wrongShape).toMatchObject({ code: 'bad-response' });
  });

  it('reports a token failure and an unreachable server as such', async () => {
    const noToken = new TabApiClient({
      getToken: () => Promise.reject(new Error('consent required')),
      language: 'en',
      baseUrl,
    });
    const authError = await noToken.me().catch((e: unknown) => e);
    expect(authError).toMatchObject({ code: 'auth' });
    expect(errorText('fr', authError)).toBe(tt('fr', 'error.auth'));

    const unreachable = new TabApiClient({
      getToken: async () => 't',
      language: 'en',
      baseUrl: 'http://127.0.0.1:1',
    });
    const networkError = await unreachable.me().catch((e: unknown) => e);
    expect(networkError).toMatchObject({ code: 'network' });
  });

  it('reads the public config without a token', async () => {
    await expect(client('').publicConfig()).resolves.toEqual({ botId: 'bot-1', appId: 'app-1' });
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });
});

describe('tab helpers', () => {
  it('opens the bot chat with the procedure name typed in', () => {
    const procedure = {
      id: 'vendor-guest-access',
      title: { fr: 'Accès invité éditeur', en: 'Vendor guest access' },
      summary: { fr: '…', en: '…' },
    };
    const link = botChatDeepLink('b07c0de1-5e5a-4e1e-8b07-5e5a3e000001', procedureStartText(procedure, 'fr'));
    expect(link).toBe(
      'https://teams.microsoft.com/l/chat/0/0?users=28:b07c0de1-5e5a-4e1e-8b07-5e5a3e000001&message=Acc%C3%A8s%20invit%C3%A9%20%C3%A9diteur',
    );
    expect(new URL(link).searchParams.get('message')).toBe('Accès invité éditeur');
  });

  it('saves the channel tab pointing at the channel view', () => {
    expect(channelTabInstanceConfig('https://sesame.example.com')).toEqual({
      contentUrl: 'https://sesame.example.com/tab/index.html?view=channel',
      websiteUrl: 'https://sesame.example.com/tab/index.html?view=channel',
      entityId: 'sesame-checklist',
      suggestedDisplayName: 'Sesame',
    });
  });

  it("speaks Teams' language first, then the browser's", () => {
    expect(tabLocale('fr-FR', 'en-US')).toBe('fr');
    expect(tabLocale(undefined, 'fr-CA')).toBe('fr');
    expect(tabLocale('', 'de-DE')).toBe('en');
    expect(formattingTag('fr', 'fr-CA')).toBe('fr-CA');
    expect(formattingTag('en', 'fr-FR')).toBe('en-GB');
  });
});
