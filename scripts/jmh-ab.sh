#!/usr/bin/env bash
# JMH before/after (`make bench-ab BASE=REV`): every JMH benchmark that exists both at commit BASE
# and in this checkout, run in the same session, class by class, the two sides alternating (BASE
# first for odd classes, this checkout first for even ones, so that a drift in the machine's load
# does not favour one side). Prints one line per benchmark and parameter set: both scores with
# their 99.9 % error, the ratio after/before and a verdict — "same" when the two error intervals
# overlap, else "faster" or "SLOWER" (lower is better for every uvm4j benchmark: they all report
# time per operation). BASE is built in a clone under .cache/jmh-ab/ (libunicorn from .deps).
#
#   scripts/jmh-ab.sh 86aa39a                      all common benchmarks
#   JMH_FILTER=PmapBench scripts/jmh-ab.sh 86aa39a a subset (regexp on the class name)
#   JMH_OPTS="-f 1 -wi 3 -i 5 -w 1s -r 1s" ...     JMH options (default: short runs)
#   WRAP=/path/to/lock.sh ...                      prefix for each class's pair of JMH runs (e.g.
#                                                  a lock that keeps other heavy jobs off the
#                                                  machine while both sides of a class run)
# Benchmarks with a `backend` parameter run with backend=$JMH_BACKEND (default jna: the only binding a
# base from before the FFM backend has) on both sides. Results: .cache/jmh-ab/RESULTS/*.csv and report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base=${1:?usage: scripts/jmh-ab.sh BASE-COMMIT}
base_sha=$(git rev-parse --short "$base^{commit}")
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -i 3 -w 1s -r 1s"}
JMH_FILTER=${JMH_FILTER:-.}
WRAP=${WRAP:-}
JMH_BACKEND=${JMH_BACKEND:-jna}
MVN=${MVN:-mvn}
java_home=$(scripts/java-home.sh --jdk)
if [ -n "$java_home" ]; then
  export JAVA_HOME=$java_home
  if [ "$(scripts/java-home.sh --feature "$java_home")" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
fi
java=${java_home:+$java_home/bin/}java
work=$root/.cache/jmh-ab
out=$work/results-$base_sha-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"

# build TREE: compile main and test classes of every module and write each module's test class
# path to MODULE/target/bench-cp.txt (the dependency plugin named with its version: a base may
# predate the pin in the parent pom, and Maven's default 2.8 cannot resolve offline)
build() {
  (cd "$1" && $MVN -B -ntp -q test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test \
    -Dspotless.check.skip=true -Djacoco.skip=true -Dcheckstyle.skip=true -Dstyle.color=never)
}
# class path of MODULE's benchmarks in TREE (the FFM classes of the multi-release layer included)
classpath() {
  local tree=$1 module=$2
  echo "$tree/$module/target/test-classes:$tree/$module/target/classes:$(cat "$tree/$module/target/bench-cp.txt"):$tree/emulator-bridge/target/classes/META-INF/versions/22"
}

base_tree=$work/tree-$base_sha
if [ ! -d "$base_tree/.git" ]; then
  echo "== cloning $base_sha into $base_tree"
  git clone -q "$root" "$base_tree"
fi
git -C "$base_tree" checkout -q "$base_sha"
[ -e "$base_tree/.deps" ] || ln -s "$root/.deps" "$base_tree/.deps"
echo "== building $base_sha (base) and this checkout ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', with local changes'))"
build "$base_tree"
build "$root"

jvm=(--enable-native-access=ALL-UNNAMED -Djna.library.path="$root/.deps/unicorn/lib")
echo "== machine: $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n1), nproc $(nproc), $("$java" -version 2>&1 | head -n1)"
echo "== JMH $JMH_OPTS, filter '$JMH_FILTER'"
n=0
for module in uvm emulator-bridge; do
  cp_base=$(classpath "$base_tree" $module)
  cp_after=$(classpath "$root" $module)
  # classes present on both sides
  classes=$(comm -12 \
    <("$java" -cp "$cp_base" org.openjdk.jmh.Main -l 2>/dev/null | grep '^org\.' | sed 's/\.[^.]*$//' | sort -u) \
    <("$java" -cp "$cp_after" org.openjdk.jmh.Main -l 2>/dev/null | grep '^org\.' | sed 's/\.[^.]*$//' | sort -u) |
    grep -E -- "$JMH_FILTER" || true)
  for class in $classes; do
    n=$((n + 1))
    sides=(base after)
    [ $((n % 2)) = 0 ] && sides=(after base)
    pair=()
    for side in "${sides[@]}"; do
      if [ "$side" = base ]; then cp=$cp_base; else cp=$cp_after; fi
      params=""
      if "$java" -cp "$cp" org.openjdk.jmh.Main -lp "^$class\." 2>/dev/null | grep -q 'param "backend"'; then
        params="-p backend=$JMH_BACKEND"
      fi
      # one shell command per side, both run under one WRAP
      pair+=("echo \"== $class: $side (load \$(cut -d' ' -f1-3 /proc/loadavg))\"; \
\"$java\" ${jvm[*]} -cp \"$cp\" org.openjdk.jmh.Main \"^$class\\.\" $JMH_OPTS $params \
-jvmArgsAppend \"${jvm[*]}\" -rf csv -rff \"$out/$side-$class.csv\" >\"$out/$side-$class.log\" 2>&1 || \
echo \"   $side run of $class failed: see $out/$side-$class.log\"")
    done
    $WRAP bash -c "${pair[0]}; ${pair[1]}"
  done
done

# report: rows pair by benchmark and the parameters both sides have (CSV columns after the unit);
# lower is better
report=$out/report.txt
{
  printf '%-70s %14s %14s %7s  %s\n' "benchmark [params]" "base $base_sha" "after" "ratio" "verdict"
  for f in "$out"/base-*.csv; do
    g=${f/\/base-/\/after-}
    [ -f "$g" ] || continue
    awk -F, -v OFS=, '
      function unq(s) { gsub(/^"|"$/, "", s); return s }
      { sub(/\r$/, "") }
      FNR == 1 {
        side = (FILENAME == ARGV[1]) ? "b" : "a"
        for (i = 8; i <= NF; i++) { pname[side, i] = unq($i); sub(/^Param: /, "", pname[side, i]) }
        ncol[side] = NF; next
      }
      { n = ++rows[side]; bench[side, n] = unq($1); score[side, n] = $5; err[side, n] = $6
        unit[side, n] = unq($7)
        for (i = 8; i <= NF; i++) if (unq($i) != "") pv[side, n, pname[side, i]] = unq($i) }
      # rows pair when their benchmark and every parameter both sides have agree; a parameter only
      # one side has (added or dropped since BASE) is shown in the name, so a base without it is
      # compared with each of its values in after
      END {
        for (i = 8; i <= ncol["b"]; i++) inb[pname["b", i]] = 1
        for (i = 8; i <= ncol["a"]; i++) ina[pname["a", i]] = 1
        for (x = 1; x <= rows["b"]; x++) for (y = 1; y <= rows["a"]; y++) {
          if (bench["b", x] != bench["a", y]) continue
          ok = 1; label = ""
          for (i = 8; i <= ncol["a"]; i++) {
            q = pname["a", i]
            if (q in inb) { if (pv["b", x, q] != pv["a", y, q]) ok = 0 }
            if (pv["a", y, q] != "") label = label " " (q in inb ? "" : "after:") q "=" pv["a", y, q]
          }
          for (i = 8; i <= ncol["b"]; i++) {
            q = pname["b", i]
            if (!(q in ina) && pv["b", x, q] != "") label = label " base:" q "=" pv["b", x, q]
          }
          if (!ok) continue
          b = score["b", x]; a = score["a", y]; eb = err["b", x]; ea = err["a", y]
          if (eb == "NaN" || eb == "") eb = 0; if (ea == "NaN" || ea == "") ea = 0
          v = "same"
          if (a - ea > b + eb) v = "SLOWER"; else if (a + ea < b - eb) v = "faster"
          name = bench["a", y] label; sub(/^org\.uvm4j\./, "", name)
          printf "%-70s %14s %14s %7.2f  %s\n", name " (" unit["a", y] ")", sprintf("%.4g±%.2g", b, eb), sprintf("%.4g±%.2g", a, ea), (b > 0 ? a / b : 0), v
        }
      }' "$f" "$g" | sort
  done
} >"$report"
cat "$report"
echo "== $(grep -c ' same$' "$report" || true) same, $(grep -c ' faster$' "$report" || true) faster, $(grep -c ' SLOWER$' "$report" || true) slower; results in $out"
