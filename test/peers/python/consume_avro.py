"""Consumes Avro records with the official Python client's AvroSchema built from a JSON schema definition.
Args (JSON): service_url, topic, subscription, count, schema (the Avro schema as JSON).
Prints {"records": [...], "schema_versions": [...]}."""
import json
import sys

import pulsar
from pulsar.schema import AvroSchema

args = json.loads(sys.argv[1])
client = pulsar.Client(args["service_url"], operation_timeout_seconds=30)
consumer = client.subscribe(
    args["topic"],
    args["subscription"],
    schema=AvroSchema(None, schema_definition=args["schema"]),
    initial_position=pulsar.InitialPosition.Earliest,
)
records, versions = [], []
while len(records) < args["count"]:
    msg = consumer.receive(15000)
    records.append(msg.value())
    sv = msg.schema_version()
    versions.append(sv.hex() if isinstance(sv, bytes) else (str(sv) if sv is not None else None))
    consumer.acknowledge(msg)
consumer.close()
client.close()
print(json.dumps({"records": records, "schema_versions": versions}))
