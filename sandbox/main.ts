/**
 * `npm run sandbox`: the sandbox tenant alone. SANDBOX_HOST / SANDBOX_HTTP_PORT / SANDBOX_HTTPS_PORT
 * (default 127.0.0.1:5990/5991), SANDBOX_DNS_PORT (UDP, default any free port); `--large 100000,20000` generates a large tenant.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { ROLE } from './data/model.js';
import { SEED_USERS, SESAME_CLIENT_ID, TEST_CLIENT_ID } from './data/seed.js';
import { startSandbox } from './server.js';

const ROLE_LABELS = new Map<string, string>(Object.entries(ROLE).map(([k, v]) => [v, k]));

function parseLarge(argv: readonly string[]): { users: number; guests: number } | undefined {
  const i = argv.indexOf('--large');
  if (i < 0) return undefined;
  const m = /^(\d+),(\d+)$/.exec(argv[i + 1] ?? '');
  if (!m) {
    console.error('Usage: npm run sandbox -- --large <users>,<guests>   e.g. --large 100000,20000');
    process.exit(2);
  }
  return { users: Number(m[1]), guests: Number(m[2]) };
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name} must be a port number, got "${raw}".`);
    process.exit(2);
  }
  return n;
}

const large = parseLarge(process.argv.slice(2));
const sandbox = await startSandbox({
  host: process.env.SANDBOX_HOST || '127.0.0.1',
  httpPort: port('SANDBOX_HTTP_PORT', 5990),
  httpsPort: port('SANDBOX_HTTPS_PORT', 5991),
  dnsPort: port('SANDBOX_DNS_PORT', 0),
  ...(large ? { large } : {}),
});

console.log(`Sandbox tenant "${sandbox.state.tenantDisplayName}" (${sandbox.tenantId})`);
console.log(`  Graph v1.0     ${sandbox.graphUrl}`);
console.log(`  Entra ID       ${sandbox.httpsUrl}/${sandbox.tenantId}/v2.0/.well-known/openid-configuration`);
console.log(`  DNS (UDP)      ${sandbox.dns.server}  (for Sesame: DNS_SERVERS=${sandbox.dns.server})`);
console.log(`  Console        ${sandbox.consoleUrl}  (admin API: ${sandbox.httpUrl}/_sandbox/*)`);
console.log(`  Sesame app     ${SESAME_CLIENT_ID}    test client ${TEST_CLIENT_ID}`);
console.log(`  Users          ${sandbox.state.users.size}`);
for (const [key, u] of Object.entries(SEED_USERS)) {
  const roles = u.roles.map((r) => ROLE_LABELS.get(r) ?? r).join(', ') || '-';
  console.log(`    ${key.padEnd(20)} ${u.userPrincipalName.padEnd(56)} ${roles}`);
}

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the sandbox.`);
  sandbox.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
