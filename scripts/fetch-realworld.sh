#!/usr/bin/env bash
# The real-program suite's programs (tests/.../realworld): Debian's source packages busybox,
# lua5.4, sqlite3, zlib, xz-utils, bc and jq, each built with `musl-gcc -static -O2`, and Debian's
# `busybox-static` binary package (a glibc static build), all under DEST (git-ignored; nothing
# fetched is ever committed). Sources come through apt with a private sources list (the technique
# of fetch-lua.sh: -o Dir::Etc::sourcelist=... -o Dir::Etc::sourceparts=- -o Dir::State::Lists=...);
# the system's apt configuration is never changed. Only upstream tarballs are unpacked (tar).
#
# Layout of DEST: bin/NAME (the binaries), src/PKG/ (the unpacked sources, for their test files),
# ok/PKG (built; holds the orig tarball's name and the hash of the build recipe, so that a changed
# build_PKG function rebuilds that package), failed/PKG (why a package is missing: the suite
# shows it as the skip reason). Repeated runs reuse what is built; `rm -rf DEST/failed` retries.
# Usage: fetch-realworld.sh DEST [PKG...]
set -uo pipefail
dest=${1:?usage: fetch-realworld.sh DEST [PKG...]}
shift
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(zlib xz-utils bc lua5.4 jq sqlite3 busybox busybox-static)
MUSL_GCC=${MUSL_GCC:-musl-gcc}
JOBS=${JOBS:-2}
dest=$(mkdir -p "$dest" && cd "$dest" && pwd)
mkdir -p "$dest/bin" "$dest/src" "$dest/ok" "$dest/failed" "$dest/apt/lists/partial" "$dest/dl"
log() { echo "fetch-realworld: $*" >&2; }

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v '^[[:space:]]*#' \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
suite=bookworm
{
  echo "deb-src [signed-by=$keyring] ${mirror%/} $suite main"
  echo "deb [signed-by=$keyring arch=amd64] ${mirror%/} $suite main"
} > "$dest/apt/sources.list"
opts=(-o Dir::Etc::sourcelist="$dest/apt/sources.list" -o Dir::Etc::sourceparts=-
      -o Dir::State::Lists="$dest/apt/lists" -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1
      -o Dir::Cache="$dest/apt/cache" -o Dir::State::status=/dev/null -o APT::Architecture=amd64)
mkdir -p "$dest/apt/cache/archives/partial"

updated=
apt_update() {
  [ -n "$updated" ] && return 0
  # the lists are kept for a day
  if [ -z "$(find "$dest/apt/lists" -name '*Sources*' -mtime -1 2>/dev/null | head -n1)" ]; then
    log "apt-get update with a private sources list ($suite from $mirror)"
    apt-get "${opts[@]}" -qq update >"$dest/apt/update.log" 2>&1 || return 1
  fi
  updated=1
}

fail() { # PKG REASON
  echo "$2" > "$dest/failed/$1"
  log "$1: $2"
  return 1
}

