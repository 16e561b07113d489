#!/usr/bin/env bash
# uvm4j benchmarks (`make bench`): end-to-end guest workloads under uvm4j against the same binary
# run natively, then every JMH benchmark of the uvm and emulator-bridge modules. Every figure is
# printed with the baseline it is compared with, measured in the same run (docs/benchmarks.md).
#
#   REPS=9 scripts/bench.sh            more repetitions (the minimum of REPS runs is kept)
#   JMH=0 scripts/bench.sh             guest workloads only
#   JMH_OPTS="-f 1 -wi 3 -i 5" ...     JMH options (default: short runs)
#   JMH_FILTER=PmapBench ...           a subset of the JMH benchmarks (regexp)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-5}
JMH=${JMH:-1}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -i 3 -w 1s -r 1s"}
JMH_FILTER=${JMH_FILTER:-.}
MVN=${MVN:-mvn}
BIN=guest-programs/build/bench_faults
ZERO_N=${ZERO_N:-20000}
COW_N=${COW_N:-10000}
COMPUTE_N=${COMPUTE_N:-1000}

[ -x "$BIN" ] || { echo "bench: $BIN missing; run 'make build' first" >&2; exit 1; }

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) CPUs, $(java -version 2>&1 | head -n1)"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# compile every module's tests and write each module's test class path to MODULE/target/bench-cp.txt
$MVN -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
  -Dmdep.includeScope=test -Dspotless.check.skip=true -Djacoco.skip=true
cp_tests="tests/target/test-classes:$(cat tests/target/bench-cp.txt)"
echo "== guest workloads: uvm4j (Kernel API, one warm JVM) against the native run of the same binary"
java -Xss8m -Djna.library.path="$PWD/.deps/unicorn/lib" -cp "$cp_tests" org.uvm4j.bench.GuestBench \
  "$PWD/$BIN" "$REPS" "$ZERO_N" "$COW_N" "$COMPUTE_N"

if [ "$JMH" = 1 ]; then
  echo "== JMH ($JMH_OPTS), filter '$JMH_FILTER'"
  cp_uvm="uvm/target/test-classes:uvm/target/classes:$(cat uvm/target/bench-cp.txt)"
  cp_br="emulator-bridge/target/test-classes:emulator-bridge/target/classes:$(cat emulator-bridge/target/bench-cp.txt)"
  java -cp "$cp_uvm" org.openjdk.jmh.Main "$JMH_FILTER" $JMH_OPTS
  java -Djna.library.path="$PWD/.deps/unicorn/lib" -cp "$cp_br" org.openjdk.jmh.Main "$JMH_FILTER" $JMH_OPTS
fi
