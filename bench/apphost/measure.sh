#!/usr/bin/env bash
# Measures, on an already built tree: the time from `dotnet run --project Nexus.AppHost` to every resource healthy
# (the app host prints "Press Ctrl+C to stop." only then), and each resource's resident memory after it idles.
# Usage: bench/apphost/measure.sh [auto|local|container|embedded] (RUNS=3 IDLE_SECONDS=10 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."

infrastructure=${1:-auto}
runs=${RUNS:-3}
idle=${IDLE_SECONDS:-10}

dotnet build Nexus.AppHost/Nexus.AppHost.csproj --nologo -v quiet >/dev/null

# Resident memory of a resource: every process in its session (the app host starts each resource in its own), in MiB.
session_rss() {
  ps -o rss= -s "$1" | awk '{s+=$1} END {printf "%.0f", s/1024}'
}

times=()
for run in $(seq 1 "$runs"); do
  log=$(mktemp)
  start=$(date +%s%N)
  dotnet run --no-build --project Nexus.AppHost -- --infrastructure "$infrastructure" >"$log" 2>&1 &
  runner=$!
  deadline=$((SECONDS + 180))
  until grep -q "Press Ctrl+C to stop." "$log"; do
    if ! kill -0 "$runner" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "The app host did not become healthy; its output:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.05
  done
  end=$(date +%s%N)
  times+=($(((end - start) / 1000000)))
  apphost=$(pgrep -P "$runner" | head -n 1)

  if [ "$run" -eq "$runs" ]; then
    sleep "$idle"
    echo "| resource | how | idle RSS (MiB) |"
    echo "|---|---|---|"
    echo "| app host | orchestrator | $(ps -o rss= -p "$apphost" | awk '{printf "%.0f", $1/1024}') |"
    # The start-up table: RESOURCE STATE RESTARTS PID URL HOW WHY.
    awk '/^RESOURCE/ {on=1; next} on && NF == 0 {exit} on {print $1, $4, $6, $7}' "$log" | while read -r name pid how1 how2; do
      [ "$pid" = "-" ] && continue
      how=$how1
      [ "$how1" = "local" ] && how="local $how2"
      echo "| $name | $how | $(session_rss "$pid") |"
    done
  fi

  kill -TERM "$apphost"
  wait "$runner" || true
  rm -f "$log"
done

printf 'start-up to all healthy (ms), %s runs, infrastructure %s: %s\n' "$runs" "$infrastructure" "${times[*]}"
