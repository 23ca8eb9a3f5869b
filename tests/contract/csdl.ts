// Microsoft Graph v1.0 as a contract: loads the vendored CSDL (reference/msgraph/v1.0-structure.csdl) and
// resolves a request (method, path, $select, body property names) the way Graph's OData URL conventions do,
// so the sandbox's routes and Sesame's requests can be checked against Microsoft's own description.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXml, type XmlElement } from './xml-elements.js';

export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export const VENDORED_CSDL_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'reference',
  'msgraph',
  'v1.0-structure.csdl',
);

export interface TypeRef {
  /** Fully qualified name, aliases expanded (`microsoft.graph.user`, `Edm.String`). */
  type: string;
  collection: boolean;
}

export interface PropertyDef extends TypeRef {
  name: string;
  computed: boolean;
}

export interface NavigationDef extends TypeRef {
  name: string;
  containsTarget: boolean;
}

export interface StructuredTypeDef {
  kind: 'entity' | 'complex';
  name: string;
  fullName: string;
  baseType?: string;
  abstract: boolean;
  openType: boolean;
  /** Declared key property names (entity types only; inherited when absent). */
  key: string[];
  /** Alternate keys, each a list of (alias, property) pairs. */
  alternateKeys: { alias: string; property: string }[][];
  properties: Map<string, PropertyDef>;
  navigation: Map<string, NavigationDef>;
}

export interface OperationDef {
  kind: 'action' | 'function';
  name: string;
  namespace: string;
  binding: TypeRef;
  /** Parameter names after the binding parameter. */
  parameters: string[];
  optionalParameters: Set<string>;
  returns?: TypeRef;
  composable: boolean;
}

export interface ResolveOptions {
  /** `$select` names; also read from a `?$select=` in the path. */
  select?: string[];
  /** `$expand` navigation names (nested options in parentheses are ignored); also read from `?$expand=`. */
  expand?: string[];
  /** Top-level body property names; `a.b` checks `b` on the complex type of `a`. */
  bodyProperties?: string[];
}

export type TargetKind =
  | 'collection'
  | 'entity'
  | 'property'
  | 'count'
  | 'ref'
  | 'value'
  | 'action'
  | 'function'
  | 'batch'
  | 'metadata';

export interface ResolvedTarget {
  kind: TargetKind;
  /** The type the response (or, for writes, the body) is about; absent for $count, $ref, $batch. */
  type?: TypeRef;
  /** For actions and functions: `microsoft.graph.assignLicense`. */
  operation?: string;
}

export type ResolveResult =
  | { ok: true; target: ResolvedTarget; template: string; notes: string[] }
  | { ok: false; reason: string; template: string };

interface State {
  kind: TargetKind;
  type?: TypeRef;
  operation?: OperationDef;
  /** Set when the current collection is addressed by a key-less singleton or single-valued path. */
  singleton?: boolean;
  /** False for a collection reached through a navigation property that is not contained. */
  contained: boolean;
}

const EXTENSION_PROPERTY = /^extension_[0-9a-f]{32}_\w+$/i;

const attr = (el: XmlElement, name: string): string | undefined => el.attrs[name];

function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `name(args)` → name and the raw argument text (undefined when there are no parentheses). */
function splitSegment(segment: string): { name: string; args?: string } {
  const open = segment.indexOf('(');
  if (open < 0 || !segment.endsWith(')')) return { name: segment };
  return { name: segment.slice(0, open), args: segment.slice(open + 1, -1) };
}

