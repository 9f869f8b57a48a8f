import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { startHealthServer } from '../../../src/metrics/health-server.js';
import { ReadinessRegistry } from '../../../src/metrics/readiness.js';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';
import { ConfigError } from '../../../src/errors.js';

function get(url: string, method = 'GET', agent?: Agent): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ...(agent === undefined ? {} : { agent }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function setup() {
  const metrics = new StrobeMetrics();
  const readiness = new ReadinessRegistry();
  const server = await startHealthServer({ registry: metrics.registry, readiness, port: 0, host: '127.0.0.1' });
  return { metrics, readiness, server };
}

describe('health server', () => {
  it('serves /healthz, /readyz and /metrics on one port', async () => {
    const { metrics, readiness, server } = await setup();
    try {
      assert.ok(server.port > 0);
      assert.deepEqual(await get(`${server.url}/healthz`), { status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' });

      let r = await get(`${server.url}/readyz`);
      assert.equal(r.status, 503, 'nothing registered yet');
      readiness.register('fraud-scorer');
      readiness.register('session-recs');
      readiness.set('fraud-scorer', true);
      readiness.set('session-recs', false, 'model failed to load: no such file');
      r = await get(`${server.url}/readyz`);
      assert.equal(r.status, 503);
      assert.deepEqual(JSON.parse(r.body), {
        ready: false,
        components: { 'fraud-scorer': { ready: true }, 'session-recs': { ready: false, reason: 'model failed to load: no such file' } },
      });
      readiness.set('session-recs', true);
      r = await get(`${server.url}/readyz`);
      assert.equal(r.status, 200);
      assert.equal((JSON.parse(r.body) as { ready: boolean }).ready, true);

      metrics.forFunction('fraud-scorer').eventsReceived(3);
      r = await get(`${server.url}/metrics`);
      assert.equal(r.status, 200);
      assert.match(r.type ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(r.body, /^strobe_events_received_total\{function="fraud-scorer"\} 3$/m);

      assert.equal((await get(`${server.url}/metrics?x=1`, 'HEAD')).body, '');
      assert.equal((await get(`${server.url}/nope`)).status, 404);
      assert.equal((await get(`${server.url}/metrics`, 'POST')).status, 405);
    } finally {
      await server.close();
    }
  });

  it('closes promptly with a keep-alive scraper connected', async () => {
    const { server } = await setup();
    const agent = new Agent({ keepAlive: true });
    try {
      assert.equal((await get(`${server.url}/metrics`, 'GET', agent)).status, 200);
      const started = Date.now();
      await server.close();
      assert.ok(Date.now() - started < 1000, 'close waited on the idle keep-alive socket');
      await assert.rejects(get(`${server.url}/healthz`));
    } finally {
      agent.destroy();
    }
  });

  it('reports a busy port as a config error naming the field and the fix', async () => {
    const { server } = await setup();
    try {
      await assert.rejects(
        startHealthServer({ registry: new StrobeMetrics().registry, readiness: new ReadinessRegistry(), port: server.port, host: '127.0.0.1' }),
        (e: unknown) => e instanceof ConfigError && e.field === 'metrics.port' && /already in use .* STROBE_METRICS_PORT/.test(e.message),
      );
    } finally {
      await server.close();
    }
  });
});
