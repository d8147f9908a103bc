# Sourced by soak.sh and tail.sh: publishes (BUILDS=<folder> reuses builds, as in run.sh) and starts the static
# upstream and one gateway (key auth, limits, budgets, SQLite audit, static route; the arguments are added to its
# environment), with a tenant whose generous limits are checked on every request but never refuse; exports BENCH_KEY
# for chat.lua. Defines: work, url, admin_key, gateway_pid, audited, cpu_seconds; cleans up on exit.
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() {
  for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "$1 did not come up" >&2; exit 1
}
builds="${BUILDS:-$work}"
publish() { # project folder
  [ "$builds" != "$work" ] && [ -f "$builds/$2/.published" ] && return 0
  dotnet publish "$1" -c Release -o "$builds/$2" >/dev/null && touch "$builds/$2/.published"
}
echo "Publishing (Release)..." >&2
publish StaticUpstream/StaticUpstream.csproj upstream
publish ../../Nexus.Gateway/Nexus.Gateway.csproj gateway

export BENCH_MODEL="${MODEL:-bench}" Logging__LogLevel__Default=Warning
upstream_port=$(free_port); port=$(free_port)
admin_key="nxadm-bench-$(date +%s)"
url="http://127.0.0.1:$port"
ASPNETCORE_URLS="http://127.0.0.1:$upstream_port" dotnet "$builds/upstream/StaticUpstream.dll" & pids+=($!)
(cd "$work" && exec env ASPNETCORE_URLS="$url" Nexus__Registry__Enabled=false Nexus__LogFormat=text \
  Nexus__Gateway__BootstrapAdminKey="$admin_key" Nexus__Gateway__SqlitePath="$work/gateway.db" \
  Nexus__Gateway__Routes__Models__"$BENCH_MODEL"__0__Url="http://127.0.0.1:$upstream_port/" "$@" \
  dotnet "$builds/gateway/Nexus.Gateway.dll" >"$work/gateway.log" 2>&1) & pids+=($!)
gateway_pid=$!
wait_for "$url/health"
tenant=$(curl -fs -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"bench","policy":{"requestsPerMinute":100000000,"tokensPerMinute":100000000000,"maxConcurrentRequests":1000,"dailyTokenBudget":1000000000000,"monthlyTokenBudget":1000000000000}}' \
  "$url/admin/tenants" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
export BENCH_KEY
BENCH_KEY=$(curl -fs -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"bench"}' \
  "$url/admin/tenants/$tenant/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

audited() { curl -fs -H "Authorization: Bearer $admin_key" "$url/admin/usage" | python3 -c 'import json,sys; print(sum(r["requests"] for r in json.load(sys.stdin)))'; }
cpu_seconds() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$gateway_pid/stat"; } # utime + stime, in clock ticks
