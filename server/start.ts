/**
 * The production entry point (`node dist/server/start.js`): refuses a Node older than package.json's "engines"
 * before anything else loads, since a too-old runtime would otherwise fail later with an obscure error (a missing
 * API, or the native SQLite module refusing to load), then starts the server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from './app-root.js';

/** The lowest version a ">=X.Y[.Z]" range allows, or undefined for any other form. */
export function minimumNodeVersion(range: string): [number, number, number] | undefined {
  const m = /^\s*>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

export function satisfiesMinimum(version: string, minimum: readonly [number, number, number]): boolean {
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = minimum[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function enginesRange(): string | undefined {
  const pkg = JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as {
    engines?: { node?: string };
  };
  return pkg.engines?.node;
}

const range = enginesRange();
const minimum = range ? minimumNodeVersion(range) : undefined;
if (minimum && !satisfiesMinimum(process.version, minimum)) {
  console.error(
    `Sesame cannot start: Node ${process.version} is older than the ${range} package.json requires. ` +
      'Set the App Service stack to Node 24 LTS (linuxFxVersion NODE|24-lts).',
  );
  process.exit(2);
}

const { main } = await import('./main.js');
await main().catch((e: unknown) => {
  console.error('Sesame failed to start:', e);
  process.exit(1);
});
