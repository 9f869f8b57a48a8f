// Numeric enums of the Pulsar binary protocol. The numbers are wire facts; the names are ours (camel-cased
// where Pulsar's own names have underscores). The protobuf schema (proto-schema.ts) declares these fields as
// int32, so a value this file does not list still decodes (as its number) instead of failing the frame.

/** Protocol version Strobe announces in CONNECT: 20 adds TOPIC_MIGRATED (17 ack receipts, 18 broker entry metadata). */
export const PROTOCOL_VERSION = 20;

/** BaseCommand.type; each sub-command's field number in BaseCommand equals its type number. */
export enum CommandType {
  CONNECT = 2,
  CONNECTED = 3,
  SUBSCRIBE = 4,
  PRODUCER = 5,
  SEND = 6,
  SEND_RECEIPT = 7,
  SEND_ERROR = 8,
  MESSAGE = 9,
  ACK = 10,
  FLOW = 11,
  UNSUBSCRIBE = 12,
  SUCCESS = 13,
  ERROR = 14,
  CLOSE_PRODUCER = 15,
  CLOSE_CONSUMER = 16,
  PRODUCER_SUCCESS = 17,
  PING = 18,
  PONG = 19,
  REDELIVER_UNACKNOWLEDGED_MESSAGES = 20,
  PARTITIONED_METADATA = 21,
  PARTITIONED_METADATA_RESPONSE = 22,
  LOOKUP = 23,
  LOOKUP_RESPONSE = 24,
  CONSUMER_STATS = 25,
  CONSUMER_STATS_RESPONSE = 26,
  REACHED_END_OF_TOPIC = 27,
  SEEK = 28,
  GET_LAST_MESSAGE_ID = 29,
  GET_LAST_MESSAGE_ID_RESPONSE = 30,
  ACTIVE_CONSUMER_CHANGE = 31,
  GET_TOPICS_OF_NAMESPACE = 32,
  GET_TOPICS_OF_NAMESPACE_RESPONSE = 33,
  GET_SCHEMA = 34,
  GET_SCHEMA_RESPONSE = 35,
  AUTH_CHALLENGE = 36,
  AUTH_RESPONSE = 37,
  ACK_RESPONSE = 38,
  GET_OR_CREATE_SCHEMA = 39,
  GET_OR_CREATE_SCHEMA_RESPONSE = 40,
  NEW_TXN = 50,
  NEW_TXN_RESPONSE = 51,
  ADD_PARTITION_TO_TXN = 52,
  ADD_PARTITION_TO_TXN_RESPONSE = 53,
  ADD_SUBSCRIPTION_TO_TXN = 54,
  ADD_SUBSCRIPTION_TO_TXN_RESPONSE = 55,
  END_TXN = 56,
  END_TXN_RESPONSE = 57,
  END_TXN_ON_PARTITION = 58,
  END_TXN_ON_PARTITION_RESPONSE = 59,
  END_TXN_ON_SUBSCRIPTION = 60,
  END_TXN_ON_SUBSCRIPTION_RESPONSE = 61,
  TC_CLIENT_CONNECT_REQUEST = 62,
  TC_CLIENT_CONNECT_RESPONSE = 63,
  WATCH_TOPIC_LIST = 64,
  WATCH_TOPIC_LIST_SUCCESS = 65,
  WATCH_TOPIC_UPDATE = 66,
  WATCH_TOPIC_LIST_CLOSE = 67,
  TOPIC_MIGRATED = 68,
}

/**
 * The broker's ServerError codes (ERROR, SEND_ERROR, lookup and schema responses). Named `ServerErrorCode`
 * because `ServerError` is the error class in src/errors.ts; `serverErrorName()` gives the name it takes.
 */
export enum ServerErrorCode {
  UnknownError = 0,
  MetadataError = 1,
  PersistenceError = 2,
  AuthenticationError = 3,
  AuthorizationError = 4,
  ConsumerBusy = 5,
  ServiceNotReady = 6,
  ProducerBlockedQuotaExceededError = 7,
  ProducerBlockedQuotaExceededException = 8,
  ChecksumError = 9,
  UnsupportedVersionError = 10,
  TopicNotFound = 11,
  SubscriptionNotFound = 12,
  ConsumerNotFound = 13,
  TooManyRequests = 14,
  TopicTerminatedError = 15,
  ProducerBusy = 16,
  InvalidTopicName = 17,
  IncompatibleSchema = 18,
  ConsumerAssignError = 19,
  TransactionCoordinatorNotFound = 20,
  InvalidTxnStatus = 21,
  NotAllowedError = 22,
  TransactionConflict = 23,
  TransactionNotFound = 24,
  ProducerFenced = 25,
}

/** Name of a ServerError code, or `Unknown(<n>)` for a code newer than this file. */
export function serverErrorName(code: number): string {
  const name = (ServerErrorCode as unknown as Record<number, string | undefined>)[code];
  return name ?? `Unknown(${code})`;
}

export enum CompressionType {
  NONE = 0,
  LZ4 = 1,
  ZLIB = 2,
  ZSTD = 3,
  SNAPPY = 4,
}

export enum SchemaType {
  None = 0,
  String = 1,
  Json = 2,
  Protobuf = 3,
  Avro = 4,
  Bool = 5,
  Int8 = 6,
  Int16 = 7,
  Int32 = 8,
  Int64 = 9,
  Float = 10,
  Double = 11,
  Date = 12,
  Time = 13,
  Timestamp = 14,
  KeyValue = 15,
  Instant = 16,
  LocalDate = 17,
  LocalTime = 18,
  LocalDateTime = 19,
  ProtobufNative = 20,
}

/** CommandSubscribe.subType. */
export enum SubscriptionType {
  Exclusive = 0,
  Shared = 1,
  Failover = 2,
  KeyShared = 3,
}

/** CommandSubscribe.initialPosition. */
export enum InitialPosition {
  Latest = 0,
  Earliest = 1,
}

export enum AckType {
  Individual = 0,
  Cumulative = 1,
}

/** CommandAck.validationError: why a consumer discarded a message it could not read. */
export enum AckValidationError {
  UncompressedSizeCorruption = 0,
  DecompressionError = 1,
  ChecksumMismatch = 2,
  BatchDeSerializeError = 3,
  DecryptionError = 4,
}

export enum KeySharedMode {
  AutoSplit = 0,
  Sticky = 1,
}

export enum ProducerAccessMode {
  Shared = 0,
  Exclusive = 1,
  WaitForExclusive = 2,
  ExclusiveWithFencing = 3,
}

/** CommandLookupTopicResponse.response. */
export enum LookupType {
  Redirect = 0,
  Connect = 1,
  Failed = 2,
}

/** CommandPartitionedTopicMetadataResponse.response. */
export enum PartitionedMetadataResult {
  Success = 0,
  Failed = 1,
}

/** CommandTopicMigrated.resourceType. */
export enum MigratedResourceType {
  Producer = 0,
  Consumer = 1,
}

/** CommandGetTopicsOfNamespace.mode. */
export enum TopicListMode {
  Persistent = 0,
  NonPersistent = 1,
  All = 2,
}
