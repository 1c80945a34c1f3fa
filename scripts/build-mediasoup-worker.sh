#!/usr/bin/env bash
# Build the mediasoup worker offline on Debian 12 and cache it outside the repository:
#   $VISIO_CACHE_DIR/mediasoup-worker/<mediasoup version>-<recipe key>/mediasoup-worker
# The recipe key hashes this script and third_party/mediasoup-worker/ (see scripts/lib.sh).
#
# Usage: bash scripts/build-mediasoup-worker.sh [--force]
#
# Sources: the C++ sources shipped in node_modules/mediasoup/worker (or, when mediasoup is not
# installed yet, the same npm package fetched with `npm pack`); flatbuffers, unordered_dense and
# libsrtp 3 from the tarballs in third_party/mediasoup-worker/ (sha256-checked); libuv, OpenSSL and
# abseil from Debian -dev packages through the small meson shims there. Nothing is downloaded from
# GitHub and nothing is written inside the repository. See third_party/mediasoup-worker/README.md.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help)
      sed -n '2,12p' "$0"
      exit 0
      ;;
    *) die "unknown argument: $arg" ;;
  esac
done

RECIPE_DIR="$VISIO_WORKER_RECIPE_DIR"
# Subprojects replaced by a shim over a Debian library (name == <name>.wrap == shims/<name>).
SHIMS=(libuv openssl abseil-cpp)

key="$(visio_recipe_key)"
worker_dir="$(visio_worker_dir)"
worker_bin="$worker_dir/mediasoup-worker"

if ! $force && visio_worker_runs "$worker_bin"; then
  ok "mediasoup worker $MEDIASOUP_VERSION (recipe $key) cached: $worker_bin"
  exit 0
fi

for tool in meson ninja pkg-config c++ tar flock sha256sum; do
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
step "Building mediasoup worker $MEDIASOUP_VERSION (recipe $key, ~8 min on 2 cores)"
info "build dir: $build"
info "log: $log"

# --- 1. Vendored sources: refuse anything that is not byte-identical to what was reviewed ---------
(cd "$RECIPE_DIR" && sha256sum --quiet -c SHA256SUMS) >>"$log" 2>&1 ||
  die "third_party/mediasoup-worker: a tarball does not match SHA256SUMS (see $log)"

rm -rf "$build"
mkdir -p "$build"

# --- 2. Worker sources ---------------------------------------------------------------------------
installed_ms="$VISIO_ROOT/node_modules/mediasoup"
installed_version=""
if [[ -f "$installed_ms/package.json" ]]; then
  installed_version="$(node -p 'require(process.argv[1]).version' "$installed_ms/package.json")"
fi
if [[ -d "$installed_ms/worker" && "$installed_version" == "$MEDIASOUP_VERSION" ]]; then
  info "worker sources: node_modules/mediasoup/worker"
  cp -a "$installed_ms/worker" "$build/worker"
else
  [[ -z "$installed_version" ]] ||
    die "node_modules/mediasoup is $installed_version but the scripts pin $MEDIASOUP_VERSION (see scripts/lib.sh): run npm install"
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
sub="$src/subprojects"
rm -rf "$src/out" "$sub/packagecache"

# Debian 12 ships meson 1.0.1; mediasoup asks for >= 1.1.0 but builds fine with 1.0.1.
sed -i -E "s/^(\s*meson_version\s*:\s*)'>=\s*1\.1\.0'/\1'>= 1.0.1'/" "$src/meson.build"
grep -qE "^\s*meson_version\s*:\s*'>= 1\.0\.1'" "$src/meson.build" ||
  die "could not relax meson_version in worker/meson.build (did the mediasoup version change?)"

# The one source patch (upstream bug, latent with mediasoup's bundled OpenSSL): the DTLS BIO
# callback answers 1 to every control call on the outgoing BIO, BIO_get_ktls_send() included.
# Debian's OpenSSL is built with kernel TLS, so libssl then believes kTLS is on, skips its record
# write buffer and the worker segfaults at the first DTLS handshake. OpenSSL passes
# oper|BIO_CB_RETURN, so the test must be a bit test, not an equality.
dtls="$src/src/RTC/DtlsTransport.cpp"
sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/' "$dtls"
grep -q '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;' "$dtls" ||
  die "could not patch the DTLS BIO callback in $dtls (did the mediasoup version change?)"

