#!/usr/bin/env bash
# Warm page loads of the UI: the time until the server-rendered HTML of a page has fully arrived, for a signed-in
# administrator, with the real gateway and a registered speech service behind the UI (the pages that read the
# registry or a descriptor call the gateway while they render). This is what a browser receives first on a full page
# load; Blazor's script (cached once warm) then connects the page's circuit. Target: under 200 ms.
# Usage: bench/ui/run.sh [requests per page]   (CONFIGURATION=Release by default; needs curl and python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${CONFIGURATION:-Release}
requests=${1:-50}
warmup=${WARMUP:-20}
admin_key=nxadm-bench-ui
token=bench-ui-registration-token
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { local url=$1 deadline=$((SECONDS + 90)); until curl -fs -o /dev/null "$url"; do [ "$SECONDS" -lt "$deadline" ] || { echo "$url did not answer" >&2; exit 1; }; sleep 0.2; done; }

for project in Nexus.Gateway Nexus.Ui Nexus.Services/Nexus.Services.Speech; do
  dotnet build "$project" -c "$config" -v q -nologo >/dev/null
done

gateway_port=$(free_port); ui_port=$(free_port); speech_port=$(free_port)
gateway=http://127.0.0.1:$gateway_port
ui=http://127.0.0.1:$ui_port

dotnet "Nexus.Gateway/bin/$config/net10.0/Nexus.Gateway.dll" --urls "$gateway" --Nexus:Gateway:BootstrapAdminKey "$admin_key" \
  --Nexus:Registry:Token "$token" --Nexus:Gateway:SqlitePath "$work/gateway.db" >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_for "$gateway/alive"
(cd Nexus.Services/Nexus.Services.Speech && exec dotnet "bin/$config/net10.0/Nexus.Services.Speech.dll" --urls "http://127.0.0.1:$speech_port" \
  --Nexus:Registry:Url "$gateway" --Nexus:Registry:Token "$token") >"$work/speech.log" 2>&1 &
pids+=($!)
(cd Nexus.Ui && exec dotnet "bin/$config/net10.0/Nexus.Ui.dll" --urls "$ui" --Nexus:Ui:GatewayUrl "$gateway" --Nexus:Registry:Enabled false) >"$work/ui.log" 2>&1 &
pids+=($!)
wait_for "$ui/alive"
until curl -fsS -H "Authorization: Bearer $admin_key" "$gateway/v1/registry/instances?state=ready" | grep -q '"speech"'; do sleep 0.2; done

# Sign in as a browser does: the form's antiforgery token, then the post that sets the encrypted cookie.
jar=$work/cookies
form=$(curl -fsS -c "$jar" "$ui/signin")
antiforgery=$(python3 -c 'import re, sys; print(re.search(r"name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", sys.stdin.read()).group(1))' <<<"$form")
curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "key=$admin_key" --data-urlencode "__RequestVerificationToken=$antiforgery" "$ui/account/signin"

pages=(/ /services/speech /services/speech/functions/speak /playground /agents /admin/tenants /admin/routes /admin/usage /admin/audit /monitoring /signin)
printf '%-36s %8s %8s %8s\n' page p50_ms p95_ms max_ms
for page in "${pages[@]}"; do
  for _ in $(seq 1 "$warmup"); do curl -fsS -b "$jar" -o /dev/null "$ui$page"; done
  for _ in $(seq 1 "$requests"); do curl -fsS -b "$jar" -o /dev/null -w '%{time_total}\n' "$ui$page"; done >"$work/times"
  python3 - "$page" "$work/times" <<'PY'
import sys
times = sorted(float(t) * 1000 for t in open(sys.argv[2]))
print(f"{sys.argv[1]:<36} {times[len(times) // 2]:8.1f} {times[int(len(times) * 0.95) - 1]:8.1f} {times[-1]:8.1f}")
PY
done
