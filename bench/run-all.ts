/**
 * Runs every benchmark (bench/*.ts but this file) one after the other, each in its own Node process so one's
 * heap, JIT state and servers never colour the next one's figures. `npm run bench`, or `npm run bench -- <name>…`
 * for some of them (file names without .ts). Each benchmark prints its figures and writes bench/results/<name>.json.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');
/** A benchmark still running after this is stopped and counted as failed. */
const TIMEOUT_MS = 10 * 60_000;

const all = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && f !== basename(fileURLToPath(import.meta.url)))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? all.filter((name) => wanted.includes(name)) : all;

function run(name: string): Promise<{ code: number | null; timedOut: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, `${name}.ts`)], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, timedOut });
    });
  });
}

const outcomes: { name: string; seconds: number; ok: boolean; note: string }[] = [];
for (const name of selected) {
  console.log(`\n=== ${name} ===`);
  const t0 = performance.now();
  const { code, timedOut } = await run(name);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  const ok = code === 0 && !timedOut;
  outcomes.push({ name, seconds, ok, note: timedOut ? 'timed out' : ok ? 'ok' : `exit ${code ?? 'signal'}` });
}

console.log('\n=== summary ===');
for (const o of outcomes) console.log(`${o.name.padEnd(24)} ${o.note.padEnd(10)} ${o.seconds} s`);
console.log('results in bench/results/');
process.exitCode = outcomes.every((o) => o.ok) ? 0 : 1;
