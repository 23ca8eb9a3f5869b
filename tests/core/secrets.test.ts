/**
 * Secrets a step produces are shown once, in the card of the turn that generated them, and reach nothing that
 * lasts: not the run, the audit log, reminders, the SQLite file or its WAL, nor a later card. Through the real
 * runner, the real SQLite store on disk and the node:crypto secret source.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCryptoSecretSource } from '../../adapters/secrets/crypto-secret-source.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { runCard } from '../../bot/cards/run-card.js';
import { createRunner, type Runner, type RunnerOutcome } from '../../core/engine/runner.js';
import { SecretRegistry, secretRefusingStore } from '../../core/engine/secrets.js';
import { SimulatedClock } from '../../core/ports/clock.js';
import type { Secret } from '../../core/ports/secret-source.js';
import type { Store } from '../../core/ports/store.js';
import { checkProcedureModule, type ProcedureModule } from '../../core/procedures/types.js';
import { checkCard } from '../helpers/card-validation.js';

const fixture: ProcedureModule = {
  procedure: {
    id: 'secret-fixture',
    version: 1,
    title: { fr: 'Compte de service', en: 'Service account' },
    summary: { fr: 'Test', en: 'Test' },
    aliases: [],
    vendor: { name: 'Test' },
    requiredScopes: [],
    steps: [
      {
        id: 'password',
        kind: 'secret',
        title: { fr: 'Mot de passe', en: 'Password' },
        secret: { name: 'servicePassword', length: 24, label: { fr: 'Mot de passe', en: 'Password' } },
        instructions: {
          fr: 'Saisissez ce mot de passe dans le portail du fournisseur.',
          en: 'Type this password in the vendor’s portal.',
        },
        doneLabel: { fr: 'C’est fait', en: 'Done' },
        scopes: [],
        roles: [],
      },
      {
        id: 'after',
        kind: 'manual',
        title: { fr: 'Ensuite', en: 'Next' },
        instructions: { fr: 'Fin.', en: 'End.' },
        doneLabel: { fr: 'OK', en: 'OK' },
        scopes: [],
        roles: [],
      },
    ],
  },
  logic: { checks: {}, actions: {}, waits: {}, textParams: () => ({}) },
};

const actor = { id: 'admin-1', name: 'Claire Martin', roleTemplateIds: [], scopes: [] };
let dir: string;
let store: Store;
let runner: Runner;
const clock = new SimulatedClock(Date.parse('2026-11-20T09:00:00Z'));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sesame-secrets-'));
  store = await openSqliteStore({ file: join(dir, 'sesame.db'), now: () => clock.now() });
  runner = createRunner({
    store,
    clock,
    procedures: [fixture],
    graph: () => {
      throw new Error('no Graph in this procedure');
    },
    secrets: createCryptoSecretSource(),
  });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function card(outcome: RunnerOutcome, locale: 'fr' | 'en' = 'fr') {
  return runCard(fixture, outcome.run, {
    locale,
    sign: () => 'sig',
    params: {},
    formatTime: (iso) => iso,
    ...(outcome.secrets ? { revealed: outcome.secrets } : {}),
  });
}

describe('secrets produced by a step', () => {
  it('is soundly wired', () => {
    expect(checkProcedureModule(fixture)).toEqual([]);
  });

  it('appear in exactly one card and nowhere in the run, the audit, reminders, the SQLite file or the WAL', async () => {
    const started = await runner.start({
      tenantId: 't1',
      conversationId: 'c1',
      procedureId: 'secret-fixture',
      actor,
      locale: 'fr',
    });
    const secret = started.secrets?.servicePassword;
    expect(secret).toMatch(/^\S{24}$/);
    const value = secret as string;
    expect(started.run.pending).toEqual({ kind: 'secret', stepId: 'password', name: 'servicePassword' });

    const first = card(started);
    expect(JSON.stringify(first)).toContain(value);
    for (const locale of ['fr', 'en'] as const) {
      const check = checkCard(card(started, locale));
      expect(check.schemaErrors).toEqual([]);
      expect(check.parseErrors).toEqual([]);
    }

    // The card shown later (a refresh, another admin) says it was shown once, and never shows it again.
    const stored = (await runner.get('t1', started.run.id))!;
    const later = card({ run: stored.value, etag: stored.etag, renders: [] });
    expect(JSON.stringify(later)).not.toContain(value);
    expect(JSON.stringify(later)).toContain('affiché une seule fois');

    const done = await runner.dispatch('t1', started.run.id, {
      type: 'manual-done',
      stepVersion: started.run.stepVersion,
      actor,
    });
    expect(done.secrets).toBeUndefined();
    expect(JSON.stringify(card(done))).not.toContain(value);

    const audit = await store.listAudit('t1', { runId: started.run.id, limit: 100 });
    expect(audit.map((a) => a.action)).toContain('secret.generated');
    expect(JSON.stringify(audit)).not.toContain(value);
    expect(JSON.stringify(await store.listReminders('t1'))).not.toContain(value);
    expect(JSON.stringify(await store.list('run', 't1', { limit: 100 }))).not.toContain(value);
    for (const file of ['sesame.db', 'sesame.db-wal']) {
      const path = join(dir, file);
      if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(value))).toBe(false);
    }
  });

  it('"generate again" shows a new secret, once', async () => {
    const started = await runner.start({
      tenantId: 't1',
      conversationId: 'c1',
      procedureId: 'secret-fixture',
      actor,
      locale: 'en',
    });
    const again = await runner.dispatch('t1', started.run.id, {
      type: 'retry',
      stepVersion: started.run.stepVersion,
      actor,
    });
    expect(again.secrets?.servicePassword).toBeDefined();
    expect(again.secrets?.servicePassword).not.toBe(started.secrets?.servicePassword);
    expect(again.run.pending?.kind).toBe('secret');
  });

  it('without a turn context, keeps the secrets of overlapping turns live until the last of them ends', async () => {
    const registry = new SecretRegistry();
    let endSecond!: () => void;
    const secondMayEnd = new Promise<void>((resolve) => (endSecond = resolve));
    const second = registry.during(async () => {
      registry.add('second-turn-secret');
      await secondMayEnd;
    });
    await registry.during(async () => registry.add('first-turn-secret'));
    // core has no async context of its own: the first turn's secret is kept while any turn is open (never less).
    expect(registry.mask('first-turn-secret second-turn-secret')).toBe('[secret] [secret]');
    endSecond();
    await second;
    expect(registry.size).toBe(0);
  });

  it('cannot be written to the store, the audit log or a reminder while it is live', async () => {
    const registry = new SecretRegistry();
    const guarded = secretRefusingStore(store, registry);
    const secret = createCryptoSecretSource().password({ length: 16 });
    registry.add(secret);
    await expect(guarded.create('run', 't1', 'r1', { facts: { copied: secret } })).rejects.toMatchObject({
      code: 'secret_leak',
    });
    await expect(
      guarded.appendAudit({
        tenantId: 't1',
        at: '2026-11-20T09:00:00Z',
        actorId: 'a',
        action: 'x',
        result: 'ok',
        details: { note: `password is ${secret}` },
      }),
    ).rejects.toMatchObject({ code: 'secret_leak' });
    await expect(
      guarded.scheduleReminder({ id: 'r', tenantId: 't1', dueAt: 0, payload: { text: secret } }),
    ).rejects.toMatchObject({ code: 'secret_leak' });
    // Once its turn is over the value is forgotten; ordinary writes were never affected.
    registry.forget([secret as Secret]);
    await expect(guarded.create('run', 't1', 'r2', { ok: true })).resolves.toBeDefined();
  });

  it('generates passwords Entra ID accepts (three of four character classes) from node:crypto', () => {
    const source = createCryptoSecretSource();
    const seen = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const p = source.password({ length: 16 });
      expect(p).toHaveLength(16);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).not.toMatch(/[0O1lI]/);
      seen.add(p);
    }
    expect(seen.size).toBe(50);
  });
});
