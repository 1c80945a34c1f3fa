#!/usr/bin/env bash
# Build the mediasoup worker against Debian 12's own libraries and cache it outside the repository:
#   $VISIO_CACHE_DIR/mediasoup-worker/<mediasoup version>-<recipe key>/mediasoup-worker
# The recipe key hashes this script and scripts/mediasoup-worker/* (see scripts/lib.sh).
#
# Usage: bash scripts/build-mediasoup-worker.sh [--force]
#
# Sources: the C++ sources shipped in node_modules/mediasoup/worker (or, when mediasoup is not
# installed yet, the same npm package fetched with `npm pack`); libsrtp from Debian's `libsrtp2`
# source package (built against OpenSSL, linked statically); everything else from Debian -dev
# packages through the small meson shims in scripts/mediasoup-worker/. Nothing is downloaded from
# GitHub, nothing is written inside the repository, and the machine's apt configuration is untouched.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help)
      sed -n '2,13p' "$0"
      exit 0
      ;;
    *) die "unknown argument: $arg" ;;
  esac
done

# Debian's libsrtp2 source package: its orig tarball is exactly upstream libsrtp 2.5.0.
LIBSRTP_SRC_PKG="libsrtp2"
LIBSRTP_ORIG="libsrtp2_2.5.0.orig.tar.gz"
LIBSRTP_ORIG_SHA256="8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09"
DEBIAN_MIRROR="${VISIO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SUITE="bookworm"
DEBIAN_KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"
# Shim subprojects: directory name here == subproject name == <name>.wrap in worker/subprojects.
SHIMS=(libuv openssl nlohmann_json usrsctp abseil-cpp catch2)

key="$(visio_recipe_key)"
worker_dir="$(visio_worker_dir)"
worker_bin="$worker_dir/mediasoup-worker"

if ! $force && visio_worker_runs "$worker_bin"; then
  ok "mediasoup worker $MEDIASOUP_VERSION (recipe $key) cached: $worker_bin"
  exit 0
fi

for tool in meson ninja pkg-config c++ tar flock; do
  have "$tool" || die "'$tool' not found: run 'bash scripts/setup.sh' (installs the build packages) first"
done

mkdir -p "$VISIO_CACHE_DIR"/{locks,logs,sources,mediasoup-worker}
# One build at a time per cache (parallel CI jobs, npm start + npm test...).
exec 9>"$VISIO_CACHE_DIR/locks/mediasoup-worker-$key.lock"
if ! flock -n 9; then
  info "another build of this worker is running; waiting for it..."
  flock 9
fi
if ! $force && visio_worker_runs "$worker_bin"; then
  ok "mediasoup worker built by the other process: $worker_bin"
  exit 0
fi

log="$VISIO_CACHE_DIR/logs/mediasoup-worker-$MEDIASOUP_VERSION-$key-$(date +%Y%m%d-%H%M%S).log"
build="$VISIO_CACHE_DIR/build-$key"
build_t0="$(date +%s)"
step "Building mediasoup worker $MEDIASOUP_VERSION (recipe $key, ~5 min on 2 cores)"
info "build dir: $build"
info "log: $log"
rm -rf "$build"
mkdir -p "$build"

# --- 1. Worker sources ---------------------------------------------------------------------------
installed_ms="$VISIO_ROOT/node_modules/mediasoup"
if [[ -d "$installed_ms/worker" ]]; then
  ms_version="$(node -p 'require(process.argv[1]).version' "$installed_ms/package.json")"
  [[ "$ms_version" == "$MEDIASOUP_VERSION" ]] ||
    die "node_modules/mediasoup is $ms_version but the scripts pin $MEDIASOUP_VERSION (see scripts/lib.sh)"
  info "worker sources: node_modules/mediasoup/worker"
  cp -a "$installed_ms/worker" "$build/worker"
else
  tgz="$VISIO_CACHE_DIR/sources/mediasoup-$MEDIASOUP_VERSION.tgz"
  if [[ ! -s "$tgz" ]]; then
    info "node_modules/mediasoup missing: fetching mediasoup@$MEDIASOUP_VERSION with npm pack"
    run_logged "$log" npm pack --silent --pack-destination "$build" "mediasoup@$MEDIASOUP_VERSION"
    mv "$build/mediasoup-$MEDIASOUP_VERSION.tgz" "$tgz"
  fi
  info "worker sources: $tgz"
  tar -xzf "$tgz" -C "$build" package/worker
  mv "$build/package/worker" "$build/worker"
  rmdir "$build/package"
fi
src="$build/worker"
rm -rf "$src/out" "$src/subprojects/packagecache"

# Debian 12 ships meson 1.0.1; mediasoup asks for >= 1.1.0 but builds fine with 1.0.1.
sed -i -E "s/^(\s*meson_version\s*:\s*)'>=\s*1\.1\.0'/\1'>= 1.0.1'/" "$src/meson.build"
grep -qE "^\s*meson_version\s*:\s*'>= 1\.0\.1'" "$src/meson.build" ||
  die "could not relax meson_version in worker/meson.build (did the mediasoup version change?)"

