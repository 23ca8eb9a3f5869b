import { AsyncLocalStorage } from 'node:async_hooks';
import { ConsoleLogger, type ILogger, type ILoggerOptions, type LogLevel } from '@microsoft/teams.common';

/**
 * One logger for Sesame and the Teams SDK. Every line goes through the redaction layer below, whoever wrote it:
 * the SDK logs whole activities and HTTP exchanges at debug level, so "we never pass secrets" is not enough.
 */

type Level = 'error' | 'warn' | 'info' | 'debug';
const ORDER: readonly string[] = ['trace', 'debug', 'log', 'info', 'warn', 'error'];

/** Correlation fields carried by every line written while handling one activity, request or run. */
export interface LogContext {
  readonly activityId?: string;
  readonly conversationId?: string;
  readonly tenantId?: string;
  readonly runId?: string;
  readonly requestId?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to every line it logs (nested calls add to the outer fields). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...definedOnly(fields) }, fn);
}

export function currentLogContext(): LogContext {
  return context.getStore() ?? {};
}

// --- redaction -------------------------------------------------------------------------------------------------

const SECRET_KEY =
  /secret|password|passwd|pwd|token|authorization|cookie|assertion|credential|connectionstring|signature|^sig$|apikey|api_key/i;
const REDACTED = '[redacted]';

