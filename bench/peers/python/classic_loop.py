"""The classic scoring loop users hand-write with the official Python client, as a benchmark peer.

pulsar-client + fastavro + onnxruntime: receive one message at a time into a list; when the list holds
`batchSize` messages or its first message has waited `batchTimeoutMs`, decode, build the feature matrix,
predict, encode and send every result (send_async, then flush and wait for every receipt), then ack the
inputs. The feature mapping is the function's own features.yaml (validated by Strobe and passed in the
job as JSON), ported to numpy for the column kinds the fraud model uses.

  python classic_loop.py <job.json>

Prints `READY` once the model is loaded and the consumer subscribed, and one `RESULT {json}` line when
`count` inputs have been scored, published and acknowledged.
"""

import io
import json
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import fastavro
import numpy as np
import onnxruntime as ort
import pulsar

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_ms():
    return time.time_ns() / 1e6


def to_ms(v):
    """fastavro returns timestamp-millis as an aware datetime; the features want epoch milliseconds."""
    if isinstance(v, datetime):
        return (v - EPOCH) // timedelta(milliseconds=1)
    return int(v)


def column_width(c):
    kind = c["kind"]
    if kind == "categorical":
        if c["encoding"] == "index":
            return 1
        return len(c["vocabulary"]) + (1 if c["oov"] == "bucket" else 0)
    if kind == "timestamp":
        return len(c["parts"]) * (2 if c["cyclical"] else 1)
    if kind in ("numeric", "boolean", "equals"):
        return 1
    raise ValueError(f"column kind {kind} is not ported to the classic loop")


def column_fn(c, offset):
    """A function (records, X) -> None that fills this column's slice of the float32 matrix X."""
    kind = c["kind"]
    field = c["field"]
    default = c.get("default")

    def values(records, fallback):
        return [r[field] if r.get(field) is not None else fallback for r in records]

    if kind == "numeric":
        def numeric(records, X):
            x = np.asarray(values(records, default), dtype=np.float64)
            if c["log1p"]:
                x = np.log1p(x)
            if c["scaling"] == "standard":
                x = (x - c["mean"]) / c["std"]
            elif c["scaling"] == "minmax":
                x = (x - c["min"]) / (c["max"] - c["min"])
            if c.get("clip") is not None:
                x = np.clip(x, c["clip"][0], c["clip"][1])
            X[:, offset] = x
        return numeric

    if kind == "categorical":
        index = {v: i for i, v in enumerate(c["vocabulary"])}
        shift = 1 if c["oov"] == "bucket" else 0

        def categorical(records, X):
            for row, v in enumerate(values(records, default)):
                i = index.get(v)
                if c["encoding"] == "index":
                    X[row, offset] = 0 if i is None else i + 1
                elif i is not None:
                    X[row, offset + shift + i] = 1
                elif c["oov"] == "bucket":
                    X[row, offset] = 1
                elif c["oov"] == "error":
                    raise ValueError(f"{field}: {v!r} is not in the vocabulary")
        return categorical

    if kind == "boolean":
        def boolean(records, X):
            X[:, offset] = np.asarray(values(records, default), dtype=np.float64)
        return boolean

    if kind == "equals":
        other = c["otherField"]

        def equals(records, X):
            for row, r in enumerate(records):
                a, b = r.get(field), r.get(other)
                X[row, offset] = (1 if default else 0) if a is None or b is None else (1 if a == b else 0)
        return equals

    if kind == "timestamp":
        shift = c["utcOffsetMinutes"] * 60_000

        def timestamp(records, X):
            t = np.asarray([to_ms(v) for v in values(records, default)], dtype=np.float64) + shift
            o = offset
            for part in c["parts"]:
                if part == "hourOfDay":
                    value, period = np.mod(t, DAY_MS) / HOUR_MS, 24.0
                else:
                    value, period = np.mod(np.floor(t / DAY_MS) + 3, 7), 7.0
                if c["cyclical"]:
                    X[:, o] = np.sin(2 * np.pi * value / period)
                    X[:, o + 1] = np.cos(2 * np.pi * value / period)
                    o += 2
                else:
                    X[:, o] = value / period
                    o += 1
        return timestamp

    raise ValueError(f"column kind {kind} is not ported to the classic loop")


