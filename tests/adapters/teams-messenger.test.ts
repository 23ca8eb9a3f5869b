/**
 * The Teams Messenger against the sandbox's Bot Framework connector (a real HTTP server that enforces Teams' rate
 * limits when switched on and injects faults on demand), through the Teams SDK's HTTP client.
 */
import { Client as HttpClient } from '@microsoft/teams.common';
import {
  limitImposedMakespan,
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
} from '../../adapters/messenger/rate-limits.js';
import { createTeamsMessenger } from '../../adapters/messenger/teams-messenger.js';
import { MessengerError, type ConversationReference } from '../../core/ports/messenger.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, allowAnonymousConnector: true });
});
afterAll(async () => {
  await sandbox.stop();
});

const admin = (path: string, init?: RequestInit) =>
  fetch(`${sandbox.httpUrl}/_sandbox/botframework${path}`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });

async function activities(conversationId: string): Promise<{ activity: Record<string, unknown> }[]> {
  const res = await admin(`/conversations/${encodeURIComponent(conversationId)}/activities`);
  return ((await res.json()) as { activities: { activity: Record<string, unknown> }[] }).activities;
}

async function limits(enabled: boolean) {
  const res = await admin('/limits', { method: 'PUT', body: JSON.stringify({ enabled, reset: true }) });
  return (await res.json()) as { accepted: number; throttled: number };
}

function ref(conversationId: string, tenantId = sandbox.tenantId): ConversationReference {
  return {
    tenantId,
    conversationId,
    serviceUrl: `${sandbox.httpUrl}/botframework/connector/`,
    channelId: 'msteams',
    botId: '28:sesame',
    kind: 'personal',
  };
}

const card = (n: number) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `#${n}` }],
});

/** A clock that moves only when the messenger sleeps: waits are exact and recorded. */
function sleepingClock() {
  let now = Date.parse('2026-11-23T09:00:00Z');
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('sliding-window limits', () => {
  it('lets 7 through in a second, the 8th a second after the first answer, the 9th after two seconds', () => {
    const limiter = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS);
    let now = 0;
    for (let i = 0; i < 7; i += 1) {
      expect(limiter.delay('c', now)).toBe(0);
      limiter.begin('c');
      limiter.end('c', now);
      now += 10;
    }
    // 7 answers at 0…60 ms: the 8th may start once the first is a second old.
    expect(limiter.delay('c', now)).toBe(1000 - now);
    now = 1000;
    expect(limiter.delay('c', now)).toBe(0);
    limiter.begin('c');
    limiter.end('c', now);
    // 8 in 2 s: the 9th waits for the first to be two seconds old.
    now = 1100;
    expect(limiter.delay('c', now)).toBe(2000 - now);
  });

  it('counts requests in flight against the window until they answer', () => {
    const limiter = new SlidingWindowLimiter([{ limit: 2, ms: 1000 }]);
    limiter.begin('t');
    limiter.begin('t');
    expect(limiter.delay('t', 0)).toBe(Infinity);
    limiter.end('t', 300);
    expect(limiter.delay('t', 300)).toBe(1000);
  });

  it('works out the limit-imposed minimum time for a backlog', () => {
    // 8 messages to one conversation: 7 at once, the 8th one second later.
    expect(limitImposedMakespan([[8]])).toBe(1000);
    // 100 messages over 10 conversations of one tenant: the tenant's 50/s binds before the conversations' 8/2 s.
    expect(limitImposedMakespan([[10, 10, 10, 10, 10, 10, 10, 10, 10, 10]])).toBeGreaterThanOrEqual(1000);
  });
});

