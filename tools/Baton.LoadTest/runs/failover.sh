#!/usr/bin/env bash
# docs/PERFORMANCE.md, "failover": the topology of scripts/cluster.sh (Redis, 3 silos, 2 fronts,
# nginx), refreshes of 1,000 users over both fronts while one silo is SIGKILLed a third of the way
# in; then the silo is started again and the next one is killed. Prints the load tool's failover
# line per run (the recovery of the users the kill hit) and writes each run's JSON to $OUT.
#   tools/Baton.LoadTest/runs/failover.sh [runs] [duration-seconds]     (BATON_CLUSTER_BUILD=0 runs the build already there)
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${1:-3}
duration=${2:-15}
out=${OUT:-artifacts/perf}
mkdir -p "$out"
dotnet build -c Release tools/Baton.LoadTest >/dev/null
TOOL=tools/Baton.LoadTest/bin/Release/net10.0/Baton.LoadTest.dll
export Baton__RateLimits__RefreshPerMinute=0 Baton__RateLimits__LoginPerMinute=0
trap 'scripts/cluster.sh down >/dev/null' EXIT
scripts/cluster.sh up >/dev/null
for run in $(seq 1 "$runs"); do
  silo=$(( (run - 1) % 3 + 1 ))
  dotnet $TOOL --url http://127.0.0.1:5001 --url http://127.0.0.1:5002 --api-key cluster-dev-key \
    --scenario failover --kill-pid "$(cat .cluster/run/silo$silo.pid)" --users 1000 --duration "$duration" \
    --no-baselines --json "$out/failover-$run.json" 2>&1 | grep -E "failover: " || true
  BATON_CLUSTER_BUILD=0 scripts/cluster.sh up >/dev/null # starts the killed silo again
done
