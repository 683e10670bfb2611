#!/usr/bin/env bash
# Runs Baton's Redis cluster natively on 127.0.0.1: Redis (AOF on), 3 silos, 2 API fronts and
# nginx load-balancing the fronts, from this repository's Release build.
#
#   scripts/cluster.sh up       build, start what is not running, wait until each is ready
#   scripts/cluster.sh status   each process: up or down, its pid, and whether it is ready
#   scripts/cluster.sh down     SIGTERM each process, SIGKILL after BATON_CLUSTER_STOP_TIMEOUT
#
# State (Redis's AOF, logs, pid files, nginx's generated config) lives in BATON_CLUSTER_DIR
# (default .cluster/ in the repository); it survives down and up, so do users and sessions.
# Debian's redis-server and nginx are installed when missing (their system services are neither
# started nor enabled). Every Baton__* variable in the caller's environment reaches every silo
# and front, so they share one policy: Baton__Sessions__MaxSessionsPerUser=3 scripts/cluster.sh up.
#
# Environment (defaults in brackets): BATON_CLUSTER_DIR [.cluster], BATON_CLUSTER_ID [baton],
# BATON_REDIS_PORT [6390], BATON_SILO_PORT_BASE [11111], BATON_GATEWAY_PORT_BASE [30001],
# BATON_SILO_HTTP_PORT_BASE [9091], BATON_FRONT_PORT_BASE [5001] (silo or front N takes base+N-1),
# BATON_NGINX_PORT [8080], BATON_CLUSTER_TIMEOUT [90] seconds to wait for each process to be
# ready, BATON_CLUSTER_STOP_TIMEOUT [15] seconds from SIGTERM to SIGKILL, BATON_CLUSTER_BUILD [1]
# (0 skips the build), BATON_ADMIN_PASSWORD [unset] bootstraps the admin account "admin".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$(realpath -m "${BATON_CLUSTER_DIR:-$repo/.cluster}")
cluster_id=${BATON_CLUSTER_ID:-baton}
redis_port=${BATON_REDIS_PORT:-6390}
silo_port_base=${BATON_SILO_PORT_BASE:-11111}
gateway_port_base=${BATON_GATEWAY_PORT_BASE:-30001}
silo_http_port_base=${BATON_SILO_HTTP_PORT_BASE:-9091}
front_port_base=${BATON_FRONT_PORT_BASE:-5001}
nginx_port=${BATON_NGINX_PORT:-8080}
ready_timeout=${BATON_CLUSTER_TIMEOUT:-90}
stop_timeout=${BATON_CLUSTER_STOP_TIMEOUT:-15}
build=${BATON_CLUSTER_BUILD:-1}
silos=3
fronts=2
host=127.0.0.1

# A key for local use only: it is printed, and anyone who reads it can start sessions and kick users.
api_key=cluster-dev-key

silo_dll=$repo/src/Baton.Silo/bin/Release/net10.0/Baton.Silo.dll
api_dll=$repo/src/Baton.Api/bin/Release/net10.0/Baton.Api.dll
nginx_template=$repo/deploy/nginx.conf
run_dir=$state/run
log_dir=$state/logs
nginx_dir=$state/nginx

# The processes in start order; down stops them in reverse.
names() {
  local i
  echo redis
  for ((i = 1; i <= silos; i++)); do echo "silo$i"; done
  for ((i = 1; i <= fronts; i++)); do echo "front$i"; done
  echo nginx
}

index_of() { echo "${1//[!0-9]/}"; }

# What a live process of this name has in its command line: a pid file whose pid now belongs to
# something else (the pid was reused) does not count as running.
marker() {
  case $1 in
    redis) echo "redis-server" ;;
    silo*) echo "Baton.Silo.dll" ;;
    front*) echo "Baton.Api.dll" ;;
    nginx) echo "nginx" ;;
  esac
}

# What answers when the process is ready.
ready_url() {
  case $1 in
    redis) echo "redis-cli -h $host -p $redis_port ping" ;;
    silo*) echo "http://$host:$((silo_http_port_base + $(index_of "$1") - 1))/health/ready" ;;
    front*) echo "http://$host:$((front_port_base + $(index_of "$1") - 1))/health/ready" ;;
    nginx) echo "http://$host:$nginx_port/health/ready" ;;
  esac
}

front_url() { echo "http://$host:$((front_port_base + $1 - 1))"; }
nginx_url() { echo "http://$host:$nginx_port"; }

log_file() { echo "$log_dir/$1.log"; }
pid_file() { echo "$run_dir/$1.pid"; }

# The pid of a running process of this name, or nothing.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [ -f "$file" ] || return 0
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(marker "$1")"; then
    echo "$pid"
  fi
}

is_ready() {
  case $1 in
    redis) [ "$("$(find_program redis-cli)" -h "$host" -p "$redis_port" ping 2>/dev/null)" = PONG ] ;;
    *) curl -fsS -o /dev/null --max-time 2 "$(ready_url "$1")" 2>/dev/null ;;
  esac
}

