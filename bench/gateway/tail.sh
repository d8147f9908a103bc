#!/usr/bin/env bash
# What the gateway's c=1 tail is made of: one gateway (as soak.sh starts it) warmed up at c=32, then wrk at c=1 for
# SECONDS while dotnet-trace records the runtime's GC, lock contention and thread-pool events; prints the c=1
# latency, then per generation the collections per 100k requests and their pause durations, the lock contentions
# and the thread-pool's thread injections (bench/gateway/TraceSummary reads the trace). Counts and pause durations
# are what a loaded machine distorts least; the latency figures are only as good as the machine is idle.
# Needs dotnet-trace (on PATH or in TOOLS=<folder>). Extra arguments go to the gateway as environment, to measure a
# setting (e.g. DOTNET_gcConcurrent=0).
# Usage: bench/gateway/tail.sh [ENV=VALUE...]; SECONDS_C1 (20), WARMUP (20).
set -euo pipefail
cd "$(dirname "$0")"
source ./one-gateway.sh "$@"
seconds="${SECONDS_C1:-20}"
trace_bin="${TOOLS:+$TOOLS/}dotnet-trace"
dotnet build -c Release TraceSummary/TraceSummary.csproj -o "$work/summary" >/dev/null

wrk -t2 -c32 -d"${WARMUP:-20}s" -s chat.lua "$url/v1/chat/completions" >/dev/null
# GC (0x1), contention (0x4000) and threading (0x10000) keywords at the informational level.
# The session outlasts the measurement by a little: dotnet-trace in the background stops on its own, not on a signal.
"$trace_bin" collect -p "$gateway_pid" --providers 'Microsoft-Windows-DotNETRuntime:0x14001:4' -o "$work/c1.nettrace" \
  --duration "00:00:$(printf '%02d' $(( seconds + 4 )))" >/dev/null 2>&1 &
trace_pid=$!
sleep 2 # the session is up
cpu_before=$(cpu_seconds)
result=$(wrk -t1 -c1 -d"${seconds}s" --latency -s chat.lua "$url/v1/chat/completions")
cpu_after=$(cpu_seconds)
wait "$trace_pid" || true
n=$(awk '/requests in/ {print $1}' <<<"$result")
echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg). Gateway settings: ${*:-defaults}."
awk '$1 ~ /^(50|90|99)%$/ {printf "c=1 %s %s; ", $1, $2} END {print ""}' <<<"$result"
echo "$n requests, CPU $(awk -v a="$cpu_after" -v b="$cpu_before" -v n="$n" 'BEGIN { printf "%.3f", (a - b) * 1000 / n }') ms per request."
dotnet "$work/summary/TraceSummary.dll" "$work/c1.nettrace" "$n"
