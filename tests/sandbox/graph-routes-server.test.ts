import https from 'node:https';
import { handlers } from '../../sandbox/graph/handlers.js';
import { routePermissions } from '../../sandbox/graph/permissions.js';
import { matchRoute } from '../../sandbox/graph/router.js';
import { graphRouteTable, routeKey } from '../../sandbox/graph/route-table.js';
import { startSandbox } from '../../sandbox/server.js';
import { SEED_TENANT_ID } from '../../sandbox/data/seed.js';
import { GraphHarness } from './graph-harness.js';

const h = new GraphHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const sample = (path: string): string =>
  path.replace('{appId}', '00000000-0000-0000-0000-0000000000aa').replace(/\{[A-Za-z]+\}/g, 'x1');

describe('route table', () => {
  it('is the single source of the router, the handlers and the permission rules', () => {
    const keys = graphRouteTable.map(routeKey).filter((k) => k !== 'POST /$batch');
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(handlers).sort()).toEqual([...keys].sort());
    expect(Object.keys(routePermissions).sort()).toEqual([...keys].sort());
    for (const r of graphRouteTable) {
      const m = matchRoute(r.method, sample(r.path));
      expect(m !== undefined && m !== 'method-not-allowed' && m.route.key).toBe(routeKey(r));
    }
  });

  it('answers every route (no "Resource not found for the segment")', async () => {
    const token = await h.token('globalAdmin');
    for (const r of graphRouteTable) {
      const res = await h.call(r.method, sample(r.path), {
        token,
        ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }),
      });
      expect({ route: routeKey(r), status: res.status < 500 }).toEqual({ route: routeKey(r), status: true });
      expect(res.body?.error?.message ?? '').not.toContain('Resource not found for the segment');
    }
  });
});

describe('server', () => {
  it('refuses a non-loopback host unless allowed', async () => {
    await expect(startSandbox({ host: '0.0.0.0', httpPort: 0, httpsPort: 0 })).rejects.toThrow(/loopback/);
  });

  it('serves the identity side over HTTPS with the certificate it made', async () => {
    const url = `${h.sandbox.httpsUrl}/${SEED_TENANT_ID}/v2.0/.well-known/openid-configuration`;
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(url, { ca: h.sandbox.caCertPem }, (res) => {
          let data = '';
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve(data));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body).issuer).toBe(h.sandbox.issuer.issuer);
    expect(h.sandbox.graphUrl).toBe(`${h.sandbox.httpUrl}/v1.0`);
  });

  it('resets to the seed through the admin API', async () => {
    await h.call('POST', '/domains', { as: 'globalAdmin', body: { id: 'temporaire.fr' } });
    expect(h.sandbox.state.domains.has('temporaire.fr')).toBe(true);
    expect((await h.admin('POST', '/reset')).status).toBe(200);
    expect(h.sandbox.state.domains.has('temporaire.fr')).toBe(false);
    expect((await h.admin('POST', '/reset', { large: { users: -1, guests: 0 } })).status).toBe(400);
    const large = await h.admin('POST', '/reset', { large: { users: 500, guests: 100 } });
    expect(await large.json()).toMatchObject({ users: 612 });
    await h.admin('POST', '/reset');
  });

  it('survives a handler crash with a Graph-shaped 500', async () => {
    const original = h.sandbox.runtime.state.userList;
    h.sandbox.runtime.state.userList = () => {
      throw new Error('boom');
    };
    try {
      const res = await h.call('GET', '/users', { as: 'plainUser' });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('InternalServerError');
    } finally {
      h.sandbox.runtime.state.userList = original;
    }
    expect((await h.call('GET', '/users', { as: 'plainUser' })).status).toBe(200);
  });
});
