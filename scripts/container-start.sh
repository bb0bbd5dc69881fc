#!/bin/sh
# The container's command (under dumb-init): the service read-only under Node's permission
# model, with the flags of scripts/runtime-flags.mjs (writes only to DATA_DIR and the temp
# folder; child processes only when MCP_CONFIG names a stdio upstream). One flag per line.
set -eu
flags=$(node scripts/runtime-flags.mjs)
old_ifs=$IFS
IFS='
'
# shellcheck disable=SC2086 # split on newlines only
set -- $flags
IFS=$old_ifs
exec node "$@" dist/apps/api/src/main.js
