#!/usr/bin/env bash
# Measures the inference service's local embedding model (all-minilm-l6-v2) on this machine: latency of one
# sentence and of a batch of 32 at concurrency 1, throughput in sentences per second with CONCURRENCY clients
# sending batches of 32, and the service's resident memory after the model loaded and after the runs.
# Prints a Markdown table. Needs: the .NET SDK, curl, python3 (standard library only).
# Usage: bench/embeddings/run.sh [requests per latency measurement (default 200)] [seconds of throughput (default 20)]
set -euo pipefail
cd "$(dirname "$0")"
requests="${1:-200}"
seconds="${2:-20}"
concurrency="${CONCURRENCY:-2}"

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
echo "Publishing (Release)..." >&2
dotnet publish ../../Nexus.Services/Nexus.Services.Inference/Nexus.Services.Inference.csproj -c Release -o "$work/inference" >/dev/null

# No upstream: only the local model serves, as on a fresh machine.
ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
  dotnet "$work/inference/Nexus.Services.Inference.dll" >"$work/service.log" 2>&1 &
pid=$!

# Ready means the model has loaded (the health check says so).
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs -o /dev/null "http://127.0.0.1:$port/health" || { echo "the service did not become ready" >&2; cat "$work/service.log" >&2; exit 1; }
rss_loaded=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

python3 measure.py "http://127.0.0.1:$port/v1/embeddings" "$requests" "$seconds" "$concurrency"

rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
echo "| resident memory after load | $((rss_loaded / 1024)) MB |"
echo "| resident memory after the runs | $((rss_after / 1024)) MB |"
