import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';

/**
 * HTTPS with one more trusted CA: the sandbox tenant serves its identity endpoints with a certificate it makes at
 * start, and NODE_EXTRA_CA_CERTS is only read when a process starts. Production passes no CA and gets Node's roots.
 */
export interface HttpsTrust {
  readonly agent: Agent | undefined;
  /** A minimal fetch for GETs and form POSTs to identity endpoints (JWKS, OpenID metadata, token). */
  fetchJson(
    url: string,
    init?: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
}

export function httpsTrust(options: { caPem?: string; caFile?: string } = {}): HttpsTrust {
  const pem = options.caPem ?? (options.caFile ? readFileSync(options.caFile, 'utf8') : undefined);
  const agent = pem ? new Agent({ ca: [...rootCertificates, pem], keepAlive: true }) : undefined;
  return {
    agent,
    fetchJson(url, init = {}) {
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          { method: init.method ?? 'GET', headers: init.headers, agent, timeout: 10_000 },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let body: unknown = text;
              try {
                body = text ? JSON.parse(text) : undefined;
              } catch {
                // not JSON: keep the text for the error message
              }
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
              resolve({ status: res.statusCode ?? 0, headers, body });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout calling ${url}`)));
        req.on('error', reject);
        if (init.body) req.write(init.body);
        req.end();
      });
    },
  };
}
