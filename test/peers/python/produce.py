"""Produces messages with the official Python client. Args (JSON): service_url, topic, count,
keys (optional number of distinct keys), batching (bool), compression (NONE|LZ4|ZLIB|ZSTD|SNAPPY),
properties (dict), event_time_base (ms). Prints {"sent": n, "message_ids": [...]}."""
import json
import sys

import pulsar

args = json.loads(sys.argv[1])
CODECS = {"NONE": "NONE", "LZ4": "LZ4", "ZLIB": "ZLib", "ZSTD": "ZSTD", "SNAPPY": "SNAPPY"}
comp = getattr(pulsar.CompressionType, CODECS[args.get("compression", "NONE")])
client = pulsar.Client(args["service_url"], operation_timeout_seconds=30)
kwargs = dict(compression_type=comp, batching_enabled=bool(args.get("batching", False)))
if args.get("batching"):
    kwargs["batching_type"] = pulsar.BatchingType.KeyBased
    kwargs["batching_max_publish_delay_ms"] = 10
producer = client.create_producer(args["topic"], **kwargs)
keys = args.get("keys")
ids = []
errors = []


def done(res, msg_id):
    if res != pulsar.Result.Ok:
        errors.append(str(res))
    else:
        ids.append(str(msg_id))


for i in range(args["count"]):
    send_kwargs = {"properties": {**args.get("properties", {}), "seq": str(i)}}
    if keys:
        send_kwargs["partition_key"] = f"key-{i % keys}"
    if "event_time_base" in args:
        send_kwargs["event_timestamp"] = args["event_time_base"] + i
    payload = args.get("payload_prefix", "msg-").encode() + str(i).encode()
    producer.send_async(payload, done, **send_kwargs)
producer.flush()
producer.close()
client.close()
if errors:
    print(json.dumps({"sent": len(ids), "errors": errors[:5]}))
    sys.exit(1)
print(json.dumps({"sent": len(ids)}))
