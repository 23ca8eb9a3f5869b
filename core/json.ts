/** Plain JSON: what runs, facts and Graph results are made of (they are stored and sent as is). */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };
