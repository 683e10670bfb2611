#!/usr/bin/env bash
# The measurements of docs/PERFORMANCE.md, "Baton on Orleans and Redis": one co-hosted front+silo on a
# throwaway Redis, then the embedded default on SQLite, each driven by the load tool with its
# same-run baselines. Writes JSON results to $OUT (default artifacts/perf). Loopback only; bounded.
#   tools/Baton.LoadTest/runs/cohosted-redis.sh [users] [duration-seconds]
set -euo pipefail
cd "$(dirname "$0")/../../.."
users=${1:-2000}
duration=${2:-10}
out=${OUT:-artifacts/perf}
redis_port=${REDIS_PORT:-6420}
api_port=${API_PORT:-5731}
mkdir -p "$out"

dotnet build -c Release src/Baton.Api >/dev/null
dotnet build -c Release tools/Baton.LoadTest >/dev/null
API=src/Baton.Api/bin/Release/net10.0/Baton.Api.dll
TOOL=tools/Baton.LoadTest/bin/Release/net10.0/Baton.LoadTest.dll
KEY=$(dotnet $API hash-api-key load-test-key)

common=(
  Baton__RateLimits__LoginPerMinute=0 Baton__RateLimits__RegisterPerMinute=0
  Baton__RateLimits__RefreshPerMinute=0 Baton__RateLimits__PasswordChecksPerMinute=0
  Baton__ApiKeys__Keys__0__Name=load Baton__ApiKeys__Keys__0__Sha256="$KEY"
  Baton__ApiKeys__Keys__0__Scopes__0=sessions:issue Baton__ApiKeys__Keys__0__Scopes__1=sessions:admin
)

wait_ready() {
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$api_port/health/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "Baton on :$api_port did not become ready" >&2
  return 1
}

pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

# 1. Co-hosted front+silo on Redis (AOF off: the figures are Baton's, durability is measured apart).
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
env "${common[@]}" Baton__Cluster__Redis="127.0.0.1:$redis_port" Baton__Cluster__CoHostSilo=true \
  Baton__Silo__GatewayPort=0 dotnet $API --urls "http://127.0.0.1:$api_port" >"$out/cohosted.log" 2>&1 &
pid=$!
wait_ready
dotnet $TOOL --url "http://127.0.0.1:$api_port" --redis "127.0.0.1:$redis_port" --users "$users" \
  --duration "$duration" --json "$out/cohosted-redis.json" | tee "$out/cohosted-redis.txt"
redis-cli -p "$redis_port" info memory | grep -E '^used_memory:' | tee "$out/cohosted-redis-memory.txt"
redis-cli -p "$redis_port" dbsize | tee -a "$out/cohosted-redis-memory.txt"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

# 2. The embedded default on SQLite, refresh only, right after (the same machine state as near as can be).
rm -f /tmp/baton-perf.db*
env "${common[@]}" Baton__Sqlite__Path=/tmp/baton-perf.db dotnet $API --urls "http://127.0.0.1:$api_port" >"$out/embedded.log" 2>&1 &
pid=$!
wait_ready
dotnet $TOOL --url "http://127.0.0.1:$api_port" --scenario refresh --users "$users" --duration "$duration" \
  --json "$out/embedded-sqlite.json" | tee "$out/embedded-sqlite.txt"