find_program() {
  command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true
}

# Installs Debian packages without starting their services, as .ci/prepare does: policy-rc.d
# exit 101 tells invoke-rc.d not to start them (a system redis on 6379 or nginx on 80 would only
# be in the way).
install_packages() {
  local sudo=() policy=/usr/sbin/policy-rc.d created_policy=0
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo -n)
  fi
  local log=$log_dir/install.log
  echo "Installing $* (Debian packages; their services are not started; output in $log)"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    created_policy=1
  fi
  local rc=0
  {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  } >"$log" 2>&1 || rc=$?
  if [ "$created_policy" -eq 1 ]; then
    "${sudo[@]}" rm -f "$policy"
  fi
  if [ "$rc" -ne 0 ]; then
    echo "Installing $* failed; $log ends with:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

ensure_programs() {
  local missing=()
  if [ -z "$(find_program redis-server)" ] || [ -z "$(find_program redis-cli)" ]; then
    missing+=(redis-server redis-tools)
  fi
  if [ -z "$(find_program nginx)" ]; then
    missing+=(nginx)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    install_packages "${missing[@]}"
  fi
  local program
  for program in curl dotnet; do
    if [ -z "$(find_program "$program")" ]; then
      echo "cluster.sh needs $program on PATH." >&2
      exit 1
    fi
  done
}

# Settings every silo and front gets: the cluster they belong to, and the public issuer.
common_env() {
  printf '%s\n' \
    "Baton__Cluster__Redis=$host:$redis_port" \
    "Baton__Cluster__ClusterId=$cluster_id" \
    "Baton__Tokens__Issuer=$(nginx_url)"
}

silo_env() {
  local i=$1
  common_env
  printf '%s\n' \
    "Baton__Silo__Address=$host" \
    "Baton__Silo__SiloPort=$((silo_port_base + i - 1))" \
    "Baton__Silo__GatewayPort=$((gateway_port_base + i - 1))" \
    "Urls=http://$host:$((silo_http_port_base + i - 1))"
}

front_env() {
  local i=$1
  common_env
  printf '%s\n' \
    "Urls=$(front_url "$i")" \
    "Baton__Http__TrustedProxies__0=$host" \
    "Baton__ApiKeys__Keys__0__Name=cluster-dev" \
    "Baton__ApiKeys__Keys__0__Sha256=$api_key_sha256" \
    "Baton__ApiKeys__Keys__0__Scopes__0=sessions:issue" \
    "Baton__ApiKeys__Keys__0__Scopes__1=sessions:admin"
  if [ -n "${BATON_ADMIN_PASSWORD:-}" ]; then
    printf '%s\n' "Baton__Bootstrap__AdminUsername=admin" "Baton__Bootstrap__AdminPassword=$BATON_ADMIN_PASSWORD"
  fi
}

# Starts a command in its own session (so a Ctrl-C in this shell does not reach it), output to
# the log, and records its pid. $1 is the name; the rest is the command after `env`.
launch() {
  local name=$1
  shift
  echo "--- started $(date -Is)" >>"$(log_file "$name")"
  setsid env "$@" </dev/null >>"$(log_file "$name")" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

start() {
  local name=$1 i settings=()
  case $name in
    redis)
      launch redis "$(find_program redis-server)" --bind "$host" --port "$redis_port" \
        --dir "$state/redis" --appendonly yes --appendfsync everysec --daemonize no --save ""
      ;;
    silo*)
      i=$(index_of "$name")
      mapfile -t settings < <(silo_env "$i")
      launch "$name" "${settings[@]}" dotnet "$silo_dll"
      ;;
    front*)
      i=$(index_of "$name")
      mapfile -t settings < <(front_env "$i")
      launch "$name" "${settings[@]}" dotnet "$api_dll"
      ;;
    nginx)
      write_nginx_conf
      "$(find_program nginx)" -t -q -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/logs/error.log"
      launch nginx "$(find_program nginx)" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" \
        -e "$nginx_dir/logs/error.log" -g 'daemon off;'
      ;;
  esac
}

