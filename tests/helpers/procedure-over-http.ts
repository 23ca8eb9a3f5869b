/**
 * What the procedure tests over HTTP ask of the local stack after a turn: the run a card belongs to, whether a card
 * is valid, and what Sesame sent to the sandbox's Graph (every request real Graph v1.0, covered by a scope Sesame
 * asks for).
 */
import { expect } from '@jest/globals';
import type { Run } from '../../core/engine/run.js';
import { SESAME_SIGN_IN_SCOPES } from '../../core/procedures/catalog.js';
import { resolveGraphRequest, type GraphMethod } from '../contract/csdl.js';
import { checkLeastPrivilege } from '../contract/permissions.js';
import type { Card } from './card-clicks.js';
import { checkCard, MAX_CARD_BYTES } from './card-validation.js';
import type { LocalStack } from './local-stack.js';

export interface GraphLogEntry {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

/** The sandbox's request log: Graph as Sesame called it, oldest first. */
export async function graphLog(stack: LocalStack): Promise<GraphLogEntry[]> {
  const res = await fetch(`${stack.sandbox.httpUrl}/_sandbox/log`);
  return ((await res.json()) as { value: GraphLogEntry[] }).value;
}

/** Graph's writes as "METHOD /path status" (query strings left out). */
export async function graphWrites(stack: LocalStack): Promise<string[]> {
  return (await graphLog(stack))
    .filter((e) => e.method !== 'GET')
    .map((e) => `${e.method} ${decodeURIComponent(e.url.split('?')[0]!)} ${e.status}`);
}

/** The run a card belongs to (its refresh action carries the run id), in the sandbox's tenant unless told. */
export async function runOf(stack: LocalStack, card: Card, tenantId = stack.sandbox.tenantId): Promise<Run> {
  const data = (card.refresh as { action: { data: { runId: string } } }).action.data;
  return (await stack.store.get<Run>('run', tenantId, data.runId))!.value;
}

/** Adaptive Cards 1.5 schema, the adaptivecards parser and the size limit. */
export function expectValidCard(card: Card): void {
  const check = checkCard(card);
  expect(check.schemaErrors).toEqual([]);
  expect(check.parseErrors).toEqual([]);
  expect(check.bytes).toBeLessThan(MAX_CARD_BYTES);
}

/**
 * Every request Sesame sent is Graph v1.0 (Microsoft's CSDL, its $select properties included), covered by a scope
 * Sesame asks for. Resolves with those requests (batches left out).
 */
export async function expectRealGraph(stack: LocalStack): Promise<GraphLogEntry[]> {
  const sent = (await graphLog(stack)).filter((e) => !e.url.startsWith('/$batch'));
  for (const entry of sent) {
    const url = new URL(entry.url, 'http://graph');
    const select = url.searchParams.get('$select')?.split(',');
    const resolved = resolveGraphRequest(entry.method as GraphMethod, decodeURIComponent(url.pathname), {
      ...(select ? { select } : {}),
    });
    expect({ request: `${entry.method} ${entry.url}`, ok: resolved.ok }).toEqual({
      request: `${entry.method} ${entry.url}`,
      ok: true,
    });
  }
  const coverage = checkLeastPrivilege(
    sent.map((e) => ({
      method: e.method,
      path: decodeURIComponent(new URL(e.url, 'http://graph').pathname),
    })),
    SESAME_SIGN_IN_SCOPES,
  );
  expect(coverage.uncovered).toEqual([]);
  return sent;
}

/** expectRealGraph, and every request a read: the requests Sesame sent (batches left out). */
export async function expectReadsOnly(stack: LocalStack): Promise<GraphLogEntry[]> {
  const sent = await expectRealGraph(stack);
  expect(sent.filter((e) => e.method !== 'GET')).toEqual([]);
  return sent;
}
