#!/usr/bin/env bash
# Start-up and stop times of the AppHost, on built trees, with the local binaries it finds (PostgreSQL, Redis, etcd).
#   start: from `dotnet run --no-build --project Nexus.AppHost` to its line "... Press Ctrl+C to stop.", printed once every
#          resource is healthy;
#   stop:  from SIGINT (what Ctrl+C sends) to the AppHost process until it has exited and no process it started is left
#          (a process is the AppHost's when its command line or working directory lies in the tree, or it is Aspire's
#          DCP or dashboard).
#   Each tree is run once first without being reported (file cache, first start).
# Usage: bench/apphost/measure.sh [BASELINE_REF]   (RUNS=3 by default)
# With BASELINE_REF (e.g. the commit before a change), that commit is exported to a temporary directory outside the
# repository and built, and its runs alternate with this tree's (baseline, this tree, baseline, ...), so a change in the
# machine's load during the run falls on both alike. The load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
runs=${RUNS:-3}
baseline=${1:-}
ready='Press Ctrl+C to stop.'

# Runs a command with SIGINT at its default disposition: a script's background jobs otherwise inherit it ignored.
with_sigint() { python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }

# The AppHost's processes: in the tree by command line or working directory (below the root: not a shell in it), or
# Aspire's orchestrator and dashboard.
tree_processes() {
  local root=$1 pid cmd cwd
  for pid in $(ps -eo pid=); do
    { cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline"); } 2>/dev/null || continue
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=
    case "$cmd" in *measure.sh*) continue ;; *aspire.hosting.orchestration*|*aspire.dashboard*) echo "$pid"; continue ;; esac
    case "$cmd" in *"$root/"*) echo "$pid"; continue ;; esac
    case "$cwd" in "$root/"*) echo "$pid" ;; esac
  done
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# measure_once LABEL ROOT [ARGS...]: one start and stop of ROOT's AppHost; appends to starts[LABEL] and stops[LABEL].
declare -A starts stops
measure_once() {
  local label=$1 root=$2; shift 2
  local log runner apphost begin end before leftovers
  before=$(tree_processes "$root" | sort)
  [ -z "$before" ] || { echo "processes of $root are already running: $before" >&2; exit 1; }
  log=$(mktemp)
  begin=$(now_ms)
  (cd "$root" && with_sigint dotnet run --no-build --project Nexus.AppHost -- "$@") >"$log" 2>&1 &
  runner=$!
  local deadline=$((SECONDS + 180))
  until grep -q "$ready" "$log"; do
    if ! kill -0 "$runner" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "$label: the AppHost did not become healthy; its output:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.05
  done
  end=$(now_ms)
  starts[$label]+="$((end - begin)) "

  apphost=$(pgrep -f "^$root/Nexus.AppHost/bin/" | head -n 1)
  begin=$(now_ms)
  kill -INT "$apphost"
  deadline=$((SECONDS + 120))
  while leftovers=$(tree_processes "$root"); [ -n "$leftovers" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "$label: still running 120 s after SIGINT: $leftovers" >&2; exit 1; }
    sleep 0.05
  done
  end=$(now_ms)
  stops[$label]+="$((end - begin)) "
  wait "$runner" || true
  rm -f "$log"
}

report() {
  local label=$1
  printf '%s: start-up to all healthy (ms): %s\n' "$label" "${starts[$label]% }"
  printf '%s: stop to no process left (ms): %s\n' "$label" "${stops[$label]% }"
}

dotnet build Nexus.AppHost/Nexus.AppHost.csproj --nologo -v quiet -clp:ErrorsOnly >/dev/null || { dotnet build Nexus.AppHost/Nexus.AppHost.csproj --nologo -v quiet >&2; exit 1; }
if [ -n "$baseline" ]; then
  old=$(mktemp -d)
  # As root, PostgreSQL runs as the 'postgres' user, who must be able to enter the tree.
  chmod 755 "$old"
  trap 'rm -rf "$old"' EXIT
  git archive "$baseline" | tar -x -C "$old"
  dotnet build "$old/Nexus.AppHost/Nexus.AppHost.csproj" --nologo -v quiet >/dev/null
fi

# Both trees use this tree's state directory (one runs at a time): the baseline's first run would otherwise include
# initdb. A first, unreported run of each warms the file cache.
state=("--Nexus:AppHost:StateDirectory=$repo/Nexus.AppHost/.nexus")
[ -z "$baseline" ] || measure_once warm-up "$old" "${state[@]}"
measure_once warm-up "$repo" "${state[@]}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
  [ -z "$baseline" ] || measure_once "baseline $baseline" "$old" "${state[@]}"
  measure_once "this tree" "$repo" "${state[@]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$baseline" ] || report "baseline $baseline"
report "this tree"