fetch_source() { # PKG -> prints the orig tarball's path
  local pkg=$1 d="$dest/dl/$pkg"
  if ! ls "$d"/*.orig.tar.* >/dev/null 2>&1; then
    apt_update || { fail "$pkg" "apt-get update failed: $(tail -n1 "$dest/apt/update.log")"; return 1; }
    mkdir -p "$d"
    (cd "$d" && apt-get "${opts[@]}" -qq --download-only source "$pkg" >"$d/apt.log" 2>&1) \
      || { fail "$pkg" "Debian's $pkg source could not be fetched: $(tail -n1 "$d/apt.log")"; return 1; }
  fi
  ls "$d"/*.orig.tar.* | grep -v -- '-www\|\.asc$' | head -n1
}

unpack() { # PKG ORIG -> prints the top directory
  local pkg=$1 orig=$2 s="$dest/src/$1"
  rm -rf "$s" && mkdir -p "$s"
  tar -xf "$orig" -C "$s" || return 1
  local top
  top=$(find "$s" -mindepth 1 -maxdepth 1 -type d | head -n1)
  echo "$top"
}

run_logged() { # PKG CMD... (in the current directory; log in src/PKG.log)
  local pkg=$1
  shift
  "$@" >>"$dest/src/$pkg.log" 2>&1
}

static_only() { # NAME: the binary must have no program interpreter (uvm4j runs static ELF only)
  if readelf -l "$dest/bin/$1" 2>/dev/null | grep -q 'INTERP'; then
    echo "bin/$1 is dynamically linked"
    rm -f "$dest/bin/$1"
    return 1
  fi
}

build_zlib() {
  local top=$1
  (cd "$top" && CC="$MUSL_GCC" CFLAGS=-O2 run_logged zlib ./configure --static \
    && run_logged zlib make -j"$JOBS" libz.a minigzip example LDFLAGS=-static) || return 1
  cp "$top/minigzip" "$dest/bin/minigzip" && cp "$top/example" "$dest/bin/zlib-example"
}

build_xz-utils() {
  local top=$1
  (cd "$top" && run_logged xz-utils ./configure CC="$MUSL_GCC" CFLAGS=-O2 LDFLAGS=-static \
    --disable-shared --enable-static --disable-nls --disable-doc --disable-scripts \
    --disable-lzmadec --disable-lzmainfo --disable-xzdec --disable-lzma-links --enable-threads=posix \
    && run_logged xz-utils make -j"$JOBS" LDFLAGS=-all-static) || return 1
  cp "$top/src/xz/xz" "$dest/bin/xz"
  static_only xz
}

build_bc() {
  local top=$1
  # MAKEINFO=true: the info manual needs texinfo, which the suite does not use
  (cd "$top" && run_logged bc ./configure CC="$MUSL_GCC" CFLAGS=-O2 LDFLAGS=-static \
    && run_logged bc make -C lib \
    && run_logged bc make -C bc) || return 1
  cp "$top/bc/bc" "$dest/bin/bc"
  [ -x "$top/dc/dc" ] || (cd "$top" && run_logged bc make -C dc) || true
  [ -x "$top/dc/dc" ] && cp "$top/dc/dc" "$dest/bin/dc"
  return 0
}

build_lua5.4() {
  local top=$1
  (cd "$top" && run_logged lua5.4 make -C src posix CC="$MUSL_GCC" MYCFLAGS=-O2 MYLDFLAGS=-static) \
    || return 1
  cp "$top/src/lua" "$dest/bin/lua"
}

build_jq() {
  local top=$1
  # Debian's orig tarball is the git tree: configure comes from autoreconf (autoconf, automake,
  # libtool: `make realworld-deps`); the parser and lexer are generated files it ships
  command -v autoreconf >/dev/null || { echo "autoreconf not found (make realworld-deps)"; return 1; }
  # -all-static is libtool's: configure's own test links get plain -static
  (cd "$top" && run_logged jq autoreconf -fi && run_logged jq ./configure CC="$MUSL_GCC" CFLAGS=-O2 LDFLAGS=-static \
    --disable-shared --enable-static --disable-maintainer-mode --without-oniguruma --disable-docs \
    --disable-valgrind \
    && run_logged jq make src/builtin.inc src/version.h \
    && run_logged jq make -j"$JOBS" LDFLAGS=-all-static jq) || return 1
  cp "$top/jq" "$dest/bin/jq"
  static_only jq
}

build_sqlite3() {
  local top=$1
  # the full source tree: its amalgamation is generated by tclsh (Debian's tcl package); the shell
  # is then compiled directly (libtool would not link it fully static)
  command -v tclsh >/dev/null || { echo "tclsh not found (apt-get install tcl)"; return 1; }
  (cd "$top" && run_logged sqlite3 ./configure CC="$MUSL_GCC" CFLAGS="-O2 -DSQLITE_OMIT_LOAD_EXTENSION" \
    LDFLAGS=-static --disable-shared --enable-static --disable-tcl --disable-readline \
    --disable-editline --disable-load-extension --disable-threadsafe \
    && run_logged sqlite3 make sqlite3.c shell.c \
    && run_logged sqlite3 "$MUSL_GCC" -O2 -static -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
      -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_RTREE \
      -DSQLITE_ENABLE_EXPLAIN_COMMENTS -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_BYTECODE_VTAB \
      -DHAVE_READLINE=0 -DHAVE_EDITLINE=0 -I. -o sqlite3 shell.c sqlite3.c -lm) || return 1
  cp "$top/sqlite3" "$dest/bin/sqlite3"
  static_only sqlite3
}

build_busybox() {
  local top=$1 hdr="$dest/src/busybox-linux-headers"
  # musl-gcc's include path has no kernel headers: link the system's (linux-libc-dev) beside it
  rm -rf "$hdr" && mkdir -p "$hdr"
  ln -s /usr/include/linux "$hdr/linux"
  ln -s /usr/include/asm-generic "$hdr/asm-generic"
  ln -s /usr/include/x86_64-linux-gnu/asm "$hdr/asm"
  [ -d /usr/include/mtd ] && ln -s /usr/include/mtd "$hdr/mtd"
  (cd "$top" && run_logged busybox make defconfig) || return 1
  # tc needs kernel headers older than bookworm's; the rest build against musl as they are
  sed -i -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' \
    -e 's/^CONFIG_FEATURE_TC_INGRESS=y/# CONFIG_FEATURE_TC_INGRESS is not set/' \
    -e 's/^CONFIG_STATIC=.*//' "$top/.config"
  echo "CONFIG_STATIC=y" >> "$top/.config"
  # (pipefail would count `yes` ending on SIGPIPE as a failure)
  (cd "$top" && set +o pipefail && yes '' | run_logged busybox make oldconfig \
    && run_logged busybox make -j"$JOBS" CC="$MUSL_GCC" HOSTCC=gcc \
      EXTRA_CFLAGS="-O2 -isystem $hdr" LDFLAGS=-static busybox) || return 1
  cp "$top/busybox" "$dest/bin/busybox"
  static_only busybox
}

