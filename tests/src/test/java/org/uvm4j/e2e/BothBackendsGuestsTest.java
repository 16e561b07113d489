package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;

/**
 * Guests that exercise every hook path (faults and COW inside the fill, syscalls, fork and exec,
 * self-modifying code, SIGSEGV) run like natively on each binding named explicitly: {@link
 * GuestProgramsTest} runs all guests on the default binding (FFM where the JVM has it), this runs a
 * selection on both, so JNA stays covered on new JVMs and FFM is covered end to end. FFM runs are
 * skipped, with the reason, on a JVM without it. Runs through the JUnit extension (each run
 * audited); its engine check is for JNA, the binding every JVM has.
 */
@Uvm4jTest(ram = Uvm4jRuns.RAM, backend = BackendKind.JNA)
class BothBackendsGuestsTest {
  static final List<String> GUESTS =
      List.of(
          "hello",
          "fork_cow",
          "selfmod",
          "mprotect_fault",
          "vfork_exec",
          "pipes",
          "segv",
          "bench_faults");

  static List<Arguments> runs() {
    List<Arguments> all = new ArrayList<>();
    for (BackendKind b : List.of(BackendKind.JNA, BackendKind.FFM)) {
      for (String g : GUESTS) {
        all.add(Arguments.of(b, g));
      }
    }
    return all;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runs")
  void runsLikeNativelyOnEachBackend(BackendKind backend, String name, Uvm4jRunner uvm4j)
      throws Exception {
    if (backend == BackendKind.FFM) {
      String why = CpuBackends.ffmUnavailableReason();
      assumeTrue(why == null, () -> "FFM backend skipped: " + why);
    }
    GuestRun expected = Guests.runNatively(Guests.binary(name), Guests.args(name));

    GuestResult got =
        uvm4j
            .guest(Guests.binary(name))
            .args(Guests.args(name))
            .env(Uvm4jRuns.ENV)
            .backend(backend)
            .run();

    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
    assertThat(got.kernel().stats().faults).isPositive();
    assertThat(got.kernel().machine().backendName()).isEqualTo(backend.cliName());
  }
}
