package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The musl guests run to completion on the kernel with the expected output and status. */
class KernelGuestTest {
  private static GuestHarness.Result ok(String name, String... args) throws Exception {
    GuestHarness.Result r = GuestHarness.run(name, args);
    assertThat(r.err()).as(name + " stderr").isEmpty();
    assertThat(r.status()).as(name + " status; output:\n" + r.out()).isZero();
    assertThat(r.out()).as(name).contains(name + ": ");
    return r;
  }

  @Test
  void hello() throws Exception {
    GuestHarness.Result r = GuestHarness.run("hello", "a", "b");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("hello, world\narg 1: a\narg 2: b\n");
    assertThat(r.status()).isEqualTo(2);
  }

  @Test
  void forkCow() throws Exception {
    ok("fork_cow");
  }

  @Test
  void sharedAnon() throws Exception {
    ok("shared_anon");
  }

  @Test
  void dontfork() throws Exception {
    ok("dontfork");
  }

  @Test
  void mprotectFault() throws Exception {
    ok("mprotect_fault");
  }

  @Test
  void munmapPartial() throws Exception {
    ok("munmap_partial");
  }

  @Test
  void mlockFork() throws Exception {
    ok("mlock_fork");
  }

  @Test
  void selfmod() throws Exception {
    ok("selfmod");
  }

  @Test
  void brkMalloc() throws Exception {
    ok("brk_malloc");
  }

  @Test
  void sparse() throws Exception {
    ok("sparse");
  }

  @Test
  void forkTree() throws Exception {
    ok("fork_tree");
  }

  @Test
  void pipes() throws Exception {
    ok("pipes");
  }

  @Test
  void vforkExec() throws Exception {
    ok("vfork_exec", GuestHarness.guest("hello").toString());
  }

  @Test
  void runsAreDeterministic() throws Exception {
    GuestHarness.Result a = GuestHarness.run("fork_tree");
    GuestHarness.Result b = GuestHarness.run("fork_tree");
    assertThat(b.out()).isEqualTo(a.out());
    assertThat(b.kernel().stats().snapshot()).isEqualTo(a.kernel().stats().snapshot());
    assertThat(b.kernel().counters().snapshot()).isEqualTo(a.kernel().counters().snapshot());
    assertThat(a.kernel().counters().forks).isGreaterThan(1);
    assertThat(a.kernel().counters().syscalls).isGreaterThan(10);
  }

  @Test
  void smallQuantumInterleavesWithoutChangingTheResult() throws Exception {
    GuestHarness.Result r = GuestHarness.run(KernelConfig.builder().quantum(97), "", "pipes");
    assertThat(r.status()).isZero();
    assertThat(r.out()).endsWith("pipes: ok\n");
    assertThat(r.kernel().counters().contextSwitches).isGreaterThan(100);
  }

  @Test
  void cpuBoundProcessesThatNeverCallTheKernelArePreemptedByDefault() throws Exception {
    // parent and child take turns through shared memory, spinning without system calls: on one
    // CPU each turn needs a preemption, which the default (uncounted) mode gets from the watchdog
    GuestHarness.Result r = ok("spin_pingpong");
    assertThat(r.out()).contains("round 5: parent ");
    assertThat(r.kernel().counters().preemptions).isGreaterThanOrEqualTo(6);
    assertThat(r.kernel().machine().preemptions()).isEqualTo(r.kernel().counters().preemptions);
  }

  @Test
  void aLoneCpuBoundProcessIsNeverPreempted() throws Exception {
    GuestHarness.Result r = GuestHarness.run("bench_faults", "compute", "200");
    assertThat(r.status()).isZero();
    assertThat(r.kernel().counters().preemptions).isZero();
  }

  @Test
  void deterministicModeRepeatsCpuBoundMultiProcessRunsExactly() throws Exception {
    KernelConfig.Builder cfg = KernelConfig.builder().deterministic(true);
    GuestHarness.Result a = GuestHarness.run(cfg, "", "spin_pingpong");
    GuestHarness.Result b = GuestHarness.run(cfg, "", "spin_pingpong");
    assertThat(a.status()).as(a.out() + a.err()).isZero();
    assertThat(a.out()).endsWith("spin_pingpong: 6 rounds of turns without system calls: ok\n");
    assertThat(b.out()).isEqualTo(a.out());
    assertThat(b.kernel().stats().snapshot()).isEqualTo(a.kernel().stats().snapshot());
    assertThat(b.kernel().counters().snapshot()).isEqualTo(a.kernel().counters().snapshot());
    assertThat(a.kernel().counters().preemptions).isZero();
    // the turns were taken at quantum ends: many more switches than the 12 turns
    assertThat(a.kernel().counters().contextSwitches).isGreaterThan(12);
  }

  @Test
  void segvKillsWithSignal11() throws Exception {
    GuestHarness.Result r = GuestHarness.run("segv");
    assertThat(r.status()).isEqualTo(128 + 11);
  }
}
