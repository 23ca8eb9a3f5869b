/**
 * What a test does with the sandbox's Bot Framework side, whichever way Sesame runs (in the test process or as its
 * own OS process): read what the bot posted to a conversation, and sign a user in through the real sign-in page,
 * as a person following the card's link would.
 */
import { SEED_USERS } from '../../sandbox/data/seed.js';

export interface RecordedActivity {
  readonly id: string;
  readonly type: string;
  readonly text?: string;
  readonly attachments?: { contentType: string; content: Record<string, unknown> }[];
}

/** What the bot sent to a conversation, through the sandbox's Bot Framework connector. */
export async function recordedActivities(
  sandboxHttpUrl: string,
  conversationId: string,
): Promise<RecordedActivity[]> {
  const res = await fetch(
    `${sandboxHttpUrl}/_sandbox/botframework/conversations/${encodeURIComponent(conversationId)}/activities`,
  );
  const body = (await res.json()) as {
    activities: { id: string; activity: Omit<RecordedActivity, 'id'> }[];
  };
  return body.activities.map((r) => ({ ...r.activity, id: r.id }));
}

/** Posts the sandbox sign-in page's form for a seeded user (by key) or any user of a sandbox tenant (by id). */
export async function signInThroughSandboxPage(
  signInLink: string,
  who: keyof typeof SEED_USERS | { readonly id: string },
): Promise<void> {
  const page = await fetch(signInLink);
  const html = await page.text();
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
  if (!action) throw new Error(`no sign-in form in ${html.slice(0, 200)}`);
  const form = new URLSearchParams(hidden.map(([, k, v]) => [k!, v!.replace(/&amp;/g, '&')]));
  form.set('user', typeof who === 'string' ? SEED_USERS[who].id : who.id);
  const done = await fetch(new URL(action.replace(/&amp;/g, '&'), signInLink), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: form.toString(),
  });
  if (done.status !== 200) throw new Error(`sign-in failed: ${done.status} ${await done.text()}`);
}