const SECRET_TEXT: readonly [RegExp, string | ((m: string, ...g: string[]) => string)][] = [
  // JWTs (access, id, Bot Framework and SSO tokens).
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[redacted-jwt]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  // Form and query parameters of OAuth requests.
  [
    /\b(client_secret|client_assertion|assertion|refresh_token|access_token|id_token|code|password)=([^&\s"']+)/gi,
    '$1=[redacted]',
  ],
  // Passwords in connection URLs (postgres://user:password@host).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)@/gi, '$1[redacted]@'],
  // Application Insights and Azure Storage connection strings.
  [/\b(InstrumentationKey|AccountKey|SharedAccessKey|Password)=([^;\s"']+)/gi, '$1=[redacted]'],
];

/**
 * What may be logged of a value: keys that name a secret are masked, tokens and passwords inside text are masked,
 * and every value in `known` (the configured client secrets) is masked wherever it appears.
 */
export function redact(value: unknown, known: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, known);
  if (value instanceof Error) return redactError(value, known, depth);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redact(v, known, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null && v !== ''
        ? REDACTED
        : redact(v, known, depth + 1);
  }
  return out;
}

export function redactText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement as string);
  return out;
}

function redactError(e: Error, known: readonly string[], depth: number): Record<string, unknown> {
  const typed = e as Error & { code?: unknown; status?: unknown; requestId?: unknown; statusCode?: unknown };
  return definedOnly({
    name: e.name,
    message: redactText(e.message, known),
    code: typeof typed.code === 'string' ? typed.code : undefined,
    status:
      typeof typed.status === 'number'
        ? typed.status
        : typeof typed.statusCode === 'number'
          ? typed.statusCode
          : undefined,
    // The Graph request-id Microsoft support asks for.
    graphRequestId: typeof typed.requestId === 'string' ? typed.requestId : undefined,
    stack: e.stack ? redactText(e.stack, known) : undefined,
    cause: e.cause !== undefined && depth < 3 ? redact(e.cause, known, depth + 1) : undefined,
  });
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// --- loggers -----------------------------------------------------------------------------------------------------

/** A place finished log records go besides stdout (OpenTelemetry, when a connection string is set). */
export type LogSink = (record: Readonly<Record<string, unknown>> & { level: string; msg: string }) => void;

export interface LoggerOptions {
  /** json: one JSON object per line (production, read by App Service and Log Analytics); text: for people. */
  readonly format?: 'json' | 'text';
  readonly name?: string;
  /** Values masked wherever they appear: the configured client secrets and the like. */
  readonly secrets?: readonly string[];
  readonly sink?: LogSink;
  /** Where lines go; stdout by default (errors too: one stream keeps their order). */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

export function createLogger(level: Level, nameOrOptions: string | LoggerOptions = {}): ILogger {
  const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  return new SesameLogger(options.name ?? 'sesame', level, options);
}

class SesameLogger implements ILogger {
  readonly loggerOptions: ILoggerOptions;
  private readonly console: ConsoleLogger | undefined;

  constructor(
    private readonly name: string,
    private readonly level: Level,
    private readonly options: LoggerOptions,
  ) {
    this.loggerOptions = { level };
    this.console = options.format === 'json' ? undefined : new ConsoleLogger(name, { level });
  }

  private emit(level: string, msg: unknown[]): void {
    if (ORDER.indexOf(level) < ORDER.indexOf(this.level)) return;
    const known = this.options.secrets ?? [];
    const texts: string[] = [];
    const fields: Record<string, unknown> = {};
    for (const part of msg) {
      if (typeof part === 'string') texts.push(part);
      else if (part instanceof Error) fields.error = redact(part, known);
      else if (part !== null && typeof part === 'object' && !Array.isArray(part)) Object.assign(fields, part);
      else if (part !== undefined) texts.push(typeof part === 'object' ? JSON.stringify(part) : String(part));
    }
    const record = {
      time: new Date((this.options.now ?? Date.now)()).toISOString(),
      level,
      logger: this.name,
      msg: redactText(texts.join(' '), known),
      ...currentLogContext(),
      ...(redact(fields, known) as Record<string, unknown>),
    };
    this.options.sink?.(record);
    if (this.console) {
      const { time: _t, level: _l, logger: _n, msg: text, ...rest } = record;
      const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
      const method = level === 'log' ? 'info' : (level as Exclude<LogLevel, never>);
      this.console[method](`${text}${extra}`);
      return;
    }
    (this.options.write ?? ((line: string) => process.stdout.write(line)))(`${JSON.stringify(record)}\n`);
  }

  error(...msg: unknown[]) {
    this.emit('error', msg);
  }
  warn(...msg: unknown[]) {
    this.emit('warn', msg);
  }
  info(...msg: unknown[]) {
    this.emit('info', msg);
  }
  debug(...msg: unknown[]) {
    this.emit('debug', msg);
  }
  trace(...msg: unknown[]) {
    this.emit('trace', msg);
  }
  log(level: LogLevel, ...msg: unknown[]) {
    this.emit(level, msg);
  }
  child(name: string): ILogger {
    return new SesameLogger(`${this.name}/${name}`, this.level, this.options);
  }
}

/** For tests: keeps what was logged (through the same redaction) so a test can assert nothing secret leaked. */
export class MemoryLogger implements ILogger {
  readonly lines: string[] = [];
  private static readonly ORDER = ['trace', 'debug', 'log', 'info', 'warn', 'error'];
  /** Keeps lines at `minLevel` and above (default info: the SDK's per-activity debug dumps are dropped). */
  constructor(private readonly minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info') {}
  private write(level: string, msg: unknown[]) {
    if (MemoryLogger.ORDER.indexOf(level) < MemoryLogger.ORDER.indexOf(this.minLevel)) return;
    this.lines.push(
      `${level} ${msg
        .map((m) =>
          m instanceof Error
            ? redactText(m.stack ?? m.message)
            : typeof m === 'string'
              ? redactText(m)
              : JSON.stringify(redact(m)),
        )
        .join(' ')}`,
    );
  }
  error(...msg: unknown[]) {
    this.write('error', msg);
  }
  warn(...msg: unknown[]) {
    this.write('warn', msg);
  }
  info(...msg: unknown[]) {
    this.write('info', msg);
  }
  debug(...msg: unknown[]) {
    this.write('debug', msg);
  }
  log(...msg: unknown[]) {
    this.write('log', msg);
  }
  trace(...msg: unknown[]) {
    this.write('trace', msg);
  }
  child(): ILogger {
    return this;
  }
}
