#!/usr/bin/env bash
# The measurements of docs/PERFORMANCE.md, "Baton on Orleans and Redis": one co-hosted front+silo on a
# throwaway Redis, then the embedded default on SQLite, each driven by the load tool with its
# same-run baselines. Writes JSON results to $OUT (default artifacts/perf). Loopback only; bounded.
#   tools/Baton.LoadTest/runs/cohosted-redis.sh [users] [duration-seconds]
set -euo pipefail
users=${1:-2000}
duration=${2:-10}
out=${OUT:-artifacts/perf}
redis_port=${REDIS_PORT:-6420}
api_port=${API_PORT:-5731}
. "$(dirname "$0")/common.sh"

# 1. Co-hosted front+silo on Redis.
start_cohosted "$out/cohosted.log"
dotnet $TOOL --url "http://127.0.0.1:$api_port" --redis "127.0.0.1:$redis_port" --users "$users" \
  --duration "$duration" --json "$out/cohosted-redis.json" | tee "$out/cohosted-redis.txt"
redis-cli -p "$redis_port" info memory | grep -E '^used_memory:' | tee "$out/cohosted-redis-memory.txt"
redis-cli -p "$redis_port" dbsize | tee -a "$out/cohosted-redis-memory.txt"
# The verified-token cache's hit rate over the whole run: cached ÷ (cached + verified).
curl -fs "http://127.0.0.1:$api_port/metrics" | grep '^baton_tokens_access_validations_total' | tee "$out/cohosted-token-cache.txt"
stop_baton

# 2. The embedded default on SQLite, refresh only, right after (the same machine state as near as can be).
rm -f /tmp/baton-perf.db*
env "${baton_env[@]}" Baton__Sqlite__Path=/tmp/baton-perf.db dotnet $API --urls "http://127.0.0.1:$api_port" >"$out/embedded.log" 2>&1 &
pid=$!
wait_ready
dotnet $TOOL --url "http://127.0.0.1:$api_port" --scenario refresh --users "$users" --duration "$duration" \
  --json "$out/embedded-sqlite.json" | tee "$out/embedded-sqlite.txt"
