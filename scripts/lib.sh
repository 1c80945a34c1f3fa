# shellcheck shell=bash
# Shared helpers for the Visio-Public scripts. Source it; do not execute it.
# Safe under `set -euo pipefail`; defines variables and functions only (no side effects).

# --- Locations and versions --------------------------------------------------------------------
VISIO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VISIO_SCRIPTS_DIR="$VISIO_ROOT/scripts"
# Everything downloaded or built outside npm lives here, outside the repository.
VISIO_CACHE_DIR="${VISIO_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/visio-public}"
# Pinned: newest mediasoup whose worker builds against Debian 12's own libraries.
MEDIASOUP_VERSION="3.12.16"
# shellcheck disable=SC2034 # used by setup.sh
VISIO_NODE_MIN="20.19.0"
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

# --- mediasoup worker recipe ---------------------------------------------------------------------
# Key = first 12 hex chars of the sha256 of the build script and its shim files (small: cheap).
visio_recipe_key() {
  {
    printf '%s\0' build-mediasoup-worker.sh
    (cd "$VISIO_SCRIPTS_DIR" && find mediasoup-worker -type f -print0)
  } | visio_hash_file_list "$VISIO_SCRIPTS_DIR" | cut -c1-12
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
