import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { SandboxAppRegistration, SandboxDirectory } from '../contracts.js';
import type { TokenIssuer } from '../identity/token-issuer.js';
import { authenticateBot, type BotCaller } from './bot-auth.js';
import type { ConnectorLimits } from './connector-limits.js';

export type RecordedVerb = 'send' | 'reply' | 'update' | 'delete';

/** One call a bot made to the connector, in arrival order. */
export interface RecordedActivity {
  readonly sequence: number;
  /** Wall-clock ms when the connector took it (Teams' limits are in wall-clock time; benchmarks read it). */
  readonly receivedAt: number;
  readonly verb: RecordedVerb;
  readonly conversationId: string;
  /** The activity id the connector answered (or the one updated/deleted). */
  readonly id: string;
  readonly replyToId?: string;
  readonly targeted: boolean;
  /** The bot's app id, or undefined for an unauthenticated call. */
  readonly appId?: string;
  /** The activity as posted, with `id` set; absent for deletes. */
  readonly activity?: Record<string, unknown>;
}

export interface ChannelAccount {
  readonly id: string;
  readonly name?: string;
  readonly aadObjectId?: string;
  readonly userPrincipalName?: string;
  readonly email?: string;
  readonly tenantId?: string;
  readonly userRole?: string;
  readonly [extra: string]: unknown;
}

interface ConversationRecord {
  members: ChannelAccount[];
  activities: RecordedActivity[];
  readonly isGroup: boolean;
  readonly tenantId?: string;
}

/** The connector's memory: conversations, their members and every activity bots sent to them. */
export class ConnectorRecorder {
  private readonly conversations = new Map<string, ConversationRecord>();
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  private conversation(id: string): ConversationRecord {
    let record = this.conversations.get(id);
    if (!record) {
      record = { members: [], activities: [], isGroup: false };
      this.conversations.set(id, record);
    }
    return record;
  }

  /** Teams activity ids are epoch-millisecond strings; keep that shape, unique within the sandbox. */
  nextActivityId(): string {
    this.sequence += 1;
    return `${this.now()}${String(this.sequence).padStart(4, '0')}`;
  }

  record(entry: Omit<RecordedActivity, 'sequence' | 'receivedAt'>): RecordedActivity {
    const recorded: RecordedActivity = { ...entry, sequence: this.sequence + 1, receivedAt: Date.now() };
    this.sequence += 1;
    this.conversation(entry.conversationId).activities.push(recorded);
    return recorded;
  }

  hasActivity(conversationId: string, activityId: string): boolean {
    return (this.conversations.get(conversationId)?.activities ?? []).some(
      (a) => a.id === activityId && a.verb !== 'delete',
    );
  }

  activities(conversationId: string): readonly RecordedActivity[] {
    return [...(this.conversations.get(conversationId)?.activities ?? [])];
  }

  conversationIds(): readonly string[] {
    return [...this.conversations.keys()];
  }

  clear(conversationId?: string): void {
    if (conversationId === undefined) this.conversations.clear();
    else {
      const record = this.conversations.get(conversationId);
      if (record) record.activities = [];
    }
  }

  setMembers(conversationId: string, members: readonly ChannelAccount[]): void {
    this.conversation(conversationId).members = [...members];
  }

  tenantOf(conversationId: string): string | undefined {
    return this.conversations.get(conversationId)?.tenantId;
  }

  members(conversationId: string): readonly ChannelAccount[] {
    return this.conversations.get(conversationId)?.members ?? [];
  }

  /** A personal chat between a bot and a user has one id, however often it is "created" (as in Teams). */
  createConversation(
    botId: string,
    members: readonly ChannelAccount[],
    isGroup: boolean,
    tenantId?: string,
  ): string {
    const key = `${botId}|${members
      .map((m) => m.id)
      .sort()
      .join(',')}|${isGroup}`;
    const hash = createHash('sha256').update(key).digest('base64url').slice(0, 40);
    const id = isGroup ? `19:${hash}@thread.v2` : `a:${hash}`;
    if (!this.conversations.has(id)) {
      this.conversations.set(id, {
        members: [...members],
        activities: [],
        isGroup,
        ...(tenantId ? { tenantId } : {}),
      });
    }
    return id;
  }
}

