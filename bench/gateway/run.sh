#!/usr/bin/env bash
# Measures, in one run: the static upstream directly; three reference proxies in front of it (a minimal YARP proxy,
# nginx, and Portkey's OSS gateway, the peer a user would pick instead); Nexus.Gateway (key auth, limits, budgets,
# audit and routing on) with a static route, the same gateway with the upstream registered through its registry
# instead, and with its limits in Redis (a local redis-server on a random port). Prints a Markdown table of c=1
# latency, c=32 throughput, their ratios to the minimal proxy and to Portkey, and the time to the first streamed chunk,
# and each gateway's distance to the upstream's first chunk, then each gateway's resident memory (and its anonymous
# and mapped parts) after SOAK requests (default 1M; bench/gateway/soak.sh follows one gateway's memory on the way).
# BASELINE=<a checkout of another commit> measures that commit's gateway (in memory and on Redis) beside this one's,
# in the same rounds, for before-and-after figures from one run.
# Needs: the .NET SDK, redis-server, curl, python3 and wrk (Debian: apt-get install redis-server wrk); nginx
# (apt-get install nginx-light) and Node.js with npm for Portkey (npm install @portkey-ai/gateway@1.15.2 into a
# temporary folder, or PORTKEY=<folder holding node_modules/@portkey-ai/gateway>). A reference that is missing is
# left out of the table, and said so.
# Usage: bench/gateway/run.sh [seconds per measurement] [requests before the memory reading]; ROUNDS (3) throughput rounds.
# MODEL=<id> names the route and the requests' model (default "bench", which no tokenizer knows): MODEL=gpt-4o-mini
# measures the gateway with exact prompt token counts on its path, e.g. beside a BASELINE without them.
# CACHE=1 adds the response cache's cell: c=1 latency of a cache hit against a miss (a new body each request), on each
# gateway of this build, in memory and in Redis, in the same run.
# PORTKEY=0 or NGINX=0 leave that reference out.
# Every target is warmed up first (WARMUP seconds at c=32, default 30): until the JIT has tiered up the hot
# paths, a process with more code measures its compiler rather than its steady state.
set -euo pipefail
cd "$(dirname "$0")"
duration="${1:-10}"
soak="${2:-1000000}"
warmup="${WARMUP:-30}"
rounds="${ROUNDS:-3}"
baseline="${BASELINE:-}"
export BENCH_MODEL="${MODEL:-bench}"
command -v redis-server >/dev/null || { echo "redis-server is required (apt-get install redis-server)" >&2; exit 1; }
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

# BUILDS=<folder> publishes into that folder once and reuses what it holds on the next runs (repeated runs of one
# commit); by default every run publishes afresh into its own temporary folder.
builds="${BUILDS:-$work}"
publish() { # project folder
  [ "$builds" != "$work" ] && [ -f "$builds/$2/.published" ] && return 0
  dotnet publish "$1" -c Release -o "$builds/$2" >/dev/null && touch "$builds/$2/.published"
}
echo "Publishing (Release)..." >&2
publish StaticUpstream/StaticUpstream.csproj upstream
publish MinimalProxy/MinimalProxy.csproj proxy
publish ../../Nexus.Gateway/Nexus.Gateway.csproj gateway
[ -n "$baseline" ] && publish "$baseline/Nexus.Gateway/Nexus.Gateway.csproj" baseline
# load THREADS CONNECTIONS SECONDS URL
load() { wrk -t"$1" -c"$2" -d"$3s" --latency -s chat.lua "$4"; }
# target INDEX ARGS...: wrk with that target's key and headers.
target_load() { local i="$1"; shift; BENCH_KEY="${keys[$i]}" BENCH_HEADERS="${headers[$i]}" load "$@"; }

upstream_port=$(free_port); proxy_port=$(free_port); redis_port=$(free_port); nginx_port=$(free_port); portkey_port=$(free_port)
admin_key="nxadm-bench-$(date +%s)"
export Logging__LogLevel__Default=Warning

# Each process runs with its own defaults (the gateway's are in its project file), as a user would start it.
ASPNETCORE_URLS="http://127.0.0.1:$upstream_port" dotnet "$builds/upstream/StaticUpstream.dll" & pids+=($!)
ASPNETCORE_URLS="http://127.0.0.1:$proxy_port" Upstream="http://127.0.0.1:$upstream_port/" dotnet "$builds/proxy/MinimalProxy.dll" & pids+=($!)
proxy_pid=${pids[1]}
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 & pids+=($!)

