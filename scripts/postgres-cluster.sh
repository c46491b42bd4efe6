#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and CI: initdb as an unprivileged user, trust authentication on
# localhost only, a free TCP port, started with pg_ctl -w. Nothing else is created: the URL printed names the
# cluster's own `postgres` database and superuser.
#
#   postgres-cluster.sh start DIR        create DIR (absent or empty), start; prints postgres://postgres@127.0.0.1:PORT/postgres
#   postgres-cluster.sh stop DIR         stop (fast) and remove DIR
#   postgres-cluster.sh stop-keep DIR    stop (fast), keep DIR
#   postgres-cluster.sh start-again DIR  start a kept cluster on its port; prints the URL
#   postgres-cluster.sh restart DIR      stop (fast) and start again on the same port; prints the URL
#   postgres-cluster.sh kill DIR         SIGKILL the server and its backends (a crash), keep DIR
#   postgres-cluster.sh url DIR          print the URL of a cluster made by start
#
# As root, the cluster belongs to (and runs as) the `postgres` user; otherwise to the current user. Every line
# but the URL goes to stderr; the server's log is DIR/server.log.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|stop-keep|start-again|restart|kill|url DIR" >&2
  exit 64
}

[ $# -eq 2 ] || usage
command=$1
dir=$2
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
data="$dir/data"
marker="$dir/mockgraph-cluster"

if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

die() {
  echo "postgres-cluster: $*" >&2
  exit 1
}

# A TCP port nobody listens on now (a race with other processes remains; start retries on a clash).
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}

require_cluster() {
  [ -f "$marker" ] && [ -f "$data/PG_VERSION" ] || die "$dir is not a cluster made by this script (no $marker)"
}

url() {
  echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
}

# Starts the cluster on the port in DIR/port; returns non-zero when the server did not come up.
launch() {
  as_owner pg_ctl -D "$data" -l "$dir/server.log" -w -t 60 -o "-p $(cat "$dir/port")" start > /dev/null 2>> "$dir/pg_ctl.log"
}

postmaster_pid() {
  [ -f "$data/postmaster.pid" ] && head -n 1 "$data/postmaster.pid"
}

stop_server() {
  if as_owner pg_ctl -D "$data" status > /dev/null 2>&1; then
    as_owner pg_ctl -D "$data" -m fast -w -t 60 stop > /dev/null 2>> "$dir/pg_ctl.log" || die "pg_ctl stop failed (see $dir/pg_ctl.log)"
  fi
}

start() {
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then die "$dir exists and is not empty"; fi
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$owner" = "$(id -un)" ] || chown "$owner" "$dir"
  : > "$marker"
  as_owner initdb -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 || die "initdb failed (see $dir/initdb.log)"
  # Local connections only: the unix socket lives in DIR, TCP listens on the loopback address.
  as_owner tee "$data/pg_hba.conf" > /dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
EOF
  # fsync off: a test cluster need not survive a power cut; a crashed server (kill) still recovers from its WAL.
  as_owner tee -a "$data/postgresql.conf" > /dev/null <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
EOF
  for _ in 1 2 3 4 5; do
    free_port > "$dir/port"
    if launch; then
      url
      return 0
    fi
    # A clash on the port leaves the server down; anything else will fail the same way again.
    grep -q "could not bind" "$dir/server.log" 2> /dev/null || break
  done
  die "the server did not start (see $dir/server.log)"
}

start_again() {
  require_cluster
  launch || die "the server did not start again (see $dir/server.log)"
  url
}

kill_server() {
  require_cluster
  local pid
  pid=$(postmaster_pid) || return 0
  [ -n "$pid" ] || return 0
  local children
  children=$(ps -o pid= --ppid "$pid" || true)
  kill -KILL "$pid" $children 2> /dev/null || true
  for _ in $(seq 1 100); do
    local alive=0
    for p in $pid $children; do kill -0 "$p" 2> /dev/null && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.05
  done
  die "the server ($pid) did not die"
}

case "$command" in
  start) start ;;
  stop)
    require_cluster
    stop_server
    rm -rf "$dir"
    ;;
  stop-keep)
    require_cluster
    stop_server
    ;;
  start-again) start_again ;;
  restart)
    require_cluster
    stop_server
    start_again
    ;;
  kill) kill_server ;;
  url)
    require_cluster
    url
    ;;
  *) usage ;;
esac