wrap_dir() { # directory meson expects for subproject $1, from its .wrap file
  local wrap="$src/subprojects/$1.wrap" dir
  [[ -f "$wrap" ]] || die "missing $wrap"
  dir="$(sed -n -E 's/^\s*directory\s*=\s*(\S+)\s*$/\1/p;T;q' "$wrap")"
  [[ -n "$dir" ]] || die "no 'directory =' in $wrap"
  echo "$dir"
}

# --- 2. Shim subprojects (Debian libraries through pkg-config) ----------------------------------
for shim in "${SHIMS[@]}"; do
  dir="$(wrap_dir "$shim")"
  cp -a "$VISIO_SCRIPTS_DIR/mediasoup-worker/$shim" "$src/subprojects/$dir"
done
info "shims: ${SHIMS[*]}"

# --- 3. libsrtp from Debian's source package, with a private apt configuration ------------------
orig="$VISIO_CACHE_DIR/sources/$LIBSRTP_ORIG"
if [[ ! -s "$orig" ]] || ! echo "$LIBSRTP_ORIG_SHA256  $orig" | sha256sum -c --status; then
  [[ -r "$DEBIAN_KEYRING" ]] || die "$DEBIAN_KEYRING missing: apt-get install debian-archive-keyring"
  apt_dir="$VISIO_CACHE_DIR/apt"
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"
  echo "deb-src [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $DEBIAN_SUITE main" >"$apt_dir/sources.list"
  apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=-"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
  )
  # As root, apt downloads as user _apt, which cannot enter $HOME/.cache: download as root instead.
  if is_root; then apt_opts+=(-o "APT::Sandbox::User=root"); fi
  info "fetching Debian source package $LIBSRTP_SRC_PKG ($DEBIAN_SUITE) with a private apt config"
  run_logged "$log" apt-get "${apt_opts[@]}" -q update
  (cd "$apt_dir/download" && run_logged "$log" apt-get "${apt_opts[@]}" -q source --download-only "$LIBSRTP_SRC_PKG")
  [[ -s "$apt_dir/download/$LIBSRTP_ORIG" ]] ||
    die "apt-get source $LIBSRTP_SRC_PKG did not produce $LIBSRTP_ORIG (got: $(ls "$apt_dir/download"))"
  echo "$LIBSRTP_ORIG_SHA256  $apt_dir/download/$LIBSRTP_ORIG" | sha256sum -c --status ||
    die "$LIBSRTP_ORIG does not have the expected sha256 $LIBSRTP_ORIG_SHA256"
  mv "$apt_dir/download/$LIBSRTP_ORIG" "$orig"
  rm -rf "$apt_dir"
fi
srtp_dir="$(wrap_dir libsrtp2)"
srtp_top="$(tar -tzf "$orig" | awk -F/ 'NR == 1 { print $1 }')"
tar -xzf "$orig" -C "$src/subprojects"
[[ "$srtp_top" == "$srtp_dir" ]] || mv "$src/subprojects/$srtp_top" "$src/subprojects/$srtp_dir"
[[ -f "$src/subprojects/$srtp_dir/meson.build" ]] || die "libsrtp sources lack meson.build"
info "libsrtp: $LIBSRTP_ORIG -> subprojects/$srtp_dir (built with OpenSSL, static)"

# --- 4. Configure and compile --------------------------------------------------------------------
jobs="${VISIO_BUILD_JOBS:-$(nproc)}"
info "compiling with -j$jobs (full output in the log)"
run_logged "$log" meson setup --buildtype=release -Db_ndebug=true -Db_pie=true -Db_staticpic=true \
  --wrap-mode=nodownload "$build/out" "$src"
run_logged "$log" meson compile -C "$build/out" -j "$jobs" mediasoup-worker
[[ -x "$build/out/mediasoup-worker" ]] || die "build finished without $build/out/mediasoup-worker"

# --- 5. Verify, then publish atomically ----------------------------------------------------------
mkdir -p "$worker_dir"
tmp_bin="$worker_dir/.mediasoup-worker.tmp.$$"
trap 'rm -f "$tmp_bin"' EXIT
cp "$build/out/mediasoup-worker" "$tmp_bin"
visio_worker_runs "$tmp_bin" || die "the built worker does not start (try: env -u MEDIASOUP_VERSION $tmp_bin)"
if [[ -d "$installed_ms/node" ]]; then
  # The real check: mediasoup's own Node API spawns the worker and talks to it.
  check_js="import('mediasoup').then(m=>m.createWorker()).then(w=>{console.log('worker ok', w.pid); w.close()})"
  out="$(cd "$VISIO_ROOT" && MEDIASOUP_WORKER_BIN="$tmp_bin" timeout 30 node -e "$check_js" 2>&1)" ||
    die "mediasoup.createWorker() failed with the new binary: $out"
  [[ "$out" == *"worker ok"* ]] || die "unexpected output from the worker check: $out"
  ok "$out"
fi
{
  echo "mediasoup $MEDIASOUP_VERSION, recipe $key, built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
  echo "libsrtp: Debian $LIBSRTP_ORIG (OpenSSL crypto, static); others: Debian $DEBIAN_SUITE shared libraries"
  echo "log: $log"
} >"$worker_dir/BUILD-INFO.txt"
mv -f "$tmp_bin" "$worker_bin"
trap - EXIT
rm -rf "$build"
ok "mediasoup worker built in $(($(date +%s) - build_t0))s: $worker_bin"
