#!/usr/bin/env bash
# `npm start`: build, then run the service read-only under Node's permission model (flags from
# scripts/runtime-flags.mjs: writes only to DATA_DIR and the temp folder, no child processes
# unless MCP_CONFIG names a stdio upstream; V8's heap sized small) with the C allocator settings of
# scripts/runtime-memory.env and a reachable Redis (see with-redis.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs >/dev/null
mapfile -t flags < <(node scripts/runtime-flags.mjs)
set -a # the C allocator's settings (glibc), see the file
# shellcheck source=scripts/runtime-memory.env
. scripts/runtime-memory.env
set +a
exec bash scripts/with-redis.sh node "${flags[@]}" dist/apps/api/src/main.js
