import type { ConnectionPool } from './connection-pool.js';
import type { ClientLogger } from './logger.js';
import type { LookupService } from './lookup.js';

/** Events a metrics layer can count; all optional. */
export interface ClientEventSink {
  reconnect(kind: 'producer' | 'consumer', topic: string, err: Error): void;
  negativeAck(topic: string, count: number): void;
  deadLetter(topic: string, deadLetterTopic: string): void;
  corruptFrame(topic: string, reason: string): void;
}

export const noEvents: ClientEventSink = {
  reconnect: () => {},
  negativeAck: () => {},
  deadLetter: () => {},
  corruptFrame: () => {},
};

/** What producers and consumers share inside one client: connections, lookup, id counters, logger. */
export interface ClientContext {
  readonly pool: ConnectionPool;
  readonly lookup: LookupService;
  readonly logger: ClientLogger;
  readonly events: ClientEventSink;
  /** The broker's max message size (from CONNECTED); 5 MiB until known. */
  readonly maxMessageSize: number;
  newProducerId(): number;
  newConsumerId(): number;
}
