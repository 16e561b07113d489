#!/usr/bin/env bash
# Build the benchmark's CPU-bound real program: the Lua 5.4 interpreter from Debian's source
# package lua5.4, compiled with `musl-gcc -static -O2` into DEST (git-ignored; nothing fetched is
# ever committed). The sources come through apt with a private sources list holding one deb-src
# line (the technique of fetch-unicorn.sh: -o Dir::Etc::sourcelist=... -o Dir::Etc::sourceparts=-
# -o Dir::State::Lists=...); the system's apt configuration is never changed. Only the upstream
# tarball is unpacked (tar; no dpkg-source needed): Debian's patches concern its shared library.
# Repeated runs reuse DEST. Prints the path of the binary on its last line.
set -euo pipefail
dest=${1:?usage: fetch-lua.sh DEST}
bin="$dest/lua"
MUSL_GCC=${MUSL_GCC:-musl-gcc}

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
command -v "$MUSL_GCC" >/dev/null || { echo "fetch-lua: $MUSL_GCC not found (make musl)" >&2; exit 1; }

work="$dest/apt"
mkdir -p "$work/lists/partial" "$work/src"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v '^[[:space:]]*#' \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
suite=$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") || true)
suite=${suite:-bookworm}
echo "deb-src [signed-by=$keyring] ${mirror%/} $suite main" > "$work/sources.list"
opts=(-o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=- \
      -o Dir::State::Lists="$work/lists" -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1)
echo "fetch-lua: fetching Debian $suite's source package lua5.4 (private apt lists under $work)" >&2
if ! apt-get "${opts[@]}" -qq update >"$work/apt.log" 2>&1 \
   || ! (cd "$work/src" && apt-get "${opts[@]}" -qq --download-only source lua5.4 >>"$work/apt.log" 2>&1); then
  echo "fetch-lua: Debian's lua5.4 source could not be fetched from $mirror:" >&2
  tail -n 3 "$work/apt.log" >&2
  exit 1
fi
orig=$(ls "$work/src"/lua5.4_*.orig.tar.* | head -n1)
rm -rf "$work/build" && mkdir -p "$work/build"
tar -xf "$orig" -C "$work/build"
top=$(ls -d "$work/build"/lua-5.4* | head -n1)
echo "fetch-lua: building $(basename "$top") with $MUSL_GCC -static -O2" >&2
make -s -C "$top/src" posix CC="$MUSL_GCC" MYCFLAGS="-O2" MYLDFLAGS="-static" >"$work/build.log" 2>&1 \
  || { tail -n 20 "$work/build.log" >&2; exit 1; }
cp "$top/src/lua" "$bin"
basename "$orig" > "$dest/VERSION"
echo "$bin"
