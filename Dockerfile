# syntax=docker/dockerfile:1
# TechSapo: one image, three roles (ROLE=api|worker|mcp; docs/deployment.md).
# Build:  docker build -t techsapo .
# Run:    docker run --read-only --tmpfs /tmp --tmpfs /app/data:uid=1001,gid=1001 \
#           --cap-drop ALL --security-opt no-new-privileges -e ROLE=api ... techsapo
# Pin the base images by digest in your registry (node:20-alpine@sha256:...) for builds that
# repeat exactly; the tag names the line: Node 20 LTS on Alpine.

# 1. builder: every dependency (swc) and the build; dist/ carries its integrity manifest.
FROM node:20-alpine AS builder
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
RUN node scripts/build.mjs \
 && chmod -R a-w dist

# 2. production dependencies only, without install scripts; made read-only before the copy
#    so the final image needs no chmod layer (which would duplicate every file).
FROM node:20-alpine AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && chmod -R a-w node_modules

# 3. runtime: code owned by root and read-only for everyone, the service as uid 1001 with
#    one writable folder (DATA_DIR) and /tmp; no package manager; dumb-init as PID 1 forwards
#    SIGTERM so in-flight requests and jobs finish (SHUTDOWN_TIMEOUT_MS).
FROM node:20-alpine AS runtime
RUN apk add --no-cache dumb-init \
 && addgroup -S -g 1001 techsapo \
 && adduser -S -D -H -u 1001 -G techsapo -h /app -s /sbin/nologin techsapo \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn* \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && mkdir -p /app/data \
 && chown 1001:1001 /app/data \
 && chmod 0700 /app/data
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data \
    ROLE=api
COPY --from=deps --chown=root:root /src/node_modules ./node_modules
COPY --from=builder --chown=root:root /src/dist ./dist
COPY --chown=root:root --chmod=0444 package.json ./
COPY --chown=root:root --chmod=0444 scripts/runtime-flags.mjs scripts/container-start.sh ./scripts/
USER 1001:1001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${PORT}/health/live" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["dumb-init", "--"]
CMD ["sh", "scripts/container-start.sh"]
