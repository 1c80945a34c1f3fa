# syntax=docker/dockerfile:1
# Visio-Public server image (Debian 12). The same scripts/setup.sh as on a developer machine does
# the work, in three layers ordered for caching:
#   1. Debian packages + mediasoup worker build (~5 min): depends on scripts/ only.
#   2. npm dependencies: depends on the package files only.
#   3. application sources + client (Vite) builds.
# Build: docker build -t visio-public .     Run: see docker-compose.yml
FROM node:20-bookworm

WORKDIR /app
# Worker cache outside /app; scripts/with-env.sh finds the binary here at run time.
ENV VISIO_CACHE_DIR=/opt/visio-cache \
    NO_COLOR=1

# 1. System packages and the mediasoup worker (sources fetched with `npm pack` because
#    node_modules does not exist yet; libsrtp from Debian's source package).
COPY scripts/ scripts/
RUN bash scripts/setup.sh --only system,worker \
 && rm -rf /var/lib/apt/lists/* /opt/visio-cache/logs

# 2. npm dependencies (devDependencies included: the server runs through tsx).
COPY package*.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY kiosk-client/package.json kiosk-client/
COPY advisor-client/package.json advisor-client/
RUN bash scripts/setup.sh --only npm \
 && npm cache clean --force

# 3. Application and client builds (the other steps find everything done and are skipped).
COPY . .
RUN bash scripts/setup.sh \
 && mkdir -p /data \
 && chown node:node /data

# Production: no demo accounts, and the server refuses to start without PUBLIC_URL and
# SERVER_SECRET (see the README's configuration table; docker-compose.yml sets both).
ENV NODE_ENV=production \
    DEMO_SEED=false \
    PORT=8080 \
    DATA_DIR=/data \
    RTC_MIN_PORT=40000 \
    RTC_MAX_PORT=40100
VOLUME ["/data"]
# HTTP(S) behind the reverse proxy; WebRTC media (ICE over UDP, TCP fallback).
EXPOSE 8080/tcp 40000-40100/udp 40000-40100/tcp

USER node
CMD ["bash", "scripts/with-env.sh", "node", "--import", "tsx", "server/src/main.ts"]