class FeatureMatrix:
    def __init__(self, columns):
        self.fns = []
        offset = 0
        for c in columns:
            self.fns.append(column_fn(c, offset))
            offset += column_width(c)
        self.width = offset

    def build(self, records):
        X = np.zeros((len(records), self.width), dtype=np.float32)
        for fn in self.fns:
            fn(records, X)
        return X


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    with open(job["inputSchema"], encoding="utf-8") as f:
        in_schema = fastavro.parse_schema(json.load(f))
    with open(job["outputSchema"], encoding="utf-8") as f:
        out_schema = fastavro.parse_schema(json.load(f))
    features = FeatureMatrix(job["columns"])
    session = ort.InferenceSession(job["model"], providers=["CPUExecutionProvider"])
    input_name = job["modelInput"]
    output_name = job["modelOutput"]
    threshold = job["threshold"]

    client = pulsar.Client(job["serviceUrl"], logger=pulsar.ConsoleLogger(pulsar.LoggerLevel.Warn))
    consumer = client.subscribe(
        job["input"], job["subscription"],
        consumer_type=getattr(pulsar.ConsumerType, job["subscriptionType"].replace("_", "")),
        initial_position=pulsar.InitialPosition.Earliest,
        receiver_queue_size=job["receiverQueueSize"],
    )
    producer = client.create_producer(
        job["output"], batching_enabled=True, batching_max_publish_delay_ms=10,
        max_pending_messages=max(1000, job["batchSize"] * 2), block_if_queue_full=True,
    )
    print("READY", flush=True)

    count = job["count"]
    batch_size = job["batchSize"]
    timeout_s = job["batchTimeoutMs"] / 1000.0
    done = 0
    batches = 0
    failures = []
    first_receive_ms = None
    last_receipt_ms = None
    receipts = threading.Semaphore(0)

    def on_sent(res, _msg_id):
        if res != pulsar.Result.Ok:
            failures.append(str(res))
        receipts.release()

    batch = []
    deadline = 0.0
    while done < count:
        wait_ms = 1000 if not batch else max(1, int((deadline - time.monotonic()) * 1000))
        try:
            msg = consumer.receive(timeout_millis=wait_ms)
        except pulsar.Timeout:
            msg = None
        if msg is not None:
            if first_receive_ms is None:
                first_receive_ms = epoch_ms()
            if not batch:
                deadline = time.monotonic() + timeout_s
            batch.append((msg, time.monotonic()))
        if not batch or (len(batch) < batch_size and time.monotonic() < deadline):
            continue

        records = [fastavro.schemaless_reader(io.BytesIO(m.data()), in_schema) for m, _ in batch]
        scores = session.run([output_name], {input_name: features.build(records)})[0]
        scored = time.monotonic()
        scored_at = int(epoch_ms())
        for (m, received), r, s in zip(batch, records, scores):
            score = float(s[0])
            out = io.BytesIO()
            fastavro.schemaless_writer(out, out_schema, {
                "transaction_id": r["transaction_id"],
                "card_id": r["card_id"],
                "fraud_score": score,
                "is_fraud_predicted": score >= threshold,
                "model_name": job["modelName"],
                "model_version": job["modelVersion"],
                "event_time": r["event_time"],
                "scored_at": scored_at,
                "scoring_latency_ms": (scored - received) * 1000.0,
            })
            producer.send_async(out.getvalue(), on_sent, partition_key=m.partition_key(),
                                event_timestamp=int(to_ms(r["event_time"])))
        producer.flush()
        for _ in batch:
            receipts.acquire()
        if failures:
            raise RuntimeError(f"{len(failures)} sends failed: {failures[0]}")
        last_receipt_ms = epoch_ms()
        for m, _ in batch:
            consumer.acknowledge(m)
        done += len(batch)
        batches += 1
        batch = []

    producer.close()
    consumer.close()
    client.close()
    print("RESULT " + json.dumps({
        "count": done, "batches": batches, "meanBatchSize": done / max(1, batches),
        "firstReceiveMs": first_receive_ms, "lastReceiptMs": last_receipt_ms,
    }), flush=True)


if __name__ == "__main__":
    main()
