#!/usr/bin/env bash
# The cost of tracing on the fault path (docs/benchmarks.md, "Tracing"):
#   1. TraceBench with every mode (off, record, jsonl, chrome) on the normal build;
#   2. TraceBench mode=off on a build whose FaultHandler has its tracing code removed from its
#      source (the `if (o != null) { ... }` observer call and the clock read when a fault begins):
#      the fault path without any tracing code, for comparison with 1's off.
# JMH options can be overridden: JMH_OPTS="-f 1 -wi 2 -i 3 -w 1s -r 1s" scripts/bench-tracing.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 5 -i 5 -w 2s -r 2s"}
MVN=${MVN:-mvn}
$MVN -B -ntp -q -o test-compile -pl uvm
$MVN -B -ntp -q -o dependency:build-classpath -Dmdep.outputFile="$PWD/uvm/target/bench-cp.txt" \
  -Dmdep.includeScope=test -pl uvm
CP="uvm/target/test-classes:uvm/target/classes:$(cat uvm/target/bench-cp.txt)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - uvm/src/main/java/org/uvm4j/uvm/fault/FaultHandler.java "$work/FaultHandler.java" <<'PY'
import sys
src = open(sys.argv[1]).read().replace("o == null ? 0 : System.nanoTime()", "0")
out, i, removed = [], 0, 0
while True:
    j = src.find("if (o != null) {", i)
    if j < 0:
        out.append(src[i:])
        break
    out.append(src[i:j])
    depth, k = 0, src.index("{", j)
    while True:
        if src[k] == "{":
            depth += 1
        elif src[k] == "}":
            depth -= 1
            if depth == 0:
                break
        k += 1
    i, removed = k + 1, removed + 1
open(sys.argv[2], "w").write("".join(out))
print(f"FaultHandler without tracing: {removed} 'if (o != null)' blocks removed", file=sys.stderr)
if removed == 0:
    sys.exit("bench-tracing: no tracing block found in FaultHandler (the script is out of date)")
PY
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$CP" "$work/FaultHandler.java"

echo "== normal build, every mode"
java -cp "$CP" org.openjdk.jmh.Main TraceBench $JMH_OPTS
echo "== build without tracing code in FaultHandler, mode=off"
java -cp "$work/classes:$CP" org.openjdk.jmh.Main TraceBench -p mode=off $JMH_OPTS
