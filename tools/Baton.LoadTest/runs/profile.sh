#!/usr/bin/env bash
# A CPU profile of one scenario on one co-hosted front+silo on a throwaway Redis (docs/PERFORMANCE.md,
# "Where the time goes"): perf samples the Baton process inside the scenario's measured phase; the
# report groups samples by where they ran (JIT code by namespace, the runtime, the kernel, libcrypto).
#   tools/Baton.LoadTest/runs/profile.sh [scenario] [users] [seconds]     (needs perf: apt-get install linux-perf, and python3)
set -euo pipefail
scenario=${1:-refresh}
users=${2:-2000}
seconds=${3:-8}
out=${OUT:-artifacts/perf}
redis_port=${REDIS_PORT:-6422}
api_port=${API_PORT:-5733}
. "$(dirname "$0")/common.sh"

# Perf maps name the JIT-compiled frames.
start_cohosted "$out/profile-$scenario.log" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0

# A long warm-up so the samples are of tiered, optimized code; perf starts after it.
warmup=20
dotnet $TOOL --url "http://127.0.0.1:$api_port" --scenario "$scenario" --users "$users" --warmup "$warmup" \
  --duration $((seconds + 4)) --no-baselines --json "$out/profile-$scenario.json" >"$out/profile-$scenario.txt" &
tool=$!
sleep $((warmup + 8)) # seeding and warm-up
perf record -F 499 -g -p "$pid" -o "$out/profile-$scenario.data" -- sleep "$seconds" 2>"$out/profile-$scenario.perf.txt" || { cat "$out/profile-$scenario.perf.txt" >&2; exit 1; }
wait "$tool"
cat "$out/profile-$scenario.txt"
perf script -i "$out/profile-$scenario.data" 2>/dev/null | python3 tools/Baton.LoadTest/runs/perf-shares.py | tee "$out/profile-$scenario.shares.txt"
