/**
 * The sandbox's DNS server (UDP, loopback): what Sesame's DNS adapter asks in the local stack instead of the
 * internet. It answers for the sandbox's own names only:
 * - every domain of a tenant the sandbox serves: MX to Exchange Online and an SPF TXT when verified, plus the
 *   Microsoft verification TXT (MS=…) once published (/_sandbox/dns/:domain, procedure D);
 * - SANDBOX_NON_M365_DOMAIN: a domain with mail at another host (MX), no Microsoft 365;
 * - anything else: NXDOMAIN.
 * Every query is logged (/_sandbox/dns-log). During an outage (/_sandbox/dns-outage) it answers SERVFAIL, as a
 * resolver does when it cannot reach a domain's servers, or REFUSED, as a server that will not serve this resolver:
 * either way the resolver gets an answer at once, and no records. Authoritative answers, no recursion, no cache: the wire format of RFC 1035, MX and TXT only
 * (other types at a known name get an empty NOERROR answer).
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { SANDBOX_NON_M365_DOMAIN, SANDBOX_NON_M365_MX } from '../data/vendor-consent.js';
import type { DnsOutage, SandboxRuntime } from '../runtime.js';

const TYPE_MX = 15;
const TYPE_TXT = 16;
const CLASS_IN = 1;
const RCODE_NOERROR = 0;
const RCODE_FORMERR = 1;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;
const RCODE_REFUSED = 5;
const TTL_SECONDS = 300;
const TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'A', 15: 'MX', 16: 'TXT', 28: 'AAAA' };

export type DnsRecord =
  | { readonly type: 'MX'; readonly priority: number; readonly exchange: string }
  | { readonly type: 'TXT'; readonly text: string };

/** The records of a name, or undefined when the sandbox knows no such name (NXDOMAIN). */
export function sandboxRecords(rt: SandboxRuntime, name: string): DnsRecord[] | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  const mx = rt.dnsMx.get(n);
  if (mx) return mx.map((m) => ({ type: 'MX' as const, ...m }));
  if (n === SANDBOX_NON_M365_DOMAIN) {
    return [
      ...SANDBOX_NON_M365_MX.map((m) => ({ type: 'MX' as const, ...m })),
      { type: 'TXT', text: 'v=spf1 include:mx.ovh.com ~all' },
    ];
  }
  for (const t of rt.tenants) {
    if (!t.domains.has(n)) continue;
    const records: DnsRecord[] = [];
    if (t.verifiedDomainNames().includes(n)) {
      records.push(
        // Exchange Online's MX host for a domain: its name with dots as dashes (Microsoft's own scheme).
        { type: 'MX', priority: 0, exchange: `${n.replace(/\./g, '-')}.mail.protection.outlook.com` },
        { type: 'TXT', text: 'v=spf1 include:spf.protection.outlook.com -all' },
      );
    }
    const code = t.domainVerificationCodes.get(n);
    if (code && t.publishedDnsTxt.has(n)) records.push({ type: 'TXT', text: code });
    return records;
  }
  return undefined;
}

interface Question {
  readonly name: string;
  readonly type: number;
  readonly klass: number;
  /** The question's bytes, echoed in the answer. */
  readonly raw: Buffer;
}

function readQuestion(msg: Buffer): Question | undefined {
  let i = 12;
  const labels: string[] = [];
  for (;;) {
    const len = msg[i];
    if (len === undefined || len > 63) return undefined; // compression is not used in questions
    i += 1;
    if (len === 0) break;
    if (i + len > msg.length) return undefined;
    labels.push(msg.subarray(i, i + len).toString('latin1'));
    i += len;
  }
  if (i + 4 > msg.length) return undefined;
  return {
    name: labels.join('.'),
    type: msg.readUInt16BE(i),
    klass: msg.readUInt16BE(i + 2),
    raw: msg.subarray(12, i + 4),
  };
}

/**
 * A name as DNS carries it: its labels (between dots) as bytes, each at most 63 of them, the whole at most 255 with
 * its length bytes; undefined when it does not fit. A label's bytes are whatever the zone holds (UTF-8 here): DNS
 * restricts nothing else, hostile servers included.
 */
