/**
 * Telemetry without the network: the Azure Monitor distro itself is not started here (off App Service it probes the
 * Azure VM metadata address, which tests must never reach), so these check what Sesame decides around it.
 */
import { ConfigError } from '../../core/errors.js';
import { loadConfig } from '../../server/config.js';
import { startTelemetry, toLogRecord } from '../../server/telemetry.js';

describe('telemetry', () => {
  it('is off, with nothing loaded and no log sink, when no connection string is set', async () => {
    const telemetry = await startTelemetry(undefined);
    expect(telemetry.enabled).toBe(false);
    expect(telemetry.sink).toBeUndefined();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    expect((await startTelemetry('')).enabled).toBe(false);
  });

  it('takes the connection string from APPLICATIONINSIGHTS_CONNECTION_STRING, refusing anything else by name', () => {
    const local = {
      BOT_ID: 'b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
      AAD_APP_TENANT_ID: 'c4b1e5a0-6d2f-4e8a-9b3c-5a7d9e1f2b40',
      AAD_APP_ID_URI: 'api://localhost/botid-b07c0de1-5e5a-4e1e-8b07-5e5a3e000001',
      GRAPH_BASE_URL: 'http://127.0.0.1:5990/v1.0',
      AUTHORITY_HOST: 'https://127.0.0.1:5991',
      SANDBOX_BOTFRAMEWORK_URL: 'http://127.0.0.1:5990/botframework',
    };
    expect(loadConfig(local, 'env/.env.test').telemetryConnectionString).toBeUndefined();
    const cs =
      'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
    expect(
      loadConfig({ ...local, APPLICATIONINSIGHTS_CONNECTION_STRING: cs }, 'env/.env.test')
        .telemetryConnectionString,
    ).toBe(cs);
    expect(() =>
      loadConfig({ ...local, APPLICATIONINSIGHTS_CONNECTION_STRING: 'https://example.com' }, 'env/.env.test'),
    ).toThrow(ConfigError);
  });

  it('exports a log record with its severity, message and correlation fields as attributes', () => {
    expect(
      toLogRecord({
        time: '2026-11-27T10:00:00.000Z',
        level: 'error',
        logger: 'sesame',
        msg: 'run action failed',
        activityId: 'act-1',
        runId: 'run-9',
        error: { code: 'graph_forbidden', graphRequestId: 'req-42' },
      }),
    ).toEqual({
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'run action failed',
      attributes: {
        logger: 'sesame',
        activityId: 'act-1',
        runId: 'run-9',
        error: '{"code":"graph_forbidden","graphRequestId":"req-42"}',
      },
    });
  });
});
