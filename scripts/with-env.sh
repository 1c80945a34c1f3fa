#!/usr/bin/env bash
# Usage: bash scripts/with-env.sh CMD [ARGS...]
# Exports MEDIASOUP_WORKER_BIN (the worker built by scripts/setup.sh, unless already set) and execs
# CMD. Kept cheap: it only hashes the small worker recipe files.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# > 0)) || die "usage: $0 CMD [ARGS...]"
if [[ -z "${MEDIASOUP_WORKER_BIN:-}" ]]; then
  MEDIASOUP_WORKER_BIN="$(visio_worker_bin)"
  [[ -x "$MEDIASOUP_WORKER_BIN" ]] ||
    warn "mediasoup worker not built yet ($MEDIASOUP_WORKER_BIN); run: npm run setup"
fi
export MEDIASOUP_WORKER_BIN
exec "$@"
