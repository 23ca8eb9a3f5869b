import { createLogger, MemoryLogger, redact, redactText, withLogContext } from '../../server/logger.js';
import { SesameError } from '../../core/errors.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhcGk6Ly9zZXNhbWUiLCJ0aWQiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

function jsonLogger(secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger('debug', {
    format: 'json',
    secrets,
    write: (l) => lines.push(l),
    now: () => 0,
  });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('redaction', () => {
  it('masks tokens, authorization headers, OAuth parameters, connection passwords and known secrets in text', () => {
    const text = redactText(
      `token ${JWT} Authorization: Bearer abc.def-ghi client_secret=s3cr3t&grant_type=x postgres://sesame:hunter2@db:5432/s InstrumentationKey=1234;IngestionEndpoint=x my-known-secret`,
      ['my-known-secret'],
    );
    expect(text).not.toContain(JWT);
    expect(text).not.toContain('abc.def-ghi');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('1234');
    expect(text).not.toContain('my-known-secret');
    expect(text).toContain('grant_type=x');
    expect(text).toContain('postgres://sesame:[redacted]@db:5432/s');
  });

  it('masks fields named like secrets at any depth, and keeps the rest', () => {
    expect(
      redact({
        headers: { authorization: 'Bearer x', 'content-type': 'json' },
        clientSecret: 'x',
        user: { id: 'u1', token: 't' },
      }),
    ).toEqual({
      headers: { authorization: '[redacted]', 'content-type': 'json' },
      clientSecret: '[redacted]',
      user: { id: 'u1', token: '[redacted]' },
    });
  });
});

describe('the production logger', () => {
  it('writes one JSON object per line with level, logger name, message and fields', () => {
    const { logger, records } = jsonLogger();
    logger.info('activity', { activityType: 'message', status: 200 });
    logger.child('http').warn('slow', 12);
    expect(records()).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'info',
        logger: 'sesame',
        msg: 'activity',
        activityType: 'message',
        status: 200,
      },
      { time: '1970-01-01T00:00:00.000Z', level: 'warn', logger: 'sesame/http', msg: 'slow 12' },
    ]);
  });

  it('adds the correlation fields of the activity and run being handled', async () => {
    const { logger, records } = jsonLogger();
    await withLogContext({ activityId: 'act-1', conversationId: 'a:1', tenantId: 't1' }, async () => {
      await Promise.resolve();
      withLogContext({ runId: 'run-9' }, () => logger.error('run action failed'));
    });
    logger.info('outside');
    expect(records()[0]).toEqual(
      expect.objectContaining({ activityId: 'act-1', conversationId: 'a:1', tenantId: 't1', runId: 'run-9' }),
    );
    expect(records()[1]).not.toHaveProperty('activityId');
  });

  it('logs a Graph error with its code, status and request-id, and no secret', () => {
    const { logger, records, lines } = jsonLogger(['bot-client-secret']);
    const error = new SesameError('graph_forbidden', `Graph said no for Bearer ${JWT}`, {
      status: 403,
      requestId: 'req-42',
    });
    logger.error(
      'run action failed',
      error,
      { runId: 'r1', clientSecret: 'bot-client-secret' },
      'with bot-client-secret',
    );
    const [record] = records();
    expect(record).toEqual(
      expect.objectContaining({
        msg: 'run action failed with [redacted]',
        runId: 'r1',
        clientSecret: '[redacted]',
        error: expect.objectContaining({
          code: 'graph_forbidden',
          status: 403,
          graphRequestId: 'req-42',
        }) as unknown,
      }),
    );
    expect(lines.join('')).not.toContain(JWT);
    expect(lines.join('')).not.toContain('bot-client-secret');
  });

  it('drops lines under its level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', { format: 'json', write: (l) => lines.push(l) });
    logger.info('no');
    logger.debug('no');
    logger.warn('yes');
    expect(lines).toHaveLength(1);
  });

  it('also redacts what tests capture', () => {
    const memory = new MemoryLogger();
    memory.info(`Bearer ${JWT}`, { password: 'p' });
    expect(memory.lines.join('')).not.toContain(JWT);
    expect(memory.lines.join('')).not.toContain('"p"');
  });
});
