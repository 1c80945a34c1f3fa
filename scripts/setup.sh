#!/usr/bin/env bash
# Idempotent project setup; every step is skipped quickly when already done.
#   npm start -> bash scripts/setup.sh
#   npm test  -> bash scripts/setup.sh --for-tests   (adds Chromium + fonts for browser tests)
#
# Usage: bash scripts/setup.sh [--for-tests] [--only STEP[,STEP...]] [--skip STEP[,STEP...]]
# Steps, in order: system (Debian packages, Node version), npm (npm install), worker (mediasoup
# worker build, cached outside the repo), clients (Vite builds), browser (Chromium check, with
# --for-tests). --only/--skip exist for the Dockerfile's layer caching.
#
# Writes inside the repository only node_modules/ (stamps) and the clients' dist/ directories.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for_tests=false
only="" skip=""
while (($# > 0)); do
  case "$1" in
    --for-tests) for_tests=true ;;
    --only) only="${2:?--only needs a list of steps}" && shift ;;
    --only=*) only="${1#*=}" ;;
    --skip) skip="${2:?--skip needs a list of steps}" && shift ;;
    --skip=*) skip="${1#*=}" ;;
    -h | --help)
      sed -n '2,11p' "$0"
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
STEPS=",system,npm,worker,clients,browser,"
for s in ${only//,/ } ${skip//,/ }; do
  [[ "$STEPS" == *",$s,"* ]] || die "unknown step '$s' (steps: ${STEPS:1:-1})"
done
wanted() { # is step $1 selected?
  [[ -z "$only" || ",$only," == *",$1,"* ]] && [[ ",$skip," != *",$1,"* ]]
}

cd "$VISIO_ROOT"
WORKER_BIN="${MEDIASOUP_WORKER_BIN:-$(visio_worker_bin)}"
export MEDIASOUP_WORKER_BIN="$WORKER_BIN"

# Debian packages. Build: the mediasoup worker (meson + Debian -dev libraries; libsrtp comes from
# its Debian source package, fetched by build-mediasoup-worker.sh) and better-sqlite3's node-gyp
# build (g++, make, python3).
BUILD_PKGS=(
  meson ninja-build pkg-config g++ make python3 dpkg-dev debian-archive-keyring
  libuv1-dev libssl-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev
)
TEST_PKGS=(chromium fonts-dejavu-core iptables iproute2)
CHROMIUM=/usr/bin/chromium

# --- a. System packages and Node ------------------------------------------------------------------
setup_system() {
  step "System packages and Node.js"
  have node || die "Node.js >= $VISIO_NODE_MIN is required (not found in PATH)"
  local node_v
  node_v="$(node -p 'process.versions.node')"
  if [[ "$(printf '%s\n%s\n' "$VISIO_NODE_MIN" "$node_v" | sort -V | head -n1)" != "$VISIO_NODE_MIN" ]]; then
    die "Node.js $node_v is too old: >= $VISIO_NODE_MIN required"
  fi

  local pkgs=("${BUILD_PKGS[@]}") missing=() p
  if $for_tests; then pkgs+=("${TEST_PKGS[@]}"); fi
  if ! have dpkg-query; then
    warn "not a Debian system: make sure these (Debian names) are installed: ${pkgs[*]}"
    return 0
  fi
  for p in "${pkgs[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    ok "node $node_v; ${#pkgs[@]} Debian packages present"
    return 0
  fi
  if ! is_root; then
    printf '\nMissing Debian packages: %s\nInstall them with:\n\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n\n' \
      "${missing[*]}" "${missing[*]}" >&2
    die "missing system packages (not root, so not installing them myself)"
  fi
  local log
  log="$VISIO_CACHE_DIR/logs/apt-$(date +%Y%m%d-%H%M%S).log"
  info "installing: ${missing[*]} (log: $log)"
  run_logged "$log" apt-get update
  run_logged "$log" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  ok "installed ${#missing[@]} Debian packages"
}

# --- b. npm dependencies --------------------------------------------------------------------------
# Stamp: Node version + sha256 of package-lock.json and the root/workspace package.json files.
npm_stamp() {
  local node_v
  node_v="$(node -p 'process.version')"
  node -e '
    const fs = require("fs"), path = require("path");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    let ws = pkg.workspaces || [];
    if (!Array.isArray(ws)) ws = ws.packages || [];
    const files = ["package.json", "package-lock.json"];
    for (const w of ws) {
      const dirs = w.endsWith("/*") && fs.existsSync(w.slice(0, -2))
        ? fs.readdirSync(w.slice(0, -2)).sort().map((d) => path.join(w.slice(0, -2), d))
        : [w];
      for (const d of dirs) files.push(path.join(d, "package.json"));
    }
    process.stdout.write(files.filter((f) => fs.existsSync(f)).join("\0") + "\0");
  ' | visio_hash_file_list . | sed "s/^/node-$node_v /"
}

setup_npm() {
  step "npm dependencies"
  local stamp_file=node_modules/.visio-setup-stamp want
  want="$(npm_stamp)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" && -d node_modules/mediasoup ]]; then
    ok "up to date (package files unchanged)"
    return 0
  fi
  # MEDIASOUP_WORKER_BIN is exported above: mediasoup's postinstall then skips its GitHub download.
  local cmd=(npm install --no-audit --no-fund)
  if [[ -f package-lock.json && ! -d node_modules ]]; then cmd=(npm ci --no-audit --no-fund); fi
  info "${cmd[*]}  (MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN)"
  "${cmd[@]}"
  npm_stamp >"$stamp_file" # after install: npm install may have rewritten package-lock.json
  ok "installed"
}

