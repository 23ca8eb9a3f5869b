/**
 * OData v4 $filter as Microsoft Graph accepts it for directory objects: comparisons, startswith/endswith, `in`,
 * not/and/or with precedence and parentheses, lambdas (any/all), and string, GUID, boolean, null, number and
 * DateTimeOffset literals. Parsing is strict: a malformed clause is an error, never a filter that matches all.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'guid'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number; text: string };

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'func'; name: 'startswith' | 'endswith'; path: string[]; value: Literal }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; path: string[]; variable: string; body: FilterNode };

export class FilterSyntaxError extends Error {}

type Token =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: string; pos: number }
  | { t: 'guid'; v: string; pos: number }
  | { t: 'datetime'; v: string; pos: number }
  | { t: '(' | ')' | ',' | '/' | ':'; pos: number };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?/;
const NUMBER = /^-?\d+(\.\d+)?/;
const IDENT = /^[A-Za-z_@][A-Za-z0-9_.@]*/;

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '/' || c === ':') {
      out.push({ t: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length) throw new FilterSyntaxError(`Unterminated string literal at position ${i}`);
        if (input[j] === "'") {
          if (input[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += input[j];
        j++;
      }
      out.push({ t: 'string', v, pos: i });
      i = j + 1;
      continue;
    }
    const rest = input.slice(i);
    const guid = GUID.exec(rest);
    if (guid && !/[0-9A-Za-z-]/.test(rest[guid[0].length] ?? '')) {
      out.push({ t: 'guid', v: guid[0], pos: i });
      i += guid[0].length;
      continue;
    }
    const dt = DATETIME.exec(rest);
    if (dt && dt[1]) {
      out.push({ t: 'datetime', v: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num && !/[A-Za-z_]/.test(rest[num[0].length] ?? '')) {
      out.push({ t: 'number', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      out.push({ t: 'ident', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw new FilterSyntaxError(`Syntax error: character '${c}' is not valid at position ${i}`);
  }
  return out;
}

const COMPARE = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const KEYWORDS = new Set([...COMPARE, 'and', 'or', 'not', 'in', 'any', 'all']);

class Parser {
  private i = 0;
  private readonly variables: string[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): FilterNode {
    if (this.tokens.length === 0) throw new FilterSyntaxError('The $filter expression is empty');
    const node = this.parseOr();
    const extra = this.tokens[this.i];
    if (extra) throw this.error(extra.pos, 'unexpected token');
    return node;
  }

  private error(pos: number | undefined, what: string): FilterSyntaxError {
    const at = pos ?? this.text.length;
    return new FilterSyntaxError(`Syntax error at position ${at} in '${this.text}' (${what})`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(word: string, tok = this.peek()): boolean {
    return tok?.t === 'ident' && tok.v.toLowerCase() === word;
  }

  private expect(t: Token['t']): Token {
    const tok = this.peek();
    if (!tok || tok.t !== t) throw this.error(tok?.pos, `expected '${t}'`);
    this.i++;
    return tok;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isWord('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    if (this.isWord('not')) {
      this.i++;
      const next = this.peek();
      const operand = this.parseUnary();
      // `not` binds tighter than comparisons in OData: `not a eq 'x'` negates `a`, which is not a boolean.
      if (next?.t !== '(' && (operand.kind === 'compare' || operand.kind === 'in'))
        throw this.error(next?.pos, "'not' needs a parenthesised expression or a boolean function");
      return { kind: 'not', operand };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterNode {
    const tok = this.peek();
    if (!tok) throw this.error(undefined, 'expression expected');
    if (tok.t === '(') {
      this.i++;
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    if (tok.t === 'ident' && this.tokens[this.i + 1]?.t === '(') {
      const name = tok.v.toLowerCase();
      if (name !== 'startswith' && name !== 'endswith')
        throw this.error(tok.pos, `unknown function '${tok.v}'`);
      this.i += 2;
      const path = this.parsePath();
      this.expect(',');
      const value = this.parseLiteral();
      if (value.kind !== 'string') throw this.error(tok.pos, `${name} needs a string`);
      this.expect(')');
      const node: FilterNode = { kind: 'func', name, path, value };
      // Graph accepts `startswith(x,'a') eq true` as well as the bare call.
      if (this.isWord('eq')) {
        this.i++;
        const b = this.parseLiteral();
        if (b.kind !== 'bool') throw this.error(tok.pos, 'expected a boolean');
        return b.value ? node : { kind: 'not', operand: node };
      }
      return node;
    }
    const path = this.parsePath();
    if (this.peek()?.t === '/') {
      // lambda: path/any(x: ...)
      this.i++;
      const q = this.peek();
      if (!this.isWord('any', q) && !this.isWord('all', q))
        throw this.error(q?.pos, "expected 'any' or 'all'");
      this.i++;
      this.expect('(');
      const v = this.expect('ident') as { v: string; pos: number };
      if (KEYWORDS.has(v.v.toLowerCase())) throw this.error(v.pos, 'invalid lambda variable');
      this.expect(':');
      this.variables.push(v.v);
      const body = this.parseOr();
      this.variables.pop();
      this.expect(')');
      return {
        kind: 'lambda',
        quantifier: (q as { v: string }).v.toLowerCase() as 'any' | 'all',
        path,
        variable: v.v,
        body,
      };
    }
    const opTok = this.peek();
    if (opTok?.t !== 'ident') throw this.error(opTok?.pos, 'operator expected');
    const op = opTok.v.toLowerCase();
    if (op === 'in') {
      this.i++;
      this.expect('(');
      const values = [this.parseLiteral()];
      while (this.peek()?.t === ',') {
        this.i++;
        values.push(this.parseLiteral());
      }
      this.expect(')');
      return { kind: 'in', path, values };
    }
    if (!COMPARE.has(op)) throw this.error(opTok.pos, `unknown operator '${opTok.v}'`);
    this.i++;
    return { kind: 'compare', op: op as CompareOp, path, value: this.parseLiteral() };
  }

  /** A property path: name(/name)*, stopping before `/any(` or `/all(`. */
  private parsePath(): string[] {
    const first = this.peek();
    if (
      first?.t !== 'ident' ||
      KEYWORDS.has(first.v.toLowerCase()) ||
      ['true', 'false', 'null'].includes(first.v)
    )
      throw this.error(first?.pos, 'property expected');
    this.i++;
    const path = [first.v];
    while (this.peek()?.t === '/') {
      const next = this.tokens[this.i + 1];
      if (next?.t !== 'ident') throw this.error(next?.pos, 'property expected after /');
      if ((this.isWord('any', next) || this.isWord('all', next)) && this.tokens[this.i + 2]?.t === '(') break;
      this.i += 2;
      path.push(next.v);
    }
    return path;
  }

  private parseLiteral(): Literal {
    const tok = this.peek();
    if (!tok) throw this.error(undefined, 'literal expected');
    this.i++;
    switch (tok.t) {
      case 'string':
        return { kind: 'string', value: tok.v };
      case 'guid':
        return { kind: 'guid', value: tok.v.toLowerCase() };
      case 'number':
        return { kind: 'number', value: Number(tok.v) };
      case 'datetime': {
        const ms = Date.parse(tok.v);
        if (Number.isNaN(ms)) throw this.error(tok.pos, 'invalid DateTimeOffset');
        return { kind: 'datetime', value: ms, text: tok.v };
      }
      case 'ident':
        if (tok.v === 'true' || tok.v === 'false') return { kind: 'bool', value: tok.v === 'true' };
        if (tok.v === 'null') return { kind: 'null' };
        throw this.error(tok.pos, 'literal expected');
      default:
        throw this.error(tok.pos, 'literal expected');
    }
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text), text).parse();
}

/** What the query rules need to know: operators that make a directory query "advanced". */
export function filterFeatures(node: FilterNode): {
  ne: boolean;
  not: boolean;
  endswith: boolean;
  paths: string[][];
} {
  const f = { ne: false, not: false, endswith: false, paths: [] as string[][] };
  const walk = (n: FilterNode, inLambda: string | undefined): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        walk(n.left, inLambda);
        walk(n.right, inLambda);
        return;
      case 'not':
        f.not = true;
        walk(n.operand, inLambda);
        return;
      case 'compare':
        if (n.op === 'ne') f.ne = true;
        if (!inLambda || n.path[0] !== inLambda) f.paths.push(n.path);
        return;
      case 'in':
        if (!inLambda || n.path[0] !== inLambda) f.paths.push(n.path);
        return;
      case 'func':
        if (n.name === 'endswith') f.endswith = true;
        if (!inLambda || n.path[0] !== inLambda) f.paths.push(n.path);
        return;
      case 'lambda':
        f.paths.push(n.path);
        walk(n.body, n.variable);
        return;
    }
  };
  walk(node, undefined);
  return f;
}

type Scope = Map<string, unknown>;

function resolve(obj: unknown, path: string[], scope: Scope): unknown {
  let cur: unknown;
  let rest = path;
  if (scope.has(path[0]!)) {
    cur = scope.get(path[0]!);
    rest = path.slice(1);
  } else cur = obj;
  for (const seg of rest) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const DT_SHAPE = /^\d{4}-\d{2}-\d{2}T/;

function compareValues(actual: unknown, lit: Literal): number | undefined {
  if (lit.kind === 'null') return actual === null || actual === undefined ? 0 : undefined;
  if (actual === null || actual === undefined) return undefined;
  switch (lit.kind) {
    case 'string':
    case 'guid': {
      if (typeof actual !== 'string') return undefined;
      const a = actual.toLowerCase();
      const b = lit.value.toLowerCase();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    case 'number':
      return typeof actual === 'number' ? Math.sign(actual - lit.value) : undefined;
    case 'bool':
      return typeof actual === 'boolean' ? (actual === lit.value ? 0 : actual ? 1 : -1) : undefined;
    case 'datetime': {
      if (typeof actual !== 'string' || !DT_SHAPE.test(actual)) return undefined;
      return Math.sign(Date.parse(actual) - lit.value);
    }
  }
}

function evalNode(n: FilterNode, obj: unknown, scope: Scope): boolean {
  switch (n.kind) {
    case 'and':
      return evalNode(n.left, obj, scope) && evalNode(n.right, obj, scope);
    case 'or':
      return evalNode(n.left, obj, scope) || evalNode(n.right, obj, scope);
    case 'not':
      return !evalNode(n.operand, obj, scope);
    case 'compare': {
      const c = compareValues(resolve(obj, n.path, scope), n.value);
      if (n.op === 'ne') return c !== 0;
      if (c === undefined) return false;
      switch (n.op) {
        case 'eq':
          return c === 0;
        case 'gt':
          return c > 0;
        case 'ge':
          return c >= 0;
        case 'lt':
          return c < 0;
        case 'le':
          return c <= 0;
      }
      return false;
    }
    case 'in': {
      const v = resolve(obj, n.path, scope);
      return n.values.some((lit) => compareValues(v, lit) === 0);
    }
    case 'func': {
      const v = resolve(obj, n.path, scope);
      if (typeof v !== 'string' || n.value.kind !== 'string') return false;
      const a = v.toLowerCase();
      const b = n.value.value.toLowerCase();
      return n.name === 'startswith' ? a.startsWith(b) : a.endsWith(b);
    }
    case 'lambda': {
      const coll = resolve(obj, n.path, scope);
      if (!Array.isArray(coll)) return n.quantifier === 'all';
      const test = (el: unknown): boolean => {
        const inner = new Map(scope);
        inner.set(n.variable, el);
        return evalNode(n.body, obj, inner);
      };
      return n.quantifier === 'any' ? coll.some(test) : coll.every(test);
    }
  }
}

export function evaluateFilter(node: FilterNode, obj: unknown): boolean {
  return evalNode(node, obj, new Map());
}
