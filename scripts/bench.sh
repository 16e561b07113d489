#!/usr/bin/env bash
# uvm4j benchmarks (`make bench`): end-to-end guest workloads side by side — natively, under
# qemu-user and under uvm4j, in the same run — then every JMH benchmark of the uvm and
# emulator-bridge modules. Every figure is printed with the baselines it is compared with
# (docs/benchmarks.md). The workloads are bench_faults (guest-programs/) and a real CPU-bound
# program: Lua 5.4 built from Debian's source package by scripts/fetch-lua.sh into .cache/lua
# running guest-programs/bench.lua. qemu-user comes from Debian's qemu-user package, installed
# here when qemu-x86_64 is missing (QEMU=none skips it).
#
#   REPS=9 scripts/bench.sh            more repetitions (the minimum of REPS runs is kept)
#   JMH=0 scripts/bench.sh             guest workloads only
#   JMH_OPTS="-f 1 -wi 3 -i 5" ...     JMH options (default: short runs)
#   JMH_FILTER=PmapBench ...           a subset of the JMH benchmarks (regexp)
#   BACKENDS="jna" ...                 libunicorn bindings to measure (default: jna, plus ffm when
#                                      the JVM has it); JAVA_HOME picks the JVM (scripts/java-home.sh)
#   BENCH_JAVA_OPTS="-Duvm4j.ramHugePages=false" ...   extra JVM options for the uvm4j side, e.g.
#                                      to compare the emulated RAM with and without huge pages
set -euo pipefail
cd "$(dirname "$0")/.."
java_home=$(scripts/java-home.sh --jdk)
if [ -n "$java_home" ]; then
  export JAVA_HOME=$java_home
  if [ "$(scripts/java-home.sh --feature "$java_home")" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
fi
java=${java_home:+$java_home/bin/}java
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ -z "${BACKENDS:-}" ]; then
  BACKENDS=jna
  [ "${feature:-0}" -ge 22 ] && BACKENDS="jna ffm"
fi
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED -Djna.library.path="$PWD/.deps/unicorn/lib" ${BENCH_JAVA_OPTS:-})
# the FFM backend's classes (multi-release layer of the jar; class directories need it by hand)
mr=emulator-bridge/target/classes/META-INF/versions/22
REPS=${REPS:-5}
JMH=${JMH:-1}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -i 3 -w 1s -r 1s"}
JMH_FILTER=${JMH_FILTER:-.}
MVN=${MVN:-mvn}
BIN=guest-programs/build/bench_faults
ZERO_N=${ZERO_N:-20000}
COW_N=${COW_N:-10000}
COMPUTE_N=${COMPUTE_N:-1000}
LUA_N=${LUA_N:-10}
QEMU=${QEMU:-qemu-x86_64}

[ -x "$BIN" ] || { echo "bench: $BIN missing; run 'make build' first" >&2; exit 1; }

if [ "$QEMU" != none ] && ! command -v "$QEMU" >/dev/null 2>&1; then
  echo "bench: $QEMU not found: installing Debian's qemu-user"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq qemu-user >/dev/null
fi
qemu_args=()
if [ "$QEMU" != none ]; then
  qemu_args=(--qemu "$(command -v "$QEMU")")
  echo "== qemu-user: $("$QEMU" --version | head -n1)"
fi
lua=$(scripts/fetch-lua.sh "$PWD/.cache/lua" | tail -n1)
echo "== lua: $lua ($(cat .cache/lua/VERSION), musl-gcc -static -O2)"

echo "== machine: $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n1), nproc $(nproc), $("$java" -version 2>&1 | head -n1), backends: $BACKENDS"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# compile every module's tests and write each module's test class path to MODULE/target/bench-cp.txt
$MVN -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
  -Dmdep.includeScope=test -Dspotless.check.skip=true -Djacoco.skip=true
cp_tests="tests/target/test-classes:$(cat tests/target/bench-cp.txt):$mr"
for backend in $BACKENDS; do
  echo "== guest workloads, backend $backend: native, qemu-user (a process per run) and uvm4j (Kernel API, one warm JVM)"
  "$java" -Xss8m -XX:+UseParallelGC "${JAVA_OPTS[@]}" -Duvm4j.backend="$backend" -cp "$cp_tests" \
    org.uvm4j.bench.GuestBench --bench-faults "$PWD/$BIN" --lua "$lua" "$PWD/guest-programs/bench.lua" \
    "${qemu_args[@]}" --reps "$REPS" --zero "$ZERO_N" --cow "$COW_N" --compute "$COMPUTE_N" --lua-rounds "$LUA_N"
done
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$JMH" = 1 ]; then
  echo "== JMH ($JMH_OPTS), filter '$JMH_FILTER'"
  cp_uvm="uvm/target/test-classes:uvm/target/classes:$(cat uvm/target/bench-cp.txt)"
  cp_br="emulator-bridge/target/test-classes:emulator-bridge/target/classes:$(cat emulator-bridge/target/bench-cp.txt)"
  "$java" -cp "$cp_uvm" org.openjdk.jmh.Main "$JMH_FILTER" $JMH_OPTS
  # backend-parameterized benchmarks (MachineBench, KernelBench) run once per binding in $BACKENDS
  "$java" "${JAVA_OPTS[@]}" -cp "$cp_br:$mr" org.openjdk.jmh.Main "$JMH_FILTER" $JMH_OPTS \
    -p backend="${BACKENDS// /,}" -jvmArgsAppend "${JAVA_OPTS[*]}"
fi
