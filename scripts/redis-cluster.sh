#!/usr/bin/env bash
# A real local Redis Cluster for tests and development: 3 masters, each with one replica, of the
# system's redis-server on free loopback ports, data under .data/redis-cluster (git-ignored).
#
#   scripts/redis-cluster.sh start          start it, print REDIS_CLUSTER_NODES=host:port,...
#   scripts/redis-cluster.sh nodes          print REDIS_CLUSTER_NODES of the running cluster
#   scripts/redis-cluster.sh revive PORT    restart a stopped node with its data (it rejoins,
#                                           as a replica if it was failed over)
#   scripts/redis-cluster.sh stop           stop it and remove its data
#   scripts/redis-cluster.sh run CMD ARGS   start, run CMD with REDIS_CLUSTER_NODES (and
#                                           REDIS_CLUSTER_DIR, REDIS_CLUSTER_NODE_TIMEOUT_MS)
#                                           exported, stop
#
# REDIS_CLUSTER_DIR overrides the data folder (one cluster per folder); REDIS_CLUSTER_REPLICAS
# the replicas per master (1; 0 for masters only); REDIS_CLUSTER_NODE_TIMEOUT_MS the node
# timeout (2000: a lost master is replaced within about 3 s).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR="${REDIS_CLUSTER_DIR:-$PWD/.data/redis-cluster}"
MASTERS=3
REPLICAS="${REDIS_CLUSTER_REPLICAS:-1}"
NODE_TIMEOUT_MS="${REDIS_CLUSTER_NODE_TIMEOUT_MS:-2000}"
# `start` leaves the servers running (daemons); `run` keeps them as its own children.
DAEMONIZE=yes

die() { echo "redis-cluster: $*" >&2; exit 1; }

# Prints N loopback ports p that are free, each with p+10000 (the cluster bus) free too; both
# below the usual ephemeral range (32768+) so outgoing connections do not take them meanwhile.
free_ports() {
  node -e '
    const net = require("net");
    const want = Number(process.argv[1]);
    const free = (p) => new Promise((ok) => {
      const s = net.createServer().once("error", () => ok(false))
        .listen(p, "127.0.0.1", () => s.close(() => ok(true)));
    });
    (async () => {
      const ports = [];
      for (let tries = 0; ports.length < want && tries < 500; tries++) {
        const p = 20000 + Math.floor(Math.random() * 2700);
        if (ports.includes(p) || ports.includes(p + 10000) || ports.includes(p - 10000)) continue;
        if ((await free(p)) && (await free(p + 10000))) ports.push(p);
      }
      if (ports.length < want) process.exit(1);
      console.log(ports.join(" "));
    })();' "$1"
}

nodes_line() { [ -f "$DIR/nodes" ] && echo "REDIS_CLUSTER_NODES=$(cat "$DIR/nodes")"; }

running() { # true when every recorded node answers
  [ -f "$DIR/nodes" ] || return 1
  local node
  for node in $(tr ',' ' ' <"$DIR/nodes"); do
    redis-cli -h "${node%:*}" -p "${node##*:}" ping >/dev/null 2>&1 || return 1
  done
}

cluster_ok() { # port
  redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}

in_sync() { # port: a master, or a replica whose link to its master is up
  local info
  info=$(redis-cli -h 127.0.0.1 -p "$1" info replication 2>/dev/null) || return 1
  grep -q '^role:master' <<<"$info" || grep -q '^master_link_status:up' <<<"$info"
}

# One node, in the foreground or daemonized (DAEMONIZE); its data folder is kept across restarts.
start_node() { # port
  local port="$1"
  mkdir -p "$DIR/$port"
  # The seed's redis.conf essentials (cluster, AOF) on loopback only, with a short node timeout
  # so that a test sees a failover within seconds.
  exec redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR/$port" --daemonize "$DAEMONIZE" \
    --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout "$NODE_TIMEOUT_MS" \
    --appendonly yes --save "" --maxmemory 256mb --maxmemory-policy noeviction \
    --protected-mode yes
}

start() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
    die "needs redis-server and redis-cli on the PATH (Debian/Ubuntu: apt-get install redis-server)"
  if running; then nodes_line; return 0; fi
  stop_quietly
  mkdir -p "$DIR"
  local ports port nodes=()
  ports=$(free_ports $((MASTERS * (REPLICAS + 1)))) || die "no free loopback ports"
  for port in $ports; do
    start_node "$port" &
    # `run` keeps the servers as children but not as jobs: a node a test kills is no news.
    if [ "$DAEMONIZE" = yes ]; then wait $! || die "redis-server on $port did not start"; else disown $!; fi
    nodes+=("127.0.0.1:$port")
  done
  for node in "${nodes[@]}"; do
    for _ in $(seq 1 50); do redis-cli -p "${node##*:}" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$REPLICAS" --cluster-yes >"$DIR/create.log" 2>&1 ||
    { cat "$DIR/create.log" >&2; stop_quietly; die "redis-cli --cluster create failed"; }
  for node in "${nodes[@]}"; do
    for _ in $(seq 1 100); do cluster_ok "${node##*:}" && break; sleep 0.1; done
    cluster_ok "${node##*:}" || { stop_quietly; die "cluster_state is not ok on $node"; }
  done
  # Every replica has copied its master before anyone relies on it.
  for node in "${nodes[@]}"; do
    for _ in $(seq 1 100); do in_sync "${node##*:}" && break; sleep 0.1; done
    in_sync "${node##*:}" || { stop_quietly; die "$node did not finish its initial sync"; }
  done
  (IFS=,; echo "${nodes[*]}") >"$DIR/nodes"
  nodes_line
}

stop_quietly() {
  local pidfile pid
  for pidfile in "$DIR"/*/redis.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # A node killed on purpose leaves its pidfile: never signal whatever took that pid since.
    [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = redis-server ] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly; echo "redis-cluster: stopped" >&2 ;;
  nodes) running || die "not running (scripts/redis-cluster.sh start)"; nodes_line ;;
  revive)
    port="${2:-}"
    [ -d "$DIR/$port" ] && [ -n "$port" ] || die "revive needs the port of a node of this cluster"
    redis-cli -p "$port" ping >/dev/null 2>&1 && die "the node on $port is running"
    DAEMONIZE=yes
    (start_node "$port") || die "redis-server on $port did not start"
    ;;
  run)
    shift
    [ $# -gt 0 ] || die "run needs a command"
    DAEMONIZE=no
    trap stop_quietly EXIT
    start >/dev/null
    REDIS_CLUSTER_NODES="$(cat "$DIR/nodes")"
    REDIS_CLUSTER_DIR="$DIR"
    REDIS_CLUSTER_NODE_TIMEOUT_MS="$NODE_TIMEOUT_MS"
    export REDIS_CLUSTER_NODES REDIS_CLUSTER_DIR REDIS_CLUSTER_NODE_TIMEOUT_MS
    echo "redis-cluster: $MASTERS masters with $REPLICAS replica(s) each at $REDIS_CLUSTER_NODES (stopped on exit)" >&2
    set +e
    "$@"
    exit $?
    ;;
  *) die "usage: $0 start|stop|nodes|revive PORT|run CMD [ARGS...]" ;;
esac
