#!/usr/bin/env bash
# Which Java uvm4j builds and runs with; used by the Makefile (Maven) and the uvm4j launcher.
#
#   scripts/java-home.sh [--jdk]      prints the Java home to use, or nothing: use `java` on PATH
#   scripts/java-home.sh --feature H  prints the feature release of Java home H (17, 25, ...)
#
# Choice, first match wins:
#   1. UVM4J_JAVA_HOME, if set (e.g. UVM4J_JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 to force 17)
#   2. JAVA_HOME, if set: an explicit choice is always honoured
#   3. the newest Java >= 22 under /usr/lib/jvm (or UVM4J_JVM_DIR): it has the FFM API, which the
#      faster CPU backend needs (with --jdk: only a JDK, i.e. one with javac, for Maven)
#   4. nothing: the default `java` (Java 17 is enough; the JNA backend runs everywhere)
# Nothing depends on a particular vendor or path being installed.
set -euo pipefail

feature() { # the feature release of Java home $1, from its `release` file (or `java -version`)
  local v=""
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  fi
  v=${v#1.}
  v=${v%%[.+-]*}
  case "$v" in '' | *[!0-9]*) echo 0 ;; *) echo "$v" ;; esac
}

if [ "${1:-}" = "--feature" ]; then
  feature "${2:?usage: java-home.sh --feature JAVA_HOME}"
  exit 0
fi
need=java
[ "${1:-}" = "--jdk" ] && need=javac

if [ -n "${UVM4J_JAVA_HOME:-}" ]; then
  echo "$UVM4J_JAVA_HOME"
  exit 0
fi
if [ -n "${JAVA_HOME:-}" ]; then
  echo "$JAVA_HOME"
  exit 0
fi
best="" best_v=0
for d in "${UVM4J_JVM_DIR:-/usr/lib/jvm}"/*/; do
  d=${d%/}
  [ -x "$d/bin/$need" ] || continue
  v=$(feature "$d")
  if [ "$v" -ge 22 ] && [ "$v" -gt "$best_v" ]; then
    best=$d best_v=$v
  fi
done
[ -n "$best" ] && echo "$best"
exit 0
