// Hand-written shapes of the protocol's commands and of BaseCommand (conventions: see messages.ts).
import type {
  AckType,
  AckValidationError,
  CommandType,
  InitialPosition,
  LookupType,
  MigratedResourceType,
  PartitionedMetadataResult,
  ProducerAccessMode,
  ServerErrorCode,
  SubscriptionType,
  TopicListMode,
} from './enums.js';
import type {
  AuthData,
  FeatureFlags,
  KeyLongValue,
  KeySharedMeta,
  KeyValue,
  MessageIdData,
  Schema,
} from './messages.js';

// The shared message shapes, re-exported so one import serves a command and its metadata.
export type {
  AuthData,
  BrokerEntryMetadata,
  EncryptionKeys,
  FeatureFlags,
  IntRange,
  KeyLongValue,
  KeySharedMeta,
  KeyValue,
  MessageIdData,
  MessageMetadata,
  Schema,
  SingleMessageMetadata,
} from './messages.js';

export interface CommandConnect {
  clientVersion: string;
  authData?: Uint8Array;
  protocolVersion?: number;
  authMethodName?: string;
  proxyToBrokerUrl?: string;
  originalPrincipal?: string;
  originalAuthData?: string;
  originalAuthMethod?: string;
  featureFlags?: FeatureFlags;
}

export interface CommandConnected {
  serverVersion: string;
  protocolVersion?: number;
  /** The broker's max message size; frames may be this plus 10 KiB. */
  maxMessageSize?: number;
  featureFlags?: FeatureFlags;
}

export interface CommandAuthChallenge {
  serverVersion?: string;
  challenge?: AuthData;
  protocolVersion?: number;
}

export interface CommandAuthResponse {
  clientVersion?: string;
  response?: AuthData;
  protocolVersion?: number;
}

// PING and PONG carry no fields.
export type CommandPing = Record<string, never>;
export type CommandPong = Record<string, never>;

export interface CommandSuccess {
  requestId: number;
  schema?: Schema;
}

export interface CommandError {
  requestId: number;
  error: ServerErrorCode;
  message: string;
}

export interface CommandLookupTopic {
  topic: string;
  requestId: number;
  authoritative?: boolean;
  advertisedListenerName?: string;
}

export interface CommandLookupTopicResponse {
  brokerServiceUrl?: string;
  brokerServiceUrlTls?: string;
  response?: LookupType;
  requestId: number;
  authoritative?: boolean;
  error?: ServerErrorCode;
  message?: string;
  proxyThroughServiceUrl?: boolean;
}

export interface CommandPartitionedTopicMetadata {
  topic: string;
  requestId: number;
}

export interface CommandPartitionedTopicMetadataResponse {
  partitions?: number;
  requestId: number;
  response?: PartitionedMetadataResult;
  error?: ServerErrorCode;
  message?: string;
}

export interface CommandProducer {
  topic: string;
  producerId: number;
  requestId: number;
  producerName?: string;
  encrypted?: boolean;
  metadata?: KeyValue[];
  schema?: Schema;
  epoch?: number;
  userProvidedProducerName?: boolean;
  producerAccessMode?: ProducerAccessMode;
  topicEpoch?: number;
  txnEnabled?: boolean;
  initialSubscriptionName?: string;
}

export interface CommandProducerSuccess {
  requestId: number;
  producerName: string;
  /** -1 when the broker knows no earlier sequence id (absent means the same). */
  lastSequenceId?: number;
  schemaVersion?: Uint8Array;
  topicEpoch?: number;
  /** false: wait for a second PRODUCER_SUCCESS (absent means true). */
  producerReady?: boolean;
}

export interface CommandSend {
  producerId: number;
  sequenceId: number;
  numMessages?: number;
  txnidLeastBits?: number;
  txnidMostBits?: number;
  highestSequenceId?: number;
  isChunk?: boolean;
  marker?: boolean;
  messageId?: MessageIdData;
}

export interface CommandSendReceipt {
  producerId: number;
  sequenceId: number;
  messageId?: MessageIdData;
  highestSequenceId?: number;
}

export interface CommandSendError {
  producerId: number;
  sequenceId: number;
  error: ServerErrorCode;
  message: string;
}

export interface CommandSubscribe {
  topic: string;
  subscription: string;
  subType: SubscriptionType;
  consumerId: number;
  requestId: number;
  consumerName?: string;
  priorityLevel?: number;
  durable?: boolean;
  startMessageId?: MessageIdData;
  metadata?: KeyValue[];
  readCompacted?: boolean;
  schema?: Schema;
  initialPosition?: InitialPosition;
  replicateSubscriptionState?: boolean;
  forceTopicCreation?: boolean;
  startMessageRollbackDurationSec?: number;
  keySharedMeta?: KeySharedMeta;
  subscriptionProperties?: KeyValue[];
  consumerEpoch?: number;
}

export interface CommandFlow {
  consumerId: number;
  messagePermits: number;
}

export interface CommandMessage {
  consumerId: number;
  messageId: MessageIdData;
  redeliveryCount?: number;
  /** Batch-index ack bit set: bit i of word i>>6 set means message i is still to be delivered. */
  ackSet?: bigint[];
  consumerEpoch?: number;
}

