// One realistic example of every command Strobe speaks, for round-trip and decoder tests.
import type { BaseCommand } from '../../../src/wire/commands.js';
import {
  AckType,
  AckValidationError,
  CommandType,
  CompressionType,
  InitialPosition,
  KeySharedMode,
  LookupType,
  MigratedResourceType,
  PartitionedMetadataResult,
  ProducerAccessMode,
  SchemaType,
  ServerErrorCode,
  SubscriptionType,
} from '../../../src/wire/enums.js';
import type { MessageMetadata } from '../../../src/wire/messages.js';

const topic = 'persistent://public/default/strobe-wire-test';
const avro = Buffer.from('{"type":"record","name":"T","fields":[{"name":"x","type":"long"}]}');
const schema = {
  name: 'T',
  schemaData: avro,
  type: SchemaType.Avro,
  properties: [{ key: '__alwaysAllowNull', value: 'true' }],
};
const id = { ledgerId: 123, entryId: 0, partition: -1, batchIndex: 3 };

export const SAMPLE_COMMANDS: BaseCommand[] = [
  {
    type: CommandType.CONNECT,
    connect: {
      clientVersion: 'strobe-0.1.0',
      protocolVersion: 20,
      authMethodName: 'token',
      authData: Buffer.from('secret'),
      featureFlags: { supportsAuthRefresh: true, supportsBrokerEntryMetadata: true },
    },
  },
  { type: CommandType.CONNECTED, connected: { serverVersion: 'Pulsar Server4.0.4', protocolVersion: 20, maxMessageSize: 5242880 } },
  {
    type: CommandType.AUTH_CHALLENGE,
    authChallenge: { serverVersion: 'x', challenge: { authMethodName: 'token', authData: Buffer.from('refresh') }, protocolVersion: 20 },
  },
  {
    type: CommandType.AUTH_RESPONSE,
    authResponse: { clientVersion: 'strobe', response: { authMethodName: 'token', authData: Buffer.from('t2') }, protocolVersion: 20 },
  },
  { type: CommandType.PING, ping: {} },
  { type: CommandType.PONG, pong: {} },
  { type: CommandType.SUCCESS, success: { requestId: 0, schema } },
  { type: CommandType.ERROR, error: { requestId: 9, error: ServerErrorCode.TopicNotFound, message: 'no topic' } },
  { type: CommandType.LOOKUP, lookupTopic: { topic, requestId: 1, authoritative: false, advertisedListenerName: 'internal' } },
  {
    type: CommandType.LOOKUP_RESPONSE,
    lookupTopicResponse: {
      brokerServiceUrl: 'pulsar://127.0.0.1:6650',
      response: LookupType.Connect,
      requestId: 1,
      authoritative: true,
      proxyThroughServiceUrl: false,
    },
  },
  { type: CommandType.PARTITIONED_METADATA, partitionMetadata: { topic, requestId: 2 } },
  {
    type: CommandType.PARTITIONED_METADATA_RESPONSE,
    partitionMetadataResponse: { partitions: 0, requestId: 2, response: PartitionedMetadataResult.Success },
  },
  {
    type: CommandType.PRODUCER,
    producer: {
      topic,
      producerId: 0,
      requestId: 3,
      producerName: 'strobe-p',
      encrypted: false,
      metadata: [{ key: 'k', value: 'v' }],
      schema,
      epoch: 0,
      userProvidedProducerName: true,
      producerAccessMode: ProducerAccessMode.Shared,
    },
  },
  {
    type: CommandType.PRODUCER_SUCCESS,
    producerSuccess: { requestId: 3, producerName: 'standalone-0-1', lastSequenceId: -1, schemaVersion: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), producerReady: true },
  },
  { type: CommandType.SEND, send: { producerId: 0, sequenceId: 0, numMessages: 100, highestSequenceId: 99 } },
  { type: CommandType.SEND_RECEIPT, sendReceipt: { producerId: 0, sequenceId: 0, messageId: { ledgerId: 8, entryId: 0 }, highestSequenceId: 99 } },
  { type: CommandType.SEND_ERROR, sendError: { producerId: 0, sequenceId: 5, error: ServerErrorCode.ChecksumError, message: 'checksum' } },
  {
    type: CommandType.SUBSCRIBE,
    subscribe: {
      topic,
      subscription: 'sub',
      subType: SubscriptionType.KeyShared,
      consumerId: 0,
      requestId: 4,
      consumerName: 'c',
      durable: true,
      schema,
      initialPosition: InitialPosition.Earliest,
      keySharedMeta: { keySharedMode: KeySharedMode.Sticky, hashRanges: [{ start: 0, end: 32767 }], allowOutOfOrderDelivery: false },
      startMessageId: { ledgerId: -1, entryId: -1 },
    },
  },
  { type: CommandType.FLOW, flow: { consumerId: 0, messagePermits: 1000 } },
  {
    type: CommandType.MESSAGE,
    message: { consumerId: 0, messageId: { ledgerId: 8, entryId: 0, batchSize: 3 }, redeliveryCount: 2, ackSet: [-1n, 6n], consumerEpoch: 1 },
  },
  {
    type: CommandType.ACK,
    ack: {
      consumerId: 0,
      ackType: AckType.Individual,
      messageId: [id, { ledgerId: 8, entryId: 1 }],
      validationError: AckValidationError.ChecksumMismatch,
      properties: [{ key: 'k', value: 7 }],
      requestId: 11,
    },
  },
  { type: CommandType.ACK_RESPONSE, ackResponse: { consumerId: 0, requestId: 11, error: ServerErrorCode.NotAllowedError, message: 'no' } },
  {
    type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
    redeliverUnacknowledgedMessages: { consumerId: 0, messageIds: [{ ledgerId: 8, entryId: 2 }], consumerEpoch: 0 },
  },
  { type: CommandType.UNSUBSCRIBE, unsubscribe: { consumerId: 0, requestId: 12 } },
  { type: CommandType.CLOSE_PRODUCER, closeProducer: { producerId: 0, requestId: 13, assignedBrokerServiceUrl: 'pulsar://b2:6650' } },
  { type: CommandType.CLOSE_CONSUMER, closeConsumer: { consumerId: 0, requestId: 14 } },
  { type: CommandType.ACTIVE_CONSUMER_CHANGE, activeConsumerChange: { consumerId: 0, isActive: true } },
  { type: CommandType.REACHED_END_OF_TOPIC, reachedEndOfTopic: { consumerId: 0 } },
  { type: CommandType.GET_SCHEMA, getSchema: { requestId: 15, topic, schemaVersion: Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]) } },
  { type: CommandType.GET_SCHEMA_RESPONSE, getSchemaResponse: { requestId: 15, schema, schemaVersion: Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]) } },
  { type: CommandType.GET_OR_CREATE_SCHEMA, getOrCreateSchema: { requestId: 16, topic, schema } },
  {
    type: CommandType.GET_OR_CREATE_SCHEMA_RESPONSE,
    getOrCreateSchemaResponse: { requestId: 16, errorCode: ServerErrorCode.IncompatibleSchema, errorMessage: 'incompatible' },
  },
  {
    type: CommandType.TOPIC_MIGRATED,
    topicMigrated: { resourceId: 0, resourceType: MigratedResourceType.Consumer, brokerServiceUrl: 'pulsar://other:6650' },
  },
  { type: CommandType.GET_LAST_MESSAGE_ID, getLastMessageId: { consumerId: 0, requestId: 17 } },
  {
    type: CommandType.GET_LAST_MESSAGE_ID_RESPONSE,
    getLastMessageIdResponse: { lastMessageId: { ledgerId: 8, entryId: 41, partition: -1 }, requestId: 17, consumerMarkDeletePosition: { ledgerId: 8, entryId: 3 } },
  },
  { type: CommandType.SEEK, seek: { consumerId: 0, requestId: 18, messageId: { ledgerId: 8, entryId: 0 } } },
  { type: CommandType.SEEK, seek: { consumerId: 0, requestId: 19, messagePublishTime: 1_700_000_000_000 } },
  { type: CommandType.GET_TOPICS_OF_NAMESPACE, getTopicsOfNamespace: { requestId: 20, namespace: 'public/default', mode: 0 } },
  {
    type: CommandType.GET_TOPICS_OF_NAMESPACE_RESPONSE,
    getTopicsOfNamespaceResponse: { requestId: 20, topics: [topic], filtered: false, changed: true },
  },
];

export const SAMPLE_METADATA: MessageMetadata = {
  producerName: 'standalone-0-1',
  sequenceId: 0,
  publishTime: 1_700_000_000_123,
  properties: [{ key: 'a', value: 'b' }],
  partitionKey: 'card-42',
  compression: CompressionType.LZ4,
  uncompressedSize: 300,
  numMessagesInBatch: 3,
  eventTime: 1_700_000_000_000,
  schemaVersion: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]),
  orderingKey: Buffer.from('card-42'),
  highestSequenceId: 2,
};
