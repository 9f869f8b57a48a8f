"""Consumes messages with the official Python client. Args (JSON): service_url, topic, subscription,
count, timeout_ms, subscription_type (Exclusive|Shared|Failover|KeyShared). Acks each message.
Prints {"messages": [{"key", "data", "properties", "event_time", "redelivery_count"}]}."""
import json
import sys

import pulsar

args = json.loads(sys.argv[1])
client = pulsar.Client(args["service_url"], operation_timeout_seconds=30)
consumer = client.subscribe(
    args["topic"],
    args["subscription"],
    consumer_type=getattr(pulsar.ConsumerType, args.get("subscription_type", "Exclusive")),
    initial_position=pulsar.InitialPosition.Earliest,
)
out = []
timeout = args.get("timeout_ms", 10000)
while len(out) < args["count"]:
    try:
        msg = consumer.receive(timeout)
    except pulsar.Timeout:
        break
    out.append(
        {
            "key": msg.partition_key(),
            "data": msg.data().decode("utf-8", "replace"),
            "properties": msg.properties(),
            "event_time": msg.event_timestamp(),
            "redelivery_count": msg.redelivery_count(),
        }
    )
    consumer.acknowledge(msg)
consumer.close()
client.close()
print(json.dumps({"messages": out}))
