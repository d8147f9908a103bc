"""Latency and throughput of an OpenAI /v1/embeddings endpoint; prints Markdown table rows.

Usage: measure.py URL REQUESTS SECONDS CONCURRENCY
"""
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

url, requests, seconds, concurrency = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
target = urllib.parse.urlsplit(url)

# Ordinary English sentences of 8 to 20 words, varied so a batch is not padded to one length.
SENTENCES = [
    "The cat sat on the warm windowsill and watched the birds outside.",
    "Quarterly revenue grew by ten percent thanks to strong sales in Europe.",
    "Please restart the service after changing its configuration file.",
    "A kitten was sleeping on the rug next to the fireplace.",
    "The train to Oslo leaves at seven in the morning from platform four.",
    "Embeddings map text to vectors so that similar meanings lie close together.",
    "She finished the marathon in just under four hours despite the rain.",
    "The database migration failed because a column already existed.",
]


def body(inputs):
    return json.dumps({"model": "all-minilm-l6-v2", "input": inputs}).encode()


def post(connection, payload):
    connection.request("POST", target.path, payload, {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {data[:300]!r}")
    return data


def connect():
    return http.client.HTTPConnection(target.hostname, target.port, timeout=120)


def latency(inputs, count):
    connection = connect()
    payload = body(inputs)
    for _ in range(10):  # warm-up: JIT and ONNX Runtime's first runs
        post(connection, payload)
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        post(connection, payload)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def throughput(batch, clients, duration):
    payload = body([SENTENCES[i % len(SENTENCES)] for i in range(batch)])
    done = [0] * clients
    deadline = time.perf_counter() + duration

    def run(n):
        connection = connect()
        while time.perf_counter() < deadline:
            post(connection, payload)
            done[n] += batch

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - start)


one_median, one_p95 = latency(SENTENCES[0], requests)
batch_median, batch_p95 = latency([SENTENCES[i % len(SENTENCES)] for i in range(32)], max(requests // 4, 20))
rate = throughput(32, concurrency, seconds)
print("| measurement | result |")
print("|---|---|")
print(f"| one sentence, c=1: median / p95 | {one_median:.1f} ms / {one_p95:.1f} ms |")
print(f"| batch of 32, c=1: median / p95 | {batch_median:.0f} ms / {batch_p95:.0f} ms ({batch_median / 32:.1f} ms a sentence) |")
print(f"| throughput, batches of 32, c={concurrency} | {rate:.0f} sentences/s |")