function connectorError(c: Context, status: 400 | 401 | 404, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

export interface ConnectorOptions {
  readonly issuer: TokenIssuer;
  readonly apps: readonly SandboxAppRegistration[];
  readonly directory: SandboxDirectory;
  readonly recorder: ConnectorRecorder;
  readonly allowAnonymous: () => boolean;
  /** Where the connector is mounted, e.g. http://127.0.0.1:5990/botframework/connector */
  readonly serviceUrl: string;
  /** Teams' rate limits and injected faults on the activity routes. */
  readonly limits?: ConnectorLimits;
}

/** The Bot Framework connector (Teams' serviceUrl) under `prefix`. */
export function mountConnector(app: Hono, prefix: string, options: ConnectorOptions): void {
  const { recorder } = options;
  const callers = new WeakMap<Request, BotCaller>();

  app.use(`${prefix}/*`, async (c, next) => {
    const caller = await authenticateBot(c, options.issuer, options.apps, options.allowAnonymous());
    if (caller.kind === 'refused') return connectorError(c, 401, 'Unauthorized', caller.message);
    callers.set(c.req.raw, caller);
    await next();
  });
  const appIdOf = (c: Context): string | undefined => {
    const caller = callers.get(c.req.raw);
    return caller?.kind === 'bot' ? caller.app.clientId : undefined;
  };
  const body = async (c: Context): Promise<Record<string, unknown> | undefined> => {
    try {
      const parsed: unknown = await c.req.json();
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  };
  const targeted = (c: Context) => c.req.query('isTargetedActivity') === 'true';
  /** A 429 (or injected fault) answer when the request is over Teams' limits, else undefined. */
  const overLimit = (c: Context, conversationId: string, activity?: Record<string, unknown>) => {
    if (!options.limits) return undefined;
    const conversation = activity?.conversation as { tenantId?: unknown } | undefined;
    const channelData = activity?.channelData as { tenant?: { id?: unknown } } | undefined;
    const tenantId =
      recorder.tenantOf(conversationId) ??
      (typeof conversation?.tenantId === 'string' ? conversation.tenantId : undefined) ??
      (typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : undefined);
    const refusal = options.limits.check(appIdOf(c) ?? 'anonymous', conversationId, tenantId);
    if (!refusal) return undefined;
    if (refusal.retryAfterSeconds !== undefined) c.header('Retry-After', String(refusal.retryAfterSeconds));
    return c.json(
      {
        error: {
          code: refusal.status === 429 ? 'TooManyRequests' : 'ServiceError',
          message: `The connector refused the request (${refusal.reason}).`,
        },
      },
      refusal.status as 429,
    );
  };

  app.post(`${prefix}/v3/conversations`, async (c) => {
    const params = await body(c);
    const members = Array.isArray(params?.members) ? (params.members as ChannelAccount[]) : [];
    const bot = params?.bot as ChannelAccount | undefined;
    if (members.length === 0 || members.some((m) => typeof m?.id !== 'string')) {
      return connectorError(
        c,
        400,
        'BadArgument',
        'Conversation creation needs at least one member with an id.',
      );
    }
    const channelData = params?.channelData as { tenant?: { id?: string } } | undefined;
    const tenantId = (params?.tenantId as string | undefined) ?? channelData?.tenant?.id;
    const enriched = members.map((m) => {
      const principal = m.aadObjectId ? options.directory.findPrincipal(m.aadObjectId) : undefined;
      return principal
        ? { name: principal.displayName, userPrincipalName: principal.userPrincipalName, tenantId, ...m }
        : m;
    });
    const id = recorder.createConversation(
      bot?.id ?? appIdOf(c) ?? 'anonymous',
      enriched,
      params?.isGroup === true,
      tenantId,
    );
    let activityId: string | undefined;
    if (params?.activity && typeof params.activity === 'object') {
      activityId = recorder.nextActivityId();
      recorder.record({
        verb: 'send',
        conversationId: id,
        id: activityId,
        targeted: false,
        ...(appIdOf(c) ? { appId: appIdOf(c)! } : {}),
        activity: { ...(params.activity as Record<string, unknown>), id: activityId },
      });
    }
    return c.json({ id, serviceUrl: options.serviceUrl, ...(activityId ? { activityId } : {}) }, 201);
  });

  app.get(`${prefix}/v3/conversations`, (c) =>
    c.json({ conversations: recorder.conversationIds().map((id) => ({ id })), continuationToken: null }),
  );

  const send = async (c: Context, verb: 'send' | 'reply') => {
    const activity = await body(c);
    if (!activity)
      return connectorError(c, 400, 'BadArgument', 'The activity body is missing or is not JSON.');
    const conversationId = c.req.param('conversationId')!;
    const refused = overLimit(c, conversationId, activity);
    if (refused) return refused;
    const replyToId =
      verb === 'reply' ? c.req.param('activityId') : (activity.replyToId as string | undefined);
    const id = recorder.nextActivityId();
    const appId = appIdOf(c);
    recorder.record({
      verb: replyToId ? 'reply' : 'send',
      conversationId,
      id,
      ...(replyToId ? { replyToId } : {}),
      targeted: targeted(c),
      ...(appId ? { appId } : {}),
      activity: { ...activity, id, ...(replyToId ? { replyToId } : {}) },
    });
    return c.json({ id }, 201);
  };
  app.post(`${prefix}/v3/conversations/:conversationId/activities`, (c) => send(c, 'send'));
  app.post(`${prefix}/v3/conversations/:conversationId/activities/:activityId`, (c) => send(c, 'reply'));

  app.put(`${prefix}/v3/conversations/:conversationId/activities/:activityId`, async (c) => {
    const activity = await body(c);
    if (!activity)
      return connectorError(c, 400, 'BadArgument', 'The activity body is missing or is not JSON.');
    const conversationId = c.req.param('conversationId');
    const id = c.req.param('activityId');
    if (!recorder.hasActivity(conversationId, id)) {
      return connectorError(c, 404, 'ActivityNotFoundInConversation', `Unknown activity '${id}'.`);
    }
    const refused = overLimit(c, conversationId, activity);
    if (refused) return refused;
    const appId = appIdOf(c);
    recorder.record({
      verb: 'update',
      conversationId,
      id,
      targeted: targeted(c),
      ...(appId ? { appId } : {}),
      activity: { ...activity, id },
    });
    return c.json({ id });
  });

  app.delete(`${prefix}/v3/conversations/:conversationId/activities/:activityId`, (c) => {
    const conversationId = c.req.param('conversationId');
    const id = c.req.param('activityId');
    if (!recorder.hasActivity(conversationId, id)) {
      return connectorError(c, 404, 'ActivityNotFoundInConversation', `Unknown activity '${id}'.`);
    }
    const appId = appIdOf(c);
    recorder.record({
      verb: 'delete',
      conversationId,
      id,
      targeted: targeted(c),
      ...(appId ? { appId } : {}),
    });
    return c.body(null, 200);
  });

  const members = (c: Context) => c.json(recorder.members(c.req.param('conversationId')!));
  app.get(`${prefix}/v3/conversations/:conversationId/members`, members);
  app.get(`${prefix}/v3/conversations/:conversationId/activities/:activityId/members`, members);
  app.get(`${prefix}/v3/conversations/:conversationId/pagedMembers`, (c) =>
    c.json({ members: recorder.members(c.req.param('conversationId')) }),
  );
  app.get(`${prefix}/v3/conversations/:conversationId/members/:memberId`, (c) => {
    const member = recorder
      .members(c.req.param('conversationId'))
      .find((m) => m.id === c.req.param('memberId'));
    return member
      ? c.json(member)
      : connectorError(c, 404, 'MemberNotFoundInConversation', 'Unknown member.');
  });
}

/** Test and tooling routes: read and reset what the connector recorded. */
export function mountConnectorAdmin(app: Hono, prefix: string, recorder: ConnectorRecorder): void {
  app.get(`${prefix}/conversations`, (c) => c.json({ conversations: recorder.conversationIds() }));
  app.get(`${prefix}/conversations/:conversationId/activities`, (c) =>
    c.json({
      conversationId: c.req.param('conversationId'),
      activities: recorder.activities(c.req.param('conversationId')),
    }),
  );
  app.delete(`${prefix}/conversations/:conversationId/activities`, (c) => {
    recorder.clear(c.req.param('conversationId'));
    return c.body(null, 204);
  });
  app.put(`${prefix}/conversations/:conversationId/members`, async (c) => {
    const members: unknown = await c.req.json().catch(() => undefined);
    if (!Array.isArray(members))
      return c.json({ error: { code: 'BadArgument', message: 'Expected an array of members.' } }, 400);
    recorder.setMembers(c.req.param('conversationId'), members as ChannelAccount[]);
    return c.body(null, 204);
  });
}
