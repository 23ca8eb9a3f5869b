/**
 * Live secrets are masked by value in every log line written while their turn lasts, whoever logs (Sesame or the
 * Teams SDK, which gets the same logger), at every level; what a secret field of an incoming activity holds is
 * live before anything reads the activity.
 */
import { Hono } from 'hono';
import { SECRET_MASK } from '../../core/engine/secrets.js';
import { MemoryLogger } from '../../server/logger.js';
import {
  createLiveSecrets,
  holdTurnSecrets,
  maskingLiveSecrets,
  typedSecrets,
} from '../../server/turn-secrets.js';

const SECRET = 'Zq8"w\\Lp3#tY7vN2kR';

describe('masking live secrets in logs', () => {
  it('masks a live secret in text, JSON-escaped text, objects and errors, at debug level too', async () => {
    const registry = createLiveSecrets();
    const memory = new MemoryLogger('debug');
    const logger = maskingLiveSecrets(memory, registry).child('sdk');
    await registry.during(async () => {
      registry.add(SECRET);
      logger.debug(`sending ${SECRET}`);
      logger.debug('activity', { attachments: [{ content: { text: SECRET } }] });
      logger.info(JSON.stringify({ body: { text: SECRET } }));
      const error = new Error(`refused ${SECRET}`);
      logger.error('write failed', error);
    });
    const all = memory.lines.join('\n');
    expect(memory.lines).toHaveLength(4);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(JSON.stringify(SECRET).slice(1, -1));
    expect(all.split(SECRET_MASK).length - 1).toBeGreaterThanOrEqual(4);
  });

  it('forgets a turn’s secrets when the turn is over', async () => {
    const registry = createLiveSecrets();
    const memory = new MemoryLogger('debug');
    const logger = maskingLiveSecrets(memory, registry);
    await registry.during(async () => registry.add(SECRET));
    expect(registry.size).toBe(0);
    logger.info(`after ${SECRET}`);
    expect(memory.lines[0]).toContain(SECRET);
  });

  it('forgets the secrets of a turn that ends while another turn is still in progress (AsyncLocalStorage)', async () => {
    const registry = createLiveSecrets();
    const memory = new MemoryLogger('debug');
    const logger = maskingLiveSecrets(memory, registry);
    let endSecond!: () => void;
    const secondMayEnd = new Promise<void>((resolve) => (endSecond = resolve));
    const second = registry.during(async () => {
      registry.add('second-turn-secret');
      await secondMayEnd;
      logger.info('still second-turn-secret');
    });
    await registry.during(async () => {
      await Promise.resolve();
      registry.add(SECRET);
    });
    // The first turn is over: its secret is no longer live; the second's still is, inside and outside it.
    expect(registry.size).toBe(1);
    logger.info(`after ${SECRET} second-turn-secret`);
    endSecond();
    await second;
    expect(registry.size).toBe(0);
    expect(memory.lines).toEqual([`info after ${SECRET} ${SECRET_MASK}`, `info still ${SECRET_MASK}`]);
  });

  it('makes secret inputs of an incoming activity live before the handler reads it', async () => {
    const registry = createLiveSecrets();
    const memory = new MemoryLogger('debug');
    const logger = maskingLiveSecrets(memory, registry);
    const app = new Hono();
    app.use('/api/messages', holdTurnSecrets(registry));
    app.post('/api/messages', async (c) => {
      // As a careless handler would: the whole body as text.
      logger.debug(`got ${JSON.stringify(await c.req.json())}`);
      return c.json({ live: registry.size });
    });
    const body = {
      type: 'invoke',
      value: { action: { type: 'Action.Execute', verb: 'run.confirm', data: { 'secret:token': SECRET } } },
    };
    const res = await app.request('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(await res.json()).toEqual({ live: 1 });
    expect(registry.size).toBe(0);
    expect(memory.lines.join('\n')).not.toContain(SECRET);
    expect(memory.lines.join('\n')).toContain(SECRET_MASK);
  });

  it('reads secret inputs from an invoke and from its Action.Submit fallback, not other inputs', () => {
    expect(typedSecrets({ action: { data: { 'secret:a': ' long-enough-1 ', email: 'x@y.fr' } } })).toEqual([
      'long-enough-1',
    ]);
    expect(typedSecrets({ 'secret:b': 'long-enough-2', verb: 'run.confirm' })).toEqual(['long-enough-2']);
    expect(typedSecrets({ 'secret:c': 'short' })).toEqual([]);
    expect(typedSecrets(undefined)).toEqual([]);
  });
});
