#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 (Debian's `postgresql` package) and print its URL.
#
#   eval "$(scripts/pg_throwaway.sh)"   # exports JUDGE_TEST_PG and PG_THROWAWAY_DIR
#   scripts/pg_throwaway.sh stop DIR    # stops it and removes its data
#
# The server runs as the `postgres` user when started by root (PostgreSQL refuses root), trusts local
# connections, and keeps its data in a new temporary folder: nothing of an existing cluster is touched.
# For tests it skips fsync (a throwaway cluster); PG_DURABLE=1 keeps PostgreSQL's defaults (benchmarks).
set -euo pipefail

bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$d" ]; then
    echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
  echo "$d"
}

as_owner() {  # run a command as the data folder's owner
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if [ "${1:-}" = "stop" ]; then
  dir=${2:?usage: pg_throwaway.sh stop DIR}
  as_owner "$(bin_dir)/pg_ctl -D '$dir/data' -m immediate -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

BIN=$(bin_dir)
PORT=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/judge-pg.XXXXXX)
chmod 755 "$DIR"
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
as_owner "$BIN/initdb -D '$DIR/data' -A trust -U postgres -E UTF8 --no-locale" >"$DIR/initdb.log" 2>&1
FAST="-c fsync=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = "1" ] && FAST=""
as_owner "$BIN/pg_ctl -D '$DIR/data' -l '$DIR/server.log' -w -o \"-p $PORT -c listen_addresses=127.0.0.1 -k '$DIR' -c max_connections=200 $FAST\" start" >/dev/null
echo "export JUDGE_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "export PG_THROWAWAY_DIR=$DIR"