export function dnsNameBytes(name: string): Buffer | undefined {
  const labels = name
    .split('.')
    .filter((l) => l !== '')
    .map((l) => Buffer.from(l, 'utf8'));
  if (labels.some((b) => b.length > 63)) return undefined;
  const wire = Buffer.concat([...labels.flatMap((b) => [Buffer.from([b.length]), b]), Buffer.from([0])]);
  return wire.length <= 255 ? wire : undefined;
}

function encodeName(name: string): Buffer {
  const wire = dnsNameBytes(name);
  if (!wire) throw new Error(`${name.slice(0, 80)}… does not fit in a DNS name`);
  return wire;
}

function encodeRecord(record: DnsRecord): { type: number; data: Buffer } {
  if (record.type === 'MX') {
    const pref = Buffer.alloc(2);
    pref.writeUInt16BE(record.priority);
    return { type: TYPE_MX, data: Buffer.concat([pref, encodeName(record.exchange)]) };
  }
  const chunks: Buffer[] = [];
  const text = Buffer.from(record.text, 'utf8');
  for (let i = 0; i < text.length; i += 255) {
    const part = text.subarray(i, i + 255);
    chunks.push(Buffer.from([part.length]), part);
  }
  return { type: TYPE_TXT, data: Buffer.concat(chunks) };
}

function answer(query: Buffer, rt: SandboxRuntime, outage: DnsOutage | false): Buffer | undefined {
  if (query.length < 12) return undefined;
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  const header = (rcode: number, qd: number, an: number): Buffer => {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(id, 0);
    // QR, the query's opcode and RD, AA (the sandbox is authoritative for its names), RA, rcode.
    h.writeUInt16BE(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | 0x0080 | rcode, 2);
    h.writeUInt16BE(qd, 4);
    h.writeUInt16BE(an, 6);
    return h;
  };
  const q = query.readUInt16BE(4) === 1 ? readQuestion(query) : undefined;
  if (!q) return header(RCODE_FORMERR, 0, 0);
  const log = (rcode: string): void => {
    rt.dnsLog.push({ name: q.name.toLowerCase(), type: TYPE_NAMES[q.type] ?? String(q.type), rcode });
  };
  if (outage) {
    log(outage);
    return Buffer.concat([header(outage === 'REFUSED' ? RCODE_REFUSED : RCODE_SERVFAIL, 1, 0), q.raw]);
  }
  const records = sandboxRecords(rt, q.name);
  if (!records) {
    log('NXDOMAIN');
    return Buffer.concat([header(RCODE_NXDOMAIN, 1, 0), q.raw]);
  }
  log('NOERROR');
  const wanted = q.klass === CLASS_IN ? records.map(encodeRecord).filter((r) => r.type === q.type) : [];
  const answers = wanted.map((r) => {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(0xc00c, 0); // the question's name
    fixed.writeUInt16BE(r.type, 2);
    fixed.writeUInt16BE(CLASS_IN, 4);
    fixed.writeUInt32BE(TTL_SECONDS, 6);
    const rdlength = Buffer.alloc(2);
    rdlength.writeUInt16BE(r.data.length);
    return Buffer.concat([fixed.subarray(0, 2), fixed.subarray(2), rdlength, r.data]);
  });
  return Buffer.concat([header(RCODE_NOERROR, 1, answers.length), q.raw, ...answers]);
}

export interface RunningSandboxDns {
  readonly host: string;
  readonly port: number;
  /** What Sesame's DNS_SERVERS takes: host:port. */
  readonly server: string;
  /**
   * Closes the socket for good (the sandbox stops). To make DNS fail meanwhile, use an outage (rt.dnsOutage): a
   * freed port may be taken at once by another process's socket, which would answer or swallow the queries.
   */
  stop(): Promise<void>;
}

export async function startSandboxDns(
  rt: SandboxRuntime,
  host: string,
  port = 0,
): Promise<RunningSandboxDns> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (msg, from) => {
    const reply = answer(msg, rt, rt.dnsOutage);
    if (reply) socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // A late send to a client that went away must not bring the sandbox down.
  socket.on('error', () => undefined);
  const bound = (socket.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    host,
    port: bound,
    server: host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`,
    stop() {
      closed ??= new Promise<void>((resolve) => socket.close(() => resolve()));
      return closed;
    },
  };
}
