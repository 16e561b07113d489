#!/usr/bin/env bash
# Provide libunicorn >= 2.1.2 for uvm4j without changing the system's apt configuration.
#  1. a system libunicorn.so.2 whose uc_version() is >= 2.1.2 is used as it is;
#  2. else Debian's libunicorn2t64 (forky's 2.1.4, falling back to trixie's 2.1.1) is fetched
#     with a private sources list and unpacked with dpkg -x into DEST (git-ignored).
# Repeated runs reuse DEST. Prints where the library is.
set -euo pipefail
dest=${1:?usage: fetch-unicorn.sh DEST}
lib="$dest/lib"

have_version() { # $1 = path to libunicorn.so.2; prints major.minor.patch, or nothing
  # The Debian package's version (recorded by this script, or dpkg's for a system library);
  # the bridge itself checks uc_version() again at start.
  local f=$1 v=""
  if [ -f "$(dirname "$f")/VERSION" ]; then
    v=$(cat "$(dirname "$f")/VERSION")
  elif [ "$(readlink -f "$f")" = /usr/lib/x86_64-linux-gnu/libunicorn.so.2 ]; then
    v=$(dpkg-query -W -f='${Version}\n' libunicorn2t64 libunicorn2 2>/dev/null | grep -v '^$' | head -n1)
  fi
  v=${v#*:}
  echo "${v%%-*}"
}
new_enough() { # $1 = version string; >= 2.1.2
  [ -n "$1" ] && [ "$(printf '%s\n2.1.2\n' "$1" | sort -V | head -n1)" = "2.1.2" ]
}

if [ -f "$lib/libunicorn.so.2" ]; then
  echo "libunicorn: using $lib/libunicorn.so.2 ($(have_version "$lib/libunicorn.so.2"))"
  exit 0
fi
for sys in /usr/lib/x86_64-linux-gnu/libunicorn.so.2 /usr/local/lib/libunicorn.so.2 /usr/lib/libunicorn.so.2; do
  if [ -f "$sys" ] && new_enough "$(have_version "$sys")"; then
    mkdir -p "$lib"
    ln -sf "$sys" "$lib/libunicorn.so.2"
    ln -sf "$sys" "$lib/libunicorn.so"
    echo "libunicorn: using the system's $sys ($(have_version "$sys"))"
    exit 0
  fi
done

work="$dest/apt"
mkdir -p "$work/lists/partial" "$work/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# the Debian mirror this machine already uses (deb822 "URIs:" or one-line "deb" entries)
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v '^[[:space:]]*#' \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
for suite in forky trixie; do
  echo "deb [signed-by=$keyring] ${mirror%/} $suite main" > "$work/sources.list"
  opts=(-o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$work/lists" -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1)
  echo "libunicorn: fetching Debian $suite's libunicorn2t64 (private apt lists under $work)"
  if apt-get "${opts[@]}" -qq update >"$work/apt.log" 2>&1 \
     && (cd "$work/debs" && rm -f ./*.deb && apt-get "${opts[@]}" -qq download libunicorn2t64 >>"$work/apt.log" 2>&1); then
    deb=$(ls "$work/debs"/libunicorn2t64_*.deb | head -n1)
    rm -rf "$work/root" && dpkg -x "$deb" "$work/root"
    mkdir -p "$lib"
    cp "$work/root"/usr/lib/x86_64-linux-gnu/libunicorn.so.2 "$lib/"
    ln -sf libunicorn.so.2 "$lib/libunicorn.so"
    dpkg-deb -f "$deb" Version > "$lib/VERSION"
    v=$(have_version "$lib/libunicorn.so.2")
    if new_enough "$v"; then
      echo "libunicorn: $v unpacked into $lib"
      exit 0
    fi
    echo "libunicorn: Debian $suite gave version '$v', too old" >&2
    rm -rf "$lib"
  else
    echo "libunicorn: Debian $suite's package could not be fetched from $mirror:" >&2
    tail -n 3 "$work/apt.log" >&2
  fi
done
echo "libunicorn >= 2.1.2 is required and could not be provided: install Debian's libunicorn2t64 (forky or trixie) or put libunicorn.so.2 into $lib" >&2
exit 1
