/**
 * Server-side time of requests to chosen loopback ports, observed through Node's built-in `http.server.*`
 * diagnostics channels: from the request reaching the server's handler to the last byte of its response.
 * Nothing in the observed servers changes; every server in this process (HTTP or HTTPS) publishes these events.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

interface ServerEvent {
  readonly request: IncomingMessage;
}

export interface Span {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export interface WindowTime {
  /** Time, in ms, during which at least one request to the label's servers was being served (overlaps count once). */
  readonly busyMs: number;
  /** Requests that started within the window. */
  readonly requests: number;
}

export class ServerSpans {
  private readonly labels = new Map<number, string>();
  private readonly open = new Map<IncomingMessage, Omit<Span, 'end'>>();
  private finished: Span[] = [];
  private readonly onStart = (message: unknown): void => {
    const { request } = message as ServerEvent;
    const label = this.labels.get(request.socket.localPort ?? -1);
    if (label === undefined) return;
    this.open.set(request, {
      label,
      method: request.method ?? '',
      path: (request.url ?? '').split('?')[0]!,
      start: performance.now(),
    });
  };
  private readonly onFinish = (message: unknown): void => {
    const { request } = message as ServerEvent;
    const started = this.open.get(request);
    if (!started) return;
    this.open.delete(request);
    this.finished.push({ ...started, end: performance.now() });
  };

  constructor() {
    subscribe('http.server.request.start', this.onStart);
    subscribe('http.server.response.finish', this.onFinish);
  }

  /** Attributes requests arriving on `port` to `label` (several ports may share a label). */
  watch(port: number, label: string): void {
    this.labels.set(port, label);
  }

  /**
   * The label's busy time within [from, to] (performance.now() ms); requests still open count up to `to`.
   * Finished spans that end before `to` are dropped afterwards: windows are taken in order and never overlap.
   */
  take(label: string, from: number, to: number): WindowTime {
    const intervals: [number, number][] = [];
    let requests = 0;
    const consider = (span: Omit<Span, 'end'>, end: number): void => {
      if (span.label !== label) return;
      if (span.start >= from && span.start <= to) requests += 1;
      const s = Math.max(span.start, from);
      const e = Math.min(end, to);
      if (e > s) intervals.push([s, e]);
    };
    for (const span of this.finished) consider(span, span.end);
    for (const span of this.open.values()) consider(span, to);
    this.finished = this.finished.filter((s) => s.label !== label || s.end > to);
    intervals.sort((a, b) => a[0] - b[0]);
    let busyMs = 0;
    let curStart = -Infinity;
    let curEnd = -Infinity;
    for (const [s, e] of intervals) {
      if (s > curEnd) {
        if (curEnd > curStart) busyMs += curEnd - curStart;
        curStart = s;
        curEnd = e;
      } else if (e > curEnd) curEnd = e;
    }
    if (curEnd > curStart) busyMs += curEnd - curStart;
    return { busyMs, requests };
  }

  /** Forgets everything recorded so far (between phases). */
  clear(): void {
    this.finished = [];
  }

  close(): void {
    unsubscribe('http.server.request.start', this.onStart);
    unsubscribe('http.server.response.finish', this.onFinish);
  }
}

/** The port of an http(s)://host:port URL. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}