names=("upstream direct" "minimal YARP proxy")
urls=("http://127.0.0.1:$upstream_port" "http://127.0.0.1:$proxy_port")
keys=("" "")
headers=("" "")
streams=(1 1)
gateway_targets=()
gateway_pids=()
portkey_target=""

# nginx as a plain reverse proxy with keep-alive to the upstream, one worker per core, as its documentation suggests.
if [ "${NGINX:-1}" != "0" ] && command -v nginx >/dev/null; then
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  upstream bench { server 127.0.0.1:$upstream_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' & pids+=($!)
  names+=("nginx as a proxy"); urls+=("http://127.0.0.1:$nginx_port"); keys+=(""); headers+=(""); streams+=(1)
else
  echo "nginx is not installed (apt-get install nginx-light): its row is left out." >&2
fi

# Portkey's OSS gateway (Node.js), headless, routing to the upstream as a custom OpenAI host. Non-streaming only:
# its streamed answers are re-encoded, not passed through, so the first-chunk column does not compare.
portkey_dir="${PORTKEY:-}"
if [ "$portkey_dir" != "0" ] && command -v npm >/dev/null; then
  if [ -z "$portkey_dir" ]; then
    portkey_dir="$work/portkey"
    mkdir -p "$portkey_dir"
    (cd "$portkey_dir" && npm install --silent --no-audit --no-fund @portkey-ai/gateway@1.15.2 >/dev/null 2>&1) || true
  fi
  if [ -f "$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
    (cd "$portkey_dir" && exec node node_modules/@portkey-ai/gateway/build/start-server.js --headless --port="$portkey_port" >"$work/portkey.log" 2>&1) & pids+=($!)
    portkey_target=${#names[@]}
    names+=("Portkey OSS 1.15.2 (Node)"); urls+=("http://127.0.0.1:$portkey_port"); keys+=("bench")
    headers+=("x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$upstream_port/v1"); streams+=(0)
  else
    echo "Portkey could not be installed (npm install @portkey-ai/gateway@1.15.2 needs its registry): its row is left out." >&2
  fi
fi

# start_gateway NAME BUILD ROUTING [ENV=VALUE...]: a gateway of BUILD (a folder under $work) with its own SQLite file
# and a tenant with generous limits, so every limit and budget is checked but none refuses. ROUTING "static" routes
# the model by a configured static route; "registry" registers the upstream through the gateway's registry, as a
# service does (docs/service-contract.md), and waits until the registry routes to it.
registration_token="nxreg-bench-$(date +%s)"
start_gateway() {
  local name="$1" build="$2" routing="$3"; shift 3
  local route=(Nexus__Gateway__Routes__Models__"$BENCH_MODEL"__0__Url="http://127.0.0.1:$upstream_port/")
  [ "$routing" = registry ] && route=(Nexus__Registry__Token="$registration_token" Nexus__Registry__LeaseSeconds=3600)
  local port; port=$(free_port)
  local state="$work/state-${#names[@]}"
  mkdir -p "$state"
  (cd "$state" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Nexus__Registry__Enabled=false Nexus__LogFormat=text \
    Nexus__Gateway__BootstrapAdminKey="$admin_key" Nexus__Gateway__SqlitePath="$state/gateway.db" \
    "${route[@]}" "$@" \
    dotnet "$builds/$build/Nexus.Gateway.dll" >"$state/gateway.log" 2>&1) & pids+=($!)
  gateway_pids+=($!)
  local url="http://127.0.0.1:$port"
  wait_for "$url/health"
  local tenant key
  tenant=$(curl -fs -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"bench","policy":{"requestsPerMinute":100000000,"tokensPerMinute":100000000000,"maxConcurrentRequests":1000,"dailyTokenBudget":1000000000000,"monthlyTokenBudget":1000000000000}}' \
    "$url/admin/tenants" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  key=$(curl -fs -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"bench"}' \
    "$url/admin/tenants/$tenant/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  if [ "$routing" = registry ]; then
    local descriptor
    descriptor='{"schemaVersion":1,"name":"bench-upstream","version":"1.0.0","kind":"inference","instanceId":"bench-upstream-'"$port"'","labels":{},"baseUrls":["http://127.0.0.1:'"$upstream_port"'"],"endpoints":{"health":"/health"},"functions":[],"models":[{"id":"'"$BENCH_MODEL"'","ownedBy":"bench","inputModalities":["text"],"outputModalities":["text"],"labels":{},"ready":true}]}'
    curl -fs -o /dev/null -H "Authorization: Bearer $registration_token" -H 'Content-Type: application/json' \
      -d '{"baseUrl":"http://127.0.0.1:'"$upstream_port"'","descriptor":'"$descriptor"'}' "$url/v1/registry/instances"
    # Routed once the registry's probes have seen it healthy.
    for _ in $(seq 1 600); do
      curl -fs -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{"model":"'"$BENCH_MODEL"'","messages":[]}' "$url/v1/chat/completions" && break
      sleep 0.1
    done
  fi
  gateway_targets+=(${#names[@]})
  names+=("$name"); urls+=("$url"); keys+=("$key"); headers+=(""); streams+=(1)
}

for _ in $(seq 1 300); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
if [ -n "$baseline" ]; then
  start_gateway "Nexus.Gateway before (auth, limits, audit, routing)" baseline static
  start_gateway "Nexus.Gateway before, registry-routed" baseline registry
  start_gateway "Nexus.Gateway before, limits in Redis" baseline static ConnectionStrings__redis="127.0.0.1:$redis_port"
fi
start_gateway "Nexus.Gateway (auth, limits, audit, routing)" gateway static
start_gateway "Nexus.Gateway, registry-routed" gateway registry
start_gateway "Nexus.Gateway, limits in Redis" gateway static ConnectionStrings__redis="127.0.0.1:$redis_port"

for port in "$upstream_port" "$proxy_port" "$nginx_port"; do
  [ "$port" = "$nginx_port" ] && [ "${NGINX:-1}" = "0" ] && continue
  for _ in $(seq 1 300); do curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$port/v1/chat/completions" && break; sleep 0.1; done
done
if [ -n "$portkey_target" ]; then
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null -H 'Authorization: Bearer bench' -H 'x-portkey-provider: openai' -H "x-portkey-custom-host: http://127.0.0.1:$upstream_port/v1" \
      -H 'Content-Type: application/json' -d '{"model":"'"$BENCH_MODEL"'","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$portkey_port/v1/chat/completions" && break
    sleep 0.2
  done || true
fi

# Requests that failed in a wrk run: non-2xx answers, and connect, read, write errors and timeouts.
failures() { awk '/Non-2xx/ { n += $5 } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$1"; }
# wrk prints latency percentiles with --latency; convert "123.45us" / "1.23ms" to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'; }

# Median time to the first byte of a streamed answer (the first chunk: the upstream flushes each chunk), over
# 500 sequential requests on one connection.
first_chunk_ms() { # url key
  local args=()
  for _ in $(seq 1 500); do args+=(-o /dev/null "$1/v1/chat/completions"); done
  local auth=(); [ -n "$2" ] && auth=(-H "Authorization: Bearer $2")
  curl -s "${auth[@]}" -H 'Content-Type: application/json' -w '%{time_starttransfer}\n' \
    -d '{"model":"'"$BENCH_MODEL"'","stream":true,"messages":[{"role":"user","content":"Say hello."}]}' "${args[@]}" \
    | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] * 1000 }'
}

targets=$(seq 0 $(( ${#names[@]} - 1 )))
declare -a p50 p99 first errors rps

for i in $targets; do
  target_load "$i" 2 32 "$warmup" "${urls[$i]}/v1/chat/completions" >/dev/null
  [ "${streams[$i]}" = 1 ] && first_chunk_ms "${urls[$i]}" "${keys[$i]}" >/dev/null
done
for i in $targets; do
  c1=$(target_load "$i" 1 1 "$duration" "${urls[$i]}/v1/chat/completions")
  p50[$i]=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$c1")")
  p99[$i]=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$c1")")
  errors[$i]=$(failures "$c1")
  first[$i]="n/a"
  [ "${streams[$i]}" = 1 ] && first[$i]=$(first_chunk_ms "${urls[$i]}" "${keys[$i]}")
done
# Throughput rounds alternate between the targets, and each target's median is reported: on a shared machine one
# measurement alone says as much about the neighbours as about the target.
for _ in $(seq 1 "$rounds"); do
  for i in $targets; do
    c32=$(target_load "$i" 2 32 "$duration" "${urls[$i]}/v1/chat/completions")
    rps[$i]="${rps[$i]:-} $(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$c32")"
    errors[$i]=$(( ${errors[$i]:-0} + $(failures "$c32") ))
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ratio A B: A / B to two decimals, or n/a.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "") printf "%.2f", a / b; else printf "n/a" }'; }
proxy_rps=$(median "${rps[1]}")
portkey_rps=""; [ -n "$portkey_target" ] && portkey_rps=$(median "${rps[$portkey_target]}")

echo
echo "Load average at the end of the rounds: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| target | c=1 p50 (ms) | c=1 p99 (ms) | c=1 p99 / minimal proxy's | c=32 throughput (req/s, median of $rounds) | c=32 / minimal proxy | c=32 / Portkey | first chunk p50 (ms) | failed (non-2xx, socket errors) |"
echo "|---|---|---|---|---|---|---|---|---|"
for i in $targets; do
  m=$(median "${rps[$i]}")
  echo "| ${names[$i]} | ${p50[$i]} | ${p99[$i]} | $(ratio "${p99[$i]}" "${p99[1]}") | $m (${rps[$i]# }) | $(ratio "$m" "$proxy_rps") | $(ratio "$m" "$portkey_rps") | ${first[$i]} | ${errors[$i]:-0} |"
done
# Issue 20's streaming target is the first chunk's distance to the upstream's own.
echo
for i in "${gateway_targets[@]}"; do
  echo "${names[$i]}: first chunk $(awk -v g="${first[$i]}" -v d="${first[0]}" 'BEGIN { printf "%+.3f", g - d }') ms from the upstream direct's."
done

# The response cache: a key whose policy caches answers, then c=1 latency of hits (one body) and misses (a new body
# each time, forwarded and stored), alternating, on each gateway of this build.
if [ "${CACHE:-}" = "1" ]; then
  echo
  echo "| target | cache hit c=1 p50 (ms) | hit p99 (ms) | cache miss c=1 p50 (ms) | miss p99 (ms) | non-2xx |"
  echo "|---|---|---|---|---|---|"
  for i in "${gateway_targets[@]}"; do
    case "${names[$i]}" in *before*|*registry*) continue ;; esac
    tenant=$(curl -fs -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
      -d '{"name":"bench-cache","policy":{"responseCacheSeconds":600,"requestsPerMinute":100000000,"tokensPerMinute":100000000000}}' \
      "${urls[$i]}/admin/tenants" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    cache_key=$(curl -fs -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"bench-cache"}' \
      "${urls[$i]}/admin/tenants/$tenant/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
    for mode in hit miss; do
      BENCH_KEY="$cache_key" CACHE_MODE=$mode wrk -t1 -c1 -d"$warmup"s -s cache.lua "${urls[$i]}/v1/chat/completions" >/dev/null
    done
    hit=$(BENCH_KEY="$cache_key" CACHE_MODE=hit wrk -t1 -c1 -d"$duration"s --latency -s cache.lua "${urls[$i]}/v1/chat/completions")
    miss=$(BENCH_KEY="$cache_key" CACHE_MODE=miss wrk -t1 -c1 -d"$duration"s --latency -s cache.lua "${urls[$i]}/v1/chat/completions")
    bad=$(( $(awk '/Non-2xx/ {print $5}' <<<"$hit" | grep . || echo 0) + $(awk '/Non-2xx/ {print $5}' <<<"$miss" | grep . || echo 0) ))
    echo "| ${names[$i]} | $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$hit")") | $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$hit")") |" \
      "$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$miss")") | $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$miss")") | $bad |"
  done
