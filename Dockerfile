# syntax=docker/dockerfile:1
# Visio-Public server image (Debian 12, Node.js 24), in two stages:
#   build    the same scripts/setup.sh as on a developer machine builds the mediasoup worker
#            (Debian -dev packages + third_party/, ~8 min), installs every npm package, builds both
#            apps (Vite) and the server bundle (esbuild: dist/server/src/main.js); then installs
#            the server's production packages alone into /prod.
#   runtime  node:24-bookworm-slim with the worker's shared libraries, those production packages,
#            the worker binary, the server bundle and the built apps: no compiler, no TypeScript,
#            no devDependencies. Runs as `node`; the only path it writes is /data.
# Build: docker build -t visio-public .     Run: see docker-compose.yml

FROM node:24-bookworm AS build
WORKDIR /app
# Worker build cache outside /app.
ENV VISIO_CACHE_DIR=/opt/visio-cache \
    NO_COLOR=1

# 1. System packages and the mediasoup worker (its sources come with `npm pack` because
#    node_modules does not exist yet). Depends on scripts/ and third_party/ only.
COPY scripts/ scripts/
COPY third_party/ third_party/
RUN bash scripts/setup.sh --only system,worker \
 && mkdir -p /opt/visio \
 && cp "$(bash -c 'source scripts/lib.sh && visio_worker_bin')" /opt/visio/mediasoup-worker \
 && rm -rf /var/lib/apt/lists/* /opt/visio-cache
# Where the worker is from now on, for scripts/with-env.sh and mediasoup (whose own install
# script, which would download one, is denied in package.json's allowScripts).
ENV MEDIASOUP_WORKER_BIN=/opt/visio/mediasoup-worker

# 2. npm packages, devDependencies included (the builds need them). Depends on the package files.
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY kiosk-client/package.json kiosk-client/
COPY advisor-client/package.json advisor-client/
RUN bash scripts/setup.sh --only npm

# 3. Sources; client and server builds.
COPY . .
RUN bash scripts/setup.sh --only clients \
 && npm run build:server

# 4. The runtime's node_modules: the server workspace's production dependencies, from the same
#    lock file. npm also installs those of @visio/shared, a workspace the server depends on, and
#    links both workspaces; the bundle already carries the shared code it uses, so the links go.
#    Not needed at run time either: mediasoup's worker sources (the binary is built above) and
#    better-sqlite3's C sources (it loads its prebuilt addon).
RUN mkdir -p /prod/shared /prod/server /prod/kiosk-client /prod/advisor-client \
 && for f in package.json package-lock.json .npmrc shared/package.json server/package.json \
      kiosk-client/package.json advisor-client/package.json; do cp "$f" "/prod/$f"; done \
 && cd /prod \
 && npm ci --omit=dev --workspace=@visio/server --include-workspace-root=false --no-audit --no-fund \
 && rm -rf node_modules/@visio node_modules/mediasoup/worker \
      node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
 && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
# The worker's shared libraries (Debian 12): libuv, OpenSSL, abseil.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libuv1 libssl3 libabsl20220623 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data \
 && chown node:node /data

WORKDIR /app
# Everything below belongs to root and is read-only for the `node` user that runs the server.
COPY --from=build /opt/visio/mediasoup-worker /opt/visio/mediasoup-worker
COPY --from=build /prod/node_modules node_modules/
COPY --from=build /app/dist/server dist/server/
COPY --from=build /app/kiosk-client/dist kiosk-client/dist/
COPY --from=build /app/advisor-client/dist advisor-client/dist/

# The bundle finds the apps from its own location (/app/dist/server/src -> /app).
ENV NODE_ENV=production \
    MEDIASOUP_WORKER_BIN=/opt/visio/mediasoup-worker \
    PORT=8080 \
    DATA_DIR=/data \
    RTC_MIN_PORT=40000 \
    RTC_MAX_PORT=40100
VOLUME ["/data"]
# HTTP(S) behind the reverse proxy; WebRTC media (ICE over UDP, TCP fallback).
EXPOSE 8080/tcp 40000-40100/udp 40000-40100/tcp

USER node
# The slim image has no curl: Node's own fetch asks /healthz (HOST must include 127.0.0.1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/server/src/main.js"]
