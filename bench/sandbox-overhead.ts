/**
 * The sandbox's own cost per Graph request: 2,000 GET /users?$top=10 on loopback (token check, routing, OData,
 * serialisation), against a bare node:http server answering the same bytes, so the difference is the sandbox's.
 * `npx tsx bench/sandbox-overhead.ts`; writes bench/results/sandbox-overhead.json.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDirectory } from '../sandbox/directory.js';
import { SEED_USERS, SESAME_CLIENT_ID } from '../sandbox/data/seed.js';
import { startSandbox } from '../sandbox/server.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = 200;
const resultsFile = resolve(dirname(fileURLToPath(import.meta.url)), 'results/sandbox-overhead.json');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function once(url: string, headers: Record<string, string>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${url}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Interleaved, so GC pauses and scheduler noise fall on both sides alike. */
async function timePairs(
  sandboxUrl: string,
  headers: Record<string, string>,
  bareUrl: string,
): Promise<{ sandbox: number[]; bare: number[]; diff: number[] }> {
  const sandbox: number[] = [];
  const bare: number[] = [];
  const diff: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const s = await once(sandboxUrl, headers);
    const b = await once(bareUrl, {});
    if (i < WARMUP) continue;
    sandbox.push(s);
    bare.push(b);
    diff.push(s - b);
  }
  const sort = (xs: number[]) => xs.sort((x, y) => x - y);
  return { sandbox: sort(sandbox), bare: sort(bare), diff: sort(diff) };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

async function main(): Promise<void> {
  const sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  try {
    const principal = createDirectory(sandbox.runtime).findPrincipal(SEED_USERS.plainUser.id)!;
    const token = await sandbox.issuer.issueGraphToken(principal, ['User.Read.All'], SESAME_CLIENT_ID);
    const url = `${sandbox.graphUrl}/users?$top=10`;
    const sample = await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).text();

    // The same bytes from a server that does nothing: what loopback HTTP and fetch cost on their own.
    const bare = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(sample);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/users`;
    try {
      const {
        sandbox: measured,
        bare: baseline,
        diff,
      } = await timePairs(url, { authorization: `Bearer ${token}` }, bareUrl);
      const result = {
        date: new Date().toISOString(),
        node: process.version,
        requests: REQUESTS,
        request: 'GET /v1.0/users?$top=10 (delegated token, seeded tenant)',
        responseBytes: Buffer.byteLength(sample),
        sandboxMs: { p50: round(percentile(measured, 50)), p99: round(percentile(measured, 99)) },
        bareHttpMs: { p50: round(percentile(baseline, 50)), p99: round(percentile(baseline, 99)) },
        // Per request: sandbox time minus the bare server's time for the request made right after it.
        overheadMs: { p50: round(percentile(diff, 50)), p99: round(percentile(diff, 99)) },
      };
      await mkdir(dirname(resultsFile), { recursive: true });
      await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
      console.log(
        `sandbox overhead per request: p50 ${result.overheadMs.p50} ms, p99 ${result.overheadMs.p99} ms ` +
          `(sandbox p50 ${result.sandboxMs.p50} / p99 ${result.sandboxMs.p99} ms; bare HTTP p50 ${result.bareHttpMs.p50} / p99 ${result.bareHttpMs.p99} ms; ${REQUESTS} requests)`,
      );
      console.log(`written to ${resultsFile}`);
    } finally {
      await new Promise<void>((r) => bare.close(() => r()));
    }
  } finally {
    await sandbox.stop();
  }
}

await main();