# --- c. mediasoup worker --------------------------------------------------------------------------
setup_worker() {
  step "mediasoup worker"
  if [[ "$WORKER_BIN" != "$(visio_worker_bin)" ]]; then
    visio_worker_runs "$WORKER_BIN" ||
      die "MEDIASOUP_WORKER_BIN=$WORKER_BIN (from the environment) does not run"
    ok "using MEDIASOUP_WORKER_BIN from the environment: $WORKER_BIN"
    return 0
  fi
  bash "$VISIO_SCRIPTS_DIR/build-mediasoup-worker.sh"
}

# --- d. Client builds -----------------------------------------------------------------------------
CLIENTS=(kiosk-client advisor-client)
clients_stamp() {
  {
    local f
    for f in package.json package-lock.json tsconfig.json tsconfig.base.json \
      shared/package.json shared/tsconfig.json; do
      [[ -f "$f" ]] && printf '%s\0' "$f"
    done
    find shared/src "${CLIENTS[@]}" \( -name node_modules -o -name dist \) -prune -o -type f -print0
  } | visio_hash_file_list .
}

setup_clients() {
  step "Client builds (${CLIENTS[*]})"
  local c
  for c in "${CLIENTS[@]}"; do
    if [[ ! -f "$c/package.json" ]]; then
      ok "skipped: $c/package.json does not exist yet"
      return 0
    fi
  done
  local stamp_file=node_modules/.visio-clients-stamp want built=true
  want="$(clients_stamp)"
  for c in "${CLIENTS[@]}"; do
    [[ -n "$(ls -A "$c/dist" 2>/dev/null)" ]] || built=false
  done
  if $built && [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" ]]; then
    ok "up to date (sources unchanged)"
    return 0
  fi
  rm -f "$stamp_file"
  npm run --silent build:clients
  echo "$want" >"$stamp_file"
  ok "built"
}

# --- e. Browser for tests -------------------------------------------------------------------------
setup_browser() {
  step "Chromium for browser tests"
  local v
  v="$(timeout 30 "$CHROMIUM" --version 2>/dev/null)" || die "$CHROMIUM --version failed (apt-get install chromium)"
  ok "$v"
}

wanted system && setup_system
wanted npm && setup_npm
wanted worker && setup_worker
wanted clients && setup_clients
if $for_tests && wanted browser; then setup_browser; fi
step "Setup done (worker: $WORKER_BIN)"
