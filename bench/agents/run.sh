#!/usr/bin/env bash
# The agents' offline task set (bench/agents/tasks): each task run by the primary alone and by the primary with an
# Adversary that runs the task's tests, at the same allowance of model calls, each result judged by the task's own
# tests afterwards. The scripted model always; a real model as well when AGENTS_TASKS_MODEL (a gateway model),
# AGENTS_TASKS_GATEWAY_URL and AGENTS_TASKS_API_KEY (a tenant key allowed to use it) are set.
# Prints a Markdown table. Needs: the .NET SDK. Every task run builds and tests a small project: minutes.
# Usage: bench/agents/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
table=$(mktemp)
trap 'rm -f "$table"' EXIT
if [ -z "${AGENTS_TASKS_MODEL:-}" ] || [ -z "${AGENTS_TASKS_GATEWAY_URL:-}" ] || [ -z "${AGENTS_TASKS_API_KEY:-}" ]; then
  echo "No real model configured (AGENTS_TASKS_MODEL, AGENTS_TASKS_GATEWAY_URL, AGENTS_TASKS_API_KEY): the scripted model only." >&2
fi
start=$(date +%s)
AGENTS_TASKS=all AGENTS_TASKS_TABLE="$table" \
  dotnet test tests/Nexus.Agents.Tests --filter "FullyQualifiedName~Nexus.Agents.Tests.Tasks.TaskSetTests" >&2
cat "$table"
echo
echo "$(( $(date +%s) - start )) s on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
