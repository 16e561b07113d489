package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;

/**
 * Preemption never splits an instruction: {@code preempt_rmw} (threads and a forked child updating
 * shared counters with {@code lock xadd}, {@code lock cmpxchg}, an {@code xchg} spin lock and a
 * plain {@code add [m], 1}) runs with a 50 µs time slice, so the watchdog preempts it thousands of
 * times mid-loop, on each binding; every count must come out exact, as natively. (When the watchdog
 * stopped the engine with {@code uc_emu_stop}, libunicorn could end a run between such an
 * instruction's store and its end and execute it again: counts came out high, and a re-executed
 * {@code xchg} saw its own lock word and spun forever.) The time limit turns such a hang into a
 * failure.
 */
@Uvm4jTest(ram = Uvm4jRuns.RAM, backend = BackendKind.JNA)
class PreemptionGuestsTest {
  private static final String ROUNDS = "400000";

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"JNA, preempt_rmw", "FFM, preempt_rmw", "FFM, preempt_rmw.glibc"})
  void readModifyWriteInstructionsStayAtomicUnderPreemption(
      BackendKind backend, String name, Uvm4jRunner uvm4j) throws Exception {
    if (backend == BackendKind.FFM) {
      String why = CpuBackends.ffmUnavailableReason();
      assumeTrue(why == null, () -> "FFM backend skipped: " + why);
    }
    GuestRun expected = Guests.runNatively(Guests.binary(name), List.of(ROUNDS));
    assertThat(expected.status()).as(expected.toString()).isZero();

    GuestResult got =
        uvm4j
            .guest(Guests.binary(name))
            .args(ROUNDS)
            .env(Uvm4jRuns.ENV)
            .backend(backend)
            .timeSlice(Duration.ofNanos(50_000))
            .timeout(Duration.ofMinutes(2))
            .run();

    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.kernelCounters().get("preemptions"))
        .as("runs ended by the watchdog (the test is only meaningful with many)")
        .isGreaterThan(100);
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
  }
}
