import { ConsoleLogger, type ILogger } from '@microsoft/teams.common';

/** One logger for Sesame and the Teams SDK. Tokens, secrets and passwords are never passed to it. */
export function createLogger(level: 'error' | 'warn' | 'info' | 'debug', name = 'sesame'): ILogger {
  return new ConsoleLogger(name, { level });
}

/** For tests: keeps what was logged so a test can assert nothing secret leaked. */
export class MemoryLogger implements ILogger {
  readonly lines: string[] = [];
  private static readonly ORDER = ['trace', 'debug', 'log', 'info', 'warn', 'error'];
  /** Keeps lines at `minLevel` and above (default info: the SDK's per-activity debug dumps are dropped). */
  constructor(private readonly minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info') {}
  private write(level: string, msg: unknown[]) {
    if (MemoryLogger.ORDER.indexOf(level) < MemoryLogger.ORDER.indexOf(this.minLevel)) return;
    this.lines.push(
      `${level} ${msg.map((m) => (m instanceof Error ? (m.stack ?? m.message) : typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`,
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