wrap_dir() { # directory meson expects for subproject $1, from its .wrap file
  local wrap="$sub/$1.wrap" dir
  [[ -f "$wrap" ]] || die "missing $wrap"
  dir="$(sed -n -E 's/^\s*directory\s*=\s*(\S+)\s*$/\1/p;T;q' "$wrap")"
  [[ -n "$dir" ]] || die "no 'directory =' in $wrap"
  echo "$dir"
}

# --- 3. Subprojects: meson uses a directory that already exists instead of downloading ----------
for shim in "${SHIMS[@]}"; do
  cp -a "$RECIPE_DIR/shims/$shim" "$sub/$(wrap_dir "$shim")"
done
info "shims over Debian libraries: ${SHIMS[*]}"

# Unpacks tarball $1 (top directory $2) as subproject $3's directory.
unpack_subproject() {
  local dir
  dir="$(wrap_dir "$3")"
  tar -xzf "$RECIPE_DIR/$1" -C "$sub"
  [[ "$2" == "$dir" ]] || mv "$sub/$2" "$sub/$dir"
  [[ -d "$sub/$dir" ]] || die "$1 did not unpack to $2"
  echo "$sub/$dir"
}
# flatbuffers 24.3.25 (flatc, headers, library) with the meson.build from Meson's wrapdb.
d="$(unpack_subproject flatbuffers-24.3.25.tar.gz flatbuffers-24.3.25 flatbuffers)"
cp "$RECIPE_DIR/packagefiles/flatbuffers/meson.build" "$d/meson.build"
# unordered_dense 4.8.1 (header only) with the meson.build mediasoup ships in packagefiles/.
d="$(unpack_subproject unordered_dense-4.8.1.tar.gz unordered_dense-4.8.1 unordered-dense)"
cp -a "$sub/packagefiles/ankerl-unordered-dense/." "$d/"
# libsrtp 3: its own meson.build; the parent builds it static with crypto-library=openssl
# (Debian's shared libsrtp2 uses NSS: about half the SRTP throughput).
unpack_subproject libsrtp-11bec2b.tar.gz libsrtp-11bec2b libsrtp3 >/dev/null
info "vendored: flatbuffers 24.3.25, unordered_dense 4.8.1, libsrtp 3 (11bec2b, OpenSSL crypto)"

# --- 4. Configure and compile --------------------------------------------------------------------
jobs="${VISIO_BUILD_JOBS:-$(nproc)}"
info "compiling with -j$jobs (full output in the log)"
run_logged "$log" nice -n 10 meson setup --buildtype=release -Db_ndebug=true -Db_pie=true \
  -Db_staticpic=true --wrap-mode=nodownload "$build/out" "$src"
# The libwebrtc target includes the flatc-generated FBS/*.h headers without depending on their
# generator (a ninja race: "FBS/notification.h: No such file or directory"): generate them first,
# as upstream's tasks.py does.
run_logged "$log" nice -n 10 meson compile -C "$build/out" -j "$jobs" fbs/FBS/flatbuffers-generator
run_logged "$log" nice -n 10 meson compile -C "$build/out" -j "$jobs" mediasoup-worker
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
  echo "vendored (third_party/mediasoup-worker): flatbuffers 24.3.25, unordered_dense 4.8.1, libsrtp 3 (OpenSSL crypto, static)"
  echo "Debian shared libraries: libuv1, libssl3, libabsl20220623"
  echo "sha256: $(sha256sum "$tmp_bin" | cut -d' ' -f1)"
  echo "log: $log"
} >"$worker_dir/BUILD-INFO.txt"
mv -f "$tmp_bin" "$worker_bin"
trap - EXIT
rm -rf "$build"
ok "mediasoup worker built in $(($(date +%s) - build_t0))s: $worker_bin"
