#!/usr/bin/env bash
# The conformance suite's programs (tests/.../conformance): Linux's own kernel selftests
# (tools/testing/selftests/{mm,mincore,x86}) from Debian's `linux` source package, each built
# static (gcc -static, else musl-gcc -static) into DEST/bin. Sources come through apt with a private
# sources list (as fetch-realworld.sh does: -o Dir::Etc::sourcelist=... -o Dir::State::Lists=...);
# the system's apt configuration is never changed. Only the selftests and the few kernel headers
# they include are unpacked from the orig tarball (about 150 MB, downloaded once and kept in DEST/dl).
#
# Layout of DEST: bin/NAME (the tests), src/linux-VERSION/ (the unpacked part), ok/NAME (built;
# holds the compiler used), failed/NAME (why a test is missing: the suite shows it as the skip
# reason). Repeated runs reuse what is built; `rm -rf DEST/failed` retries.
# Usage: fetch-selftests.sh DEST [TEST...]
set -uo pipefail
dest=${1:?usage: fetch-selftests.sh DEST [TEST...]}
shift
mm_tests=(cow mremap_test mremap_dontunmap map_fixed_noreplace mlock2-tests madv_populate mkdirty
  soft-dirty mdwe_test mseal_test seal_elf map_populate virtual_address_range)
x86_tests=(sigaltstack syscall_arg_fault nx_stack syscall_numbering test_vsyscall)
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("${mm_tests[@]}" mincore_selftest "${x86_tests[@]}")
MUSL_GCC=${MUSL_GCC:-musl-gcc}
dest=$(mkdir -p "$dest" && cd "$dest" && pwd)
mkdir -p "$dest/bin" "$dest/src" "$dest/ok" "$dest/failed" "$dest/apt/lists/partial" "$dest/dl" \
  "$dest/apt/cache/archives/partial"
log() { echo "fetch-selftests: $*" >&2; }

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v '^[[:space:]]*#' \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
# trixie's kernel (6.12) has every listed test (mseal_test and seal_elf are 6.10's)
suite=${SELFTESTS_SUITE:-trixie}
echo "deb-src [signed-by=$keyring] ${mirror%/} $suite main" > "$dest/apt/sources.list"
opts=(-o Dir::Etc::sourcelist="$dest/apt/sources.list" -o Dir::Etc::sourceparts=-
      -o Dir::State::Lists="$dest/apt/lists" -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1
      -o Dir::Cache="$dest/apt/cache" -o Dir::State::status=/dev/null -o APT::Architecture=amd64)

fail_all() { # REASON: every requested test that is not built fails with it
  for t in "${tests[@]}"; do
    [ -e "$dest/ok/$t" ] || echo "$1" > "$dest/failed/$t"
  done
  log "$1"
  exit 1
}

fetch_source() { # -> prints the orig tarball's path
  local orig
  orig=$(ls "$dest"/dl/linux_*.orig.tar.xz 2>/dev/null | head -n1)
  if [ -n "$orig" ]; then
    echo "$orig"
    return 0
  fi
  if [ -z "$(find "$dest/apt/lists" -name '*Sources*' -mtime -1 2>/dev/null | head -n1)" ]; then
    log "apt-get update with a private sources list ($suite from $mirror)"
    apt-get "${opts[@]}" -qq update >"$dest/apt/update.log" 2>&1 \
      || { log "apt-get update failed: $(tail -n1 "$dest/apt/update.log")"; return 1; }
  fi
  # the version the suite's known differences were written against first (LINUX_VERSION; its
  # tests behave differently from release to release), then, as the lists may name versions the
  # mirror no longer has, the newest one that downloads
  local v
  for v in ${LINUX_VERSION:-6.12.107-1} \
    $(apt-cache "${opts[@]}" showsrc linux 2>/dev/null | sed -n 's/^Version: //p' | sort -rV); do
    log "downloading Debian's linux $v source (the orig tarball is about 150 MB)"
    if (cd "$dest/dl" && apt-get "${opts[@]}" -qq --download-only source "linux=$v" >"$dest/dl/apt.log" 2>&1); then
      ls "$dest"/dl/linux_*.orig.tar.xz | head -n1
      return 0
    fi
    rm -f "$dest"/dl/linux_*
  done
  log "Debian's linux source could not be fetched: $(tail -n1 "$dest/dl/apt.log" 2>/dev/null)"
  return 1
}

orig=$(fetch_source) || fail_all "Debian's linux source could not be fetched (see $dest/dl/apt.log)"
top=$(basename "$orig" .orig.tar.xz | sed 's/_/-/')
src="$dest/src/$top"
if [ ! -e "$src/.unpacked" ]; then
  log "unpacking the selftests of $(basename "$orig")"
  rm -rf "$src"
  tar -xJf "$orig" -C "$dest/src" \
    "$top/tools/testing/selftests/mm" "$top/tools/testing/selftests/x86" \
    "$top/tools/testing/selftests/mincore" "$top/tools/testing/selftests/kselftest.h" \
    "$top/tools/testing/selftests/kselftest_harness.h" "$top/tools/include" "$top/tools/arch/x86/include" "$top/arch/x86/include/uapi" \
    "$top/include/uapi" "$top/mm/gup_test.h" \
    || fail_all "cannot unpack the selftests from $orig"
  # cow.c includes the configuration check_config.sh writes: no liburing (the io_uring cases skip)
  echo "// No liburing support found" > "$src/tools/testing/selftests/mm/local_config.h"
  touch "$src/.unpacked"
fi

st="$src/tools/testing/selftests"
build() { # TEST CC -> bin/TEST; the flags are the selftests' Makefiles' (mm: -O2 -no-pie, x86: -m64)
  local t=$1 cc=$2
  case " ${x86_tests[*]} " in
    *" $t "*)
      (cd "$st/x86" && "$cc" -static -O2 -Wall -m64 -mxsave -isystem "$src/tools/include/uapi" \
        -o "$dest/bin/$t" "$t.c" -lrt -ldl -lm) ;;
    *)
      if [ "$t" = mincore_selftest ]; then
        (cd "$st/mincore" && "$cc" -static -O2 -Wall -I.. -isystem "$src/tools/include/uapi" \
          -o "$dest/bin/$t" "$t.c")
      else
        (cd "$st/mm" && "$cc" -static -O2 -Wall -U_FORTIFY_SOURCE -no-pie -I.. \
          -isystem "$src/tools/include/uapi" -o "$dest/bin/$t" "$t.c" vm_util.c thp_settings.c \
          -lrt -lpthread -lm)
      fi ;;
  esac
}

status=0
for t in "${tests[@]}"; do
  [ -e "$dest/ok/$t" ] && continue
  [ -e "$dest/failed/$t" ] && { log "$t: failed before ($(cat "$dest/failed/$t")); rm $dest/failed/$t to retry"; continue; }
  built=
  for cc in gcc "$MUSL_GCC"; do
    command -v "$cc" >/dev/null || continue
    if build "$t" "$cc" >"$dest/src/$t.log" 2>&1; then
      built=$cc
      break
    fi
  done
  if [ -n "$built" ]; then
    echo "$built -static ($top)" > "$dest/ok/$t"
    log "$t: built with $built -static"
  else
    echo "the build failed: $(grep -m1 error "$dest/src/$t.log")" > "$dest/failed/$t"
    log "$t: $(cat "$dest/failed/$t")"
    status=1
  fi
done
exit $status
