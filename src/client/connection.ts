import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { AuthenticationError, ConnectionError, ServerError, TimeoutError } from '../errors.js';
import type { BaseCommand } from '../wire/commands.js';
import type { MessageMetadata } from '../wire/messages.js';
import { CommandType, MigratedResourceType, PROTOCOL_VERSION, serverErrorName } from '../wire/enums.js';
import { DEFAULT_MAX_FRAME_SIZE, encodeCommand, encodePayloadCommand, maxFrameSizeFor, type DecodedFrame } from '../wire/frame.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import type { Authentication } from './auth.js';
import { childLogger, silentLogger, type ClientLogger } from './logger.js';
import { TypedEmitter } from './typed-emitter.js';

export const CLIENT_VERSION = 'strobe-ts/0.1.0';

export interface TlsOptions {
  /** CA certificate(s) (PEM text, Buffer, or a file path) to verify the broker with. */
  readonly ca?: string | Buffer;
  /** Client certificate and key for mutual TLS (PEM text, Buffer, or file paths). */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Verify that the broker's certificate names the host we dialed. @default true */
  readonly hostnameVerification?: boolean;
  /** Accept any certificate (tests only). @default false */
  readonly allowInsecure?: boolean;
}

export interface ConnectionOptions {
  /** `pulsar://host:port` or `pulsar+ssl://host:port` of the socket to open. */
  readonly url: string;
  /** When dialing a proxy: the broker it should forward to (CONNECT proxy_to_broker_url). */
  readonly proxyToBrokerUrl?: string;
  readonly tls?: TlsOptions;
  readonly auth?: Authentication;
  /** @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Time-out of each request. @default 30000 */
  readonly operationTimeoutMs?: number;
  /** Send PING after this much silence; close after twice as much. @default 30000 */
  readonly keepAliveIntervalMs?: number;
  readonly logger?: ClientLogger;
}

/** Receives the frames addressed to one producer or consumer id on this connection. */
export interface ChannelHandler {
  onFrame(frame: DecodedFrame): void;
  /** The connection is gone; the owner reconnects. */
  onConnectionClosed(err: Error): void;
}

interface ConnectionEvents {
  close: (err: Error) => void;
  /** A frame the connection could not decode (bad sizes, protobuf). The connection closes after it. */
  protocolError: (err: Error) => void;
}

interface Pending {
  readonly resolve: (cmd: BaseCommand) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly what: string;
}

function readPem(v: string | Buffer | undefined): string | Buffer | undefined {
  if (v === undefined || Buffer.isBuffer(v) || v.includes('-----BEGIN')) return v;
  return readFileSync(v);
}

/** One TCP/TLS connection to a broker: handshake, request ids, keepalive, frame dispatch by producer/consumer id. */
export class Connection extends TypedEmitter<ConnectionEvents> {
  readonly url: string;
  readonly serverVersion: string;
  readonly protocolVersion: number;
  readonly maxMessageSize: number;
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private readonly opts: ConnectionOptions;
  private readonly log: ClientLogger;
  private readonly pending = new Map<number, Pending>();
  private readonly producers = new Map<number, ChannelHandler>();
  private readonly consumers = new Map<number, ChannelHandler>();
  private nextRequestId = 1;
  private corked = false;
  private closedWith: Error | undefined;
  private lastReceived = Date.now();
  private readonly keepAlive: NodeJS.Timeout;