# deploy/nginx.conf with its ${...} placeholders filled for the native cluster.
write_nginx_conf() {
  mkdir -p "$nginx_dir/logs" "$nginx_dir/temp"
  local conf placeholder value left
  conf=$(<"$nginx_template")
  while read -r placeholder value; do
    conf=${conf//"\${$placeholder}"/"$value"}
  done <<END
NGINX_PORT $host:$nginx_port
NGINX_STATE_DIR $nginx_dir/temp
NGINX_LOG_DIR $nginx_dir/logs
BATON_FRONT_1 $host:$front_port_base
BATON_FRONT_2 $host:$((front_port_base + 1))
END
  left=$(grep -oE "\\$\{[A-Za-z0-9_]+\}" <<<"$conf" | head -n 1 || true)
  if [ -n "$left" ]; then
    echo "deploy/nginx.conf has a placeholder cluster.sh does not fill: $left" >&2
    exit 1
  fi
  printf '%s\n' "$conf" >"$nginx_dir/nginx.conf"
}

wait_ready() {
  local name=$1 deadline pid
  deadline=$((SECONDS + ready_timeout))
  until is_ready "$name"; do
    pid=$(running_pid "$name")
    if [ -z "$pid" ]; then
      echo "$name exited before it was ready. Its log, $(log_file "$name"), ends with:" >&2
      tail -n 20 "$(log_file "$name")" >&2 || true
      echo "scripts/cluster.sh down stops the others." >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      local what
      what=$(ready_url "$name")
      echo "$name (pid $pid) is not ready after ${ready_timeout} s ($what). Its log: $(log_file "$name")" >&2
      echo "Raise BATON_CLUSTER_TIMEOUT to wait longer; scripts/cluster.sh down stops everything." >&2
      exit 1
    fi
    sleep 0.5
  done
}

cmd_up() {
  mkdir -p "$run_dir" "$log_dir" "$state/redis"
  ensure_programs

  local name to_start=()
  while read -r name; do
    if [ -n "$(running_pid "$name")" ]; then
      echo "$name is already running (pid $(running_pid "$name"))"
    else
      to_start+=("$name")
    fi
  done < <(names)

  # A build copies over the DLLs that running silos and fronts have mapped, so build only when
  # none runs: restarting one of them (a rolling restart) runs the build already there.
  local baton_running=0
  while read -r name; do
    if [[ $name == silo* || $name == front* ]] && [ -n "$(running_pid "$name")" ]; then
      baton_running=1
    fi
  done < <(names)
  if [ "${#to_start[@]}" -gt 0 ] && [ "$build" != 0 ]; then
    if [ "$baton_running" -eq 1 ]; then
      echo "Not building: silos or fronts are running on the current build (scripts/cluster.sh down first to run new code)"
    else
      echo "Building (Release)"
      dotnet build -c Release --nologo -v quiet "$repo/src/Baton.Silo"
      dotnet build -c Release --nologo -v quiet "$repo/src/Baton.Api"
    fi
  fi
  for dll in "$silo_dll" "$api_dll"; do
    if [ ! -f "$dll" ]; then
      echo "$dll is missing: build it (dotnet build -c Release) or leave BATON_CLUSTER_BUILD unset." >&2
      exit 1
    fi
  done
  api_key_sha256=$(dotnet "$api_dll" hash-api-key "$api_key")

  # One tier at a time, each waited for: the silos need Redis, the fronts find the silos'
  # gateways through Redis, nginx needs a front.
  local tier started
  for tier in redis silo front nginx; do
    started=()
    for name in "${to_start[@]}"; do
      if [[ $name == "$tier"* ]]; then
        echo "Starting $name"
        start "$name"
        started+=("$name")
      fi
    done
    for name in "${started[@]}"; do
      wait_ready "$name"
      echo "$name is ready (pid $(running_pid "$name"))"
    done
  done

  echo
  echo "Baton cluster on $host (state in $state):"
  local i
  for ((i = 1; i <= fronts; i++)); do
    echo "  front$i  $(front_url "$i")"
  done
  echo "  nginx   $(nginx_url)   <- use this one"
  echo "  redis   $host:$redis_port (redis-cli -p $redis_port)"
  echo "API key for local use only (sessions:issue, sessions:admin): X-Api-Key: $api_key"
  if [ -n "${BATON_ADMIN_PASSWORD:-}" ]; then
    echo "Admin account: admin, with the password in BATON_ADMIN_PASSWORD"
  fi
}

# Exits 0 when every process is up and ready, 1 otherwise.
cmd_status() {
  local name pid all=0
  while read -r name; do
    pid=$(running_pid "$name")
    if [ -z "$pid" ]; then
      printf '%-7s down\n' "$name"
      all=1
    elif is_ready "$name"; then
      printf '%-7s up    pid %-8s ready\n' "$name" "$pid"
    else
      printf '%-7s up    pid %-8s not ready (%s)\n' "$name" "$pid" "$(ready_url "$name")"
      all=1
    fi
  done < <(names)
  return "$all"
}

cmd_down() {
  local name pid deadline stopped=0
  # Reverse start order: nginx and the fronts stop taking requests before the silos leave, and
  # the silos finish their writes before Redis stops.
  while read -r name; do
    pid=$(running_pid "$name")
    if [ -z "$pid" ]; then
      rm -f "$(pid_file "$name")"
      continue
    fi
    echo "Stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + stop_timeout))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "$name did not stop within ${stop_timeout} s of SIGTERM: SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        break
      fi
      sleep 0.2
    done
    rm -f "$(pid_file "$name")"
    stopped=$((stopped + 1))
  done < <(names | tac)
  if [ "$stopped" -eq 0 ]; then
    echo "Nothing was running."
  fi
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: scripts/cluster.sh up|down|status" >&2
    exit 2
    ;;
esac
