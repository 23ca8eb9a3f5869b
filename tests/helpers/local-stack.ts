import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { SEED_USERS } from '../../sandbox/data/seed.js';
import type { RunningSandbox } from '../../sandbox/server.js';
import {
  startLocalStack as startStack,
  type LocalStackOptions,
  type RunningPlayground,
} from '../../scripts/local-stack.js';
import type { SesameConfig } from '../../server/config.js';
import { MemoryLogger } from '../../server/logger.js';
import type { RunningSesame } from '../../server/main.js';
import { recordedActivities, signInThroughSandboxPage, type RecordedActivity } from './sandbox-chat.js';
import { postActivity, type ConversationParty } from './teams-activities.js';

export interface LocalStack {
  readonly sandbox: RunningSandbox;
  readonly sesame: RunningSesame;
  readonly config: SesameConfig;
  readonly store: Store;
  readonly logger: MemoryLogger;
  /** The Agents Playground, when asked for (the browser suite). */
  readonly playground?: RunningPlayground;
  /** The sandbox console, the tab, the chat: what `npm start` prints. */
  readonly urls: { readonly chat?: string; readonly tab: string; readonly console: string };
  /** A Teams-like conversation with the bot, for the seeded user `who`. */
  party(who: keyof typeof SEED_USERS, conversationId?: string, locale?: string): ConversationParty;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** What the bot sent to a conversation (through the sandbox's Bot Framework connector). */
  sent(conversationId: string): Promise<RecordedActivity[]>;
  /**
   * Signs `who` in through the sandbox's real sign-in page, as a person following the card's link would; the
   * sandbox then tells the bot (signin/verifyState) and the conversation carries on before this resolves.
   */
  signIn(signInLink: string, who: keyof typeof SEED_USERS | { readonly id: string }): Promise<void>;
  stop(): Promise<void>;
}

export type { RecordedActivity };

/**
 * The local stack `npm start` runs (scripts/local-stack.ts, env/.env.local), on ephemeral loopback ports with a
 * temporary data folder. Only ports, folders, the base clock and the log destination differ from `npm start`;
 * `env` is for the few tests that check another mode on purpose (authenticated Bot Framework).
 */
export async function startLocalStack(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    graphSleep?: (ms: number) => Promise<void>;
    dataDir?: string;
    playground?: LocalStackOptions['playground'];
    /** The procedures Sesame offers (default: the catalogue's): a test procedure of its own, say. */
    procedures?: LocalStackOptions['procedures'];
    /** 'debug' keeps every line (the SDK's per-activity dumps too): for scans of what the logs may contain. */
    logLevel?: 'debug' | 'info';
  } = {},
): Promise<LocalStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sesame-test-'));
  const logger = new MemoryLogger(options.logLevel ?? 'info');
  const stack = await startStack({
    env: {
      PORT: '0',
      SANDBOX_HTTP_PORT: '0',
      SANDBOX_HTTPS_PORT: '0',
      DATA_DIR: dataDir,
      PLAYGROUND_PORT: '0',
      ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
      ...options.env,
    },
    ...(options.playground ? { playground: options.playground } : {}),
    ...(options.procedures ? { procedures: options.procedures } : {}),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    graphSleep: options.graphSleep ?? (async () => undefined),
    timerIntervalMs: 0,
  });
  const { sandbox, sesame, config } = stack;
  const serviceUrl = `${sandbox.httpUrl}/botframework/connector`;

  return {
    sandbox,
    sesame,
    config,
    store: sesame.store,
    logger,
    ...(stack.playground ? { playground: stack.playground } : {}),
    urls: stack.urls,
    party(who, conversationId = `a:${who}-${Math.random().toString(36).slice(2)}`, locale = 'fr-FR') {
      const user = SEED_USERS[who];
      return {
        serviceUrl,
        tenantId: sandbox.tenantId,
        conversationId,
        botId: config.bot.appId,
        user: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
        locale,
      };
    },
    post: (activity, headers) => postActivity(sesame.url, activity, headers),
    sent: (conversationId) => recordedActivities(sandbox.httpUrl, conversationId),
    signIn: signInThroughSandboxPage,
    async stop() {
      await stack.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Adaptive Cards in what the bot sent. */
export function cardsIn(activities: readonly RecordedActivity[]): Record<string, unknown>[] {
  return activities.flatMap((a) =>
    (a.attachments ?? [])
      .filter((att) => att.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((att) => att.content),
  );
}
