/**
 * Typed step logic: a check names its reads with `graphCall(op, ...args)`, and its `evaluate` receives each
 * result typed by the operation that produced it (no casts in procedures). The engine still moves plain JSON;
 * the one place results are given their types is here, keyed by the reads the same logic declared.
 */
import type { CallResult } from '../engine/call-result.js';
import type { GraphOpName, GraphOpResult, TenantGraph } from '../ports/tenant-graph.js';
import type { CheckLogic, CheckOutcome, PollOutcome, StepContext, WaitLogic } from './types.js';

/** One Graph operation as data, typed by its name (a member of GraphCall). */
export type OpCall<K extends GraphOpName = GraphOpName> = K extends GraphOpName
  ? { readonly op: K; readonly args: Parameters<TenantGraph[K]> }
  : never;

export function graphCall<K extends GraphOpName>(op: K, ...args: Parameters<TenantGraph[K]>): OpCall<K> {
  return { op, args } as unknown as OpCall<K>;
}

export type TypedReads = Readonly<Record<string, OpCall>>;

/** Each named read's result, typed by its operation. */
export type ResultsOf<R extends TypedReads> = {
  readonly [N in keyof R]: R[N] extends { readonly op: infer K extends GraphOpName }
    ? CallResult<GraphOpResult<K>>
    : never;
};

export interface TypedCheck<R extends TypedReads> {
  reads(ctx: StepContext): R;
  evaluate(ctx: StepContext, results: ResultsOf<R>): CheckOutcome;
}

/** A check whose evaluate gets typed results; every declared read is answered before evaluate runs. */
export function defineCheck<R extends TypedReads>(logic: TypedCheck<R>): CheckLogic {
  return {
    reads: (ctx) => logic.reads(ctx),
    evaluate: (ctx, results) => logic.evaluate(ctx, results as unknown as ResultsOf<R>),
  };
}

export interface TypedWait<R extends TypedReads> {
  poll(ctx: StepContext): R;
  interpretPoll(ctx: StepContext, results: ResultsOf<R>): PollOutcome;
}

export function defineWait<R extends TypedReads>(logic: TypedWait<R>): WaitLogic {
  return {
    poll: (ctx) => logic.poll(ctx),
    interpretPoll: (ctx, results) => logic.interpretPoll(ctx, results as unknown as ResultsOf<R>),
  };
}
