# Sourced by the run scripts beside it: builds Baton and the load tool, and starts and stops one
# co-hosted front+silo on a throwaway Redis (AOF off: the figures are Baton's; durability is
# measured apart). Loopback only. Callers set redis_port, api_port and out before sourcing.
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
mkdir -p "$out"
dotnet build -c Release src/Baton.Api >/dev/null
dotnet build -c Release tools/Baton.LoadTest >/dev/null
API=src/Baton.Api/bin/Release/net10.0/Baton.Api.dll
TOOL=tools/Baton.LoadTest/bin/Release/net10.0/Baton.LoadTest.dll
KEY=$(dotnet $API hash-api-key load-test-key)

# No rate limits (one address sends everything), and the load tool's API key.
baton_env=(
  Baton__RateLimits__LoginPerMinute=0 Baton__RateLimits__RegisterPerMinute=0
  Baton__RateLimits__RefreshPerMinute=0 Baton__RateLimits__PasswordChecksPerMinute=0
  Baton__ApiKeys__Keys__0__Name=load Baton__ApiKeys__Keys__0__Sha256="$KEY"
  Baton__ApiKeys__Keys__0__Scopes__0=sessions:issue Baton__ApiKeys__Keys__0__Scopes__1=sessions:admin
)

pid=
cleanup() {
  # Baton first, and wait for it: a node whose Redis went first can hang in its graceful shutdown.
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$api_port/health/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "Baton on :$api_port did not become ready" >&2
  return 1
}

# start_cohosted LOG [VAR=value...]: Redis on redis_port, then Baton co-hosted on it; sets pid.
start_cohosted() {
  local log=$1
  shift
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
  env "${baton_env[@]}" Baton__Cluster__Redis="127.0.0.1:$redis_port" Baton__Cluster__CoHostSilo=true \
    Baton__Silo__GatewayPort=0 "$@" dotnet $API --urls "http://127.0.0.1:$api_port" >"$log" 2>&1 &
  pid=$!
  wait_ready
}

stop_baton() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}
