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
GLIBC_GUESTS := clone_fork
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

.PHONY: help deps unicorn musl guests build test run bench fmt clean

help:
	@echo "Java: $${JAVA_HOME:-the default java} (scripts/java-home.sh; set JAVA_HOME to choose)"
	@echo "make run    fetch what is missing, build, run the fork/COW demo guest with --stats"
	@echo "make test   fetch what is missing, build, run every test"
	@echo "make bench  run the JMH and guest benchmarks (see docs/benchmarks.md)"
	@echo "make fmt    format the Java tree (google-java-format through Spotless)"

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

run: build
	./uvm4j run --stats $(DEMO)

bench: build
	scripts/bench.sh

fmt:
	$(MVN) $(MVN_FLAGS) -q spotless:apply

clean:
	$(MVN) $(MVN_FLAGS) -q clean
	rm -rf guest-programs/build
