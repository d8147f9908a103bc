#!/usr/bin/env bash
# Resident memory over a long run: one gateway (key auth, limits, budgets, SQLite audit, static route) in front of the
# static upstream, driven with wrk at c=8 until its audit trail holds REQUESTS requests (default 1,000,000), with a
# reading every STEP (100,000): resident memory and its parts from /proc/PID/smaps_rollup, the GC's live heap and
# committed memory (the runtime's own counters), and process CPU time per request, which a loaded
# machine distorts less than wall-clock figures.
# GCDUMP=<folder> writes a dotnet-gcdump of the live heap at the first and the last reading into that folder
# (needs dotnet-gcdump on PATH or in TOOLS=<folder>).
# Extra arguments are passed to the gateway as environment (e.g. DOTNET_GCConserveMemory=5) to measure a setting.
# Usage: bench/gateway/soak.sh [ENV=VALUE...]; BUILDS=<folder> reuses published builds as run.sh does.
# At the end: the resident memory by mapping (the largest), from /proc/PID/smaps.
set -euo pipefail
cd "$(dirname "$0")"
requests="${REQUESTS:-1000000}"
step="${STEP:-100000}"
source ./one-gateway.sh "$@"
smaps() { awk -v k="$1" '$1 == k":" { printf "%d", $2 / 1024 }' "/proc/$gateway_pid/smaps_rollup"; }
tools="${TOOLS:-}"
gcdump() { # file
  [ -n "${GCDUMP:-}" ] || return 0
  mkdir -p "$GCDUMP"
  "${tools:+$tools/}dotnet-gcdump" collect -p "$gateway_pid" -o "$GCDUMP/$1" >/dev/null 2>&1 || echo "gcdump failed" >&2
}
# The runtime's counters (dotnet-counters, if present), sampled for two seconds: the managed heap after the last
# collection (all generations) and the memory the GC has committed, in MB.
counters() {
  local bin="${tools:+$tools/}dotnet-counters"
  command -v "$bin" >/dev/null || { echo "| | |"; return; }
  rm -f "$work/counters.csv"
  "$bin" collect -p "$gateway_pid" --counters System.Runtime --format csv -o "$work/counters.csv" --duration 00:00:02 >/dev/null 2>&1 || true
  python3 - "$work/counters.csv" <<'PY'
import csv, sys
last = {}
try:
    for row in csv.reader(open(sys.argv[1])):
        if len(row) >= 5: last[row[2]] = row[4]
except FileNotFoundError: pass
heap = sum(float(v) for k, v in last.items() if k.startswith("dotnet.gc.last_collection.heap.size"))
committed = float(last.get("dotnet.gc.last_collection.memory.committed_size (By)", 0))
print(f"| {heap / 1048576:.1f} | {committed / 1048576:.1f} |")
PY
}

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg). Gateway settings: ${*:-defaults}."
echo
echo "| audited requests | resident (MiB) | anonymous | mapped (files, compiled code) | GC heap after last GC (MB) | GC committed (MB) | CPU ms per request since last reading |"
echo "|---|---|---|---|---|---|---|"
next=$step
last_cpu=$(cpu_seconds); last_n=0
while :; do
  wrk -t2 -c8 -d5s -s chat.lua "$url/v1/chat/completions" >/dev/null
  n=$(audited)
  if [ "$n" -ge "$next" ] || [ "$n" -ge "$requests" ]; then
    sleep 1 # let the audit queue drain
    cpu=$(cpu_seconds)
    per=$(awk -v c="$cpu" -v l="$last_cpu" -v n="$n" -v m="$last_n" 'BEGIN { printf "%.3f", (c - l) * 1000 / (n - m) }')
    [ "$last_n" = 0 ] && gcdump first.gcdump
    echo "| $n | $(smaps Rss) | $(smaps Anonymous) | $(( $(smaps Rss) - $(smaps Anonymous) )) $(counters) $per |"
    last_cpu=$cpu; last_n=$n
    next=$(( (n / step + 1) * step ))
    [ "$n" -ge "$requests" ] && break
  fi
done
gcdump last.gcdump
echo
echo "Resident at the end by mapping (MiB; anonymous mappings together):"
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anonymous]" : $6) } $1 == "Rss:" { rss[name] += $2 }
  END { for (n in rss) if (rss[n] >= 1024) printf "%8.1f  %s\n", rss[n] / 1024, n }' "/proc/$gateway_pid/smaps" | sort -rn | head -15
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
