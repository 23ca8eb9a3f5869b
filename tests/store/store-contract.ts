/**
 * The Store contract, written once and run against every backend (tests/store/sqlite-store.test.ts,
 * tests/pg/postgres-store.test.ts). Time only moves through the injected clock; nothing here sleeps.
 */
import { StoreConflictError } from '../../core/errors.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { AuditEventInput, Reminder, Store } from '../../core/ports/store.js';

export interface StoreHarness {
  readonly store: Store;
  /** Closes the store and anything `openAnother` opened, and removes what the harness created. */
  readonly close: () => Promise<void>;
  /** Opens another Store instance on the same database with the same clock (absent for ':memory:'). */
  readonly openAnother?: () => Promise<Store>;
}

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const A = 'tenant-a';
const B = 'tenant-b';
const MINUTE = 60_000;

export function describeStoreContract(
  name: string,
  open: (clock: SimulatedClock) => Promise<StoreHarness>,
): void {
  describe(`Store contract: ${name}`, () => {
    let clock: SimulatedClock;
    let h: StoreHarness;
    let store: Store;
    let opened: StoreHarness | undefined;

    beforeEach(async () => {
      clock = new SimulatedClock(T0);
      opened = undefined;
      h = await open(clock);
      opened = h;
      store = h.store;
    });

    afterEach(async () => {
      // Only what this test opened: a failed open must not close the previous test's harness again.
      await opened?.close();
    });

    describe('records', () => {
      it('creates and gets a record with an eTag, a partition and timestamps from the injected clock', async () => {
        const created = await store.create('run', A, 'r1', { step: 1 }, 'conv-1');
        expect(created).toEqual({
          kind: 'run',
          tenantId: A,
          id: 'r1',
          partition: 'conv-1',
          value: { step: 1 },
          etag: expect.any(String),
          createdAt: new Date(T0).toISOString(),
          updatedAt: new Date(T0).toISOString(),
        });
        expect(await store.get('run', A, 'r1')).toEqual(created);
        const noPartition = await store.create('snapshot', A, 's1', { ok: true });
        expect(noPartition.partition).toBeUndefined();
        expect(await store.get('snapshot', A, 's1')).toEqual(noPartition);
      });

      it('answers undefined for a missing record, and keeps kinds apart', async () => {
        await store.create('run', A, 'same-id', { kind: 'run' });
        expect(await store.get('run', A, 'missing')).toBeUndefined();
        expect(await store.get('conversation', A, 'same-id')).toBeUndefined();
        await store.create('conversation', A, 'same-id', { kind: 'conversation' });
        expect((await store.get('run', A, 'same-id'))?.value).toEqual({ kind: 'run' });
        expect((await store.get('conversation', A, 'same-id'))?.value).toEqual({ kind: 'conversation' });
      });

      it('refuses to create the same record twice and keeps the first value', async () => {
        const first = await store.create('run', A, 'r1', { v: 1 });
        await expect(store.create('run', A, 'r1', { v: 2 })).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.get('run', A, 'r1')).toEqual(first);
      });

      it('replaces with the current eTag: new eTag, new updatedAt, same createdAt', async () => {
        const first = await store.create('run', A, 'r1', { v: 1 }, 'conv-1');
        clock.advance(MINUTE);
        const second = await store.replace('run', A, 'r1', { v: 2 }, first.etag);
        expect(second.etag).not.toBe(first.etag);
        expect(second.value).toEqual({ v: 2 });
        expect(second.partition).toBe('conv-1');
        expect(second.createdAt).toBe(first.createdAt);
        expect(second.updatedAt).toBe(new Date(T0 + MINUTE).toISOString());
        expect(await store.get('run', A, 'r1')).toEqual(second);
      });

      it('refuses a replace with a stale eTag and leaves the value unchanged', async () => {
        const first = await store.create('run', A, 'r1', { v: 1 });
        const second = await store.replace('run', A, 'r1', { v: 2 }, first.etag);
        const stale = store.replace('run', A, 'r1', { v: 3 }, first.etag);
        await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
        await expect(stale).rejects.toMatchObject({ code: 'store_conflict', status: 409 });
        expect(await store.get('run', A, 'r1')).toEqual(second);
      });

      it('refuses a replace of a missing record', async () => {
        await expect(store.replace('run', A, 'nope', { v: 1 }, 'any-etag')).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        expect(await store.get('run', A, 'nope')).toBeUndefined();
      });

      it('lets exactly one of two concurrent replaces from the same read win', async () => {
        const read = await store.create('run', A, 'r1', { v: 0 });
        const results = await Promise.allSettled([
          store.replace('run', A, 'r1', { v: 'left' }, read.etag),
          store.replace('run', A, 'r1', { v: 'right' }, read.etag),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
        const winner = (won[0] as PromiseFulfilledResult<{ value: unknown; etag: string }>).value;
        expect(await store.get('run', A, 'r1')).toMatchObject({ value: winner.value, etag: winner.etag });
      });

      it('lets exactly one of many concurrent replaces win, across two store instances when it can', async () => {
        const other = h.openAnother ? await h.openAnother() : store;
        const read = await store.create('run', A, 'r1', { v: 0 });
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? store : other).replace('run', A, 'r1', { v: i }, read.etag),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreConflictError);
      });

      it('deletes with the current eTag, refuses a stale one, and treats a missing record as done', async () => {
        const first = await store.create('run', A, 'r1', { v: 1 });
        const second = await store.replace('run', A, 'r1', { v: 2 }, first.etag);
        await expect(store.delete('run', A, 'r1', first.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.get('run', A, 'r1')).toEqual(second);
        await store.delete('run', A, 'r1', second.etag);
        expect(await store.get('run', A, 'r1')).toBeUndefined();
        await expect(store.delete('run', A, 'r1', second.etag)).resolves.toBeUndefined();
        await expect(store.delete('run', A, 'r1')).resolves.toBeUndefined();
      });

      it('deletes without an eTag unconditionally', async () => {
        await store.create('run', A, 'r1', { v: 1 });
        await store.delete('run', A, 'r1');
        expect(await store.get('run', A, 'r1')).toBeUndefined();
      });

      it('gives a re-created record an eTag the old one cannot match', async () => {
        const first = await store.create('run', A, 'r1', { v: 1 });
        await store.delete('run', A, 'r1');
        const again = await store.create('run', A, 'r1', { v: 2 });
        expect(again.etag).not.toBe(first.etag);
        await expect(store.replace('run', A, 'r1', { v: 3 }, first.etag)).rejects.toBeInstanceOf(
          StoreConflictError,
        );
      });

      it('lists most recently written first, by partition, with a limit', async () => {
        await store.create('run', A, 'r1', { n: 1 }, 'conv-1');
        clock.advance(1000);
        const r2 = await store.create('run', A, 'r2', { n: 2 }, 'conv-2');
        clock.advance(1000);
        await store.create('run', A, 'r3', { n: 3 }, 'conv-1');
        // Same millisecond as r3: the later write still comes first.
        await store.create('run', A, 'r4', { n: 4 }, 'conv-2');
        await store.create('conversation', A, 'c1', { other: 'kind' }, 'conv-1');

        const ids = async (options?: { partition?: string; limit?: number }) =>
          (await store.list('run', A, options)).map((r) => r.id);
        expect(await ids()).toEqual(['r4', 'r3', 'r2', 'r1']);
        expect(await ids({ partition: 'conv-1' })).toEqual(['r3', 'r1']);
        expect(await ids({ partition: 'conv-2', limit: 1 })).toEqual(['r4']);
        expect(await ids({ limit: 2 })).toEqual(['r4', 'r3']);
        expect(await ids({ partition: 'nobody' })).toEqual([]);

        clock.advance(1000);
        await store.replace('run', A, 'r2', { n: 22 }, r2.etag);
        expect(await ids()).toEqual(['r2', 'r4', 'r3', 'r1']);
        const [newest] = await store.list<{ n: number }>('run', A, { limit: 1 });
        expect(newest?.value.n).toBe(22);
      });

      it('refuses a nonsensical limit', async () => {
        await expect(store.list('run', A, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
        await expect(store.list('run', A, { limit: 1.5 })).rejects.toBeInstanceOf(RangeError);
      });

      it('round-trips nested JSON values', async () => {
        const value = {
          text: 'Émile « guillemets » 日本語 🚀 "quotes" \\ back\nslash\ttab',
          numbers: [0, -1, 3.25, 1e-7, 123456789012, Number.MAX_SAFE_INTEGER],
          flags: { yes: true, no: false, nothing: null },
          empty: { object: {}, array: [] as unknown[], string: '' },
          deep: { a: { b: { c: { d: [{ e: [1, [2, [3]]] }] } } } },
          steps: [
            { kind: 'check', scopes: ['User.Read.All'], at: '2026-11-23T09:00:00.000Z' },
            { kind: 'input', values: { mail: 'vendor@example.com' } },
          ],
        };
        await store.create('run', A, 'json', value);
        expect((await store.get('run', A, 'json'))?.value).toEqual(value);
        expect((await store.list('run', A))[0]?.value).toEqual(value);
        await store.create('snapshot', A, 'array', [1, 'two', { three: 3 }]);
        expect((await store.get('snapshot', A, 'array'))?.value).toEqual([1, 'two', { three: 3 }]);
        await store.create('snapshot', A, 'string', 'just a string');
        expect((await store.get('snapshot', A, 'string'))?.value).toBe('just a string');
      });

      it("keeps one tenant away from another's records", async () => {
        const a = await store.create('run', A, 'r1', { secret: 'A' }, 'conv-1');
        expect(await store.get('run', B, 'r1')).toBeUndefined();
        expect(await store.list('run', B)).toEqual([]);
        expect(await store.list('run', B, { partition: 'conv-1' })).toEqual([]);
        await expect(store.replace('run', B, 'r1', { secret: 'B' }, a.etag)).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        await store.delete('run', B, 'r1', a.etag);
        await store.delete('run', B, 'r1');
        expect(await store.get('run', A, 'r1')).toEqual(a);
        // The same id in another tenant is another record.
        const b = await store.create('run', B, 'r1', { secret: 'B' }, 'conv-1');
        expect(b.etag).not.toBe(a.etag);
        expect(await store.get('run', A, 'r1')).toEqual(a);
        expect((await store.list('run', B)).map((r) => r.value)).toEqual([{ secret: 'B' }]);
      });
    });

    describe('audit log', () => {
      const event = (n: number, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
        tenantId: A,
        at: new Date(T0 + n * 1000).toISOString(),
        actorId: 'admin-oid',
        action: `step.${n}`,
        result: 'ok',
        ...extra,
      });

      it('appends events with increasing sequence numbers and lists them newest first', async () => {
        const full = event(1, {
          actorName: 'Ada Admin',
          runId: 'run-1',
          details: { requestId: 'req-1', status: 201, ids: ['x', 'y'], nested: { ok: true } },
        });
        const e1 = await store.appendAudit(full);
        const e2 = await store.appendAudit(event(2, { actorId: 'sesame' }));
        expect(e1).toEqual({ ...full, seq: expect.any(Number) });
        expect(e2.seq).toBeGreaterThan(e1.seq);
        expect(e2).toEqual({ ...event(2, { actorId: 'sesame' }), seq: e2.seq });
        expect(e2).not.toHaveProperty('runId');
        expect(e2).not.toHaveProperty('details');
        expect(await store.listAudit(A)).toEqual([e2, e1]);
      });

      it('filters by run and pages backwards with `before`', async () => {
        const appended = [];
        for (let n = 0; n < 7; n++)
          appended.push(await store.appendAudit(event(n, { runId: `run-${n % 2}` })));
        const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
        const newestFirst = seqs(appended).reverse();

        expect(seqs(await store.listAudit(A, { runId: 'run-1' }))).toEqual(
          seqs(appended.filter((e) => e.runId === 'run-1')).reverse(),
        );
        expect(await store.listAudit(A, { runId: 'run-none' })).toEqual([]);

        const pages: number[][] = [];
        let before: number | undefined;
        for (;;) {
          const page = await store.listAudit(A, { limit: 3, ...(before === undefined ? {} : { before }) });
          if (page.length === 0) break;
          pages.push(seqs(page));
          before = page[page.length - 1]?.seq;
        }
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(newestFirst);

        const runPage = await store.listAudit(A, { runId: 'run-0', before: appended[4]!.seq, limit: 1 });
        expect(seqs(runPage)).toEqual([appended[2]!.seq]);
      });

      it("keeps one tenant away from another's audit events", async () => {
        await store.appendAudit(event(1, { runId: 'shared-run' }));
        expect(await store.listAudit(B)).toEqual([]);
        expect(await store.listAudit(B, { runId: 'shared-run' })).toEqual([]);
        const b = await store.appendAudit(event(2, { tenantId: B }));
        expect(await store.listAudit(B)).toEqual([b]);
        expect((await store.listAudit(A)).map((e) => e.tenantId)).toEqual([A]);
      });

      it('offers no way to change or remove an event', () => {
        for (const method of ['updateAudit', 'deleteAudit', 'replaceAudit', 'clearAudit']) {
          expect((store as unknown as Record<string, unknown>)[method]).toBeUndefined();
        }
      });
    });

    describe('reminders', () => {
      const reminder = (id: string, dueAt: number, extra: { tenantId?: string; runId?: string } = {}) => ({
        id,
        tenantId: A,
        runId: 'run-1',
        dueAt,
        payload: { conversationId: 'conv-1', key: 'vendor.window.over', params: { days: 2 } },
        ...extra,
      });
      const ids = (reminders: Reminder[]) => reminders.map((r) => r.id);

      it('schedules idempotently by id: the second schedule updates due time and payload', async () => {
        await store.scheduleReminder(reminder('rem-1', T0 + 10 * MINUTE));
        await store.scheduleReminder({ ...reminder('rem-1', T0 + 20 * MINUTE), payload: { key: 'changed' } });
        expect(await store.listReminders(A)).toEqual([
          {
            id: 'rem-1',
            tenantId: A,
            runId: 'run-1',
            dueAt: T0 + 20 * MINUTE,
            payload: { key: 'changed' },
            status: 'scheduled',
            attempts: 0,
          },
        ]);
      });

      it('claims only due reminders, soonest first, up to the limit, at the injected time by default', async () => {
        await store.scheduleReminder(reminder('later', T0 + 60 * MINUTE));
        await store.scheduleReminder(reminder('due-2', T0 - MINUTE));
        await store.scheduleReminder(reminder('due-1', T0 - 2 * MINUTE));
        await store.scheduleReminder(reminder('due-now', T0));

        const lease = 120 * MINUTE;
        const first = await store.claimDueReminders({ owner: 'i1', leaseMs: lease, limit: 2 });
        expect(ids(first)).toEqual(['due-1', 'due-2']);
        expect(first[0]).toMatchObject({
          status: 'scheduled',
          leaseOwner: 'i1',
          leaseUntil: T0 + lease,
          payload: reminder('x', 0).payload,
          runId: 'run-1',
        });
        expect(ids(await store.claimDueReminders({ owner: 'i1', leaseMs: lease, limit: 10 }))).toEqual([
          'due-now',
        ]);
        expect(await store.claimDueReminders({ owner: 'i1', leaseMs: lease, limit: 10 })).toEqual([]);
        // An explicit claim time wins over the clock; the others are still leased then.
        expect(
          ids(
            await store.claimDueReminders({ now: T0 + 60 * MINUTE, owner: 'i1', leaseMs: MINUTE, limit: 10 }),
          ),
        ).toEqual(['later']);
      });

      it('keeps a leased reminder from a second owner until the lease ends', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        expect(ids(await store.claimDueReminders({ owner: 'i1', leaseMs: 5 * MINUTE, limit: 10 }))).toEqual([
          'rem-1',
        ]);
        expect(await store.claimDueReminders({ owner: 'i2', leaseMs: 5 * MINUTE, limit: 10 })).toEqual([]);
        clock.advance(5 * MINUTE - 1);
        expect(await store.claimDueReminders({ owner: 'i2', leaseMs: 5 * MINUTE, limit: 10 })).toEqual([]);
        clock.advance(1);
        const taken = await store.claimDueReminders({ owner: 'i2', leaseMs: 5 * MINUTE, limit: 10 });
        expect(taken).toEqual([
          expect.objectContaining({ id: 'rem-1', leaseOwner: 'i2', leaseUntil: T0 + 10 * MINUTE }),
        ]);
        // The first owner lost its lease: its late completion is refused, the new owner's is not.
        expect(await store.completeReminder('rem-1', 'i1')).toBe(false);
        expect(await store.completeReminder('rem-1', 'i2')).toBe(true);
        const [sent] = await store.listReminders(A);
        expect(sent).toMatchObject({ id: 'rem-1', status: 'sent', attempts: 0 });
        expect(sent).not.toHaveProperty('leaseOwner');
        clock.advance(60 * MINUTE);
        expect(await store.claimDueReminders({ owner: 'i3', leaseMs: MINUTE, limit: 10 })).toEqual([]);
        expect(await store.completeReminder('rem-1', 'i2')).toBe(false);
      });

      it('releases a claimed reminder for a retry: due again at retryAt, attempts incremented', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        await store.claimDueReminders({ owner: 'i1', leaseMs: 5 * MINUTE, limit: 10 });
        expect(await store.releaseReminder('rem-1', 'i2', T0 + MINUTE)).toBe(false);
        expect(await store.releaseReminder('rem-1', 'i1', T0 + 30 * MINUTE)).toBe(true);
        const [released] = await store.listReminders(A);
        expect(released).toEqual({
          ...reminder('rem-1', T0 + 30 * MINUTE),
          status: 'scheduled',
          attempts: 1,
        });
        expect(await store.releaseReminder('rem-1', 'i1', T0)).toBe(false);

        clock.advance(30 * MINUTE - 1);
        expect(await store.claimDueReminders({ owner: 'i2', leaseMs: MINUTE, limit: 10 })).toEqual([]);
        clock.advance(1);
        expect(await store.claimDueReminders({ owner: 'i2', leaseMs: MINUTE, limit: 10 })).toEqual([
          expect.objectContaining({ id: 'rem-1', attempts: 1, leaseOwner: 'i2' }),
        ]);
      });

      it('marks a reminder failed, after which it is never claimed', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 });
        expect(await store.failReminder('rem-1', 'i2')).toBe(false);
        expect(await store.failReminder('rem-1', 'i1')).toBe(true);
        expect((await store.listReminders(A))[0]).toMatchObject({ status: 'failed', attempts: 1 });
        clock.advance(60 * MINUTE);
        expect(await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 })).toEqual([]);
      });

      it('cancels a reminder: never claimed, not completable, armed again only by scheduling it again', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        await store.scheduleReminder(reminder('rem-2', T0));
        await store.claimDueReminders({ now: T0, owner: 'i1', leaseMs: MINUTE, limit: 1 });
        await store.cancelReminder(A, 'rem-1');
        await store.cancelReminder(A, 'rem-2');
        await store.cancelReminder(A, 'missing');
        expect(await store.completeReminder('rem-1', 'i1')).toBe(false);
        expect(await store.listReminders(A)).toEqual([
          { ...reminder('rem-1', T0), status: 'cancelled', attempts: 0 },
          { ...reminder('rem-2', T0), status: 'cancelled', attempts: 0 },
        ]);
        clock.advance(60 * MINUTE);
        expect(await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 })).toEqual([]);

        await store.scheduleReminder(reminder('rem-2', T0 + 90 * MINUTE));
        expect((await store.listReminders(A))[1]).toEqual({
          ...reminder('rem-2', T0 + 90 * MINUTE),
          status: 'scheduled',
          attempts: 0,
        });
        clock.advance(30 * MINUTE);
        expect(ids(await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 }))).toEqual([
          'rem-2',
        ]);
      });

      it('arms a sent or failed reminder again when it is scheduled again, with attempts back to 0', async () => {
        await store.scheduleReminder(reminder('sent', T0));
        await store.scheduleReminder(reminder('failed', T0));
        await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 });
        await store.completeReminder('sent', 'i1');
        await store.failReminder('failed', 'i1');
        // Same due time and payload as before: still armed again, since the earlier occurrence is over.
        await store.scheduleReminder(reminder('sent', T0));
        await store.scheduleReminder(reminder('failed', T0 + MINUTE));
        expect(await store.listReminders(A)).toEqual(
          [
            { ...reminder('failed', T0 + MINUTE), status: 'scheduled', attempts: 0 },
            { ...reminder('sent', T0), status: 'scheduled', attempts: 0 },
          ].sort((x, y) => x.dueAt - y.dueAt || x.id.localeCompare(y.id)),
        );
      });

      it('does not let the delivery of an earlier occurrence swallow a reminder scheduled again meanwhile', async () => {
        await store.scheduleReminder(reminder('moved', T0));
        await store.scheduleReminder(reminder('same', T0));
        await store.scheduleReminder(reminder('retried', T0));
        await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 });
        // While i1 delivers: 'moved' and 'retried' get a new due time, 'same' is scheduled again unchanged.
        await store.scheduleReminder(reminder('moved', T0 + 30 * MINUTE));
        await store.scheduleReminder(reminder('retried', T0 + 30 * MINUTE));
        await store.scheduleReminder(reminder('same', T0));
        // Still leased: nobody else can take them meanwhile.
        expect(await store.claimDueReminders({ owner: 'i2', leaseMs: MINUTE, limit: 10 })).toEqual([]);

        expect(await store.completeReminder('moved', 'i1')).toBe(true);
        expect(await store.completeReminder('same', 'i1')).toBe(true);
        expect(await store.releaseReminder('retried', 'i1', T0 + 5 * MINUTE)).toBe(true);
        expect(await store.listReminders(A)).toEqual([
          { ...reminder('same', T0), status: 'sent', attempts: 0 },
          { ...reminder('moved', T0 + 30 * MINUTE), status: 'scheduled', attempts: 0 },
          { ...reminder('retried', T0 + 30 * MINUTE), status: 'scheduled', attempts: 0 },
        ]);
        clock.advance(30 * MINUTE);
        expect(ids(await store.claimDueReminders({ owner: 'i2', leaseMs: MINUTE, limit: 10 }))).toEqual([
          'moved',
          'retried',
        ]);
      });

      it('refuses a lease that is not a positive duration, and claims nothing with a zero limit', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        await expect(store.claimDueReminders({ owner: 'i1', leaseMs: 0, limit: 1 })).rejects.toBeInstanceOf(
          RangeError,
        );
        await expect(store.claimDueReminders({ owner: 'i1', leaseMs: -5, limit: 1 })).rejects.toBeInstanceOf(
          RangeError,
        );
        expect(await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 0 })).toEqual([]);
        expect(ids(await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 1 }))).toEqual([
          'rem-1',
        ]);
      });

      it('lists reminders of one run, soonest first', async () => {
        await store.scheduleReminder(reminder('b', T0 + 2 * MINUTE, { runId: 'run-2' }));
        await store.scheduleReminder(reminder('a', T0 + 3 * MINUTE, { runId: 'run-2' }));
        await store.scheduleReminder(reminder('c', T0 + MINUTE, { runId: 'run-1' }));
        expect(ids(await store.listReminders(A))).toEqual(['c', 'b', 'a']);
        expect(ids(await store.listReminders(A, 'run-2'))).toEqual(['b', 'a']);
        expect(await store.listReminders(A, 'run-3')).toEqual([]);
      });

      it("keeps one tenant away from another's reminders", async () => {
        await store.scheduleReminder(reminder('rem-a', T0 + MINUTE));
        expect(await store.listReminders(B)).toEqual([]);
        expect(await store.listReminders(B, 'run-1')).toEqual([]);
        await store.cancelReminder(B, 'rem-a');
        await expect(
          store.scheduleReminder({ ...reminder('rem-a', T0), tenantId: B, payload: { hijack: true } }),
        ).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.listReminders(A)).toEqual([
          { ...reminder('rem-a', T0 + MINUTE), status: 'scheduled', attempts: 0 },
        ]);
      });

      it('never gives the same reminder to two store instances claiming at once', async () => {
        const other = h.openAnother ? await h.openAnother() : store;
        const count = 60;
        for (let i = 0; i < count; i++) {
          await store.scheduleReminder(reminder(`rem-${String(i).padStart(3, '0')}`, T0 - i * 1000));
        }
        const claimed: string[] = [];
        for (let round = 0; round < 20 && claimed.length < count; round++) {
          const batches = await Promise.all(
            Array.from({ length: 6 }, (_, i) =>
              (i % 2 === 0 ? store : other).claimDueReminders({
                owner: `owner-${i}`,
                leaseMs: MINUTE,
                limit: 4,
              }),
            ),
          );
          for (const batch of batches) claimed.push(...ids(batch));
        }
        expect(claimed).toHaveLength(count);
        expect(new Set(claimed).size).toBe(count);
        expect(await other.claimDueReminders({ owner: 'late', leaseMs: MINUTE, limit: count })).toEqual([]);
      });

      it('gives a reminder back without counting an attempt when asked (it could not be sent in time)', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        await store.claimDueReminders({ owner: 'i1', leaseMs: MINUTE, limit: 10 });
        expect(await store.releaseReminder('rem-1', 'i1', T0 + 1000, { countAttempt: false })).toBe(true);
        expect((await store.listReminders(A))[0]).toMatchObject({ dueAt: T0 + 1000, attempts: 0 });
      });

      it('dispatches by tenant: one owner at a time sends a tenant’s reminders until its lease lapses', async () => {
        for (const tenantId of [A, B]) {
          for (let i = 0; i < 3; i++)
            await store.scheduleReminder(reminder(`${tenantId}-${i}`, T0, { tenantId }));
        }
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: MINUTE, limit: 2 };
        // i1 takes both tenants and one reminder of each (its limit shared between them).
        const first = await store.claimDueReminders({ owner: 'i1', ...byTenant });
        expect(ids(first).sort()).toEqual([`${A}-0`, `${B}-0`]);
        // While i1 holds the tenants, i2 gets nothing even though reminders are due and unclaimed.
        expect(await store.claimDueReminders({ owner: 'i2', ...byTenant })).toEqual([]);
        // i1 keeps claiming the rest (and renews its tenant leases).
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 10 })).sort()).toEqual([
          `${A}-1`,
          `${A}-2`,
          `${B}-1`,
          `${B}-2`,
        ]);
        // A restart of i1 schedules nothing new; once every lease lapsed, i2 takes over what i1 never completed.
        clock.advance(MINUTE);
        const takenOver = await store.claimDueReminders({ owner: 'i2', ...byTenant, limit: 10 });
        expect(takenOver).toHaveLength(6);
        expect(new Set(takenOver.map((r) => r.leaseOwner))).toEqual(new Set(['i2']));
      });

      it('claims a tenant’s backlog run by run in turn (oldest of each first), not one run’s whole backlog', async () => {
        // run-1 has five due reminders (the oldest), run-2 and run-3 two each.
        for (let i = 0; i < 5; i++)
          await store.scheduleReminder(reminder(`r1-${i}`, T0 - 10 * MINUTE + i, { runId: 'run-1' }));
        for (const run of ['run-2', 'run-3'])
          for (let i = 0; i < 2; i++)
            await store.scheduleReminder(reminder(`${run.slice(-1)}-${i}`, T0 - MINUTE + i, { runId: run }));
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: MINUTE };
        const first = await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 4 });
        expect(ids(first).sort()).toEqual(['2-0', '3-0', 'r1-0', 'r1-1']);
        const next = await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 4 });
        expect(ids(next).sort()).toEqual(['2-1', '3-1', 'r1-2', 'r1-3']);
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 4 }))).toEqual(['r1-4']);
      });

      it('counts a run’s reminders in flight in its turn: a run with one on its way yields to runs with none', async () => {
        // Same due time everywhere; run-a's ids sort first, so an order by id alone would keep serving run-a.
        for (const run of ['run-a', 'run-b', 'run-c'])
          for (let i = 0; i < 3; i++)
            await store.scheduleReminder(reminder(`${run}-${i}`, T0, { runId: run }));
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: MINUTE };
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 1 }))).toEqual([
          'run-a-0',
        ]);
        // run-a-0 is still in flight: the next small claims go to run-b and run-c before run-a's second.
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 1 }))).toEqual([
          'run-b-0',
        ]);
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 1 }))).toEqual([
          'run-c-0',
        ]);
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 1 }))).toEqual([
          'run-a-1',
        ]);
      });

      it('tops up the tenants with the least in flight first, not an equal split', async () => {
        for (const tenantId of ['t1', 't2'])
          for (let i = 0; i < 10; i++)
            await store.scheduleReminder(
              reminder(`${tenantId}-${i}`, T0, { tenantId, runId: `${tenantId}-run-${i}` }),
            );
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: MINUTE };
        // Nothing in flight: an even split, six each.
        const first = await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 12 });
        expect(first.filter((r) => r.tenantId === 't1')).toHaveLength(6);
        // Four of t1's are sent; two remain in flight beside t2's six. A claim of 4 all goes to t1 (up to six in
        // flight like t2), where an equal split would give each two.
        for (const r of first.filter((r) => r.tenantId === 't1').slice(0, 4))
          expect(await store.completeReminder(r.id, 'i1')).toBe(true);
        const next = await store.claimDueReminders({ owner: 'i1', ...byTenant, limit: 4 });
        expect(next.map((r) => r.tenantId)).toEqual(['t1', 't1', 't1', 't1']);
      });

      it('lets another owner take a tenant at once after a clean stop gives the dispatch lease up', async () => {
        await store.scheduleReminder(reminder('rem-1', T0));
        await store.scheduleReminder(reminder('rem-2', T0 + MINUTE));
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: 10 * MINUTE, limit: 10 };
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant }))).toEqual(['rem-1']);
        expect(await store.completeReminder('rem-1', 'i1')).toBe(true);
        clock.advance(MINUTE);
        expect(await store.claimDueReminders({ owner: 'i2', ...byTenant })).toEqual([]);
        await store.releaseDispatchLeases('i1');
        expect(ids(await store.claimDueReminders({ owner: 'i2', ...byTenant }))).toEqual(['rem-2']);
      });

      it('never lets two store instances hold one tenant at once', async () => {
        const other = h.openAnother ? await h.openAnother() : store;
        const tenants = ['t1', 't2', 't3', 't4'];
        for (const tenantId of tenants) {
          for (let i = 0; i < 5; i++)
            await store.scheduleReminder(reminder(`${tenantId}-${i}`, T0, { tenantId }));
        }
        // Rounds of six concurrent claims: each owner takes at most its fair share of the tenants, so what one
        // round leaves is taken by the next; never by two owners.
        const ownerOf = new Map<string, string>();
        let claimed = 0;
        for (let round = 0; round < 4 && claimed < 20; round += 1) {
          const batches = await Promise.all(
            Array.from({ length: 6 }, (_, i) =>
              (i % 2 === 0 ? store : other).claimDueReminders({
                owner: `owner-${i}`,
                leaseMs: MINUTE,
                tenantLeaseMs: MINUTE,
                limit: 50,
              }),
            ),
          );
          for (const r of batches.flat()) {
            expect(ownerOf.get(r.tenantId) ?? r.leaseOwner).toBe(r.leaseOwner);
            ownerOf.set(r.tenantId, r.leaseOwner!);
          }
          claimed += batches.flat().length;
        }
        expect(claimed).toBe(20);
      });

      it('shares the tenants with something due between the live instances, and gives a stopped one’s share back', async () => {
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: 10 * MINUTE, limit: 100 };
        // Both instances are up and polling (nothing due yet): each is counted as live.
        expect(await store.claimDueReminders({ owner: 'i1', ...byTenant })).toEqual([]);
        expect(await store.claimDueReminders({ owner: 'i2', ...byTenant })).toEqual([]);
        const tenants = ['t1', 't2', 't3', 't4'];
        for (const tenantId of tenants)
          for (let i = 0; i < 2; i++)
            await store.scheduleReminder(reminder(`${tenantId}-${i}`, T0, { tenantId }));
        const tenantsOf = (batch: readonly Reminder[]) => [...new Set(batch.map((r) => r.tenantId))].sort();
        // The first to claim takes half the tenants (all their reminders), not every tenant.
        const first = await store.claimDueReminders({ owner: 'i1', ...byTenant });
        expect(first).toHaveLength(4);
        expect(tenantsOf(first)).toHaveLength(2);
        // The other instance takes the other half at once.
        const second = await store.claimDueReminders({ owner: 'i2', ...byTenant });
        expect(tenantsOf(second)).toEqual(tenants.filter((t) => !tenantsOf(first).includes(t)));
        expect(second).toHaveLength(4);
        // i2 stops cleanly: its registration goes with its leases, so i1's share is every tenant again.
        for (const r of second) expect(await store.completeReminder(r.id, 'i2')).toBe(true);
        await store.releaseDispatchLeases('i2');
        for (const tenantId of tenantsOf(second))
          await store.scheduleReminder(reminder(`${tenantId}-late`, T0, { tenantId }));
        const after = await store.claimDueReminders({ owner: 'i1', ...byTenant });
        expect(ids(after).sort()).toEqual(tenantsOf(second).map((t) => `${t}-late`));
      });

      it('stops counting an instance that no longer claims once its registration lapses', async () => {
        const byTenant = { leaseMs: MINUTE, tenantLeaseMs: MINUTE, limit: 100 };
        // i2 polled once, then died (no clean stop).
        expect(await store.claimDueReminders({ owner: 'i2', ...byTenant })).toEqual([]);
        for (const tenantId of ['t1', 't2'])
          await store.scheduleReminder(reminder(`${tenantId}-0`, T0 + MINUTE, { tenantId }));
        clock.advance(MINUTE);
        // i2 is no longer counted: i1 takes both tenants, not half.
        expect(ids(await store.claimDueReminders({ owner: 'i1', ...byTenant })).sort()).toEqual([
          't1-0',
          't2-0',
        ]);
      });
    });
  });
}
