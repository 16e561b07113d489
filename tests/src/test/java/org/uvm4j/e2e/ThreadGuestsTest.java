package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Threads beyond the native comparisons of {@link GuestProgramsTest}: a futex deadlock ends the run
 * with status 125 and one line naming it (natively the guest hangs, so it has no native run), and
 * threaded runs in deterministic mode are reproducible, counters and output alike.
 */
class ThreadGuestsTest {
  @ParameterizedTest
  @ValueSource(strings = {"futex_deadlock", "futex_deadlock.glibc"})
  void threadsThatBlockEachOtherForeverEndWith125AndOneLine(String name) throws Exception {
    Uvm4jRuns.Audited got = Uvm4jRuns.inProcess(Guests.binary(name), List.of());

    assertThat(got.run().status()).as(got.run().toString()).isEqualTo(125);
    assertThat(got.run().stdout())
        .isEqualTo("both mutexes taken; now each thread waits for the other\n");
    List<String> lines = got.run().stderr().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("uvm4j: deadlock, every thread waits on a futex that nobody can wake:")
        .contains("pid 1 (futex_deadlock")
        .contains("tid 2 of pid 1")
        .contains("on futex 0x");
    assertThat(got.auditProblems()).as("system audit after the deadlock").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"threads", "thread_fork.glibc"})
  void deterministicThreadedRunsRepeatExactly(String name) throws Exception {
    String first = deterministicRun(name);
    String second = deterministicRun(name);
    assertThat(second).isEqualTo(first);
    assertThat(first).startsWith("status 0\n").containsPattern("threads [1-9]");
  }

  private static String deterministicRun(String name) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel k =
        new Kernel(
            KernelConfig.builder()
                .ram(Uvm4jRuns.RAM)
                .deterministic(true)
                .stdout(out)
                .stderr(err)
                .build(),
            Linux64::create);
    var bin = Guests.binary(name);
    int status = k.run(bin, List.of(bin.toString()), Map.of());
    assertThat(SystemAudit.problems(k.uvm(), List.of())).isEmpty();
    return "status "
        + status
        + "\n"
        + out.toString(StandardCharsets.UTF_8)
        + err.toString(StandardCharsets.UTF_8)
        + "threads "
        + k.counters().threads
        + " futex_waits "
        + k.counters().futexWaits
        + " cswitches "
        + k.counters().contextSwitches
        + " instructions "
        + k.counters().instructions
        + " faults "
        + k.stats().faults;
  }
}