  private constructor(socket: Socket, decoder: FrameDecoder, connected: BaseCommand, opts: ConnectionOptions, log: ClientLogger) {
    super();
    this.socket = socket;
    this.decoder = decoder;
    this.opts = opts;
    this.url = opts.url;
    this.log = log;
    const c = connected.connected;
    this.serverVersion = c?.serverVersion ?? '';
    this.protocolVersion = c?.protocolVersion ?? 0;
    this.maxMessageSize = c?.maxMessageSize ?? 5 * 1024 * 1024;
    decoder.setMaxFrameSize(maxFrameSizeFor(this.maxMessageSize));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(new ConnectionError('SOCKET_ERROR', `${this.url}: ${err.message}`, { cause: err })));
    socket.on('close', () => this.close(new ConnectionError('CONNECTION_CLOSED', `${this.url}: connection closed by the broker`)));
    const interval = opts.keepAliveIntervalMs ?? 30_000;
    this.keepAlive = setInterval(() => this.checkAlive(interval), interval);
    this.keepAlive.unref();
  }

  /** Opens the socket and completes CONNECT/CONNECTED (answering auth challenges on the way). */
  static async connect(opts: ConnectionOptions): Promise<Connection> {
    const log = childLogger(opts.logger ?? silentLogger, { broker: opts.url });
    const u = new URL(opts.url);
    const secure = u.protocol === 'pulsar+ssl:';
    if (!secure && u.protocol !== 'pulsar:') {
      throw new ConnectionError('BAD_URL', `unsupported service URL ${opts.url}: use pulsar://host:6650 or pulsar+ssl://host:6651`, { retriable: false });
    }
    const host = u.hostname;
    const port = Number(u.port || (secure ? 6651 : 6650));
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      let s: Socket;
      const fail = (err: Error): void => {
        clearTimeout(timer);
        s.destroy();
        reject(
          err instanceof ConnectionError
            ? err
            : new ConnectionError('CONNECT_FAILED', `cannot connect to ${opts.url}: ${err.message}`, {
                cause: err,
                retriable: !isTlsTrustError(err),
              }),
        );
      };
      const timer = setTimeout(() => fail(new ConnectionError('CONNECT_TIMEOUT', `connecting to ${opts.url} timed out after ${timeoutMs} ms`)), timeoutMs);
      const ready = (): void => {
        clearTimeout(timer);
        s.removeListener('error', fail);
        resolve(s);
      };
      try {
        if (secure) {
          const tls = opts.tls ?? {};
          s = tlsConnect({
            host,
            port,
            servername: /^[\d.]+$/.test(host) ? undefined : host,
            ca: readPem(tls.ca),
            cert: readPem(tls.cert),
            key: readPem(tls.key),
            rejectUnauthorized: !(tls.allowInsecure ?? false),
            // An explicit `checkServerIdentity: undefined` replaces Node's default and fails an internal assertion.
            ...(tls.hostnameVerification === false ? { checkServerIdentity: () => undefined } : {}),
          }, ready);
        } else {
          s = netConnect({ host, port }, ready);
        }
      } catch (err) {
        // Unreadable certificate files or invalid PEM throw here, before any socket exists.
        clearTimeout(timer);
        reject(new ConnectionError('TLS_CONFIG', `cannot connect to ${opts.url}: ${(err as Error).message}`, { cause: err, retriable: false }));
        return;
      }
      s.once('error', fail);
    });
    socket.setNoDelay(true);
    return Connection.handshake(socket, opts, log, timeoutMs);
  }

  private static async handshake(socket: Socket, opts: ConnectionOptions, log: ClientLogger, timeoutMs: number): Promise<Connection> {
    const decoder = new FrameDecoder({ maxFrameSize: DEFAULT_MAX_FRAME_SIZE });
    const auth = opts.auth;
    const authData = auth ? await auth.credentials() : undefined;
    socket.write(
      encodeCommand({
        type: CommandType.CONNECT,
        connect: {
          clientVersion: CLIENT_VERSION,
          protocolVersion: PROTOCOL_VERSION,
          authMethodName: auth?.method,
          authData,
          proxyToBrokerUrl: opts.proxyToBrokerUrl,
          featureFlags: { supportsAuthRefresh: true, supportsBrokerEntryMetadata: true },
        },
      }),
    );
    const connected = await new Promise<BaseCommand>((resolve, reject) => {
      const done = (err: Error | undefined, cmd?: BaseCommand): void => {
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeListener('close', onClose);
        socket.removeListener('error', onClose);
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve(cmd as BaseCommand);
      };
      const timer = setTimeout(() => done(new ConnectionError('HANDSHAKE_TIMEOUT', `no CONNECTED from ${opts.url} within ${timeoutMs} ms`)), timeoutMs);
      const onClose = (): void => done(new ConnectionError('HANDSHAKE_CLOSED', `${opts.url} closed the connection during the handshake`));
      const onData = (chunk: Buffer): void => {
        let frames: DecodedFrame[];
        try {
          frames = decoder.push(chunk);
        } catch (err) {
          done(err as Error);
          return;
        }
        for (const f of frames) {
          const cmd = f.command;
          if (cmd.type === CommandType.CONNECTED) {
            done(undefined, cmd);
            return;
          }
          if (cmd.type === CommandType.ERROR) {
            const name = serverErrorName(cmd.error?.error ?? 0);
            const msg = `${opts.url} refused the connection: ${name}: ${cmd.error?.message ?? ''}`;
            done(name === 'AuthenticationError' || name === 'AuthorizationError' ? new AuthenticationError(msg) : new ServerError(name, msg));
            return;
          }
          if (cmd.type === CommandType.AUTH_CHALLENGE && auth) {
            void respondToChallenge(socket, auth).catch((err: unknown) => done(err as Error));
          }
        }
      };
      socket.on('data', onData);
      socket.once('close', onClose);
      socket.once('error', onClose);
    });
    const conn = new Connection(socket, decoder, connected, opts, log);
    log.debug({ serverVersion: conn.serverVersion, protocolVersion: conn.protocolVersion, maxMessageSize: conn.maxMessageSize }, 'connected');
    return conn;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  newRequestId(): number {
    return this.nextRequestId++;
  }

  /** Writes a command that expects no answer. Returns false when the socket buffer is full (see `waitWritable`). */
  send(cmd: BaseCommand): boolean {
    this.assertOpen();
    return this.write(encodeCommand(cmd));
  }

  /** Writes a SEND (payload) frame. */
  sendPayload(cmd: BaseCommand, metadata: MessageMetadata, payload: Uint8Array): boolean {
    this.assertOpen();
    return this.write(encodePayloadCommand(cmd, metadata, payload));
  }

  /** Writes a pre-encoded frame (e.g. a resend of a pending message). */
  sendRaw(frame: Buffer): boolean {
    this.assertOpen();
    return this.write(frame);
  }

  /**
   * Writes a frame. Frames written in the same tick are corked and leave in one writev at the end of it:
   * a micro-batch's outputs (often one entry per key) cost one system call, not one each.
   */
  private write(frame: Buffer): boolean {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    return this.socket.write(frame);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  /** Resolves when the socket's write buffer has drained (or the connection closed). */
  waitWritable(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.removeListener('drain', done);
        this.socket.removeListener('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  /**
   * Sends a command carrying `requestId` and resolves with the broker's answer to it (SUCCESS, *_RESPONSE,
   * PRODUCER_SUCCESS…). An ERROR answer rejects with a ServerError.
   */
  request(cmd: BaseCommand, requestId: number, what: string, timeoutMs = this.opts.operationTimeoutMs ?? 30_000): Promise<BaseCommand> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new TimeoutError(`${what} to ${this.url} timed out after ${timeoutMs} ms`, { context: { requestId } }));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer, what });
      this.write(encodeCommand(cmd));
    });
  }

  /** Waits for a further answer carrying `requestId` (e.g. the second PRODUCER_SUCCESS); 0 = no time-out. */
  awaitResponse(requestId: number, what: string, timeoutMs = this.opts.operationTimeoutMs ?? 30_000): Promise<BaseCommand> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new TimeoutError(`${what} on ${this.url} timed out after ${timeoutMs} ms`, { context: { requestId } }));
      }, timeoutMs > 0 ? timeoutMs : 2 ** 31 - 1);
      this.pending.set(requestId, { resolve, reject, timer, what });
    });
  }

  registerProducer(id: number, handler: ChannelHandler): void {
    this.producers.set(id, handler);
  }

  unregisterProducer(id: number): void {
    this.producers.delete(id);
  }

  registerConsumer(id: number, handler: ChannelHandler): void {
    this.consumers.set(id, handler);
  }

  unregisterConsumer(id: number): void {
    this.consumers.delete(id);
  }

  /** Closes the socket; pending requests fail, registered producers/consumers are told. Idempotent. */
  close(err: Error = new ConnectionError('CONNECTION_CLOSED', `${this.url}: closed by the client`, { retriable: false })): void {
    if (this.closedWith) return;
    this.closedWith = err;
    clearInterval(this.keepAlive);
    this.socket.destroy();
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ConnectionError('CONNECTION_CLOSED', `${p.what}: ${err.message}`, { cause: err }));
    }
    this.pending.clear();
    const handlers = [...this.producers.values(), ...this.consumers.values()];
    this.producers.clear();
    this.consumers.clear();
    for (const h of handlers) h.onConnectionClosed(err);
    this.log.debug({ reason: err.message }, 'connection closed');
    this.emit('close', err);
  }

  private assertOpen(): void {
    if (this.closedWith) throw new ConnectionError('CONNECTION_CLOSED', `${this.url}: ${this.closedWith.message}`, { cause: this.closedWith });
  }

  private checkAlive(interval: number): void {
    if (this.closed) return;
    const silent = Date.now() - this.lastReceived;
    if (silent >= 2 * interval) {
      this.close(new ConnectionError('KEEPALIVE_TIMEOUT', `${this.url}: no answer for ${silent} ms`));
    } else if (silent >= interval) {
      this.write(encodeCommand({ type: CommandType.PING, ping: {} }));
    }
  }

  private onData(chunk: Buffer): void {
    this.lastReceived = Date.now();
    let frames: DecodedFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      // The stream cannot be resynchronised after a bad frame header: drop the connection, let owners reconnect.
      this.emit('protocolError', err as Error);
      this.close(err as Error);
      return;
    }
    for (const f of frames) this.dispatch(f);
  }

  private dispatch(f: DecodedFrame): void {
    const cmd = f.command;
    switch (cmd.type) {
      case CommandType.PING:
        this.write(encodeCommand({ type: CommandType.PONG, pong: {} }));
        return;
      case CommandType.PONG:
        return;
      case CommandType.AUTH_CHALLENGE:
        if (this.opts.auth) {
          respondToChallenge(this.socket, this.opts.auth).catch((err: unknown) =>
            this.close(new AuthenticationError(`${this.url}: cannot refresh credentials: ${(err as Error).message}`, { cause: err })),
          );
        }
        return;
      case CommandType.MESSAGE:
        this.consumers.get(cmd.message?.consumerId ?? -1)?.onFrame(f);
        return;
      case CommandType.SEND_RECEIPT:
        this.producers.get(cmd.sendReceipt?.producerId ?? -1)?.onFrame(f);
        return;
      case CommandType.SEND_ERROR:
        this.producers.get(cmd.sendError?.producerId ?? -1)?.onFrame(f);
        return;
      case CommandType.CLOSE_PRODUCER:
        this.producers.get(cmd.closeProducer?.producerId ?? -1)?.onFrame(f);
        return;
      case CommandType.CLOSE_CONSUMER:
        this.consumers.get(cmd.closeConsumer?.consumerId ?? -1)?.onFrame(f);
        return;
      case CommandType.ACTIVE_CONSUMER_CHANGE:
        this.consumers.get(cmd.activeConsumerChange?.consumerId ?? -1)?.onFrame(f);
        return;
      case CommandType.REACHED_END_OF_TOPIC:
        this.consumers.get(cmd.reachedEndOfTopic?.consumerId ?? -1)?.onFrame(f);
        return;
      case CommandType.TOPIC_MIGRATED: {
        const t = cmd.topicMigrated;
        const map = t?.resourceType === MigratedResourceType.Consumer ? this.consumers : this.producers;
        map.get(t?.resourceId ?? -1)?.onFrame(f);
        return;
      }
      default:
        this.resolvePending(cmd);
    }
  }

  private resolvePending(cmd: BaseCommand): void {
    const requestId = requestIdOf(cmd);
    if (requestId === undefined) {
      this.log.debug({ type: cmd.type }, 'unhandled command');
      return;
    }
    const p = this.pending.get(requestId);
    if (!p) return; // answered after its time-out
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    if (cmd.type === CommandType.ERROR) {
      const name = serverErrorName(cmd.error?.error ?? 0);
      p.reject(new ServerError(name, `${p.what}: ${name}: ${cmd.error?.message ?? ''}`, { retriable: isRetriableServerError(name), context: { requestId } }));
      return;
    }
    p.resolve(cmd);
  }
}