fi

rss_mib() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
# Resident memory's two parts (smaps_rollup): anonymous (GC heap, native heap) and mapped (files, compiled code).
rss_parts() { awk '$1 == "Rss:" { r = $2 } $1 == "Anonymous:" { a = $2 } END { printf "%d anonymous, %d mapped", a / 1024, (r - a) / 1024 }' "/proc/$1/smaps_rollup"; }
audited() { # url
  curl -fs -H "Authorization: Bearer $admin_key" "$1/admin/usage" \
    | python3 -c 'import json,sys; print(sum(r["requests"] for r in json.load(sys.stdin)))'
}

# Memory after a long run: keep each gateway busy until its audit trail holds SOAK requests.
echo
for n in "${!gateway_targets[@]}"; do
  i=${gateway_targets[$n]}
  # The registry-routed gateway is the same process as the static one, with one more lookup per request.
  case "${names[$i]}" in *registry*) continue ;; esac
  while [ "$(audited "${urls[$i]}")" -lt "$soak" ]; do
    BENCH_KEY="${keys[$i]}" load 2 32 20 "${urls[$i]}/v1/chat/completions" >/dev/null
  done
  sleep 2 # let the audit queue drain
  echo "${names[$i]}: resident memory after $(audited "${urls[$i]}") audited requests: $(rss_mib "${gateway_pids[$n]}") MiB ($(rss_parts "${gateway_pids[$n]}"))."
done
echo "Minimal proxy: $(rss_mib "$proxy_pid") MiB ($(rss_parts "$proxy_pid"))."
