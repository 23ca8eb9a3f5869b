import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINIMUM_NODE, unsupportedNodeMessage } from '../../scripts/node-version-guard.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

// Every file that is started as a program (by an npm script or, as its header says, with `npx tsx`).
const ENTRY_POINTS = [
  'server/main.ts',
  'sandbox/main.ts',
  'scripts/start-local.ts',
  'scripts/build-tab.ts',
  'scripts/package-app.ts',
  'scripts/build-deploy-artifact.ts',
  'scripts/render-cards.ts',
  'scripts/make-icons.ts',
  'scripts/vendor-graph-reference.ts',
  'bench/run-all.ts',
  'bench/bot-turn-overhead.ts',
  'bench/sandbox-overhead.ts',
  'bench/tab-bundle.ts',
];

describe('Node.js version guard', () => {
  it('refuses Node 20 and says how to run on the pinned Node', () => {
    const message = unsupportedNodeMessage('20.20.2', '/usr/bin/node');
    expect(message).toContain('Node.js 22.12 or later');
    expect(message).toContain('v20.20.2 (/usr/bin/node)');
    expect(message).toContain('npm start');
    expect(message).toContain('export PATH="$PWD/node_modules/.bin:$PATH"');
  });

  it('tells a deployed Sesame (SESAME_MODE=production) to change the host runtime, not to use npm', () => {
    const message = unsupportedNodeMessage('20.20.2', '/usr/local/bin/node', 'production');
    expect(message).toContain('Node.js 22.12 or later');
    expect(message).toContain('--linux-fx-version "NODE|24-lts"');
    expect(message).not.toContain('npm start');
  });

  it('draws the line at 22.12', () => {
    expect(unsupportedNodeMessage('v22.11.0', 'node')).toBeDefined();
    expect(unsupportedNodeMessage('22.12.0', 'node')).toBeUndefined();
    expect(unsupportedNodeMessage('23.0.0', 'node')).toBeUndefined();
    expect(unsupportedNodeMessage('24.21.0', 'node')).toBeUndefined();
    expect(unsupportedNodeMessage('26.1.0', 'node')).toBeUndefined();
  });

  it('agrees with package.json engines, and the pinned runtime passes it', () => {
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
    expect(unsupportedNodeMessage(pkg.devDependencies.node ?? '0', 'node')).toBeUndefined();
  });

  it.each(ENTRY_POINTS)('%s imports the guard before anything else', (file) => {
    const source = readFileSync(resolve(root, file), 'utf8');
    const firstImport = source.split('\n').find((line) => line.startsWith('import '));
    expect(firstImport).toMatch(/^import '(\.\/|(\.\.\/)+scripts\/)node-version-guard\.js';/);
  });

  it('covers every program an npm script starts with tsx', () => {
    const started = Object.values(pkg.scripts).flatMap((script) =>
      [...script.matchAll(/\btsx (\S+\.ts)/g)].map((m) => m[1]),
    );
    expect(started.length).toBeGreaterThan(0);
    for (const file of started) expect(ENTRY_POINTS).toContain(file);
  });
});
