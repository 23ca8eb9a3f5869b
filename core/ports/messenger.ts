/**
 * The Messenger port: proactive messages to a Teams conversation outside a turn (reminders, digests, updates of a
 * card everyone in the chat sees). Implementation: adapters/messenger/teams-messenger.ts over the Teams SDK's API
 * client, which queues proactive sends apart from the bot's replies and keeps within Teams' rate limits.
 */

/** Where a conversation lives, as Teams told the bot on install or first use (its serviceUrl may change). */
export interface ConversationReference {
  readonly tenantId: string;
  readonly conversationId: string;
  /** The connector to post to: a Teams region (smba…), the Agents Playground, or the sandbox's stand-in. */
  readonly serviceUrl: string;
  readonly channelId: string;
  /** The bot's id in this conversation (28:… in Teams). */
  readonly botId: string;
  readonly botName?: string;
  readonly kind: 'personal' | 'groupChat' | 'channel';
  /** Channels: the team the channel belongs to. */
  readonly teamId?: string;
  /** The language the conversation last spoke (the installer's or last writer's locale). */
  readonly locale?: string;
}

/** An Adaptive Card (plain JSON) and a short text for notifications and clients that cannot render it. */
export interface OutboundMessage {
  readonly card: Readonly<Record<string, unknown>>;
  readonly summary: string;
}

export interface SendOptions {
  /**
   * The send must start within this many ms (the caller's lease ends then), or the message is given back with
   * MessengerError 'messenger_deadline' instead of risking a second instance sending it too. A duration, not a time:
   * the caller's clock (the tenant's, maybe simulated) and the transport's (wall clock) need not agree.
   */
  readonly startWithinMs?: number;
}

export interface Messenger {
  /** Posts a new message; resolves with the activity id Teams gave it. */
  send(ref: ConversationReference, message: OutboundMessage, options?: SendOptions): Promise<{ id: string }>;
  /** Replaces a message the bot sent earlier, for everyone in the conversation. */
  update(
    ref: ConversationReference,
    activityId: string,
    message: OutboundMessage,
    options?: SendOptions,
  ): Promise<void>;
}

export type MessengerErrorCode =
  /** Teams kept answering 429/412/5xx after every retry: try again later. */
  | 'messenger_throttled'
  /** The connector could not be reached or answered an unexpected error: try again later. */
  | 'messenger_unavailable'
  /** The send could not start within `startWithinMs`: give it back, nothing was sent. */
  | 'messenger_deadline'
  /** The bot is no longer in the conversation (403/404): do not retry. */
  | 'conversation_gone'
  /** Teams refused the message itself (400, 413): do not retry. */
  | 'messenger_rejected';

export class MessengerError extends Error {
  constructor(
    readonly code: MessengerErrorCode,
    message: string,
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MessengerError';
  }

  /** Whether trying again later may succeed. */
  get retryable(): boolean {
    return (
      this.code === 'messenger_throttled' ||
      this.code === 'messenger_unavailable' ||
      this.code === 'messenger_deadline'
    );
  }
}

export function isMessengerError(e: unknown): e is MessengerError {
  return e instanceof MessengerError;
}
