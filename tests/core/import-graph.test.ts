// core/ has no import cycle, and its lower layers never import the upper ones. A test rather than an ESLint
// plugin (import-x/no-cycle): our imports are all relative ESM paths ending in .js, so a plain walk resolves them
// exactly, with no resolver to configure and no new dependency; type-only imports count too, since a cycle of
// types is still a knot in the design the review asked to untie.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core');

/** Folders and files below procedures/ and engine/: they must not import either. */
const LOWER = ['i18n/', 'calendar/', 'graph/', 'ports/', 'directory-roles.ts', 'errors.ts', 'json.ts'];
const UPPER = ['procedures/', 'engine/'];

type ImportGraph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Each core file (relative to core/) → the core files it imports, `import type` and re-exports included. */
function coreImports(): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(CORE)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]!);
    const targets = specifiers
      .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
      .filter((t) => t.startsWith(CORE + '/'))
      .map((t) => relative(CORE, t));
    graph.set(relative(CORE, file), [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle, as the files on it (strongly connected components of more than one file, or a self-import). */
function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Each core file (relative to core/) → the modules it imports that are not relative paths (packages, node:…). */
function packageImports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sourceFiles(CORE)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^.'"][^'"]*)['"]/gm),
      ...text.matchAll(/^\s*import\s+['"]([^.'"][^'"]*)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"]([^.'"][^'"]*)['"]\s*\)/g),
    ].map((m) => m[1]!);
    out.set(relative(CORE, file), [...new Set(specifiers)]);
  }
  return out;
}

describe('the import graph of core/', () => {
  const graph = coreImports();

  it('imports no node-only module (node:async_hooks, fs…): the browser tab may import core', () => {
    const imports = packageImports();
    expect(imports.get('calendar/tenant-calendars.ts')).toContain('date-holidays'); // the walk sees packages
    const nodeOnly = [...imports].flatMap(([file, specifiers]) =>
      specifiers.filter((s) => isBuiltin(s)).map((s) => `${file} → ${s}`),
    );
    expect(nodeOnly).toEqual([]);
  });

  it('reads the imports (type-only and re-exports included)', () => {
    expect(graph.size).toBeGreaterThan(30);
    expect(graph.get('procedures/types.ts')).toContain('ports/tenant-graph.ts'); // an `import type`
    expect(graph.get('ports/tenant-graph.ts')).toContain('graph/operations/index.ts'); // an `export type … from`
  });

  it('has no cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('has no arrow from a lower layer (i18n, calendar, graph, ports…) up to procedures/ or engine/', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      LOWER.some((l) => from.startsWith(l))
        ? targets.filter((t) => UPPER.some((u) => t.startsWith(u))).map((t) => `${from} → ${t}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it('would report a cycle, and a self-import', () => {
    const knotted = new Map([
      ['procedures/types.ts', ['engine/run.ts', 'json.ts']],
      ['engine/run.ts', ['engine/preflight.ts']],
      ['engine/preflight.ts', ['procedures/types.ts']],
      ['json.ts', []],
      ['loop.ts', ['loop.ts']],
    ]);
    expect(findCycles(knotted)).toEqual([
      ['engine/preflight.ts', 'engine/run.ts', 'procedures/types.ts'],
      ['loop.ts'],
    ]);
  });
});
