/**
 * The shape of a Graph result, written once: it gives the result's TypeScript type, the $select Sesame sends,
 * and the reader that checks the answer. A field Graph omits or sends with the wrong type reads as null (or []),
 * except `id` fields, whose absence makes the answer unreadable.
 */
import type { JsonValue } from '../json.js';

export type FieldSpec =
  /** A required, non-empty string (an object id). */
  | 'id'
  /** A required, non-empty string that is not an id (an enum value Sesame cannot do without). */
  | 'required'
  | 'string'
  | 'boolean'
  | 'number'
  /** A list of strings; [] when absent. */
  | 'strings'
  /** Any JSON, passed through as Graph sent it (null when absent). */
  | 'json'
  | { readonly object: ResultShape }
  | { readonly list: ResultShape };

export type ResultShape = { readonly [field: string]: FieldSpec };

type FieldValue<F> = F extends 'id' | 'required'
  ? string
  : F extends 'string'
    ? string | null
    : F extends 'boolean'
      ? boolean | null
      : F extends 'number'
        ? number | null
        : F extends 'strings'
          ? readonly string[]
          : F extends 'json'
            ? JsonValue
            : F extends { readonly object: infer S extends ResultShape }
              ? Shaped<S> | null
              : F extends { readonly list: infer S extends ResultShape }
                ? readonly Shaped<S>[]
                : never;

/** The TypeScript type a shape reads into. */
export type Shaped<S extends ResultShape> = { readonly [K in keyof S]: FieldValue<S[K]> };

/** Declares a shape keeping its literal field kinds. */
export function shape<const S extends ResultShape>(s: S): S {
  return s;
}

/** The $select of a shape: its top-level fields. */
export function selectOf(s: ResultShape): readonly string[] {
  return Object.keys(s);
}

/** What the reader reports a broken answer to (GraphAnswer). */
export interface AnswerProblems {
  fail(problem: string): never;
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toJson(v: unknown): JsonValue {
  if (v === undefined) return null;
  // Graph answers are JSON already; a round trip drops anything that is not (and copies it).
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}

function readField(spec: FieldSpec, v: unknown, name: string, problems: AnswerProblems): unknown {
  switch (spec) {
    case 'id':
    case 'required':
      if (typeof v !== 'string' || v === '') problems.fail(`the answer has no ${name}`);
      return v;
    case 'string':
      return typeof v === 'string' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'strings':
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    case 'json':
      return toJson(v);
    default:
      if ('object' in spec) return isObject(v) ? readShape(spec.object, v, problems) : null;
      return Array.isArray(v) ? v.map((el) => readShape(spec.list, el, problems)) : [];
  }
}

/** Reads `value` with `s`; an answer that is not an object, or lacks an `id` field, is a failure. */
export function readShape<S extends ResultShape>(s: S, value: unknown, problems: AnswerProblems): Shaped<S> {
  if (!isObject(value)) problems.fail('the answer is not a JSON object');
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(s)) out[name] = readField(spec, value[name], name, problems);
  return out as Shaped<S>;
}
