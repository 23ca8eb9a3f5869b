// A namespace import: Node (tests, server-side rendering) loads teams-js' UMD build, which has no named ESM
// exports; the browser bundle gets the ESM build, and nothing here calls Teams until a request is made.
import * as teamsJs from '@microsoft/teams-js';
import type {
  AcceptExceptionRequest,
  ChecklistView,
  ExceptionView,
  RefreshEvent,
  RenewExceptionRequest,
  RevokeExceptionRequest,
} from '../../core/checklist/api-types.js';
import type { TabRunWaitingFor } from '../../core/run-waiting-for.js';
import type { Localized } from './i18n.js';

/** Shapes of Sesame's `/api/tab/*` routes (server/http-app.ts). */
export interface TabMe {
  readonly tenantId: string;
  readonly userId: string;
  readonly name: string;
  readonly upn: string;
  /** What the runs and audit lists hold for this user (core/run-visibility.ts); absent from older servers. */
  readonly access?: { readonly scope: 'tenant' | 'own' };
}

export interface TabProcedure {
  readonly id: string;
  readonly title: Localized;
  readonly summary: Localized;
}

export type RunStatus = 'active' | 'waiting' | 'done' | 'failed' | 'cancelled';

/** What an open run waits for: one type shared with the server (core/run-waiting-for.ts). */
export type { TabRunWaitingFor } from '../../core/run-waiting-for.js';

export interface TabRun {
  readonly id: string;
  readonly procedureId: string;
  readonly procedureTitle: Localized;
  readonly status: RunStatus;
  readonly currentStepId: string | null;
  readonly currentStepTitle?: Localized;
  readonly startedAt: string;
  readonly startedBy: { readonly id: string; readonly name: string };
  readonly updatedAt: string;
  /** Reminders posted to the chat: when the next is due, whether one was given up. */
  readonly reminder?: { readonly nextAt?: string; readonly failed: boolean };
  /** Open runs: what they wait for; absent from older servers. */
  readonly waitingFor?: TabRunWaitingFor;
  /** The admin who acted last, when not the one who started it. */
  readonly lastActor?: { readonly id: string; readonly name: string };
  /** Failed or cancelled runs: why. */
  readonly outcome?: { readonly reason: Localized };
}

export interface TabAuditEvent {
  readonly seq: number;
  readonly at: string;
  /** The admin's Entra object id, or 'sesame' for Sesame itself. */
  readonly actorId?: string;
  readonly actorName?: string;
  readonly runId?: string;
  readonly action: string;
  readonly result: string;
  readonly details?: string | Readonly<Record<string, unknown>> | null;
  readonly procedureTitle?: Localized;
  readonly stepTitle?: Localized;
  readonly ruleTitle?: Localized;
}

/** Filters of the audit log (server/tab-audit.ts); an absent field does not filter. */
export interface AuditFilter {
  readonly result?: 'ok' | 'failed' | 'refused' | 'skipped';
  /** An action code or its family ('run', 'graph.write', 'reminder', 'checklist'…). */
  readonly action?: string;
  /** ISO times: from (inclusive), to (exclusive). */
  readonly from?: string;
  readonly to?: string;
}

function filterQuery(filter: AuditFilter, query = new URLSearchParams()): URLSearchParams {
  for (const key of ['result', 'action', 'from', 'to'] as const) {
    const value = filter[key];
    if (value) query.set(key, value);
  }
  return query;
}

/** `/tab/config.json`: public settings the tab needs before it can call anything. */
export interface TabPublicConfig {
  readonly botId: string;
  readonly appId: string;
  /** Local mode (npm start): the Agents Playground's chat, where "fix it in chat" goes instead of Teams. */
  readonly chatUrl?: string;
}

export const AUDIT_PAGE_SIZE = 50;

/**
 * Why a call failed. `network`, `auth` (no Teams token), `bad-response` are the tab's own; any other code is the
 * server's (`{ error: { code, message } }`), and then `serverMessage` is already in the user's language.
 */
export class TabApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly serverMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(serverMessage ?? code, options);
    this.name = 'TabApiError';
  }
}

