#!/usr/bin/env bash
# Usage: bash scripts/with-env.sh CMD [ARGS...]
# Runs CMD on the project's Node.js (>= 24: the system's, or the one scripts/setup.sh cached, put
# first in PATH) with MEDIASOUP_WORKER_BIN exported (the worker built by scripts/setup.sh, unless
# already set). Kept cheap: one `node -p` and a hash of the small worker recipe files.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# > 0)) || die "usage: $0 CMD [ARGS...]"
visio_select_node ||
  die "Node.js >= $VISIO_NODE_MIN is required (found: $(node --version 2>/dev/null || echo none)); run: npm run setup (it provides Node.js $VISIO_NODE_VERSION)"
if [[ -z "${MEDIASOUP_WORKER_BIN:-}" ]]; then
  MEDIASOUP_WORKER_BIN="$(visio_worker_bin)"
  [[ -x "$MEDIASOUP_WORKER_BIN" ]] ||
    warn "mediasoup worker not built yet ($MEDIASOUP_WORKER_BIN); run: npm run setup"
fi
export MEDIASOUP_WORKER_BIN
exec "$@"
