/**
 * A checklist snapshot of a 100,000-user / 20,000-guest sandbox tenant with 50 ms injected Graph latency, against
 * the naive approach (each read one after the other, and every user paged to find the guests at fault), in the same
 * run: sequential round trips, requests and seconds. `npx tsx bench/checklist-snapshot.ts` (BENCH_USERS,
 * BENCH_GUESTS, BENCH_LATENCY_MS to change the tenant); writes bench/results/checklist-snapshot.json.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { createGraphReader } from '../adapters/graph/graph-reader.js';
import { createGraphTransport } from '../adapters/graph/graph-transport.js';
import { collectSnapshot } from '../core/checklist/collect.js';
import { createDirectory } from '../sandbox/directory.js';
import { SEED_USERS, SESAME_CLIENT_ID, SESAME_CONSENTED_SCOPES } from '../sandbox/data/seed.js';
import { startSandbox } from '../sandbox/server.js';
import { writeResult } from './lib/results.js';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const GUESTS = Number(process.env.BENCH_GUESTS ?? 20_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);

async function main(): Promise<void> {
  const sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, large: { users: USERS, guests: GUESTS } });
  try {
    const admin = createDirectory(sandbox.runtime).findPrincipal(SEED_USERS.globalAdmin.id)!;
    const scopes = SESAME_CONSENTED_SCOPES.filter(
      (s) => !['openid', 'profile', 'offline_access'].includes(s),
    );
    const token = await sandbox.issuer.issueGraphToken(admin, [...scopes], SESAME_CLIENT_ID);
    sandbox.runtime.faults = { latencyMs: LATENCY_MS };
    let requests = 0;
    const transport = createGraphTransport({
      baseUrl: sandbox.graphUrl,
      getToken: async () => token,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });

    // Sesame's way: one $batch, server-side filters, $count, only the guests' collections paged.
    const t0 = performance.now();
    // One service account as if Sesame's procedure C had made it: its read joins the batch like in the tab.
    const snapshot = await collectSnapshot({
      reader: createGraphReader(transport),
      now: Date.now(),
      serviceAccountIds: [SEED_USERS.plainUser.id],
    });
    const checklistSeconds = (performance.now() - t0) / 1000;
    const checklistRequests = requests;

    // Naive: the same reads one after the other, and every user paged (999 a page) to find guests at fault.
    requests = 0;
    let sequential = 0;
    const t1 = performance.now();
    for (const path of ['/policies/authorizationPolicy', '/policies/adminConsentRequestPolicy']) {
      await transport.request('GET', path);
      sequential++;
    }
    for (const path of [
      '/roleManagement/directory/roleAssignments?$expand=principal',
      '/applications?$expand=owners&$top=999',
      '/domains',
    ]) {
      const pages = await transport.getAllPages(path);
      sequential += pages.pages;
    }
    const everyone = await transport.getAllPages<{ userType?: string }>(
      '/users?$top=999&$expand=sponsors&$select=id,displayName,mail,userType,externalUserState,externalUserStateChangeDateTime,createdDateTime,signInActivity',
    );
    sequential += everyone.pages;
    const naiveSeconds = (performance.now() - t1) / 1000;
    const guestsFound = everyone.items.filter((u) => u.userType === 'Guest').length;

    const result = {
      tenant: { users: USERS, guests: GUESTS, usersInDirectory: sandbox.runtime.state.users.size },
      injectedLatencyMs: LATENCY_MS,
      checklist: {
        sequentialRoundTrips: snapshot.roundTrips,
        requests: checklistRequests,
        seconds: Math.round(checklistSeconds * 100) / 100,
        statuses: Object.fromEntries(snapshot.results.map((r) => [r.ruleId, r.status])),
      },
      naive: {
        sequentialRoundTrips: sequential,
        requests,
        seconds: Math.round(naiveSeconds * 100) / 100,
        usersPaged: everyone.items.length,
        guestsFound,
      },
      speedup: Math.round((naiveSeconds / checklistSeconds) * 10) / 10,
      note: 'The checklist pages only guests at fault (pending, inactive) and, as Graph v1.0 cannot filter on sponsors, every guest once (999 a page) for the sponsor rule; the naive approach pages every user.',
    };
    const file = await writeResult('checklist-snapshot', result);
    console.log(
      `checklist snapshot, ${USERS} users / ${GUESTS} guests, ${LATENCY_MS} ms latency:\n` +
        `  Sesame: ${result.checklist.sequentialRoundTrips} sequential round trips, ${result.checklist.requests} requests, ${result.checklist.seconds} s\n` +
        `  naive:  ${result.naive.sequentialRoundTrips} sequential round trips, ${result.naive.requests} requests, ${result.naive.seconds} s\n` +
        `  ×${result.speedup} faster — ${file}`,
    );
  } finally {
    await sandbox.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
