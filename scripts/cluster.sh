#!/usr/bin/env bash
# The docker-compose topology without Docker: PostgreSQL, three Baton nodes and nginx, on this
# machine's loopback. Used by the load tool and by anyone without a Docker engine.
#
#   scripts/cluster.sh up      # build, start everything, wait until ready; prints the URLs
#   scripts/cluster.sh down    # stop everything (data is kept in .cluster/)
#   scripts/cluster.sh status
#
# Settings (environment): CLUSTER_DIR (.cluster), PG_PORT (55432), NODE_PORTS ("5101 5102 5103"),
# PROXY_PORT (8080), and any Baton__* variable, passed to every node. For load testing on loopback
# the nodes get the API key "local-cluster-key" (all scopes) and no rate limits unless overridden.
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER_DIR=$(realpath -m "${CLUSTER_DIR:-.cluster}")
PG_PORT=${PG_PORT:-55432}
NODE_PORTS=${NODE_PORTS:-"5101 5102 5103"}
PROXY_PORT=${PROXY_PORT:-8080}
PGDATA="$CLUSTER_DIR/pg"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=baton;Maximum Pool Size=50"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { for d in $(echo "$PATH" | tr ':' ' ') /usr/lib/postgresql/*/bin; do [ -x "$d/$1" ] && { echo "$d/$1"; return; }; done; echo "$1 not found" >&2; exit 1; }

up() {
  mkdir -p "$CLUSTER_DIR"
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "installing nginx (Debian package)"; apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)

  if [ ! -d "$PGDATA" ]; then
    mkdir -p "$PGDATA"; [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$CLUSTER_DIR"
    as_postgres "$(pg_bin initdb)" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PGDATA"
  as_postgres "$(pg_bin pg_ctl)" -D "$PGDATA" -l "$CLUSTER_DIR/postgres.log" -w \
    -o "-p $PG_PORT -k $CLUSTER_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB" start >/dev/null
  as_postgres "$(pg_bin psql)" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='baton'" | grep -q 1 ||
    as_postgres "$(pg_bin psql)" -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE baton" >/dev/null

  echo "building Baton (Release)"
  dotnet publish src/Baton.Server -c Release -o "$CLUSTER_DIR/app" -v q --nologo >/dev/null

  # A fixed API key for the load tool and local scripts (loopback only): "local-cluster-key".
  LOCAL_KEY_SHA256=$(printf '%s' local-cluster-key | sha256sum | cut -d' ' -f1)
  # The content root is the app folder, as in the container: configuration files are watched
  # for changes, and a content root of the repository would watch PostgreSQL's data folder.
  local i=0 upstreams=""
  for port in $NODE_PORTS; do
    i=$((i + 1))
    Urls="http://127.0.0.1:$port" \
    Baton__Store__Provider=Postgres \
    Baton__Postgres__ConnectionString="$CONNECTION" \
    Baton__Engine__NodeName="node-$i" \
    Baton__Tokens__Issuer="${Baton__Tokens__Issuer:-http://127.0.0.1:$PROXY_PORT}" \
    Logging__LogLevel__Default="${Logging__LogLevel__Default:-Warning}" \
    Baton__ApiKeys__Keys__0__Name=local-cluster \
    Baton__ApiKeys__Keys__0__Sha256="$LOCAL_KEY_SHA256" \
    Baton__ApiKeys__Keys__0__Scopes__0=sessions:issue \
    Baton__ApiKeys__Keys__0__Scopes__1=sessions:admin \
    Baton__ApiKeys__Keys__0__Scopes__2=tokens:introspect \
    Baton__RateLimits__LoginPerMinute="${Baton__RateLimits__LoginPerMinute:-0}" \
    Baton__RateLimits__RegisterPerMinute="${Baton__RateLimits__RegisterPerMinute:-0}" \
    Baton__RateLimits__RefreshPerMinute="${Baton__RateLimits__RefreshPerMinute:-0}" \
    Baton__RateLimits__PasswordChecksPerMinute="${Baton__RateLimits__PasswordChecksPerMinute:-0}" \
      nohup dotnet "$CLUSTER_DIR/app/Baton.Server.dll" --contentRoot "$CLUSTER_DIR/app" >"$CLUSTER_DIR/node-$i.log" 2>&1 &
    echo $! >"$CLUSTER_DIR/node-$i.pid"
    upstreams="$upstreams    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;\n"
  done

  sed -e "/server baton-[0-9]:8080/d" -e "s|upstream baton {|upstream baton {\n$upstreams|" \
      -e "s|listen 8080;|listen 127.0.0.1:$PROXY_PORT;|" -e "s|pid /tmp/baton-nginx.pid;|pid $CLUSTER_DIR/nginx.pid;|" \
      deploy/nginx.conf >"$CLUSTER_DIR/nginx.conf"
  "$NGINX" -c "$CLUSTER_DIR/nginx.conf" -p "$CLUSTER_DIR" -e "$CLUSTER_DIR/nginx.log" </dev/null >/dev/null 2>&1

  for port in $NODE_PORTS; do
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "node on $port is not ready; see $CLUSTER_DIR/node-*.log"; exit 1; }
  done
  echo "ready: proxy http://127.0.0.1:$PROXY_PORT, nodes $(for p in $NODE_PORTS; do printf 'http://127.0.0.1:%s ' "$p"; done), postgres $CONNECTION"
}

down() {
  for pidfile in "$CLUSTER_DIR"/node-*.pid; do
    [ -f "$pidfile" ] && { kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; }
  done
  [ -f "$CLUSTER_DIR/nginx.pid" ] && { kill "$(cat "$CLUSTER_DIR/nginx.pid")" 2>/dev/null || true; }
  [ -d "$PGDATA" ] && as_postgres "$(pg_bin pg_ctl)" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  echo "stopped"
}

status() {
  for port in $NODE_PORTS; do printf 'node %s: ' "$port"; curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/health/ready" || echo down; done
  printf 'proxy %s: ' "$PROXY_PORT"; curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PROXY_PORT/health/ready" || echo down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status"; exit 2 ;;
esac
