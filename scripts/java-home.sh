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
#
# The launcher sources this file (`. java-home.sh`) and calls the two functions, which answer in
# REPLY: everything here is bash built-ins (no sed, no subshell), because each process the launcher
# starts before the JVM adds to every run's start-up (docs/benchmarks.md, start-up).

# The feature release of Java home $1 in REPLY, from its `release` file (or `java -version`); 0 when
# unknown.
uvm4j_java_feature() {
  local v="" line
  if [ -f "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=\"*\"*)
          v=${line#JAVA_VERSION=\"}
          v=${v%%\"*}
          ;;
      esac
    done <"$1/release"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  fi
  v=${v#1.}
  v=${v%%[.+-]*}
  case "$v" in '' | *[!0-9]*) REPLY=0 ;; *) REPLY=$v ;; esac
}

# The Java home to use in REPLY (empty: the default `java`); $1 = javac: only a JDK.
uvm4j_java_home() {
  local need=${1:-java} d best="" best_v=0
  if [ -n "${UVM4J_JAVA_HOME:-}" ]; then
    REPLY=$UVM4J_JAVA_HOME
    return 0
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    REPLY=$JAVA_HOME
    return 0
  fi
  for d in "${UVM4J_JVM_DIR:-/usr/lib/jvm}"/*/; do
    d=${d%/}
    [ -x "$d/bin/$need" ] || continue
    uvm4j_java_feature "$d"
    if [ "$REPLY" -ge 22 ] && [ "$REPLY" -gt "$best_v" ]; then
      best=$d best_v=$REPLY
    fi
  done
  REPLY=$best
}

# run as a command (not sourced)
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  if [ "${1:-}" = "--feature" ]; then
    uvm4j_java_feature "${2:?usage: java-home.sh --feature JAVA_HOME}"
    echo "$REPLY"
    exit 0
  fi
  need=java
  [ "${1:-}" = "--jdk" ] && need=javac
  uvm4j_java_home "$need"
  [ -n "$REPLY" ] && echo "$REPLY"
  exit 0
fi
