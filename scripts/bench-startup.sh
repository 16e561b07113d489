#!/usr/bin/env bash
# Start-up benchmark: runs `LAUNCHER run ARGS` RUNS times for each configuration, the
# configurations alternating run by run (so that a change in the machine's load hits all alike),
# and prints per configuration the median (min–max) wall time, the median user and system CPU
# time and the largest RSS, from /usr/bin/time. The guest's output is discarded.
#
#   scripts/bench-startup.sh                                  hello, FFM (default) against JNA
#   RUNS=21 scripts/bench-startup.sh
#   CONFIGS="ffm=./uvm4j|jna=./uvm4j --backend jna" scripts/bench-startup.sh guest-programs/build/hello
#   CONFIGS="new=./uvm4j run|old=/tmp/old/uvm4j run" ...  two builds (each a LAUNCHER and its
#                                                           leading arguments; `run` is added
#                                                           when a configuration has no verb)
# A configuration is NAME=COMMAND; configurations are separated by '|'. ARGS default to
# guest-programs/build/hello. UVM4J_JAVA_OPTS and the AOT cache apply as in any launch: train the
# cache first (`make build` does) or the first run of each build pays for it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-11}
CONFIGS=${CONFIGS:-"ffm=./uvm4j run|jna=./uvm4j run --backend jna"}
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(guest-programs/build/hello)
command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] || {
  echo "bench-startup: /usr/bin/time is missing (Debian package 'time')" >&2
  exit 1
}
IFS='|' read -r -a configs <<<"$CONFIGS"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== machine: $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n1), nproc $(nproc); load at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $RUNS runs per configuration, alternating: ${args[*]}"
for ((i = 0; i < RUNS; i++)); do
  for c in "${configs[@]}"; do
    name=${c%%=*}
    read -r -a cmd <<<"${c#*=}"
    case " ${cmd[*]} " in *" run "* | *" --version "*) ;; *) cmd+=(run) ;; esac
    /usr/bin/time -f "%e %U %S %M" -a -o "$out/$name" "${cmd[@]}" "${args[@]}" >/dev/null 2>&1 ||
      echo "   $name: run $i exited non-zero" >&2
  done
done
echo "== load at end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %24s %10s %10s %10s\n' config "wall median (min-max)" "user med" "sys med" "max RSS"
for c in "${configs[@]}"; do
  name=${c%%=*}
  med() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  wall=$(cut -d' ' -f1 "$out/$name" | med)
  lo=$(cut -d' ' -f1 "$out/$name" | sort -n | head -n1)
  hi=$(cut -d' ' -f1 "$out/$name" | sort -n | tail -n1)
  user=$(cut -d' ' -f2 "$out/$name" | med)
  sys=$(cut -d' ' -f3 "$out/$name" | med)
  rss=$(cut -d' ' -f4 "$out/$name" | sort -n | tail -n1)
  printf '%-10s %24s %10s %10s %9d MB\n' "$name" "$wall s ($lo-$hi)" "$user s" "$sys s" $((rss / 1024))
done
