/**
 * Where to post proactive messages: the reference of every conversation Sesame is in (personal chat, group chat,
 * channel), saved on install and on first use, rewritten when Teams moves it (another serviceUrl, a renamed bot),
 * and removed on uninstall. Shared by every instance through the store.
 */
import { StoreConflictError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { ConversationReference } from '../core/ports/messenger.js';
import type { Store } from '../core/ports/store.js';

export interface StoredConversation extends ConversationReference {
  /** Opt-in weekly digest for this conversation ("digest on" / "résumé hebdo"). */
  readonly digest?: boolean;
  readonly savedAt: string;
}

/** What Sesame reads of an inbound activity to know where the conversation lives. */
export interface ActivityLike {
  readonly type?: string;
  readonly serviceUrl?: string;
  readonly channelId?: string | number;
  readonly locale?: string;
  readonly conversation?: { id?: string; tenantId?: string; conversationType?: string; isGroup?: boolean };
  readonly recipient?: { id?: string; name?: string };
  readonly channelData?: unknown;
}

const recordId = (conversationId: string) => `conv:${conversationId}`;

export function referenceFromActivity(activity: ActivityLike): ConversationReference | undefined {
  const channelData = (activity.channelData ?? {}) as { tenant?: { id?: string }; team?: { id?: string } };
  const tenantId = activity.conversation?.tenantId ?? channelData.tenant?.id;
  const conversationId = activity.conversation?.id;
  const serviceUrl = activity.serviceUrl;
  const botId = activity.recipient?.id;
  if (!tenantId || !conversationId || !serviceUrl || !botId) return undefined;
  const type = activity.conversation?.conversationType;
  const kind =
    type === 'channel' || channelData.team?.id
      ? 'channel'
      : type === 'groupChat' || activity.conversation?.isGroup
        ? 'groupChat'
        : 'personal';
  return {
    tenantId,
    conversationId,
    serviceUrl,
    channelId: String(activity.channelId ?? 'msteams'),
    botId,
    ...(activity.recipient?.name ? { botName: activity.recipient.name } : {}),
    kind,
    ...(channelData.team?.id ? { teamId: channelData.team.id } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
  };
}

/** Whether an activity says the bot was removed: app uninstalled, or the bot taken out of the conversation. */
export function isRemoval(activity: ActivityLike & Record<string, unknown>): boolean {
  if (activity.type === 'installationUpdate')
    return activity.action === 'remove' || activity.action === 'remove-upgrade';
  if (activity.type === 'conversationUpdate') {
    const removed = (activity.membersRemoved ?? []) as { id?: string }[];
    return removed.some((m) => m.id === activity.recipient?.id);
  }
  return false;
}

function sameReference(a: ConversationReference, b: ConversationReference): boolean {
  return (
    a.serviceUrl === b.serviceUrl &&
    a.botId === b.botId &&
    a.botName === b.botName &&
    a.kind === b.kind &&
    a.teamId === b.teamId &&
    a.channelId === b.channelId &&
    a.locale === b.locale
  );
}

export function createConversationReferences(options: { store: Store; clock: Clock }) {
  const { store, clock } = options;
  /** What this instance last saw saved, so a chat's every turn does not cost a store read. */
  const known = new Map<string, ConversationReference>();

  async function save(ref: ConversationReference): Promise<'created' | 'updated' | 'unchanged'> {
    const cached = known.get(ref.conversationId);
    if (cached && cached.tenantId === ref.tenantId && sameReference(cached, ref)) return 'unchanged';
    const id = recordId(ref.conversationId);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const existing = await store.get<StoredConversation>('conversation', ref.tenantId, id);
      if (existing && sameReference(existing.value, ref)) {
        known.set(ref.conversationId, ref);
        return 'unchanged';
      }
      const value: StoredConversation = {
        ...(existing?.value.digest ? { digest: true } : {}),
        ...ref,
        savedAt: new Date(clock.now()).toISOString(),
      };
      try {
        if (existing) await store.replace('conversation', ref.tenantId, id, value, existing.etag);
        else await store.create('conversation', ref.tenantId, id, value, 'conversations');
        known.set(ref.conversationId, ref);
        return existing ? 'updated' : 'created';
      } catch (e) {
        // Another instance wrote it at the same time: read again and compare.
        if (!(e instanceof StoreConflictError)) throw e;
      }
    }
    return 'unchanged';
  }

  return {
    save,

    async get(tenantId: string, conversationId: string): Promise<StoredConversation | undefined> {
      return (await store.get<StoredConversation>('conversation', tenantId, recordId(conversationId)))?.value;
    },

    async remove(tenantId: string, conversationId: string): Promise<boolean> {
      known.delete(conversationId);
      const existing = await store.get('conversation', tenantId, recordId(conversationId));
      if (!existing) return false;
      await store.delete('conversation', tenantId, recordId(conversationId));
      return true;
    },

    /** Turns the weekly digest on or off; false if Sesame has no reference for the conversation. */
    async setDigest(tenantId: string, conversationId: string, on: boolean): Promise<boolean> {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const existing = await store.get<StoredConversation>(
          'conversation',
          tenantId,
          recordId(conversationId),
        );
        if (!existing) return false;
        const { digest: _previous, ...rest } = existing.value;
        try {
          await store.replace(
            'conversation',
            tenantId,
            recordId(conversationId),
            { ...rest, ...(on ? { digest: true } : {}) },
            existing.etag,
          );
          return true;
        } catch (e) {
          if (!(e instanceof StoreConflictError)) throw e;
        }
      }
      return false;
    },
  };
}

export type ConversationReferences = ReturnType<typeof createConversationReferences>;
