#!/usr/bin/env bash
# An A/B of settings on one co-hosted front+silo (docs/PERFORMANCE.md, "Tried and left as they
# were"): runs SCENARIO alternately with the environment of A and of B, PAIRS times, each on a
# fresh node and a fresh throwaway Redis, and prints per s and CPU µs per operation of Baton, the
# client and Redis for each run. The machine is shared: compare the runs of a pair, and all pairs.
#   tools/Baton.LoadTest/runs/compare.sh SCENARIO "A=1 B=2" "A=3" [pairs] [warm-up-seconds]
# e.g. compare.sh validate "" "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" 2 20
# BATON_API_DLL=path in A's or B's list runs that build of Baton.Api instead (an A/B of code:
# build each with `dotnet build -c Release src/Baton.Api -o DIR`).
set -euo pipefail
scenario=$1
read -r -a env_a <<<"${2:-}"
read -r -a env_b <<<"${3:-}"
pairs=${4:-2}
warmup=${5:-20}
out=${OUT:-artifacts/perf}
redis_port=${REDIS_PORT:-6423}
api_port=${API_PORT:-5734}
. "$(dirname "$0")/common.sh"

run() {
  local label=$1 default_api=$API
  shift
  local settings=()
  for setting in "$@"; do
    case $setting in
      BATON_API_DLL=*) API=${setting#BATON_API_DLL=} ;;
      *) settings+=("$setting") ;;
    esac
  done
  start_cohosted "$out/compare-$label.log" ${settings[@]+"${settings[@]}"}
  API=$default_api
  dotnet $TOOL --url "http://127.0.0.1:$api_port" --redis "127.0.0.1:$redis_port" --scenario "$scenario" \
    --users 2000 --warmup "$warmup" --duration 10 --no-baselines --json "$out/compare-$label.json" >/dev/null
  cleanup
  pid=
  python3 - "$out/compare-$label.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
x = r["extra"]
print(f'{sys.argv[2]:4} {r["scenario"]:9} {r["per_second"]:9.0f}/s  p50 {r["p50_ms"]:6.2f} ms  CPU µs/op baton {x.get("cpu_us_per_op_baton", 0):6.1f}'
      f' client {x.get("cpu_us_per_op_client", 0):5.1f} redis {x.get("cpu_us_per_op_redis", 0):5.1f}')
PY
}

for i in $(seq 1 "$pairs"); do
  run "A$i" ${env_a[@]+"${env_a[@]}"}
  run "B$i" ${env_b[@]+"${env_b[@]}"}
done
