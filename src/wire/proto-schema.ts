// Strobe's own protobuf (proto2) description of the Pulsar binary protocol messages it speaks. Field numbers
// are wire facts (see /work/shared/reference/pulsar-protocol.md); the text is parsed once by proto.ts.
//
// Deliberate departures from a literal transcription, all wire-compatible:
// - Enum-valued fields are int32: proto2 enums are closed, so an enum value newer than this file would be
//   dropped (and a required one would fail the whole frame). The TS enums live in enums.ts.
// - Every 64-bit integer that means a number (ids, times, sequence ids, including Pulsar's int64 ones) is
//   uint64 here; the reader decodes uint64 as a signed 64-bit value (the broker's Java long, so -1 sentinels
//   survive) and refuses anything beyond 2^53 - 1. int64 is kept for bit sets (ack_set), read as bigint.
// - No [default] options: an absent optional field decodes as undefined, so presence stays visible (a
//   payload is a batch exactly when num_messages_in_batch is present).
export const PULSAR_PROTO = `
syntax = "proto2";
package strobe.pulsar;

message KeyValue {
  required string key = 1;
  required string value = 2;
}

message KeyLongValue {
  required string key = 1;
  required uint64 value = 2;
}

message IntRange {
  required int32 start = 1;
  required int32 end = 2;
}

message Schema {
  required string name = 1;
  required bytes schema_data = 3;
  required int32 type = 4;
  repeated KeyValue properties = 5;
}

message MessageIdData {
  required uint64 ledgerId = 1;
  required uint64 entryId = 2;
  optional int32 partition = 3;
  optional int32 batch_index = 4;
  repeated int64 ack_set = 5;
  optional int32 batch_size = 6;
  optional MessageIdData first_chunk_message_id = 7;
}

message EncryptionKeys {
  required string key = 1;
  required bytes value = 2;
  repeated KeyValue metadata = 3;
}

message MessageMetadata {
  required string producer_name = 1;
  required uint64 sequence_id = 2;
  required uint64 publish_time = 3;
  repeated KeyValue properties = 4;
  optional string replicated_from = 5;
  optional string partition_key = 6;
  repeated string replicate_to = 7;
  optional int32 compression = 8;
  optional uint32 uncompressed_size = 9;
  optional int32 num_messages_in_batch = 11;
  optional uint64 event_time = 12;
  repeated EncryptionKeys encryption_keys = 13;
  optional string encryption_algo = 14;
  optional bytes encryption_param = 15;
  optional bytes schema_version = 16;
  optional bool partition_key_b64_encoded = 17;
  optional bytes ordering_key = 18;
  optional uint64 deliver_at_time = 19;
  optional int32 marker_type = 20;
  optional uint64 txnid_least_bits = 22;
  optional uint64 txnid_most_bits = 23;
  optional uint64 highest_sequence_id = 24;
  optional bool null_value = 25;
  optional string uuid = 26;
  optional int32 num_chunks_from_msg = 27;
  optional int32 total_chunk_msg_size = 28;
  optional int32 chunk_id = 29;
  optional bool null_partition_key = 30;
}

message SingleMessageMetadata {
  repeated KeyValue properties = 1;
  optional string partition_key = 2;
  required int32 payload_size = 3;
  optional bool compacted_out = 4;
  optional uint64 event_time = 5;
  optional bool partition_key_b64_encoded = 6;
  optional bytes ordering_key = 7;
  optional uint64 sequence_id = 8;
  optional bool null_value = 9;
  optional bool null_partition_key = 10;
}

message BrokerEntryMetadata {
  optional uint64 broker_timestamp = 1;
  optional uint64 index = 2;
}

message FeatureFlags {
  optional bool supports_auth_refresh = 1;
  optional bool supports_broker_entry_metadata = 2;
  optional bool supports_partial_producer = 3;
  optional bool supports_topic_watchers = 4;
}

message AuthData {
  optional string auth_method_name = 1;
  optional bytes auth_data = 2;
}

message KeySharedMeta {
  required int32 keySharedMode = 1;
  repeated IntRange hashRanges = 3;
  optional bool allowOutOfOrderDelivery = 4;
}

message CommandConnect {
  required string client_version = 1;
  optional bytes auth_data = 3;
  optional int32 protocol_version = 4;
  optional string auth_method_name = 5;
  optional string proxy_to_broker_url = 6;
  optional string original_principal = 7;
  optional string original_auth_data = 8;
  optional string original_auth_method = 9;
  optional FeatureFlags feature_flags = 10;
}

message CommandConnected {
  required string server_version = 1;
  optional int32 protocol_version = 2;
  optional int32 max_message_size = 3;
  optional FeatureFlags feature_flags = 4;
}

message CommandAuthChallenge {
  optional string server_version = 1;
  optional AuthData challenge = 2;
  optional int32 protocol_version = 3;
}

message CommandAuthResponse {
  optional string client_version = 1;
  optional AuthData response = 2;
  optional int32 protocol_version = 3;
}

message CommandPing {}
message CommandPong {}

message CommandSuccess {
  required uint64 request_id = 1;
  optional Schema schema = 2;
}

message CommandError {
  required uint64 request_id = 1;
  required int32 error = 2;
  required string message = 3;
}

message CommandLookupTopic {
  required string topic = 1;
  required uint64 request_id = 2;
  optional bool authoritative = 3;
  optional string advertised_listener_name = 7;
}

message CommandLookupTopicResponse {
  optional string brokerServiceUrl = 1;
  optional string brokerServiceUrlTls = 2;
  optional int32 response = 3;
  required uint64 request_id = 4;
  optional bool authoritative = 5;
  optional int32 error = 6;
  optional string message = 7;
  optional bool proxy_through_service_url = 8;
}

message CommandPartitionedTopicMetadata {
  required string topic = 1;
  required uint64 request_id = 2;
}

message CommandPartitionedTopicMetadataResponse {
  optional uint32 partitions = 1;
  required uint64 request_id = 2;
  optional int32 response = 3;
  optional int32 error = 4;
  optional string message = 5;
}

message CommandProducer {
  required string topic = 1;
  required uint64 producer_id = 2;
  required uint64 request_id = 3;
  optional string producer_name = 4;
  optional bool encrypted = 5;
  repeated KeyValue metadata = 6;
  optional Schema schema = 7;
  optional uint64 epoch = 8;
  optional bool user_provided_producer_name = 9;
  optional int32 producer_access_mode = 10;
  optional uint64 topic_epoch = 11;
  optional bool txn_enabled = 12;
  optional string initial_subscription_name = 13;
}

message CommandProducerSuccess {
  required uint64 request_id = 1;
  required string producer_name = 2;
  optional uint64 last_sequence_id = 3;
  optional bytes schema_version = 4;
  optional uint64 topic_epoch = 5;
  optional bool producer_ready = 6;
}

message CommandSend {
  required uint64 producer_id = 1;
  required uint64 sequence_id = 2;
  optional int32 num_messages = 3;
  optional uint64 txnid_least_bits = 4;
  optional uint64 txnid_most_bits = 5;
  optional uint64 highest_sequence_id = 6;
  optional bool is_chunk = 7;
  optional bool marker = 8;
  optional MessageIdData message_id = 9;
}

message CommandSendReceipt {
  required uint64 producer_id = 1;
  required uint64 sequence_id = 2;
  optional MessageIdData message_id = 3;
  optional uint64 highest_sequence_id = 4;
}

message CommandSendError {
  required uint64 producer_id = 1;
  required uint64 sequence_id = 2;
  required int32 error = 3;
  required string message = 4;
}

message CommandSubscribe {
  required string topic = 1;
  required string subscription = 2;
  required int32 subType = 3;
  required uint64 consumer_id = 4;
  required uint64 request_id = 5;
  optional string consumer_name = 6;
  optional int32 priority_level = 7;
  optional bool durable = 8;
  optional MessageIdData start_message_id = 9;
  repeated KeyValue metadata = 10;
  optional bool read_compacted = 11;
  optional Schema schema = 12;
  optional int32 initialPosition = 13;
  optional bool replicate_subscription_state = 14;
  optional bool force_topic_creation = 15;
  optional uint64 start_message_rollback_duration_sec = 16;
  optional KeySharedMeta keySharedMeta = 17;
  repeated KeyValue subscription_properties = 18;
  optional uint64 consumer_epoch = 19;
}

message CommandFlow {
  required uint64 consumer_id = 1;
  required uint32 messagePermits = 2;
}

message CommandMessage {
  required uint64 consumer_id = 1;
  required MessageIdData message_id = 2;
  optional uint32 redelivery_count = 3;
  repeated int64 ack_set = 4;
  optional uint64 consumer_epoch = 5;
}

message CommandAck {
  required uint64 consumer_id = 1;
  required int32 ack_type = 2;
  repeated MessageIdData message_id = 3;
  optional int32 validation_error = 4;
  repeated KeyLongValue properties = 5;
  optional uint64 txnid_least_bits = 6;
  optional uint64 txnid_most_bits = 7;
  optional uint64 request_id = 8;
}

message CommandAckResponse {
  required uint64 consumer_id = 1;
  optional uint64 txnid_least_bits = 2;
  optional uint64 txnid_most_bits = 3;
  optional int32 error = 4;
  optional string message = 5;
  optional uint64 request_id = 6;
}

message CommandRedeliverUnacknowledgedMessages {
  required uint64 consumer_id = 1;
  repeated MessageIdData message_ids = 2;
  optional uint64 consumer_epoch = 3;
}

message CommandUnsubscribe {
  required uint64 consumer_id = 1;
  required uint64 request_id = 2;
}

message CommandCloseProducer {
  required uint64 producer_id = 1;
  required uint64 request_id = 2;
  optional string assignedBrokerServiceUrl = 3;
  optional string assignedBrokerServiceUrlTls = 4;
}

message CommandCloseConsumer {
  required uint64 consumer_id = 1;
  required uint64 request_id = 2;
  optional string assignedBrokerServiceUrl = 3;
  optional string assignedBrokerServiceUrlTls = 4;
}

message CommandActiveConsumerChange {
  required uint64 consumer_id = 1;
  optional bool is_active = 2;
}

message CommandReachedEndOfTopic {
  required uint64 consumer_id = 1;
}

message CommandSeek {
  required uint64 consumer_id = 1;
  required uint64 request_id = 2;
  optional MessageIdData message_id = 3;
  optional uint64 message_publish_time = 4;
}

message CommandGetLastMessageId {
  required uint64 consumer_id = 1;
  required uint64 request_id = 2;
}

message CommandGetLastMessageIdResponse {
  required MessageIdData last_message_id = 1;
  required uint64 request_id = 2;
  optional MessageIdData consumer_mark_delete_position = 3;
}

message CommandGetTopicsOfNamespace {
  required uint64 request_id = 1;
  required string namespace = 2;
  optional int32 mode = 3;
  optional string topics_pattern = 4;
  optional string topics_hash = 5;
}

message CommandGetTopicsOfNamespaceResponse {
  required uint64 request_id = 1;
  repeated string topics = 2;
  optional bool filtered = 3;
  optional string topics_hash = 4;
  optional bool changed = 5;
}

message CommandGetSchema {
  required uint64 request_id = 1;
  required string topic = 2;
  optional bytes schema_version = 3;
}

message CommandGetSchemaResponse {
  required uint64 request_id = 1;
  optional int32 error_code = 2;
  optional string error_message = 3;
  optional Schema schema = 4;
  optional bytes schema_version = 5;
}

message CommandGetOrCreateSchema {
  required uint64 request_id = 1;
  required string topic = 2;
  required Schema schema = 3;
}

message CommandGetOrCreateSchemaResponse {
  required uint64 request_id = 1;
  optional int32 error_code = 2;
  optional string error_message = 3;
  optional bytes schema_version = 4;
}

message CommandTopicMigrated {
  required uint64 resource_id = 1;
  required int32 resource_type = 2;
  optional string brokerServiceUrl = 3;
  optional string brokerServiceUrlTls = 4;
}

message BaseCommand {
  required int32 type = 1;
  optional CommandConnect connect = 2;
  optional CommandConnected connected = 3;
  optional CommandSubscribe subscribe = 4;
  optional CommandProducer producer = 5;
  optional CommandSend send = 6;
  optional CommandSendReceipt send_receipt = 7;
  optional CommandSendError send_error = 8;
  optional CommandMessage message = 9;
  optional CommandAck ack = 10;
  optional CommandFlow flow = 11;
  optional CommandUnsubscribe unsubscribe = 12;
  optional CommandSuccess success = 13;
  optional CommandError error = 14;
  optional CommandCloseProducer close_producer = 15;
  optional CommandCloseConsumer close_consumer = 16;
  optional CommandProducerSuccess producer_success = 17;
  optional CommandPing ping = 18;
  optional CommandPong pong = 19;
  optional CommandRedeliverUnacknowledgedMessages redeliverUnacknowledgedMessages = 20;
  optional CommandPartitionedTopicMetadata partitionMetadata = 21;
  optional CommandPartitionedTopicMetadataResponse partitionMetadataResponse = 22;
  optional CommandLookupTopic lookupTopic = 23;
  optional CommandLookupTopicResponse lookupTopicResponse = 24;
  optional CommandReachedEndOfTopic reachedEndOfTopic = 27;
  optional CommandSeek seek = 28;
  optional CommandGetLastMessageId getLastMessageId = 29;
  optional CommandGetLastMessageIdResponse getLastMessageIdResponse = 30;
  optional CommandActiveConsumerChange active_consumer_change = 31;
  optional CommandGetTopicsOfNamespace getTopicsOfNamespace = 32;
  optional CommandGetTopicsOfNamespaceResponse getTopicsOfNamespaceResponse = 33;
  optional CommandGetSchema getSchema = 34;
  optional CommandGetSchemaResponse getSchemaResponse = 35;
  optional CommandAuthChallenge authChallenge = 36;
  optional CommandAuthResponse authResponse = 37;
  optional CommandAckResponse ackResponse = 38;
  optional CommandGetOrCreateSchema getOrCreateSchema = 39;
  optional CommandGetOrCreateSchemaResponse getOrCreateSchemaResponse = 40;
  optional CommandTopicMigrated topicMigrated = 68;
}
`;
