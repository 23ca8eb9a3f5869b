/**
 * Typed step logic: a check names its reads with `graphCall(op, ...args)`, and its `evaluate` receives each
 * result typed by the operation that produced it (no casts in procedures). The engine still moves plain JSON;
 * the one place results are given their types is here, keyed by the reads the same logic declared.
 */
import type { CallResult } from '../engine/call-result.js';
import type { DomainLookupCall, DomainRecords, ReadCall } from '../ports/domain-lookup.js';
import type { GraphCall, GraphOpName, GraphOpResult, TenantGraph } from '../ports/tenant-graph.js';
import type { LocalizedText } from './text.js';
import type {
  ActionLogic,
  BatchItem,
  BatchLogic,
  BatchProbeOutcome,
  Calls,
  ChoiceSource,
  ItemOutcome,
  TenantOption,
  CheckLogic,
  CheckOutcome,
  PollOutcome,
  ProbeOutcome,
  StepContext,
  ValidateOutcome,
  WaitLogic,
  WriteOutcome,
} from './types.js';

/** One Graph operation as data, typed by its name (a member of GraphCall). */
export type OpCall<K extends GraphOpName = GraphOpName> = K extends GraphOpName
  ? { readonly op: K; readonly args: Parameters<TenantGraph[K]> }
  : never;

export function graphCall<K extends GraphOpName>(op: K, ...args: Parameters<TenantGraph[K]>): OpCall<K> {
  return { op, args } as unknown as OpCall<K>;
}

/** The DNS lookup as a read (the DomainLookup port): its result is the domain's DomainRecords. */
export function domainLookup(name: string): DomainLookupCall {
  return { op: 'lookupDomain', args: [name] };
}

/** Named reads; a read the run makes unnecessary may be left undefined (it is then not issued). */
export type TypedReads = Readonly<Record<string, OpCall | DomainLookupCall | undefined>>;

/** The reads to issue: the declared ones, without those left undefined. */
function issued(reads: TypedReads): Calls {
  const calls: Record<string, ReadCall> = {};
  for (const [name, call] of Object.entries(reads)) if (call) calls[name] = call as unknown as ReadCall;
  return calls;
}

type ResultOf<C> =
  Exclude<C, undefined> extends DomainLookupCall
    ? CallResult<DomainRecords>
    : Exclude<C, undefined> extends { readonly op: infer K extends GraphOpName }
      ? CallResult<GraphOpResult<K>>
      : never;

/**
 * Each named read's result, typed by its operation. A read that may be left undefined (`x: id ? graphCall(…) :
 * undefined`, when it depends on the run) has a result that may be undefined: the read was not issued.
 */
export type ResultsOf<R extends TypedReads> = {
  readonly [N in keyof R]: undefined extends R[N] ? ResultOf<R[N]> | undefined : ResultOf<R[N]>;
};

export interface TypedCheck<R extends TypedReads> {
  reads(ctx: StepContext): R;
  evaluate(ctx: StepContext, results: ResultsOf<R>): CheckOutcome;
}

/** A check whose evaluate gets typed results; every declared read is answered before evaluate runs. */
export function defineCheck<R extends TypedReads>(logic: TypedCheck<R>): CheckLogic {
  return {
    reads: (ctx) => issued(logic.reads(ctx)),
    evaluate: (ctx, results) => logic.evaluate(ctx, results as unknown as ResultsOf<R>),
  };
}

export interface TypedWait<R extends TypedReads> {
  poll(ctx: StepContext): R;
  interpretPoll(ctx: StepContext, results: ResultsOf<R>): PollOutcome;
}

export function defineWait<R extends TypedReads>(logic: TypedWait<R>): WaitLogic {
  return {
    poll: (ctx) => issued(logic.poll(ctx)),
    interpretPoll: (ctx, results) => logic.interpretPoll(ctx, results as unknown as ResultsOf<R>),
  };
}

export interface TypedAction<P extends TypedReads, V extends TypedReads, W extends OpCall> {
  probe(ctx: StepContext): P;
  interpretProbe(ctx: StepContext, results: ResultsOf<P>): ProbeOutcome;
  /** After the confirmation, before the write (credentials typed on the card tested with Graph). */
  validate?(ctx: StepContext): V;
  interpretValidate?(ctx: StepContext, results: ResultsOf<V>): ValidateOutcome;
  write(ctx: StepContext): W;
  /** The write's result, typed by the operation `write` names. */
  interpretWrite(ctx: StepContext, result: CallResult<GraphOpResult<W['op']>>): WriteOutcome;
}

/** An action whose probe, validation and write results arrive typed by the operations they name. */
export function defineAction<
  P extends TypedReads,
  W extends OpCall,
  V extends TypedReads = Record<never, never>,
>(logic: TypedAction<P, V, W>): ActionLogic {
  const { validate, interpretValidate } = logic;
  return {
    probe: (ctx) => issued(logic.probe(ctx)),
    interpretProbe: (ctx, results) => logic.interpretProbe(ctx, results as unknown as ResultsOf<P>),
    ...(validate && interpretValidate
      ? {
          validate: (ctx: StepContext) => issued(validate(ctx)),
          interpretValidate: (
            ctx: StepContext,
            results: Parameters<NonNullable<ActionLogic['interpretValidate']>>[1],
          ) => interpretValidate(ctx, results as unknown as ResultsOf<V>),
        }
      : {}),
    write: (ctx) => logic.write(ctx) as unknown as GraphCall,
    interpretWrite: (ctx, result) => logic.interpretWrite(ctx, result as CallResult<GraphOpResult<W['op']>>),
  };
}

export interface TypedChoiceSource<R extends TypedReads> {
  reads(ctx: StepContext): R;
  options(
    ctx: StepContext,
    results: ResultsOf<R>,
  ): { readonly options: readonly TenantOption[] } | { readonly error: LocalizedText };
}

/** Options read from the tenant (a multi-select of users and groups), the reads' results typed. */
export function defineChoiceSource<R extends TypedReads>(logic: TypedChoiceSource<R>): ChoiceSource {
  return {
    reads: (ctx) => issued(logic.reads(ctx)),
    options: (ctx, results) => logic.options(ctx, results as unknown as ResultsOf<R>),
  };
}

export interface TypedBatch<P extends TypedReads, W extends OpCall> {
  items(ctx: StepContext): readonly BatchItem[];
  probe(ctx: StepContext): P;
  interpretProbe(ctx: StepContext, results: ResultsOf<P>): BatchProbeOutcome;
  writeItem(ctx: StepContext, item: BatchItem): W;
  /** One item's write result, typed by the operation `writeItem` names. */
  interpretItem(ctx: StepContext, item: BatchItem, result: CallResult<GraphOpResult<W['op']>>): ItemOutcome;
}

/** A batch whose probe and per-item write results arrive typed by the operations they name. */
export function defineBatch<P extends TypedReads, W extends OpCall>(logic: TypedBatch<P, W>): BatchLogic {
  return {
    items: (ctx) => logic.items(ctx),
    probe: (ctx) => issued(logic.probe(ctx)),
    interpretProbe: (ctx, results) => logic.interpretProbe(ctx, results as unknown as ResultsOf<P>),
    writeItem: (ctx, item) => logic.writeItem(ctx, item) as unknown as GraphCall,
    interpretItem: (ctx, item, result) =>
      logic.interpretItem(ctx, item, result as CallResult<GraphOpResult<W['op']>>),
  };
}
