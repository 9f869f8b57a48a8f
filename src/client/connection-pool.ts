import type { Authentication } from './auth.js';
import { Connection, type TlsOptions } from './connection.js';
import type { ClientLogger } from './logger.js';

export interface PoolOptions {
  readonly tls?: TlsOptions;
  readonly auth?: Authentication;
  readonly connectTimeoutMs?: number;
  readonly operationTimeoutMs?: number;
  readonly keepAliveIntervalMs?: number;
  readonly logger?: ClientLogger;
}

/**
 * One shared connection per (logical broker, physical address). Concurrent callers of `get` for the same
 * broker share a single connect attempt; a closed connection is dropped so the next `get` dials again.
 */
export class ConnectionPool {
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly opts: PoolOptions;
  private closed = false;

  constructor(opts: PoolOptions) {
    this.opts = opts;
  }

  /**
   * @param logicalUrl the broker that owns the topic (lookup's brokerServiceUrl)
   * @param physicalUrl the address to dial (the same, or a proxy when lookup says proxy_through_service_url)
   */
  get(logicalUrl: string, physicalUrl: string = logicalUrl): Promise<Connection> {
    const key = `${logicalUrl}|${physicalUrl}`;
    const existing = this.connections.get(key);
    if (existing) return existing;
    const p = Connection.connect({
      url: physicalUrl,
      proxyToBrokerUrl: physicalUrl === logicalUrl ? undefined : logicalUrl,
      ...this.opts,
    });
    this.connections.set(key, p);
    p.then(
      (conn) => {
        conn.on('close', () => {
          if (this.connections.get(key) === p) this.connections.delete(key);
        });
        if (this.closed) conn.close();
      },
      () => {
        if (this.connections.get(key) === p) this.connections.delete(key);
      },
    );
    return p;
  }

  /** Connections that are open now (for tests and metrics). */
  async openConnections(): Promise<Connection[]> {
    const all = await Promise.allSettled([...this.connections.values()]);
    return all.flatMap((r) => (r.status === 'fulfilled' && !r.value.closed ? [r.value] : []));
  }

  async close(): Promise<void> {
    this.closed = true;
    const conns = await this.openConnections();
    this.connections.clear();
    for (const c of conns) c.close();
  }
}
