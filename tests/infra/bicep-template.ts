/**
 * Reads infra/main.bicep as text. No Bicep compiler can be installed here (none on the npm registry or in Debian;
 * the official CLI is a download from GitHub), so the tests read the few constructs they check: parameters,
 * variables with a single-quoted value, application settings, outputs and `key: 'value'` properties.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface BicepTemplate {
  readonly text: string;
  readonly params: ReadonlyMap<string, { type: string; secure: boolean; hasDefault: boolean }>;
  readonly vars: ReadonlyMap<string, string>;
  readonly appSettings: ReadonlyMap<string, string>;
  readonly outputs: ReadonlyMap<string, string>;
  /** `'${name}'` interpolations replaced from `values`; throws on one it cannot fill. */
  interpolate(bicepString: string, values: Readonly<Record<string, string>>): string;
}

export function readBicep(path = 'infra/main.bicep'): BicepTemplate {
  const text = readFileSync(join(root, path), 'utf8');
  const lines = text.split('\n');
  const params = new Map<string, { type: string; secure: boolean; hasDefault: boolean }>();
  lines.forEach((line, i) => {
    const m = /^param (\w+) (\w+)( = .*)?$/.exec(line);
    if (!m) return;
    let secure = false;
    for (let j = i - 1; j >= 0 && lines[j]!.startsWith('@'); j--)
      if (lines[j]!.startsWith('@secure()')) secure = true;
    params.set(m[1]!, { type: m[2]!, secure, hasDefault: m[3] !== undefined });
  });
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^var (\w+) = '((?:[^'\\]|\\.)*)'$/gm)) vars.set(m[1]!, m[2]!);
  const settingsBlock = /appSettings: \[\n([\s\S]*?)\n\s*\]/.exec(text)?.[1] ?? '';
  const appSettings = new Map<string, string>();
  for (const m of settingsBlock.matchAll(/\{ name: '(\w+)', value: (.+) \}/g)) appSettings.set(m[1]!, m[2]!);
  const outputs = new Map<string, string>();
  for (const m of text.matchAll(/^output (\w+) string = (.+)$/gm)) outputs.set(m[1]!, m[2]!);
  return {
    text,
    params,
    vars,
    appSettings,
    outputs,
    interpolate(s, values) {
      return s.replace(/\$\{(\w+)\}/g, (_, name: string) => {
        const v = values[name] ?? (vars.has(name) ? this.interpolate(vars.get(name)!, values) : undefined);
        if (v === undefined) throw new Error(`cannot fill \${${name}} in '${s}'`);
        return v;
      });
    },
  };
}

/** The body of one `resource <symbol> '<type>@<version>' = { … }` declaration (up to the next top-level `}`). */
export function resourceBlock(text: string, symbol: string): { type: string; body: string } {
  const m = new RegExp(`^resource ${symbol} '([^']+)' = \\{\\n([\\s\\S]*?)\\n\\}`, 'm').exec(text);
  if (!m) throw new Error(`no resource ${symbol} in the template`);
  return { type: m[1]!, body: m[2]! };
}

/** infra/main.parameters.json: parameter name → its value (with the Toolkit's ${{VAR}} placeholders). */
export function readParameters(): Record<string, string> {
  const json = JSON.parse(readFileSync(join(root, 'infra', 'main.parameters.json'), 'utf8')) as {
    parameters: Record<string, { value: string }>;
  };
  return Object.fromEntries(Object.entries(json.parameters).map(([k, v]) => [k, v.value]));
}

/** Names declared (`NAME=`) in an env file. */
export function envFileNames(file: string): Set<string> {
  const text = readFileSync(join(root, file), 'utf8');
  return new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}
