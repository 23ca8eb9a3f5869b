/**
 * Stops a process started on a Node.js older than Sesame supports, with what to do, before anything native loads
 * (better-sqlite3 13 needs Node 22; on Node 20 it crashes the process instead of failing cleanly).
 * npm scripts always run on the Node pinned in devDependencies (node_modules/.bin/node); this guard is for what is
 * started another way (`node …`, `node_modules/.bin/tsx …`, a compiled `dist/…/main.js`). Every entry point
 * imports it first: ES modules evaluate imports in order, so the check runs before the next import loads.
 */

/** The oldest supported Node.js; package.json `engines.node` says the same (a test keeps them equal). */
export const MINIMUM_NODE = '22.12';

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
}

/**
 * Why this Node.js cannot run Sesame and what to do instead, or undefined when it can. A deployed Sesame
 * (`SESAME_MODE=production`) has no pinned Node in node_modules: the host's runtime setting is what to change.
 */
export function unsupportedNodeMessage(
  version: string,
  execPath: string,
  mode: string | undefined = undefined,
): string | undefined {
  const have = parts(version);
  const need = parts(MINIMUM_NODE);
  for (let i = 0; i < need.length; i++) {
    const h = have[i] ?? 0;
    const n = need[i] ?? 0;
    if (h > n) return undefined;
    if (h < n) {
      const first = `Sesame needs Node.js ${MINIMUM_NODE} or later (24 LTS is the tested runtime); this is Node.js v${version.replace(/^v/, '')} (${execPath}).`;
      if (mode === 'production') {
        return [
          first,
          'Set the host to Node.js 24 LTS. On Azure App Service (Linux): Configuration → General settings →',
          'Stack "Node", version "Node 24 LTS", or',
          '  az webapp config set -g <resource group> -n <app> --linux-fx-version "NODE|24-lts"',
          "(infra/main.bicep sets linuxFxVersion 'NODE|24-lts'; docs/real-teams.md has the deployment steps).",
        ].join('\n');
      }
      return [
        first,
        'Start it through npm, which runs the Node.js 24 pinned in node_modules/.bin:',
        '  npm install        (once; fetches the pinned Node.js from the npm registry)',
        '  npm start          (or npm run serve, npm run sandbox, npm test, npx tsx <file>)',
        'or put the pinned Node.js first on PATH for this shell:',
        '  export PATH="$PWD/node_modules/.bin:$PATH"',
      ].join('\n');
    }
  }
  return undefined;
}

const problem = unsupportedNodeMessage(process.versions.node, process.execPath, process.env.SESAME_MODE);
if (problem) {
  console.error(problem);
  process.exit(1);
}
