#!/usr/bin/env bash
# Runs a command with a reachable Redis. If REDIS_URL is set, it is used as is. Otherwise a
# Redis on 127.0.0.1:6379 is used when one answers; else a private redis-server is started
# from the system (data under .data/redis) and stopped when the command ends.
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null
}

private_pid=""
cleanup() { if [ -n "$private_pid" ]; then kill "$private_pid" 2>/dev/null || true; wait "$private_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

if [ -z "${REDIS_URL:-}" ] && [ -z "${REDIS_CLUSTER_NODES:-}" ]; then
  if answers 127.0.0.1 6379; then
    export REDIS_URL="redis://127.0.0.1:6379"
    echo "using the Redis on 127.0.0.1:6379, database 0, keys under ${REDIS_KEY_PREFIX:-techsapo} (set REDIS_URL to choose another)" >&2
  else
    if ! command -v redis-server >/dev/null 2>&1; then
      echo "TechSapo needs Redis. Set REDIS_URL, or install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)." >&2
      exit 1
    fi
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    mkdir -p .data/redis
    redis-server --port "$port" --bind 127.0.0.1 --dir "$PWD/.data/redis" --save "" --appendonly no \
      --logfile "$PWD/.data/redis/redis.log" &
    private_pid=$!
    for _ in $(seq 1 50); do answers 127.0.0.1 "$port" && break; sleep 0.1; done
    answers 127.0.0.1 "$port" || { echo "the private redis-server did not start (see .data/redis/redis.log)" >&2; exit 1; }
    echo "started a private redis-server on 127.0.0.1:$port (stopped on exit)" >&2
    export REDIS_URL="redis://127.0.0.1:$port"
  fi
fi

"$@" &
child=$!
trap 'kill -TERM $child 2>/dev/null || true' INT TERM
set +e
wait "$child"; status=$?
# A signal interrupts the first wait; wait again for the child to finish its shutdown.
if kill -0 "$child" 2>/dev/null; then wait "$child"; status=$?; fi
exit "$status"
