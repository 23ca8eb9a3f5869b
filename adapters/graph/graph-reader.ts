import { GraphError } from '../../core/errors.js';
import {
  GraphAnswer,
  graphUnexpectedAnswer,
  queryString,
  type GraphOperation,
} from '../../core/graph/operation.js';
import { graphOperation } from '../../core/graph/operations/index.js';
import type { GraphCall, GraphReadOutcome, GraphReader } from '../../core/ports/tenant-graph.js';
import { graphBatch } from './graph-batch.js';
import type { GraphTransport } from './graph-transport.js';

type AnyOperation = GraphOperation<readonly unknown[], object>;

interface Prepared {
  readonly op: AnyOperation;
  readonly args: readonly unknown[];
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function prepare(call: GraphCall): Prepared {
  const op = graphOperation(call.op);
  if (!op) throw new TypeError(`unknown Graph operation ${String(call.op)}`);
  if (op.method !== 'GET') throw new TypeError(`${String(call.op)} is not a read`);
  const args = call.args as readonly unknown[];
  const request = op.request(...args);
  const query = { ...request.query, ...(op.select ? { $select: op.select.join(',') } : {}) };
  return {
    op,
    args,
    url: `${request.path ?? op.path}${queryString(query)}`,
    ...(op.consistencyLevel ? { headers: { ConsistencyLevel: op.consistencyLevel } } : {}),
  };
}

/**
 * The GraphReader port over a GraphTransport: the first page of every read in `$batch` requests of 20, then the
 * further pages of each collection (its @odata.nextLink) with the transport, collections in parallel.
 */
export function createGraphReader(transport: GraphTransport): GraphReader {
  const base = transport.baseUrl.replace(/\/+$/, '');

  async function finish(p: Prepared, body: unknown, requestId: string): Promise<GraphReadOutcome> {
    const answer = new GraphAnswer(p.op.method, p.op.path, requestId);
    try {
      if (p.op.paging !== 'all') {
        return { ok: true, value: { ...p.op.read(body, answer, ...p.args), requestId }, pages: 1 };
      }
      const first = answer.object(body);
      const items = [...answer.items(first)];
      let pages = 1;
      const link = first['@odata.nextLink'];
      if (typeof link === 'string' && link !== '') {
        if (!link.startsWith(`${base}/`))
          throw graphUnexpectedAnswer('GET', p.op.path, requestId, `@odata.nextLink points outside ${base}`);
        const rest = await transport.getAllPages<unknown>(link.slice(base.length), {
          ...(p.headers ? { headers: p.headers } : {}),
        });
        items.push(...rest.items);
        pages += rest.pages;
      }
      return { ok: true, value: { ...p.op.read({ value: items }, answer, ...p.args), requestId }, pages };
    } catch (e) {
      if (e instanceof GraphError) return { ok: false, error: e, pages: 1 };
      throw e;
    }
  }

  return {
    readMany(calls) {
      const prepared = calls.map(prepare);
      const answers = graphBatch(
        transport,
        prepared.map((p) => ({ url: p.url, ...(p.headers ? { headers: p.headers } : {}) })),
      );
      return prepared.map((p, i) =>
        answers.then((all) => {
          const a = all[i]!;
          if (!a.ok) return { ok: false, error: a.error, pages: 1 } as const;
          return finish(p, a.body, a.requestId);
        }),
      );
    },
  };
}