export interface TabApiClientOptions {
  /** The Teams SSO token; production passes `authentication.getAuthToken` from `@microsoft/teams-js`. */
  readonly getToken: () => Promise<string>;
  /** BCP-47 tag sent as `Accept-Language`, so the server's error messages come in the user's language. */
  readonly language: string;
  /** Origin (and path prefix) of Sesame's server; the page's own origin by default. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

/** A small typed client of the tab's API. Every route but config.json needs the Teams SSO token. */
export class TabApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: TabApiClientOptions) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    // Bound, because a detached `window.fetch` throws "Illegal invocation" in browsers.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  me(): Promise<TabMe> {
    return this.getJson<TabMe>('/api/tab/me', isObject);
  }

  procedures(): Promise<TabProcedure[]> {
    return this.getJson<TabProcedure[]>('/api/tab/procedures', Array.isArray);
  }

  runs(): Promise<TabRun[]> {
    return this.getJson<TabRun[]>('/api/tab/runs', Array.isArray);
  }

  /** One page of the audit log, newest first; `before` is the `seq` of the oldest entry already shown. */
  audit(page: { before?: number; limit?: number } = {}, filter: AuditFilter = {}): Promise<TabAuditEvent[]> {
    const query = filterQuery(filter);
    if (page.before !== undefined) query.set('before', String(page.before));
    query.set('limit', String(page.limit ?? AUDIT_PAGE_SIZE));
    return this.getJson<TabAuditEvent[]>(`/api/tab/audit?${query.toString()}`, Array.isArray);
  }

  /** The last checklist snapshot the caller may see, at once (no Graph read). */
  checklist(): Promise<ChecklistView> {
    return this.getJson<ChecklistView>('/api/tab/checklist', isObject);
  }

  /**
   * Reads the tenant again with the caller's rights; `onEvent` gets each line of the answer as it arrives (started,
   * one per area, done or error). Resolves when the answer ends.
   */
  async refreshChecklist(onEvent: (event: RefreshEvent) => void, signal?: AbortSignal): Promise<void> {
    const response = await this.send(
      '/api/tab/checklist/refresh',
      await this.token(),
      'application/x-ndjson',
      {
        method: 'POST',
        ...(signal ? { signal } : {}),
      },
    );
    if (!response.ok) throw await this.failure(response);
    const reader = response.body?.getReader();
    if (!reader) throw new TabApiError('bad-response', response.status);
    const decoder = new TextDecoder();
    let buffered = '';
    const emit = (line: string) => {
      if (line.trim() === '') return;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        throw new TabApiError('bad-response', response.status);
      }
      if (!isObject(event) || typeof event.type !== 'string')
        throw new TabApiError('bad-response', response.status);
      onEvent(event as unknown as RefreshEvent);
    };
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        throw new TabApiError('network', 0, undefined, { cause });
      }
      if (chunk.done) break;
      buffered += decoder.decode(chunk.value, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(emit);
    }
    emit(buffered + decoder.decode());
  }

  /** Every exception of the tenant's checklist: active, expired and revoked. */
  exceptions(): Promise<ExceptionView[]> {
    return this.getJson<ExceptionView[]>('/api/tab/checklist/exceptions', Array.isArray);
  }

  acceptException(request: AcceptExceptionRequest): Promise<ExceptionView> {
    return this.postJson<ExceptionView>('/api/tab/checklist/exceptions', request);
  }

  renewException(id: string, request: RenewExceptionRequest): Promise<ExceptionView> {
    return this.postJson<ExceptionView>(
      `/api/tab/checklist/exceptions/${encodeURIComponent(id)}/renew`,
      request,
    );
  }

  revokeException(id: string, request: RevokeExceptionRequest = {}): Promise<ExceptionView> {
    return this.postJson<ExceptionView>(
      `/api/tab/checklist/exceptions/${encodeURIComponent(id)}/revoke`,
      request,
    );
  }

  /** The audit log matching `filter` as a CSV file (the server writes it in the user's language). */
  async auditCsv(filter: AuditFilter = {}): Promise<Blob> {
    const query = filterQuery(filter).toString();
    const response = await this.send(
      `/api/tab/audit.csv${query ? `?${query}` : ''}`,
      await this.token(),
      'text/csv',
    );
    if (!response.ok) throw await this.failure(response);
    return response.blob();
  }

  /** `/tab/config.json` is public (no token): it holds only the bot's and the app's ids. */
  async publicConfig(): Promise<TabPublicConfig> {
    const config = await this.request<TabPublicConfig>('/tab/config.json', undefined, isObject);
    if (typeof config.botId !== 'string' || config.botId === '') throw new TabApiError('bad-response', 200);
    return config;
  }

  private async token(): Promise<string> {
    try {
      return await this.options.getToken();
    } catch (cause) {
      throw new TabApiError('auth', 0, undefined, { cause });
    }
  }

  private async getJson<T>(path: string, check: (body: unknown) => boolean): Promise<T> {
    return this.request<T>(path, await this.token(), check);
  }

  private async postJson<T>(path: string, body: unknown): Promise<T> {
    const response = await this.send(path, await this.token(), 'application/json', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await this.failure(response);
    const answer: unknown = await response.json().catch(() => undefined);
    if (!isObject(answer)) throw new TabApiError('bad-response', response.status);
    return answer as T;
  }

  private async send(
    path: string,
    token: string | undefined,
    accept = 'application/json',
    init: { method?: string; body?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: accept,
      'Accept-Language': this.options.language,
    };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, { ...init, headers, credentials: 'omit' });
    } catch (cause) {
      throw new TabApiError('network', 0, undefined, { cause });
    }
  }

  /** The server's `{ error: { code, message } }` as a TabApiError. */
  private async failure(response: Response): Promise<TabApiError> {
    const body: unknown = await response.json().catch(() => undefined);
    const error = isObject(body) && isObject(body.error) ? body.error : undefined;
    const code =
      typeof error?.code === 'string' ? error.code : response.status === 401 ? 'unauthorized' : 'server';
    const message = typeof error?.message === 'string' && error.message !== '' ? error.message : undefined;
    return new TabApiError(code, response.status, message);
  }

  private async request<T>(
    path: string,
    token: string | undefined,
    check: (body: unknown) => boolean,
  ): Promise<T> {
    const response = await this.send(path, token);
    if (!response.ok) throw await this.failure(response);
    const body: unknown = await response.json().catch(() => undefined);
    if (body === undefined || !check(body)) throw new TabApiError('bad-response', response.status);
    return body as T;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The client the tab uses inside Teams: the token is Teams SSO's, for Sesame's own app registration. */
export function teamsApiClient(language: string, baseUrl?: string): TabApiClient {
  return new TabApiClient({
    getToken: () => teamsJs.authentication.getAuthToken(),
    language,
    ...(baseUrl ? { baseUrl } : {}),
  });
}
