import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const RUNBOOK = join(import.meta.dirname, '..', '..', 'docs', 'real-teams.md');

/**
 * The setting names of one table of docs/real-teams.md, the table that follows `<!-- settings:<name> -->`: the
 * backticked names in its first column. Tests hold the runbook to what the server, the template and the test read.
 */
export function runbookSettings(table: 'app-settings' | 'optional-settings' | 'other-clouds'): string[] {
  const text = readFileSync(RUNBOOK, 'utf8');
  const marker = `<!-- settings:${table} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`docs/real-teams.md has no ${marker}`);
  const names: string[] = [];
  for (const line of text
    .slice(at + marker.length)
    .trimStart()
    .split('\n')) {
    if (!line.startsWith('|')) break;
    const m = /^\|\s*`([A-Z][A-Z0-9_]*)`/.exec(line);
    if (m) names.push(m[1]!);
  }
  if (names.length === 0) throw new Error(`the table after ${marker} lists no setting`);
  return names;
}
