# uvm4j — `make run` and `make test` work on a fresh Debian machine: they fetch what is
# missing (libunicorn >= 2.1, musl-tools, Maven dependencies), build, and run.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT        := $(abspath .)
DEPS        := $(ROOT)/.deps
UC_DIR      := $(DEPS)/unicorn
UC_LIB      := $(UC_DIR)/lib
MVN         ?= mvn
MVN_FLAGS   ?= -B -ntp
GUEST_SRC   := $(wildcard guest-programs/*.c)
GUEST_BIN   := $(patsubst guest-programs/%.c,guest-programs/build/%,$(GUEST_SRC))
MUSL_GCC    ?= musl-gcc
GUEST_CFLAGS ?= -static -O1 -g0 -Wall -Wextra -Werror -fno-stack-protector
# Guests also built with glibc (gcc -static -pthread) as build/NAME.glibc: glibc's fork, threads
GLIBC_GUESTS := clone_fork threads thread_fork futex_deadlock proc_task robust_mutex thread_cancel \
                preempt_rmw vdso cpu_affinity
GLIBC_BIN   := $(patsubst %,guest-programs/build/%.glibc,$(GLIBC_GUESTS))
GLIBC_GCC   ?= gcc
DEMO        ?= guest-programs/build/fork_cow

# The JDK Maven runs on (scripts/java-home.sh): JAVA_HOME or UVM4J_JAVA_HOME when set, else the
# newest JDK >= 22 under /usr/lib/jvm (it also builds the FFM backend), else the default java.
# Force Java 17 with e.g. `JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 make test`.
UVM4J_JDK := $(shell scripts/java-home.sh --jdk)
ifneq ($(UVM4J_JDK),)
export JAVA_HOME := $(UVM4J_JDK)
UVM4J_JDK_FEATURE := $(shell scripts/java-home.sh --feature "$(UVM4J_JDK)")
# Maven 3.8's own libraries use sun.misc.Unsafe, which Java 24+ warns about on every run
ifeq ($(shell [ "$(UVM4J_JDK_FEATURE)" -ge 24 ] && echo y),y)
export MAVEN_OPTS := $(strip $(MAVEN_OPTS) --sun-misc-unsafe-memory-access=allow)
endif
endif

.PHONY: help deps unicorn musl guests build test run bench bench-ab fmt clean fuzz realworld realworld-deps \
  conformance install uninstall

help:
	@echo "Java: $${JAVA_HOME:-the default java} (scripts/java-home.sh; set JAVA_HOME to choose)"
	@echo "make run    fetch what is missing, build, run the fork/COW demo guest with --stats"
	@echo "make test   fetch what is missing, build, run every test"
	@echo "make bench  run the JMH and guest benchmarks (see docs/benchmarks.md)"
	@echo "make bench-ab BASE=REV  JMH before/after: this checkout against commit REV, same session"
	@echo "make realworld  fetch and build Debian's busybox, lua, sqlite, zlib, xz, bc, jq (cached"
	@echo "            in .cache/realworld) and compare each case with its native run"
	@echo "make conformance  fetch Debian's linux source, build Linux's mm and x86 selftests static"
	@echo "            (cached in .cache/conformance) and compare their counts with their native runs"
	@echo "make fuzz   fuzz the ELF parser, the syscall edge and the swap reader for FUZZ_TIME s each (default 600)"
	@echo "make fmt    format the Java tree (google-java-format through Spotless)"
	@echo "make install  build, then install the launcher and jars under PREFIX (default /usr/local)"
	@echo "make uninstall  remove what make install put under PREFIX"

deps: unicorn musl

# libunicorn >= 2.1.2 from the system if present, else Debian's package unpacked here.
unicorn:
	@scripts/fetch-unicorn.sh "$(UC_DIR)"

musl:
	@command -v $(MUSL_GCC) >/dev/null 2>&1 || { \
	  echo "musl-gcc not found: installing Debian's musl-tools"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq musl-tools >/dev/null; }

guests: musl $(GUEST_BIN) $(GLIBC_BIN)

guest-programs/build/%.glibc: guest-programs/%.c guest-programs/guest.h
	@mkdir -p guest-programs/build
	$(GLIBC_GCC) $(GUEST_CFLAGS) -pthread -o $@ $<

# the gdb stub's test steps through gdb_target's source lines: it has debug information
guest-programs/build/gdb_target: GUEST_CFLAGS := $(subst -g0,-g,$(GUEST_CFLAGS))

guest-programs/build/%: guest-programs/%.c guest-programs/guest.h
	@mkdir -p guest-programs/build
	$(MUSL_GCC) $(GUEST_CFLAGS) -o $@ $<

# After the jar, a start-up cache from a training run of hello (the launcher's UVM4J_CACHE=train):
# an AOT cache on Java >= 25, an AppCDS archive before; the launcher uses it while it is newer than
# the jar. A failed training only loses the speed-up.
build: deps guests
	$(MVN) $(MVN_FLAGS) -q package -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
	@UVM4J_CACHE=train ./uvm4j run guest-programs/build/hello >/dev/null 2>&1 \
	  || echo "uvm4j: the start-up cache was not made; the launcher runs without it"

test: deps guests
	$(MVN) $(MVN_FLAGS) verify

# Longer fuzzing than make test's fixed 10 s per fuzz test: FUZZ_TIME per test (libFuzzer's
# -max_total_time through Jazzer), crashes are kept as reproducers under src/test/resources.
FUZZ_TIME ?= 600
fuzz: deps
	JAZZER_FUZZ=1 $(MVN) $(MVN_FLAGS) test -pl emulator-bridge -am -Djacoco.skip=true \
	  -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Djazzer.max_duration=$(FUZZ_TIME)s

run: build
	./uvm4j run --stats $(DEMO)

# The real-program suite (tests/.../realworld/RealWorldSuite): the packages' builds are cached in
# .cache/realworld (the first build takes long: see docs/realworld.md); jq's configure is generated
# by autoreconf, so autoconf, automake and libtool are installed like musl-tools.
REALWORLD_DIR ?= $(ROOT)/.cache/realworld

realworld-deps: musl
	@command -v autoreconf >/dev/null 2>&1 && command -v libtoolize >/dev/null 2>&1 || { \
	  echo "autoreconf/libtoolize not found: installing Debian's autoconf automake libtool"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq autoconf automake libtool >/dev/null; }

realworld: deps guests realworld-deps
	-scripts/fetch-realworld.sh "$(REALWORLD_DIR)"
	$(MVN) $(MVN_FLAGS) -q package -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
	$(MVN) $(MVN_FLAGS) test -pl tests -am -Dtest=RealWorldSuite -Dsurefire.failIfNoSpecifiedTests=false \
	  -Djacoco.skip=true -Dspotless.check.skip=true -Duvm4j.realworld.dir="$(REALWORLD_DIR)"

# The conformance suite (tests/.../conformance/ConformanceSuite): Linux's own mm and x86 kernel
# selftests from Debian's linux source package (about 150 MB, downloaded once), built static and
# cached in .cache/conformance; each runs natively and under uvm4j and their kselftest counts must
# be equal (docs/conformance.md).
CONFORMANCE_DIR ?= $(ROOT)/.cache/conformance

conformance: deps
	-scripts/fetch-selftests.sh "$(CONFORMANCE_DIR)"
	$(MVN) $(MVN_FLAGS) -q package -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
	$(MVN) $(MVN_FLAGS) test -pl tests -am -Dtest=ConformanceSuite -Dsurefire.failIfNoSpecifiedTests=false \
	  -Djacoco.skip=true -Dspotless.check.skip=true -Duvm4j.conformance.dir="$(CONFORMANCE_DIR)"

bench: build
	scripts/bench.sh

# JMH before/after: every benchmark common to commit BASE and this checkout, alternating sides
# class by class in one session, with ratios and verdicts (scripts/jmh-ab.sh)
bench-ab: deps
	@[ -n "$(BASE)" ] || { echo "make bench-ab BASE=<commit>"; exit 2; }
	scripts/jmh-ab.sh $(BASE)

fmt:
	$(MVN) $(MVN_FLAGS) -q spotless:apply

# PREFIX/bin/uvm4j, PREFIX/lib/uvm4j/ (launcher, CLI jar, libunicorn), PREFIX/share/java/uvm4j/
# (the modules' jars for the Java API); DESTDIR for staged installs. See scripts/install.sh.
PREFIX ?= /usr/local
install: build
	scripts/install.sh "$(DESTDIR)$(PREFIX)"

uninstall:
	rm -rf "$(DESTDIR)$(PREFIX)/lib/uvm4j" "$(DESTDIR)$(PREFIX)/share/java/uvm4j"
	rm -f "$(DESTDIR)$(PREFIX)/bin/uvm4j"

clean:
	$(MVN) $(MVN_FLAGS) -q clean
	rm -rf guest-programs/build
