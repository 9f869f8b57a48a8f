// A scripted stand-in for a broker, for protocol edge cases a real broker will not produce on demand
// (a SEND that is never confirmed). Real behaviour is tested against the real broker in test/integration.
import { createServer, type Server, type Socket } from 'node:net';
import type { BaseCommand } from '../../../src/wire/commands.js';
import { CommandType, LookupType, PartitionedMetadataResult } from '../../../src/wire/enums.js';
import { encodeCommand } from '../../../src/wire/frame.js';
import { FrameDecoder } from '../../../src/wire/frame-decoder.js';

export interface ScriptedBroker {
  readonly url: string;
  /** Commands received, in order. */
  readonly received: BaseCommand[];
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Answers the handshake, lookups and PRODUCER; `onSend` decides what to do with each SEND. */
export async function scriptedBroker(onSend: (cmd: BaseCommand, socket: Socket) => void): Promise<ScriptedBroker> {
  const received: BaseCommand[] = [];
  const sockets = new Set<Socket>();
  let url = '';
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    state.connections++;
    socket.on('close', () => sockets.delete(socket));
    const reply = (cmd: BaseCommand): boolean => socket.write(encodeCommand(cmd));
    const decoder = new FrameDecoder({
      onFrame: (f) => {
        const c = f.command;
        received.push(c);
        switch (c.type) {
          case CommandType.CONNECT:
            reply({ type: CommandType.CONNECTED, connected: { serverVersion: 'scripted', protocolVersion: 20, maxMessageSize: 5 * 1024 * 1024 } });
            break;
          case CommandType.LOOKUP:
            reply({ type: CommandType.LOOKUP_RESPONSE, lookupTopicResponse: { requestId: c.lookupTopic?.requestId ?? 0, response: LookupType.Connect, brokerServiceUrl: url, authoritative: true } });
            break;
          case CommandType.PARTITIONED_METADATA:
            reply({ type: CommandType.PARTITIONED_METADATA_RESPONSE, partitionMetadataResponse: { requestId: c.partitionMetadata?.requestId ?? 0, partitions: 0, response: PartitionedMetadataResult.Success } });
            break;
          case CommandType.PRODUCER:
            reply({ type: CommandType.PRODUCER_SUCCESS, producerSuccess: { requestId: c.producer?.requestId ?? 0, producerName: 'scripted-0', lastSequenceId: -1 } });
            break;
          case CommandType.SEND:
            onSend(c, socket);
            break;
          case CommandType.CLOSE_PRODUCER:
            reply({ type: CommandType.SUCCESS, success: { requestId: c.closeProducer?.requestId ?? 0 } });
            break;
          default:
            break;
        }
      },
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch {
        socket.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `pulsar://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    received,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