describe('Teams messenger', () => {
  it('posts a card to the conversation’s own serviceUrl as the bot', async () => {
    const messenger = createTeamsMessenger({ http: new HttpClient(), now: Date.now });
    const sent = await messenger.send(ref('a:one'), { card: card(1), summary: 'Rappel' });
    const recorded = await activities('a:one');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.activity).toMatchObject({
      type: 'message',
      id: sent.id,
      summary: 'Rappel',
      from: { id: '28:sesame', role: 'bot' },
      conversation: { id: 'a:one', tenantId: sandbox.tenantId },
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card(1) }],
    });
    await messenger.update(ref('a:one'), sent.id, { card: card(2), summary: 'Rappel' });
    expect((await activities('a:one')).map((a) => a.activity.attachments)).toEqual([
      [expect.objectContaining({ content: card(1) })],
      [expect.objectContaining({ content: card(2) })],
    ]);
  });

  it('waits out Retry-After on a 429 and delivers once', async () => {
    const clock = sleepingClock();
    const messenger = createTeamsMessenger({ http: new HttpClient(), ...clock });
    await admin('/faults', {
      method: 'POST',
      body: JSON.stringify({ status: 429, count: 2, retryAfterSeconds: 3 }),
    });
    await messenger.send(ref('a:throttled'), { card: card(1), summary: 's' });
    expect(clock.sleeps.filter((ms) => ms >= 3000)).toHaveLength(2);
    expect(await activities('a:throttled')).toHaveLength(1);
  });

  it.each([412, 502, 503, 504])('retries a %i with jittered exponential backoff', async (status) => {
    const clock = sleepingClock();
    const messenger = createTeamsMessenger({ http: new HttpClient(), ...clock, random: () => 0.5 });
    await admin('/faults', { method: 'POST', body: JSON.stringify({ status, count: 3 }) });
    await messenger.send(ref(`a:flaky-${status}`), { card: card(1), summary: 's' });
    // Half of 1 s, 2 s, 4 s: the injected jitter.
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(await activities(`a:flaky-${status}`)).toHaveLength(1);
  });

  it('gives up after its attempts with a retryable error, and at once when the bot left the conversation', async () => {
    const clock = sleepingClock();
    const messenger = createTeamsMessenger({ http: new HttpClient(), ...clock, maxAttempts: 3 });
    await admin('/faults', { method: 'POST', body: JSON.stringify({ status: 429, count: 3 }) });
    const throttled = await messenger
      .send(ref('a:busy'), { card: card(1), summary: 's' })
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(MessengerError);
    expect(throttled).toMatchObject({ code: 'messenger_throttled', retryable: true });

    await admin('/faults', { method: 'POST', body: JSON.stringify({ status: 403, count: 1 }) });
    const gone = await messenger
      .send(ref('a:gone'), { card: card(1), summary: 's' })
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'conversation_gone', retryable: false, status: 403 });
    expect(await activities('a:busy')).toHaveLength(0);
  });

  it('gives a message back untouched when it cannot start before its deadline', async () => {
    const clock = sleepingClock();
    const messenger = createTeamsMessenger({ http: new HttpClient(), ...clock });
    const sends = Array.from({ length: 9 }, (_, i) =>
      messenger.send(ref('a:deadline'), { card: card(i), summary: 's' }, { startWithinMs: 500 }).then(
        () => 'sent',
        (e: unknown) => (e as MessengerError).code,
      ),
    );
    const outcomes = await Promise.all(sends);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(7);
    expect(outcomes.filter((o) => o === 'messenger_deadline')).toHaveLength(2);
    expect(await activities('a:deadline')).toHaveLength(7);
  });

  it('sends only the newest of several queued updates of one message; every caller learns it went out', async () => {
    const clock = sleepingClock();
    const messenger = createTeamsMessenger({ http: new HttpClient(), ...clock });
    const sent = await messenger.send(ref('a:updates'), { card: card(0), summary: 's' });
    // Seven more messages fill the conversation's 1-second window; the updates queue behind them.
    const burst = Array.from({ length: 7 }, (_, i) =>
      messenger.send(ref('a:updates'), { card: card(100 + i), summary: 's' }),
    );
    const updates = [1, 2, 3, 4].map((n) =>
      messenger.update(ref('a:updates'), sent.id, { card: card(n), summary: 's' }),
    );
    await Promise.all([...burst, ...updates]);
    const recorded = await activities('a:updates');
    const contents = recorded.map((a) => (a.activity.attachments as { content: unknown }[])[0]!.content);
    // The message, the seven others, then one update: the last state.
    expect(contents).toEqual([card(0), ...Array.from({ length: 7 }, (_, i) => card(100 + i)), card(4)]);
    expect(messenger.pending()).toBe(0);
  });

  it('lets the conversations of a tenant take turns for its slots, so they drain together (real time)', async () => {
    // A tenant allowed 2 requests per 200 ms (conversations unbounded), 4 conversations with 4 messages each: real
    // timers, because who wins a freed slot is decided by which waiting lane wakes first.
    const messenger = createTeamsMessenger({
      http: new HttpClient(),
      now: Date.now,
      tenantLimits: [{ limit: 2, ms: 200 }],
      conversationLimits: [{ limit: 100, ms: 200 }],
    });
    const conversations = ['a:turns-1', 'a:turns-2', 'a:turns-3', 'a:turns-4'];
    const order: string[] = [];
    await Promise.all(
      conversations.flatMap((id) =>
        Array.from({ length: 4 }, (_, i) =>
          messenger.send(ref(id), { card: card(i), summary: 's' }).then(() => order.push(id)),
        ),
      ),
    );
    // Round by round: every conversation has its n-th message out before any has its (n+1)-th.
    for (let round = 0; round < 4; round += 1)
      expect(new Set(order.slice(round * 4, round * 4 + 4))).toEqual(new Set(conversations));
  });

  it('keeps a burst to several conversations of one tenant within Teams’ limits (real time)', async () => {
    await limits(true);
    try {
      const messenger = createTeamsMessenger({ http: new HttpClient(), now: Date.now });
      const conversations = ['a:burst-1', 'a:burst-2', 'a:burst-3'];
      const sends = conversations.flatMap((id) =>
        Array.from({ length: 12 }, (_, i) => messenger.send(ref(id), { card: card(i), summary: 's' })),
      );
      await Promise.all(sends);
      const stats = (await (await admin('/limits')).json()) as { accepted: number; throttled: number };
      expect(stats).toMatchObject({ accepted: 36, throttled: 0 });
      for (const id of conversations) {
        const texts = (await activities(id)).map(
          (a) => (a.activity.attachments as { content: ReturnType<typeof card> }[])[0]!.content.body[0]!.text,
        );
        // In order, each once.
        expect(texts).toEqual(Array.from({ length: 12 }, (_, i) => `#${i}`));
      }
    } finally {
      await limits(false);
    }
  });
});