/** `a='x',b=1` → [['a', "'x'"], ['b', '1']]; a bare value gives [['', value]]. */
function parseArgs(args: string): [string, string][] {
  if (args.trim() === '') return [];
  return splitOutside(args, ',').map((part) => {
    const eq = part.indexOf('=');
    const quote = part.indexOf("'");
    if (eq < 0 || (quote >= 0 && quote < eq)) return ['', part.trim()];
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
}

const isPlaceholder = (segment: string) => /^'?\{[^}]*\}'?$/.test(segment);

export class GraphModel {
  readonly types = new Map<string, StructuredTypeDef>();
  readonly enums = new Set<string>();
  readonly entitySets = new Map<string, string>();
  readonly singletons = new Map<string, string>();
  /** Operations by unqualified name. */
  readonly operations = new Map<string, OperationDef[]>();
  private readonly aliases = new Map<string, string>();
  private readonly namespaces = new Set<string>();
  private readonly derived = new Map<string, string[]>();

  constructor(csdlXml: string) {
    const root = parseXml(csdlXml);
    const schemas: XmlElement[] = [];
    const walk = (el: XmlElement) => {
      if (el.name === 'Schema') schemas.push(el);
      else el.children.forEach(walk);
    };
    walk(root);
    if (schemas.length === 0) throw new Error('no <Schema> in the CSDL document');
    for (const s of schemas) {
      const ns = attr(s, 'Namespace') as string;
      this.namespaces.add(ns);
      const alias = attr(s, 'Alias');
      if (alias) this.aliases.set(alias, ns);
    }
    for (const s of schemas) this.loadSchema(s);
    for (const t of this.types.values()) {
      if (!t.baseType) continue;
      const list = this.derived.get(t.baseType) ?? [];
      list.push(t.fullName);
      this.derived.set(t.baseType, list);
    }
  }

  /** Expands a namespace alias: `graph.user` → `microsoft.graph.user`. */
  qualify(name: string): string {
    const dot = name.lastIndexOf('.');
    if (dot < 0) return name;
    const ns = name.slice(0, dot);
    const expanded = this.aliases.get(ns);
    return expanded ? `${expanded}${name.slice(dot)}` : name;
  }

  typeRef(raw: string): TypeRef {
    const m = /^Collection\((.*)\)$/.exec(raw);
    return { type: this.qualify(m ? (m[1] as string) : raw), collection: Boolean(m) };
  }

  private loadSchema(schema: XmlElement): void {
    const ns = attr(schema, 'Namespace') as string;
    for (const el of schema.children) {
      const name = attr(el, 'Name') as string;
      switch (el.name) {
        case 'EntityType':
        case 'ComplexType':
          this.types.set(`${ns}.${name}`, this.loadStructuredType(ns, el));
          break;
        case 'EnumType':
          this.enums.add(`${ns}.${name}`);
          break;
        case 'Action':
        case 'Function':
          this.loadOperation(ns, el);
          break;
        case 'EntityContainer':
          for (const c of el.children) {
            const type = attr(c, c.name === 'EntitySet' ? 'EntityType' : 'Type');
            if (!type) continue;
            if (c.name === 'EntitySet') this.entitySets.set(attr(c, 'Name') as string, this.qualify(type));
            if (c.name === 'Singleton') this.singletons.set(attr(c, 'Name') as string, this.qualify(type));
          }
          break;
      }
    }
  }

  private loadStructuredType(ns: string, el: XmlElement): StructuredTypeDef {
    const name = attr(el, 'Name') as string;
    const def: StructuredTypeDef = {
      kind: el.name === 'EntityType' ? 'entity' : 'complex',
      name,
      fullName: `${ns}.${name}`,
      baseType: attr(el, 'BaseType') ? this.qualify(attr(el, 'BaseType') as string) : undefined,
      abstract: attr(el, 'Abstract') === 'true',
      openType: attr(el, 'OpenType') === 'true',
      key: [],
      alternateKeys: [],
      properties: new Map(),
      navigation: new Map(),
    };
    for (const c of el.children) {
      if (c.name === 'Key') {
        def.key = c.children.map((r) => attr(r, 'Name') as string);
      } else if (c.name === 'Property') {
        const computed = c.children.some(
          (a) => attr(a, 'Term') === 'Org.OData.Core.V1.Computed' && attr(a, 'Bool') !== 'false',
        );
        def.properties.set(attr(c, 'Name') as string, {
          name: attr(c, 'Name') as string,
          ...this.typeRef(attr(c, 'Type') as string),
          computed,
        });
      } else if (c.name === 'NavigationProperty') {
        def.navigation.set(attr(c, 'Name') as string, {
          name: attr(c, 'Name') as string,
          ...this.typeRef(attr(c, 'Type') as string),
          containsTarget: attr(c, 'ContainsTarget') === 'true',
        });
      } else if (c.name === 'Annotation' && attr(c, 'Term') === 'Org.OData.Core.V1.AlternateKeys') {
        for (const record of c.children.flatMap((col) => col.children)) {
          const refs = record.children
            .flatMap((pv) => pv.children)
            .flatMap((col) => col.children)
            .map((ref) => {
              const values = new Map(ref.children.map((pv) => [attr(pv, 'Property'), pv.attrs]));
              return {
                alias: values.get('Alias')?.String ?? '',
                property: values.get('Name')?.PropertyPath ?? '',
              };
            });
          if (refs.length > 0) def.alternateKeys.push(refs);
        }
      }
    }
    return def;
  }

  private loadOperation(ns: string, el: XmlElement): void {
    if (attr(el, 'IsBound') !== 'true') return;
    const params = el.children.filter((c) => c.name === 'Parameter');
    const [binding, ...rest] = params;
    if (!binding) return;
    const returns = el.children.find((c) => c.name === 'ReturnType');
    const op: OperationDef = {
      kind: el.name === 'Action' ? 'action' : 'function',
      name: attr(el, 'Name') as string,
      namespace: ns,
      binding: this.typeRef(attr(binding, 'Type') as string),
      parameters: rest.map((p) => attr(p, 'Name') as string),
      optionalParameters: new Set(
        rest
          .filter((p) => p.children.some((a) => attr(a, 'Term') === 'Org.OData.Core.V1.OptionalParameter'))
          .map((p) => attr(p, 'Name') as string),
      ),
      returns: returns ? this.typeRef(attr(returns, 'Type') as string) : undefined,
      composable: attr(el, 'IsComposable') === 'true',
    };
    const list = this.operations.get(op.name) ?? [];
    list.push(op);
    this.operations.set(op.name, list);
  }

  /** The type and its ancestors, most derived first. */
  lineage(fullName: string): StructuredTypeDef[] {
    const out: StructuredTypeDef[] = [];
    for (let t = this.types.get(fullName); t; t = t.baseType ? this.types.get(t.baseType) : undefined) {
      out.push(t);
    }
    return out;
  }

  isSameOrDerived(candidate: string, base: string): boolean {
    return this.lineage(candidate).some((t) => t.fullName === base);
  }

  /** All types derived (transitively) from `fullName`, excluding itself. */
  descendants(fullName: string): string[] {
    const out: string[] = [];
    const stack = [...(this.derived.get(fullName) ?? [])];
    while (stack.length > 0) {
      const t = stack.pop() as string;
      out.push(t);
      stack.push(...(this.derived.get(t) ?? []));
    }
    return out;
  }

  findProperty(typeName: string, name: string): PropertyDef | undefined {
    for (const t of this.lineage(typeName)) {
      const p = t.properties.get(name);
      if (p) return p;
    }
    return undefined;
  }

  findNavigation(typeName: string, name: string): NavigationDef | undefined {
    for (const t of this.lineage(typeName)) {
      const n = t.navigation.get(name);
      if (n) return n;
    }
    return undefined;
  }

  keyOf(typeName: string): string[] {
    for (const t of this.lineage(typeName)) if (t.key.length > 0) return t.key;
    return [];
  }

  alternateKeysOf(typeName: string): { alias: string; property: string }[][] {
    return this.lineage(typeName).flatMap((t) => t.alternateKeys);
  }

  /** The bound operation named `name` (qualified or not) applicable to `binding`, most specific first. */
  findOperation(name: string, binding: TypeRef): OperationDef | undefined {
    const qualified = this.qualify(name);
    const dot = qualified.lastIndexOf('.');
    const ns = dot >= 0 ? qualified.slice(0, dot) : undefined;
    const simple = dot >= 0 ? qualified.slice(dot + 1) : qualified;
    if (ns !== undefined && !this.namespaces.has(ns)) return undefined;
    const candidates = (this.operations.get(simple) ?? []).filter(
      (op) =>
        (ns === undefined || op.namespace === ns) &&
        op.binding.collection === binding.collection &&
        this.isSameOrDerived(binding.type, op.binding.type),
    );
    const depth = (op: OperationDef) => this.lineage(op.binding.type).length;
    return candidates.sort((a, b) => depth(b) - depth(a))[0];
  }

  /** A segment naming a known structured type, possibly through an alias; undefined otherwise. */
  private asTypeName(segment: string): string | undefined {
    if (!segment.includes('.')) return undefined;
    const q = this.qualify(segment);
    return this.types.has(q) ? q : undefined;
  }

  private looksQualified(segment: string): boolean {
    const dot = segment.lastIndexOf('.');
    if (dot < 0) return false;
    const ns = segment.slice(0, dot);
    return this.namespaces.has(ns) || this.aliases.has(ns);
  }

  /**
   * Resolves `method path` against the model. `path` is relative to the service root (`/v1.0`), may use
   * `{placeholders}` for keys and values, and may carry a query string (only `$select` is read from it).
   */
  resolve(method: GraphMethod, path: string, options: ResolveOptions = {}): ResolveResult {
    const [rawPath, query] = splitOnce(path, '?');
    const select = [...(options.select ?? [])];
    const expand = [...(options.expand ?? [])];
    if (query) {
      for (const pair of query.split('&')) {
        const [k, v] = splitOnce(pair, '=');
        const value = v ? decodeURIComponent(v) : '';
        if (decodeURIComponent(k) === '$select' && value) select.push(...value.split(','));
        if (decodeURIComponent(k) === '$expand' && value) expand.push(...splitOutside(value, ','));
      }
    }
    const segments = splitOutside(rawPath.replace(/^\/+|\/+$/g, ''), '/').filter((s) => s !== '');
    const template: string[] = [];
    const fail = (reason: string): ResolveResult => ({
      ok: false,
      reason,
      template: '/' + template.join('/'),
    });
    const where = () => (template.length === 0 ? 'the service root' : '/' + template.join('/'));
    const notes: string[] = [];

    if (segments.length === 0) return fail('empty path');
    const first = segments[0] as string;
    if (first === '$batch') {
      if (segments.length > 1) return fail(`nothing may follow $batch`);
      if (method !== 'POST') return fail(`$batch accepts POST only, not ${method}`);
      return { ok: true, target: { kind: 'batch' }, template: '/$batch', notes };
    }
    if (first === '$metadata') {
      if (method !== 'GET') return fail(`$metadata accepts GET only, not ${method}`);
      return { ok: true, target: { kind: 'metadata' }, template: '/$metadata', notes };
    }

    let state: State;
    {
      const { name, args } = splitSegment(first);
      const setType = this.entitySets.get(name);
      const singletonType = this.singletons.get(name);
      if (setType) {
        state = { kind: 'collection', type: { type: setType, collection: true }, contained: true };
        template.push(name);
        if (args !== undefined) {
          const keyed = this.applyParenthesizedKey(state, args, template);
          if (typeof keyed === 'string') return fail(keyed);
          state = keyed;
        }
      } else if (singletonType) {
        template.push(name);
        if (args !== undefined) return fail(`'${name}' is a singleton: it takes no key`);
        state = {
          kind: 'entity',
          type: { type: singletonType, collection: false },
          singleton: true,
          contained: true,
        };
      } else {
        return fail(`unknown entity set or singleton '${name}'`);
      }
    }

    for (let i = 1; i < segments.length; i++) {
      const segment = segments[i] as string;
      const { name, args } = splitSegment(segment);
      const here = where();
      if (state.kind === 'action')
        return fail(`nothing may follow the action ${state.operation?.name} (${here})`);
      if (state.kind === 'function' && !state.operation?.composable) {
        return fail(
          `the function ${state.operation?.name} is not composable: nothing may follow it (${here})`,
        );
      }
      if (state.kind === 'count' || state.kind === 'ref' || state.kind === 'value') {
        return fail(`nothing may follow ${segments[i - 1]} (${here})`);
      }
      const current = state.type as TypeRef;

      if (segment === '$count') {
        if (!current.collection) return fail(`$count needs a collection, ${here} is single-valued`);
        template.push('$count');
        state = { kind: 'count', contained: true };
        continue;
      }
      if (segment === '$ref') {
        if (!this.types.has(current.type) || this.types.get(current.type)?.kind !== 'entity') {
          return fail(`$ref needs entities, ${here} is not an entity reference`);
        }
        template.push('$ref');
        state = { kind: 'ref', contained: true };
        continue;
      }
      if (segment === '$value') {
        template.push('$value');
        state = { kind: 'value', contained: true };
        continue;
      }

      // Type cast: microsoft.graph.user (or graph.user).
      const castType = args === undefined ? this.asTypeName(name) : undefined;
      if (castType) {
        if (!this.isSameOrDerived(castType, current.type)) {
          return fail(`cannot cast ${here} (${current.type}) to ${castType}: not a derived type`);
        }
        template.push(castType);
        state = { ...state, type: { type: castType, collection: current.collection } };
        continue;
      }

      // Bound action or function (qualified or not).
      const op = this.findOperation(name, current);
      if (op) {
        template.push(
          op.kind === 'function'
            ? `${op.name}(${op.parameters.map((p) => `${p}={${p}}`).join(',')})`
            : op.name,
        );
        if (op.kind === 'function' && args !== undefined) {
          for (const [p] of parseArgs(args)) {
            if (p !== '' && !op.parameters.includes(p)) {
              return fail(`function ${op.namespace}.${op.name} has no parameter '${p}'`);
            }
          }
        }
        state = { kind: op.kind, type: op.returns, operation: op, contained: true };
        continue;
      }
      if (this.looksQualified(name)) return fail(`unknown type or operation '${name}' after ${here}`);

      if (current.collection) {
        const def = this.types.get(current.type);
        if (!def || def.kind !== 'entity') return fail(`unknown segment '${segment}' after ${here}`);
        // Key: /users/{id} (key-as-segment) or /users('id') / /servicePrincipals(appId='…') on a navigation.
        if (args !== undefined && name !== '') {
          return fail(`unknown segment '${segment}' after ${here}: not a key, cast or bound operation`);
        }
        if (args !== undefined) {
          const keyed = this.applyParenthesizedKey(state, args, template);
          if (typeof keyed === 'string') return fail(keyed);
          state = keyed;
        } else {
          template.push('{id}');
          state = {
            kind: 'entity',
            type: { type: current.type, collection: false },
            contained: state.contained,
          };
        }
        continue;
      }

      // Single-valued: navigation or structural property.
      const nav = this.findNavigation(current.type, name);
      if (nav) {
        template.push(name);
        state = {
          kind: nav.collection ? 'collection' : 'entity',
          type: { type: nav.type, collection: nav.collection },
          contained: nav.containsTarget,
        };
        if (args !== undefined) {
          // members('x') keys a collection-valued navigation; a single-valued one takes no key.
          if (!nav.collection) return fail(`unexpected key: '${name}' of ${current.type} is single-valued`);
          const keyed = this.applyParenthesizedKey(state, args, template);
          if (typeof keyed === 'string') return fail(keyed);
          state = keyed;
        }
        continue;
      }
      const prop = args === undefined ? this.findProperty(current.type, name) : undefined;
      if (prop) {
        template.push(name);
        state = { kind: 'property', type: { type: prop.type, collection: prop.collection }, contained: true };
        continue;
      }
      if (isPlaceholder(segment) || args !== undefined) {
        const what = state.singleton ? `${here} is a singleton` : `${here} is a single ${current.type}`;
        return fail(`unexpected key '${segment}': ${what}, not a collection`);
      }
      return fail(`unknown segment '${segment}' after ${here}`);
    }

    const template$ = '/' + template.join('/');
    const methodError = this.checkMethod(method, state);
    if (methodError) return { ok: false, reason: `${methodError} (${template$})`, template: template$ };

    if (select.length > 0) {
      const error = this.checkSelect(state, select);
      if (error) return { ok: false, reason: error, template: template$ };
    }
    if (expand.length > 0) {
      const error = this.checkExpand(state, expand);
      if (error) return { ok: false, reason: error, template: template$ };
    }
    if (options.bodyProperties && options.bodyProperties.length > 0) {
      const error = this.checkBody(method, state, options.bodyProperties, notes);
      if (error) return { ok: false, reason: error, template: template$ };
    }
    const target: ResolvedTarget = { kind: state.kind };
    if (state.type) target.type = state.type;
    if (state.operation) target.operation = `${state.operation.namespace}.${state.operation.name}`;
    return { ok: true, target, template: template$, notes };
  }

  private applyParenthesizedKey(state: State, args: string, template: string[]): State | string {
    const type = (state.type as TypeRef).type;
    const pairs = parseArgs(args);
    const key = this.keyOf(type);
    const alternates = this.alternateKeysOf(type);
    const names = pairs.map(([k]) => k);
    if (names.length === 1 && names[0] === '') {
      template[template.length - 1] += '({id})';
    } else if (names.length === key.length && key.every((k) => names.includes(k))) {
      template[template.length - 1] += `(${names.map((n) => `${n}={id}`).join(',')})`;
    } else {
      const alt = alternates.find(
        (a) => a.length === names.length && a.every((ref) => names.includes(ref.alias || ref.property)),
      );
      if (!alt) {
        const known = [
          key.join(','),
          ...alternates.map((a) => a.map((r) => r.alias || r.property).join(',')),
        ];
        return `'${names.join(',')}' is not a key of ${type} (keys: ${known.join('; ')})`;
      }
      template[template.length - 1] += `(${names.map((n) => `${n}={${n}}`).join(',')})`;
    }
    return { kind: 'entity', type: { type, collection: false }, contained: state.contained };
  }

  private checkMethod(method: GraphMethod, state: State): string | undefined {
    const allowed: Record<TargetKind, GraphMethod[]> = {
      collection: ['GET', 'POST'],
      entity: ['GET', 'PATCH', 'PUT', 'DELETE'],
      property: ['GET', 'PUT', 'PATCH', 'DELETE'],
      count: ['GET'],
      ref: ['GET', 'POST', 'PUT', 'DELETE'],
      value: ['GET', 'PUT'],
      action: ['POST'],
      function: ['GET'],
      batch: ['POST'],
      metadata: ['GET'],
    };
    if (allowed[state.kind].includes(method)) {
      if (state.kind === 'entity' && state.singleton && method === 'DELETE') {
        return 'DELETE on a singleton is not defined';
      }
      return undefined;
    }
    switch (state.kind) {
      case 'action':
        return `${state.operation?.name} is an action: it takes POST, not ${method}`;
      case 'function':
        return `${state.operation?.name} is a function: it takes GET, not ${method}`;
      case 'entity':
        return `${method} on a single entity is not defined (POST needs a collection or an action)`;
      case 'collection':
        return `${method} on a collection is not defined (address one entity by its key)`;
      default:
        return `${method} is not defined on a ${state.kind} segment`;
    }
  }

  /** Structural or navigation member of `typeName`, or of a derived type named through `cast/name`. */
  private memberExists(typeName: string, name: string): boolean {
    return (
      this.findProperty(typeName, name) !== undefined || this.findNavigation(typeName, name) !== undefined
    );
  }

  private checkSelect(state: State, select: string[]): string | undefined {
    const t = state.type;
    if (!t || !this.types.has(t.type)) return `$select is not applicable here (${state.kind})`;
    const open = this.lineage(t.type).some((d) => d.openType);
    for (const raw of select) {
      const item = raw.trim();
      if (item === '*' || item === '') continue;
      const parts = item.split('/');
      if (parts.length === 2) {
        const cast = this.asTypeName(parts[0] as string);
        if (!cast || !this.isSameOrDerived(cast, t.type)) {
          return `$select '${item}': ${parts[0]} is not a type derived from ${t.type}`;
        }
        if (!this.memberExists(cast, parts[1] as string)) return `property '${parts[1]}' is not on ${cast}`;
        continue;
      }
      if (this.memberExists(t.type, item)) continue;
      if (open && EXTENSION_PROPERTY.test(item)) continue;
      const onDerived = this.descendants(t.type).find((d) => this.memberExists(d, item));
      const hint = onDerived ? ` (it is on ${onDerived}: cast to it first)` : '';
      return `property '${item}' is not on ${t.type}${hint}`;
    }
    return undefined;
  }

  private checkExpand(state: State, expand: string[]): string | undefined {
    const t = state.type;
    if (!t || !this.types.has(t.type)) return `$expand is not applicable here (${state.kind})`;
    for (const raw of expand) {
      const item = (splitSegment(raw.trim()).name.split('/$ref')[0] as string).trim();
      if (item === '*' || item === '') continue;
      const parts = item.split('/');
      let owner = t.type;
      if (parts.length === 2) {
        const cast = this.asTypeName(parts[0] as string);
        if (!cast || !this.isSameOrDerived(cast, t.type)) {
          return `$expand '${item}': ${parts[0]} is not a type derived from ${t.type}`;
        }
        owner = cast;
      }
      const name = parts[parts.length - 1] as string;
      if (!this.findNavigation(owner, name)) {
        const onDerived = this.descendants(owner).find((d) => this.findNavigation(d, name));
        const hint = onDerived ? ` (it is on ${onDerived}: cast to it first)` : '';
        return `navigation property '${name}' is not on ${owner}${hint}`;
      }
    }
    return undefined;
  }

  private checkBody(method: GraphMethod, state: State, body: string[], notes: string[]): string | undefined {
    if (state.kind === 'action') {
      const op = state.operation as OperationDef;
      for (const p of body) {
        const top = p.split('.')[0] as string;
        if (!op.parameters.includes(top))
          return `parameter '${top}' is not on action ${op.namespace}.${op.name}`;
      }
      return undefined;
    }
    if (state.kind === 'ref') {
      const bad = body.find((p) => p !== '@odata.id');
      return bad ? `a $ref body holds only @odata.id, not '${bad}'` : undefined;
    }
    if (state.kind === 'property') {
      const t = state.type as TypeRef;
      if (t.collection || !this.types.has(t.type)) {
        const bad = body.find((p) => p !== 'value');
        return bad ? `a property body holds 'value', not '${bad}'` : undefined;
      }
      return this.checkBodyOnType(t.type, body, false);
    }
    if ((state.kind === 'collection' && method === 'POST') || state.kind === 'entity') {
      const t = (state.type as TypeRef).type;
      const def = this.types.get(t);
      const hasOdataType = body.includes('@odata.type');
      if (def?.abstract && method === 'POST' && !hasOdataType) {
        return `${t} is abstract: the body needs @odata.type naming a concrete derived type`;
      }
      if (hasOdataType) notes.push(`@odata.type given: properties of types derived from ${t} accepted`);
      const computed = body.filter((p) => this.findProperty(t, p)?.computed);
      if (computed.length > 0)
        notes.push(`computed (read-only) properties in the body: ${computed.join(', ')}`);
      return this.checkBodyOnType(t, body, hasOdataType);
    }
    return `a body is not expected for ${method} on a ${state.kind}`;
  }

  private checkBodyOnType(typeName: string, body: string[], allowDerived: boolean): string | undefined {
    const candidates = allowDerived ? [typeName, ...this.descendants(typeName)] : [typeName];
    const open = this.lineage(typeName).some((d) => d.openType);
    for (const raw of body) {
      if (raw === '@odata.type') continue;
      const bind = /^(.+)@odata\.bind$/.exec(raw);
      if (bind) {
        const navName = bind[1] as string;
        if (!candidates.some((c) => this.findNavigation(c, navName))) {
          return `'${raw}': '${navName}' is not a navigation property of ${typeName}`;
        }
        continue;
      }
      const [top, ...rest] = raw.split('.');
      const owner = candidates.find((c) => this.memberExists(c, top as string));
      if (!owner) {
        if (open && EXTENSION_PROPERTY.test(top as string)) continue;
        return `property '${top}' is not on ${typeName}`;
      }
      // Nested names (passwordProfile.forceChangePasswordNextSignIn) walk complex types.
      let currentType = (this.findProperty(owner, top as string) ?? this.findNavigation(owner, top as string))
        ?.type;
      for (const part of rest) {
        if (!currentType || !this.memberExists(currentType, part)) {
          return `property '${part}' is not on ${currentType ?? 'a primitive value'} (in '${raw}')`;
        }
        currentType = (this.findProperty(currentType, part) ?? this.findNavigation(currentType, part))?.type;
      }
    }
    return undefined;
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

let defaultModel: GraphModel | undefined;

/** The model of the vendored Graph v1.0 CSDL, parsed once per process. */
export function loadGraphModel(path: string = VENDORED_CSDL_PATH): GraphModel {
  if (path !== VENDORED_CSDL_PATH) return new GraphModel(readFileSync(path, 'utf8'));
  defaultModel ??= new GraphModel(readFileSync(path, 'utf8'));
  return defaultModel;
}

/** Resolves a request against the vendored Graph v1.0 description. */
export function resolveGraphRequest(
  method: GraphMethod,
  path: string,
  options?: ResolveOptions,
): ResolveResult {
  return loadGraphModel().resolve(method, path, options);
}
