/**
 * OpenTelemetry export to Azure Monitor (Application Insights), on only when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set. Unset, the distro is not even loaded: nothing is instrumented and nothing leaves the machine. Set, it
 * exports traces (incoming requests, outgoing HTTP calls to Graph and the Bot Framework, PostgreSQL) and metrics,
 * and Sesame's log records go along as OpenTelemetry logs with the same correlation fields.
 */
import type { LogSink } from './logger.js';

export interface Telemetry {
  readonly enabled: boolean;
  readonly sink?: LogSink;
  shutdown(): Promise<void>;
}

export const TELEMETRY_SETTING = 'APPLICATIONINSIGHTS_CONNECTION_STRING';

const OFF: Telemetry = { enabled: false, shutdown: async () => undefined };

const SEVERITY: Record<string, number> = { trace: 1, debug: 5, log: 9, info: 9, warn: 13, error: 17 };

/** The distro, loaded only when a connection string is set (a variable keeps bundlers and tsc from resolving it). */
const DISTRO = '@azure/monitor-opentelemetry';
const LOGS_API = '@opentelemetry/api-logs';

export async function startTelemetry(
  connectionString: string | undefined,
  serviceName = 'sesame',
): Promise<Telemetry> {
  if (!connectionString) return OFF;
  const distro = (await import(DISTRO)) as {
    useAzureMonitor(options: unknown): void;
    shutdownAzureMonitor(): Promise<void>;
  };
  distro.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // Sesame's own log records are exported below, redacted; the console is not captured a second time.
    instrumentationOptions: {
      http: { enabled: true },
      postgreSql: { enabled: true },
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
    enableLiveMetrics: false,
    resource: undefined,
    samplingRatio: 1,
    serviceName,
  });
  const { logs } = (await import(LOGS_API)) as {
    logs: {
      getLogger(name: string): {
        emit(record: {
          severityNumber: number;
          severityText: string;
          body: string;
          attributes: Record<string, unknown>;
        }): void;
      };
    };
  };
  const otelLogger = logs.getLogger(serviceName);
  return {
    enabled: true,
    sink(record) {
      otelLogger.emit(toLogRecord(record));
    },
    shutdown: () => distro.shutdownAzureMonitor(),
  };
}

/** A Sesame log record as an OpenTelemetry log record: the message as body, the correlation fields as attributes. */
export function toLogRecord(record: Parameters<LogSink>[0]): {
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, string | number | boolean>;
} {
  const { msg, level, time: _time, ...attributes } = record;
  return {
    severityNumber: SEVERITY[level] ?? 9,
    severityText: level.toUpperCase(),
    body: msg,
    attributes: flatten(attributes),
  };
}

/** OpenTelemetry attributes are flat primitives: nested values (an error) become JSON text. */
function flatten(fields: Readonly<Record<string, unknown>>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}
