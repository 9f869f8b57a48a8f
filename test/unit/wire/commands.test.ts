import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandType } from '../../../src/wire/enums.js';
import { decodeFrame, encodeCommand } from '../../../src/wire/frame.js';
import { decodeBaseCommand } from '../../../src/wire/proto.js';
import { SAMPLE_COMMANDS } from './sample-commands.js';
import { plain } from './wire-test-helpers.js';

// The sub-command field of each type, as BaseCommand names it.
const FIELD_OF: Partial<Record<CommandType, string>> = {
  [CommandType.CONNECT]: 'connect',
  [CommandType.CONNECTED]: 'connected',
  [CommandType.AUTH_CHALLENGE]: 'authChallenge',
  [CommandType.AUTH_RESPONSE]: 'authResponse',
  [CommandType.PING]: 'ping',
  [CommandType.PONG]: 'pong',
  [CommandType.SUCCESS]: 'success',
  [CommandType.ERROR]: 'error',
  [CommandType.LOOKUP]: 'lookupTopic',
  [CommandType.LOOKUP_RESPONSE]: 'lookupTopicResponse',
  [CommandType.PARTITIONED_METADATA]: 'partitionMetadata',
  [CommandType.PARTITIONED_METADATA_RESPONSE]: 'partitionMetadataResponse',
  [CommandType.PRODUCER]: 'producer',
  [CommandType.PRODUCER_SUCCESS]: 'producerSuccess',
  [CommandType.SEND]: 'send',
  [CommandType.SEND_RECEIPT]: 'sendReceipt',
  [CommandType.SEND_ERROR]: 'sendError',
  [CommandType.SUBSCRIBE]: 'subscribe',
  [CommandType.FLOW]: 'flow',
  [CommandType.MESSAGE]: 'message',
  [CommandType.ACK]: 'ack',
  [CommandType.ACK_RESPONSE]: 'ackResponse',
  [CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES]: 'redeliverUnacknowledgedMessages',
  [CommandType.UNSUBSCRIBE]: 'unsubscribe',
  [CommandType.CLOSE_PRODUCER]: 'closeProducer',
  [CommandType.CLOSE_CONSUMER]: 'closeConsumer',
  [CommandType.ACTIVE_CONSUMER_CHANGE]: 'activeConsumerChange',
  [CommandType.REACHED_END_OF_TOPIC]: 'reachedEndOfTopic',
  [CommandType.GET_SCHEMA]: 'getSchema',
  [CommandType.GET_SCHEMA_RESPONSE]: 'getSchemaResponse',
  [CommandType.GET_OR_CREATE_SCHEMA]: 'getOrCreateSchema',
  [CommandType.GET_OR_CREATE_SCHEMA_RESPONSE]: 'getOrCreateSchemaResponse',
  [CommandType.TOPIC_MIGRATED]: 'topicMigrated',
  [CommandType.GET_LAST_MESSAGE_ID]: 'getLastMessageId',
  [CommandType.GET_LAST_MESSAGE_ID_RESPONSE]: 'getLastMessageIdResponse',
  [CommandType.SEEK]: 'seek',
  [CommandType.GET_TOPICS_OF_NAMESPACE]: 'getTopicsOfNamespace',
  [CommandType.GET_TOPICS_OF_NAMESPACE_RESPONSE]: 'getTopicsOfNamespaceResponse',
};

describe('wire/commands: round trip of every command', () => {
  for (const command of SAMPLE_COMMANDS) {
    const name = CommandType[command.type];
    it(`${name} survives encodeCommand → decodeFrame unchanged`, () => {
      const frame = encodeCommand(command);
      const decoded = decodeFrame(frame);
      assert.deepStrictEqual(plain(decoded.command), plain(command));
      assert.equal(decoded.frameSize, frame.length);
      assert.equal(decoded.payload, undefined);
    });
  }

  it('the samples cover every command the client needs, with the field named after its type', () => {
    const covered = new Set(SAMPLE_COMMANDS.map((c) => c.type));
    for (const type of Object.keys(FIELD_OF)) {
      assert.ok(covered.has(Number(type)), `no sample for ${CommandType[Number(type)]}`);
    }
    for (const command of SAMPLE_COMMANDS) {
      const field = FIELD_OF[command.type];
      assert.ok(field !== undefined && field in command, `${CommandType[command.type]} sets ${field}`);
    }
  });

  it('puts each sub-command at the field number equal to its type (independent check of the schema)', () => {
    for (const command of SAMPLE_COMMANDS) {
      const frame = encodeCommand(command);
      // BaseCommand bytes start at 8: field 1 (type) varint, then the sub-command's tag.
      const body = frame.subarray(8);
      assert.equal(body[0], 0x08);
      assert.equal(body[1], Number(command.type));
      const tag = Number(command.type) < 16 ? body[2]! : (body[2]! & 0x7f) | (body[3]! << 7);
      assert.equal(tag, (command.type << 3) | 2, `${CommandType[command.type]} sub-command tag`);
    }
  });

  it('decodes the same command whether it is read from a frame or from its bare bytes', () => {
    for (const command of SAMPLE_COMMANDS) {
      const frame = encodeCommand(command);
      assert.deepStrictEqual(plain(decodeBaseCommand(frame.subarray(8))), plain(command));
    }
  });
});