export interface CommandAck {
  consumerId: number;
  ackType: AckType;
  messageId?: MessageIdData[];
  validationError?: AckValidationError;
  properties?: KeyLongValue[];
  txnidLeastBits?: number;
  txnidMostBits?: number;
  /** Set it to get an ACK_RESPONSE. */
  requestId?: number;
}

export interface CommandAckResponse {
  consumerId: number;
  txnidLeastBits?: number;
  txnidMostBits?: number;
  error?: ServerErrorCode;
  message?: string;
  requestId?: number;
}

export interface CommandRedeliverUnacknowledgedMessages {
  consumerId: number;
  /** Empty or absent: redeliver everything unacknowledged. */
  messageIds?: MessageIdData[];
  consumerEpoch?: number;
}

export interface CommandUnsubscribe {
  consumerId: number;
  requestId: number;
}

export interface CommandCloseProducer {
  producerId: number;
  requestId: number;
  assignedBrokerServiceUrl?: string;
  assignedBrokerServiceUrlTls?: string;
}

export interface CommandCloseConsumer {
  consumerId: number;
  requestId: number;
  assignedBrokerServiceUrl?: string;
  assignedBrokerServiceUrlTls?: string;
}

export interface CommandActiveConsumerChange {
  consumerId: number;
  isActive?: boolean;
}

export interface CommandReachedEndOfTopic {
  consumerId: number;
}

export interface CommandSeek {
  consumerId: number;
  requestId: number;
  messageId?: MessageIdData;
  messagePublishTime?: number;
}

export interface CommandGetLastMessageId {
  consumerId: number;
  requestId: number;
}

export interface CommandGetLastMessageIdResponse {
  lastMessageId: MessageIdData;
  requestId: number;
  consumerMarkDeletePosition?: MessageIdData;
}

export interface CommandGetTopicsOfNamespace {
  requestId: number;
  namespace: string;
  mode?: TopicListMode;
  topicsPattern?: string;
  topicsHash?: string;
}

export interface CommandGetTopicsOfNamespaceResponse {
  requestId: number;
  topics?: string[];
  filtered?: boolean;
  topicsHash?: string;
  changed?: boolean;
}

export interface CommandGetSchema {
  requestId: number;
  topic: string;
  schemaVersion?: Uint8Array;
}

export interface CommandGetSchemaResponse {
  requestId: number;
  errorCode?: ServerErrorCode;
  errorMessage?: string;
  schema?: Schema;
  schemaVersion?: Uint8Array;
}

export interface CommandGetOrCreateSchema {
  requestId: number;
  topic: string;
  schema: Schema;
}

export interface CommandGetOrCreateSchemaResponse {
  requestId: number;
  errorCode?: ServerErrorCode;
  errorMessage?: string;
  schemaVersion?: Uint8Array;
}

export interface CommandTopicMigrated {
  resourceId: number;
  resourceType: MigratedResourceType;
  brokerServiceUrl?: string;
  brokerServiceUrlTls?: string;
}

/** The envelope of every frame: `type` says which one sub-command field is set. */
export interface BaseCommand {
  type: CommandType;
  connect?: CommandConnect;
  connected?: CommandConnected;
  subscribe?: CommandSubscribe;
  producer?: CommandProducer;
  send?: CommandSend;
  sendReceipt?: CommandSendReceipt;
  sendError?: CommandSendError;
  message?: CommandMessage;
  ack?: CommandAck;
  flow?: CommandFlow;
  unsubscribe?: CommandUnsubscribe;
  success?: CommandSuccess;
  error?: CommandError;
  closeProducer?: CommandCloseProducer;
  closeConsumer?: CommandCloseConsumer;
  producerSuccess?: CommandProducerSuccess;
  ping?: CommandPing;
  pong?: CommandPong;
  redeliverUnacknowledgedMessages?: CommandRedeliverUnacknowledgedMessages;
  partitionMetadata?: CommandPartitionedTopicMetadata;
  partitionMetadataResponse?: CommandPartitionedTopicMetadataResponse;
  lookupTopic?: CommandLookupTopic;
  lookupTopicResponse?: CommandLookupTopicResponse;
  reachedEndOfTopic?: CommandReachedEndOfTopic;
  seek?: CommandSeek;
  getLastMessageId?: CommandGetLastMessageId;
  getLastMessageIdResponse?: CommandGetLastMessageIdResponse;
  activeConsumerChange?: CommandActiveConsumerChange;
  getTopicsOfNamespace?: CommandGetTopicsOfNamespace;
  getTopicsOfNamespaceResponse?: CommandGetTopicsOfNamespaceResponse;
  getSchema?: CommandGetSchema;
  getSchemaResponse?: CommandGetSchemaResponse;
  authChallenge?: CommandAuthChallenge;
  authResponse?: CommandAuthResponse;
  ackResponse?: CommandAckResponse;
  getOrCreateSchema?: CommandGetOrCreateSchema;
  getOrCreateSchemaResponse?: CommandGetOrCreateSchemaResponse;
  topicMigrated?: CommandTopicMigrated;
}
