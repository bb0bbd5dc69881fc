#!/usr/bin/env bash
# `npm start`: build, then run the service with a reachable Redis (see with-redis.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs >/dev/null
exec bash scripts/with-redis.sh node --enable-source-maps dist/apps/api/src/main.js