async function respondToChallenge(socket: Socket, auth: Authentication): Promise<void> {
  const data = await auth.credentials();
  socket.write(
    encodeCommand({
      type: CommandType.AUTH_RESPONSE,
      authResponse: { clientVersion: CLIENT_VERSION, protocolVersion: PROTOCOL_VERSION, response: { authMethodName: auth.method, authData: data } },
    }),
  );
}

/**
 * Certificate and TLS-protocol failures: retrying with the same settings cannot succeed. Decided by Node's
 * error codes (OpenSSL verify codes, ERR_TLS_*, ERR_SSL_*), not by message text.
 */
function isTlsTrustError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.includes('CERT') ||
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'HOSTNAME_MISMATCH'].includes(code)
  );
}

/** The request id of any answer command, wherever its sub-command keeps it. */
function requestIdOf(cmd: BaseCommand): number | undefined {
  for (const [k, v] of Object.entries(cmd)) {
    if (k === 'type' || v === null || typeof v !== 'object') continue;
    const id = (v as { requestId?: unknown }).requestId;
    if (typeof id === 'number') return id;
  }
  return undefined;
}

const RETRIABLE_SERVER_ERRORS = new Set([
  'UnknownError', 'ServiceNotReady', 'TooManyRequests', 'MetadataError', 'PersistenceError', 'ProducerBusy',
  'ConsumerBusy', 'ProducerBlockedQuotaExceededError',
]);

/** Broker errors worth retrying after a backoff (the same request may succeed later). */
export function isRetriableServerError(name: string): boolean {
  return RETRIABLE_SERVER_ERRORS.has(name);
}
