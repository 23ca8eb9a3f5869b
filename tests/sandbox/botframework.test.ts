import { ConfidentialClientApplication } from '@azure/msal-node';
import { loopbackNetwork } from './loopback-network.js';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { App, type HttpMethod, type HttpRouteHandler, type IHttpServerAdapter } from '@microsoft/teams.apps';
import type { ILogger } from '@microsoft/teams.common';
import { decodeJwt } from 'jose';
import type { RecordedActivity } from '../../sandbox/botframework/index.js';
import {
  SESAME,
  signInThroughPage,
  startIdentityHarness,
  TENANT_ID,
  USERS,
  type IdentityHarness,
} from './identity-harness.js';

/** The refusals below are expected; keep the SDK's error logs out of the test output. */
const silent: ILogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  trace: () => {},
  log: () => {},
  child: () => silent,
};

/** Hands the Teams SDK's /api/messages handler to the test instead of listening. */
class CapturingAdapter implements IHttpServerAdapter {
  handler?: HttpRouteHandler;
  registerRoute(_method: HttpMethod, _path: string, handler: HttpRouteHandler): void {
    this.handler = handler;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

let h: IdentityHarness;
let cca: ConfidentialClientApplication;
let botToken: string;
beforeAll(async () => {
  h = await startIdentityHarness();
  cca = new ConfidentialClientApplication({
    auth: {
      clientId: SESAME.clientId,
      clientSecret: SESAME.clientSecret!,
      authority: `${h.httpsBaseUrl}/${TENANT_ID}`,
      knownAuthorities: [new URL(h.httpsBaseUrl).host],
    },
    system: { networkClient: loopbackNetwork(h.ca) },
  });
  botToken = (await cca.acquireTokenByClientCredential({
    scopes: ['https://api.botframework.com/.default'],
  }))!.accessToken;
});
afterAll(async () => {
  await h.close();
});

const bf = () => h.apps.botFramework;
const connector = (path: string) => `${bf().serviceUrl}${path}`;

async function recorded(conversationId: string): Promise<RecordedActivity[]> {
  const res = await fetch(
    `${h.httpBaseUrl}/_sandbox/botframework/conversations/${encodeURIComponent(conversationId)}/activities`,
  );
  return ((await res.json()) as { activities: RecordedActivity[] }).activities;
}

function messageActivity(conversationId: string, text: string, from = USERS.bob) {
  return {
    type: 'message',
    id: `in-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl: bf().serviceUrl,
    from: { id: `29:teams-${from.id}`, name: from.displayName, aadObjectId: from.id },
    recipient: { id: `28:${SESAME.clientId}`, name: 'Sesame' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    text,
    locale: 'en-US',
    timestamp: new Date(h.clock.nowMs).toISOString(),
  };
}

describe('sandbox Bot Framework: the Teams SDK App runs authenticated against it', () => {
  let adapter: CapturingAdapter;
  let app: App;
  const signIns: string[] = [];

  beforeAll(async () => {
    adapter = new CapturingAdapter();
    app = new App({
      clientId: SESAME.clientId,
      tenantId: TENANT_ID,
      token: async (scope) =>
        (await cca.acquireTokenByClientCredential({ scopes: Array.isArray(scope) ? scope : [scope] }))!
          .accessToken,
      cloud: withOverrides(PUBLIC, bf().cloud),
      // Teams SDK 2.0.16 builds the per-activity API client without the cloud, so tokenServiceUrl alone is not
      // enough for ctx.signin() and the SSO handlers: the oauthUrl must be given as well.
      apiClientSettings: { oauthUrl: bf().cloud.tokenServiceUrl },
      httpServerAdapter: adapter,
      oauth: { defaultConnectionName: 'graph' },
      logger: silent,
    });
    app.on('message', async (ctx) => {
      if (ctx.activity.text === 'login') {
        const token = await ctx.signin();
        if (token) await ctx.send(`signed in as ${String(decodeJwt(token).upn)}`);
        return;
      }
      await ctx.send(`echo: ${ctx.activity.text}`);
    });
    app.event('signin', (ctx) => {
      signIns.push(String(decodeJwt(ctx.token.token).upn));
    });
    await app.initialize();
  });

  const post = (body: unknown, authorization?: string) =>
    adapter.handler!({ body, headers: authorization ? { authorization } : {} });

  it('accepts an activity signed by the sandbox channel and replies through the connector with its bot token', async () => {
    const token = await bf().mintActivityToken({ appId: SESAME.clientId });
    const res = await post(messageActivity('a:conv-echo', 'hello'), `Bearer ${token}`);
    expect(res.status).toBe(200);
    const sent = await recorded('a:conv-echo');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual(
      expect.objectContaining({
        verb: 'send',
        appId: SESAME.clientId,
        activity: expect.objectContaining({ text: 'echo: hello' }),
      }),
    );
  });

  it('refuses an activity without a token, for another bot, or signed by another key', async () => {
    const body = messageActivity('a:conv-refused', 'hello');
    expect((await post(body)).status).toBe(401);
    const otherBot = await bf().mintActivityToken({ appId: 'another-bot' });
    expect((await post(body, `Bearer ${otherBot}`)).status).toBe(401);
    const entraSigned = await h.issuer.sign({
      aud: SESAME.clientId,
      oid: 'x',
      sub: 'x',
      iss: bf().cloud.tokenIssuer,
      serviceurl: bf().serviceUrl,
    });
    expect((await post(body, `Bearer ${entraSigned}`)).status).toBe(401);
    const wrongServiceUrl = await bf().mintActivityToken({
      appId: SESAME.clientId,
      serviceUrl: 'https://smba.example/',
    });
    expect((await post(body, `Bearer ${wrongServiceUrl}`)).status).toBe(401);
    expect(await recorded('a:conv-refused')).toHaveLength(0);
  });

  it('mints activity tokens through the admin route too', async () => {
    const res = await fetch(`${h.httpBaseUrl}/_sandbox/botframework/activity-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: SESAME.clientId, serviceUrl: bf().serviceUrl }),
    });
    const { token } = (await res.json()) as { token: string };
    expect(decodeJwt(token)).toEqual(
      expect.objectContaining({
        aud: SESAME.clientId,
        iss: bf().cloud.tokenIssuer,
        serviceurl: bf().serviceUrl,
      }),
    );
    expect((await post(messageActivity('a:conv-admin', 'hi'), `Bearer ${token}`)).status).toBe(200);
  });

  it('OAuth card: GetSignInResource → sign-in page → GetToken', async () => {
    const conversationId = 'a:conv-login';
    const token = await bf().mintActivityToken({ appId: SESAME.clientId });
    expect((await post(messageActivity(conversationId, 'login'), `Bearer ${token}`)).status).toBe(200);
    const [card] = await recorded(conversationId);
    const attachment = (
      card!.activity!.attachments as { contentType: string; content: Record<string, unknown> }[]
    )[0]!;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.oauth');
    const content = attachment.content as {
      connectionName: string;
      tokenExchangeResource: { uri: string };
      buttons: { value: string }[];
    };
    expect(content.connectionName).toBe('graph');
    expect(content.tokenExchangeResource.uri).toBe(SESAME.applicationIdUri);
    const signInLink = content.buttons[0]!.value;
    expect(signInLink.startsWith(`${h.httpBaseUrl}/botframework/tokens/signin?state=`)).toBe(true);

    const done = await signInThroughPage(signInLink, USERS.bob.id);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Signed in');
    const replay = await signInThroughPage(signInLink, USERS.alice.id).catch((e: Error) => e);
    expect(replay).toBeInstanceOf(Error);

    const userId = `29:teams-${USERS.bob.id}`;
    const got = await fetch(
      `${bf().cloud.tokenServiceUrl}/api/usertoken/GetToken?userId=${encodeURIComponent(userId)}&connectionName=graph&channelId=msteams`,
      { headers: { authorization: `Bearer ${botToken}` } },
    );
    expect(got.status).toBe(200);
    const userToken = (await got.json()) as { token: string; connectionName: string; expiration: string };
    expect(userToken.connectionName).toBe('graph');
    const claims = decodeJwt(userToken.token);
    expect(claims).toEqual(
      expect.objectContaining({
        aud: 'https://graph.microsoft.com',
        oid: USERS.bob.id,
        appid: SESAME.clientId,
      }),
    );
    expect(String(claims.scp).split(' ').sort()).toEqual([...SESAME.consentedGraphScopes].sort());

    await bf().recorder.clear(conversationId);
    expect((await post(messageActivity(conversationId, 'login'), `Bearer ${token}`)).status).toBe(200);
    const [reply] = await recorded(conversationId);
    expect(reply!.activity!.text).toBe(`signed in as ${USERS.bob.userPrincipalName}`);

    const status = await fetch(
      `${bf().cloud.tokenServiceUrl}/api/usertoken/GetTokenStatus?userId=${encodeURIComponent(userId)}&channelId=msteams`,
      { headers: { authorization: `Bearer ${botToken}` } },
    );
    expect(await status.json()).toEqual([
      expect.objectContaining({ connectionName: 'graph', hasToken: true }),
    ]);
    const signOut = await fetch(
      `${bf().cloud.tokenServiceUrl}/api/usertoken/SignOut?userId=${encodeURIComponent(userId)}&connectionName=graph&channelId=msteams`,
      { method: 'DELETE', headers: { authorization: `Bearer ${botToken}` } },
    );
    expect(signOut.status).toBe(200);
    const after = await fetch(
      `${bf().cloud.tokenServiceUrl}/api/usertoken/GetToken?userId=${encodeURIComponent(userId)}&connectionName=graph&channelId=msteams`,
      { headers: { authorization: `Bearer ${botToken}` } },
    );
    expect(after.status).toBe(404);
  });

  it('SSO: a signin/tokenExchange invoke is answered by exchanging the Teams SSO token', async () => {
    const sso = await fetch(`${h.httpBaseUrl}/_sandbox/teams-sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: USERS.alice.userPrincipalName, appId: SESAME.clientId }),
    });
    const { token: ssoToken } = (await sso.json()) as { token: string };
    expect(decodeJwt(ssoToken)).toEqual(
      expect.objectContaining({ aud: SESAME.applicationIdUri, scp: 'access_as_user' }),
    );
    const invoke = {
      ...messageActivity('a:conv-sso', '', USERS.alice),
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: 'exchange-1', connectionName: 'graph', token: ssoToken },
    };
    const activityToken = await bf().mintActivityToken({ appId: SESAME.clientId });
    const res = await post(invoke, `Bearer ${activityToken}`);
    expect(res.status).toBe(200);
    expect(signIns).toContain(USERS.alice.userPrincipalName);

    const graphSso = await h.issuer.issueGraphToken(USERS.alice, ['User.Read'], SESAME.clientId);
    const refused = await post(
      { ...invoke, value: { ...invoke.value, token: graphSso } },
      `Bearer ${activityToken}`,
    );
    expect(refused.status).toBe(412);
  });
});

describe('sandbox Bot Framework connector', () => {
  const auth = () => ({ authorization: `Bearer ${botToken}`, 'content-type': 'application/json' });

  it('records send, reply, update and delete with generated ids, and clears on request', async () => {
    const conv = '19:abc@thread.v2';
    const sent = await fetch(connector(`/v3/conversations/${encodeURIComponent(conv)}/activities`), {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ type: 'message', text: 'one' }),
    });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: string };
    expect(id).toMatch(/^\d+$/);
    const reply = await fetch(connector(`/v3/conversations/${encodeURIComponent(conv)}/activities/${id}`), {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ type: 'message', text: 'two' }),
    });
    const replyId = ((await reply.json()) as { id: string }).id;
    const update = await fetch(connector(`/v3/conversations/${encodeURIComponent(conv)}/activities/${id}`), {
      method: 'PUT',
      headers: auth(),
      body: JSON.stringify({ type: 'message', text: 'one (edited)' }),
    });
    expect(await update.json()).toEqual({ id });
    const del = await fetch(
      connector(`/v3/conversations/${encodeURIComponent(conv)}/activities/${replyId}`),
      {
        method: 'DELETE',
        headers: auth(),
      },
    );
    expect(del.status).toBe(200);
    const missing = await fetch(connector(`/v3/conversations/${encodeURIComponent(conv)}/activities/nope`), {
      method: 'PUT',
      headers: auth(),
      body: JSON.stringify({ type: 'message' }),
    });
    expect(missing.status).toBe(404);

    const log = await recorded(conv);
    expect(log.map((a) => [a.verb, a.id])).toEqual([
      ['send', id],
      ['reply', replyId],
      ['update', id],
      ['delete', replyId],
    ]);
    expect(log[1]!.replyToId).toBe(id);
    expect(log[2]!.activity!.text).toBe('one (edited)');

    const cleared = await fetch(
      `${h.httpBaseUrl}/_sandbox/botframework/conversations/${encodeURIComponent(conv)}/activities`,
      {
        method: 'DELETE',
      },
    );
    expect(cleared.status).toBe(204);
    expect(await recorded(conv)).toEqual([]);
  });

  it('creates a personal conversation (the same one each time) and lists its members', async () => {
    const create = () =>
      fetch(connector('/v3/conversations'), {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({
          bot: { id: `28:${SESAME.clientId}` },
          members: [{ id: `29:teams-${USERS.carol.id}`, aadObjectId: USERS.carol.id }],
          isGroup: false,
          tenantId: TENANT_ID,
          activity: { type: 'message', text: 'Reminder: the vendor window is over.' },
        }),
      });
    const first = (await (await create()).json()) as { id: string; activityId: string };
    const second = (await (await create()).json()) as { id: string };
    expect(first.id).toBe(second.id);
    expect(first.id.startsWith('a:')).toBe(true);
    const members = (await (
      await fetch(connector(`/v3/conversations/${encodeURIComponent(first.id)}/members`), { headers: auth() })
    ).json()) as {
      aadObjectId: string;
      userPrincipalName: string;
    }[];
    expect(members).toEqual([
      expect.objectContaining({
        aadObjectId: USERS.carol.id,
        userPrincipalName: USERS.carol.userPrincipalName,
      }),
    ]);
    const log = await recorded(first.id);
    expect(log[0]!.activity!.text).toBe('Reminder: the vendor window is over.');
  });

  it('refuses calls without a bot token, with a user token, or with a bad one', async () => {
    const body = JSON.stringify({ type: 'message', text: 'x' });
    const noToken = await fetch(connector('/v3/conversations/a%3Ax/activities'), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(noToken.status).toBe(401);
    const graphToken = await h.issuer.issueGraphToken(USERS.alice, ['User.Read'], SESAME.clientId);
    const wrongAudience = await fetch(connector('/v3/conversations/a%3Ax/activities'), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${graphToken}` },
    });
    expect(wrongAudience.status).toBe(401);
    const getToken = await fetch(
      `${bf().cloud.tokenServiceUrl}/api/usertoken/GetToken?userId=u&connectionName=graph`,
    );
    expect(getToken.status).toBe(401);
    expect(await recorded('a:x')).toEqual([]);
  });

  it('serves the channel OpenID metadata where the Teams SDK derives the keys URL', async () => {
    const meta = (await (await fetch(bf().cloud.openIdMetadataUrl)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(meta.issuer).toBe(bf().cloud.tokenIssuer);
    expect(meta.jwks_uri).toBe(bf().cloud.openIdMetadataUrl.replace(/\/openidconfiguration$/, '/keys'));
    const keys = (await (await fetch(meta.jwks_uri)).json()) as { keys: { kid: string }[] };
    expect(keys.keys).toHaveLength(1);
  });
});

describe('sandbox Bot Framework connector in unauthenticated local mode', () => {
  let local: IdentityHarness;
  beforeAll(async () => {
    local = await startIdentityHarness({ allowAnonymousConnector: true });
  });
  afterAll(async () => {
    await local.close();
  });

  it('accepts a call with no token, still refuses a bad one', async () => {
    const url = `${local.apps.botFramework.serviceUrl}/v3/conversations/a%3Aplayground/activities`;
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hi' }),
    });
    expect(ok.status).toBe(201);
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ type: 'message', text: 'hi' }),
    });
    expect(bad.status).toBe(401);
    expect(local.apps.botFramework.activities('a:playground')).toHaveLength(1);
  });
});
