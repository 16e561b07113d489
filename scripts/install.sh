#!/usr/bin/env bash
# make install: installs the built uvm4j under PREFIX (default /usr/local; DESTDIR is prepended by
# the Makefile for staged installs):
#   PREFIX/bin/uvm4j                     a symbolic link to the launcher
#   PREFIX/lib/uvm4j/uvm4j               the launcher (it finds everything next to itself)
#   PREFIX/lib/uvm4j/uvm4j.jar           the CLI with its dependencies (uvm4j --help, uvm4j run ...)
#   PREFIX/lib/uvm4j/uvm4j-ffm.jar       its FFM classes as a plain jar (Java >= 22 builds only)
#   PREFIX/lib/uvm4j/scripts/java-home.sh  how the launcher picks its JVM
#   PREFIX/lib/uvm4j/jna/com/sun/jna/linux-ARCH/libjnidispatch.so  JNA's native part, unpacked
#   PREFIX/lib/uvm4j/lib/libunicorn.so.2 the libunicorn `make deps` provided (when it is not the system's)
#   PREFIX/share/java/uvm4j/*.jar        the modules' own jars (uvm, emulator-bridge), for the Java API
# Needs the jars built (`make build`; the Makefile's install target builds first).
set -euo pipefail
prefix=${1:?usage: install.sh PREFIX}
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
jar="$root/emulator-bridge/target/uvm4j.jar"
if [ ! -f "$jar" ]; then
  echo "uvm4j: $jar is missing; run 'make build' first" >&2
  exit 1
fi
dest="$prefix/lib/uvm4j"
install -d "$prefix/bin" "$dest/scripts" "$dest/lib" "$prefix/share/java/uvm4j"
install -m 0644 "$jar" "$dest/uvm4j.jar"
# the FFM classes as a plain jar (built on Java >= 22), which the launcher puts first on the class
# path so that the AOT cache can archive them; an install from a Java 17 build has none
rm -f "$dest/uvm4j-ffm.jar"
for ffm in "$root"/emulator-bridge/target/emulator-bridge-*-ffm.jar; do
  [ -f "$ffm" ] && install -m 0644 "$ffm" "$dest/uvm4j-ffm.jar"
done
# JNA's native part, unpacked by the build (the launcher points jna.boot.library.path at it)
rm -rf "$dest/jna"
if [ -d "$root/emulator-bridge/target/jna/com" ]; then
  cp -r "$root/emulator-bridge/target/jna" "$dest/jna"
fi
install -m 0755 "$root/uvm4j" "$dest/uvm4j"
install -m 0755 "$root/scripts/java-home.sh" "$dest/scripts/java-home.sh"
uc="$root/.deps/unicorn/lib/libunicorn.so.2"
if [ -e "$uc" ]; then
  install -m 0644 "$(readlink -f "$uc")" "$dest/lib/libunicorn.so.2"
  ln -sfn libunicorn.so.2 "$dest/lib/libunicorn.so"
fi
for module in uvm emulator-bridge; do
  for j in "$root/$module"/target/"$module"-*.jar; do
    case "$j" in *-sources.jar | *-javadoc.jar | *-tests.jar | *-ffm.jar) continue ;; esac
    [ -f "$j" ] && install -m 0644 "$j" "$prefix/share/java/uvm4j/"
  done
done
ln -sfn ../lib/uvm4j/uvm4j "$prefix/bin/uvm4j"
echo "uvm4j installed in $prefix: run '$prefix/bin/uvm4j run PROGRAM' ('uvm4j --help' for the options)"