fetch_busybox-static() {
  local d="$dest/dl/busybox-static"
  if ! ls "$d"/busybox-static_*.deb >/dev/null 2>&1; then
    apt_update || { fail busybox-static "apt-get update failed"; return 1; }
    mkdir -p "$d"
    (cd "$d" && apt-get "${opts[@]}" -qq download busybox-static >"$d/apt.log" 2>&1) \
      || { fail busybox-static "Debian's busybox-static could not be fetched: $(tail -n1 "$d/apt.log")"; return 1; }
  fi
  local deb
  deb=$(ls "$d"/busybox-static_*.deb | head -n1)
  rm -rf "$d/x" && dpkg-deb -x "$deb" "$d/x" || { fail busybox-static "dpkg-deb -x failed"; return 1; }
  cp "$d/x/bin/busybox" "$dest/bin/busybox-glibc" || { fail busybox-static "no bin/busybox in $deb"; return 1; }
  { basename "$deb"; echo "recipe $(recipe busybox-static)"; } > "$dest/ok/busybox-static"
}

status=0
recipe() { # PKG -> the hash of its build function (fetch function for busybox-static)
  { declare -f "build_$1" || declare -f "fetch_$1"; } 2>/dev/null | sha1sum | cut -c1-12
}
for pkg in "${pkgs[@]}"; do
  grep -qx "recipe $(recipe "$pkg")" "$dest/ok/$pkg" 2>/dev/null && continue
  [ -e "$dest/failed/$pkg" ] && { log "$pkg: failed before ($(cat "$dest/failed/$pkg")); rm $dest/failed/$pkg to retry"; continue; }
  if [ "$pkg" = busybox-static ]; then
    fetch_busybox-static || status=1
    continue
  fi
  command -v "$MUSL_GCC" >/dev/null || { fail "$pkg" "$MUSL_GCC not found (make musl)"; status=1; continue; }
  orig=$(fetch_source "$pkg") || { status=1; continue; }
  top=$(unpack "$pkg" "$orig") || { fail "$pkg" "cannot unpack $orig"; status=1; continue; }
  log "$pkg: building $(basename "$top") with $MUSL_GCC -static -O2 (log: src/$pkg.log)"
  start=$(date +%s)
  : > "$dest/src/$pkg.log"
  if "build_$pkg" "$top"; then
    { basename "$orig"; echo "recipe $(recipe "$pkg")"; } > "$dest/ok/$pkg"
    log "$pkg: built in $(( $(date +%s) - start )) s"
  else
    fail "$pkg" "the build failed (last lines of src/$pkg.log: $(tail -n 3 "$dest/src/$pkg.log" | tr '\n' ' '))"
    status=1
  fi
done
exit $status
