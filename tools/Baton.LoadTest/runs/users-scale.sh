#!/usr/bin/env bash
# docs/PERFORMANCE.md, "Users at rest and at scale": one co-hosted front+silo on a throwaway Redis;
# Redis memory and the process's working set are read before and after seeding SMALL sessions
# (bytes per user at rest in Redis, per active grain in the silo), then refresh p50 is measured over
# SMALL users and again after seeding LARGE users in all.
#   tools/Baton.LoadTest/runs/users-scale.sh [small] [large] [duration-seconds]
set -euo pipefail
small=${1:-10000}
large=${2:-1000000}
duration=${3:-10}
out=${OUT:-artifacts/perf}
redis_port=${REDIS_PORT:-6421}
api_port=${API_PORT:-5732}
. "$(dirname "$0")/common.sh"

start_cohosted "$out/scale.log"

memory() { redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 * 1024}' "/proc/$pid/status"; }
# One refresh run warms the process up (JIT, pools) before anything is measured.
dotnet $TOOL --url "http://127.0.0.1:$api_port" --scenario refresh --users 200 --duration 5 --warmup 5 --no-baselines >/dev/null
m0=$(memory); r0=$(rss)
dotnet $TOOL --url "http://127.0.0.1:$api_port" --scenario refresh --users "$small" --duration "$duration" --no-baselines \
  --json "$out/scale-small.json" | tee "$out/scale-small.txt"
m1=$(memory); r1=$(rss)
echo "redis bytes per user (a session, its ledger, its audit entries after the run): $(( (m1 - m0) / small ))" | tee "$out/scale-memory.txt"
echo "process working set bytes per active user grain (after the run): $(( (r1 - r0) / small ))" | tee -a "$out/scale-memory.txt"
dotnet $TOOL --url "http://127.0.0.1:$api_port" --scenario refresh --users "$((large - small))" --duration "$duration" --no-baselines \
  --json "$out/scale-large.json" | tee "$out/scale-large.txt"
m2=$(memory); r2=$(rss)
echo "after seeding $large users in all: redis used_memory $m2, process working set $r2, keys $(redis-cli -p "$redis_port" dbsize)" | tee -a "$out/scale-memory.txt"
ledger=$(redis-cli -p "$redis_port" --scan --pattern 'baton/state/usersession/*' | sed -n 1p)
user=${ledger#baton/state/usersession/}; user=${user%/ledger}
{
  echo "one user's keys (MEMORY USAGE, bytes): ledger hash $(redis-cli -p "$redis_port" memory usage "$ledger"), audit stream $(redis-cli -p "$redis_port" memory usage "{baton}:audit:$user") ($(redis-cli -p "$redis_port" xlen "{baton}:audit:$user") entries)"
  echo "shared keys: delivered-sequence hash $(redis-cli -p "$redis_port" memory usage '{baton}:delivered'), audit user index $(redis-cli -p "$redis_port" memory usage '{baton}:audit-users')"
} | tee -a "$out/scale-memory.txt"
