/**
 * One HTTP port for Prometheus and Kubernetes probes:
 *   GET /metrics  text exposition of the registry
 *   GET /healthz  200 while the process serves requests (liveness)
 *   GET /readyz   200 when every registered component is ready, else 503, with a JSON body per component
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ConfigError } from '../errors.js';
import type { ReadinessRegistry } from './readiness.js';

export interface HealthServerOptions {
  readonly registry: Registry;
  readonly readiness: ReadinessRegistry;
  /** @default 9464 */
  readonly port?: number;
  /** @default "0.0.0.0" */
  readonly host?: string;
  /** Called with errors while rendering metrics; the response is a 500 either way. */
  readonly onError?: (error: unknown) => void;
}

export interface HealthServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const host = options.host ?? '0.0.0.0';
  const server = createServer((req, res) => {
    void handle(req, res, options);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(
        e.code === 'EADDRINUSE'
          ? new ConfigError(`metrics.port: port ${options.port ?? 9464} on ${host} is already in use — choose another with --metrics-port or STROBE_METRICS_PORT (0 picks a free one)`, { field: 'metrics.port', cause: e })
          : e,
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 9464, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { port, url: `http://${shownHost}:${port}`, close: () => close(server) };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    return;
  }
  switch (path) {
    case '/metrics':
      try {
        send(res, 200, options.registry.contentType, await options.registry.metrics());
      } catch (e) {
        options.onError?.(e);
        send(res, 500, 'text/plain; charset=utf-8', 'metrics collection failed\n');
      }
      return;
    case '/healthz':
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    case '/readyz': {
      const ready = options.readiness.isReady();
      send(res, ready ? 200 : 503, 'application/json', `${JSON.stringify({ ready, components: options.readiness.snapshot() })}\n`);
      return;
    }
    default:
      send(res, 404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((e) => (e === undefined ? resolve() : reject(e)));
    // Idle keep-alive sockets (Prometheus keeps one open) would otherwise hold close() for seconds.
    server.closeIdleConnections();
  });
}
