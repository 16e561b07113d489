package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;

/**
 * Every guest under uvm4j (through the Java API, with the JUnit extension: a fresh machine per run,
 * the system audit after it, the last trace records attached to a failure) prints exactly what it
 * prints natively and ends with the same status; afterwards the system audit finds nothing left
 * over. Most guests are fork-semantics tests (fork_cow, dontfork, mlock_fork, fork_tree,
 * vfork_exec, clone_fork, thread_fork, fork_write_one, ...): each checks what parent and child see.
 */
@Uvm4jTest(ram = Uvm4jRuns.RAM)
class GuestProgramsTest {
  static final List<String> GUESTS = Guests.ALL;

  @ParameterizedTest
  @FieldSource("GUESTS")
  void runsLikeNativelyAndLeavesNothingBehind(String name, Uvm4jRunner uvm4j) throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary(name), Guests.args(name));

    GuestResult got =
        uvm4j.guest(Guests.binary(name)).args(Guests.args(name)).env(Uvm4jRuns.ENV).run();

    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
    assertThat(got.audited()).isTrue();
    assertThat(got.kernel().stats().faults).isPositive();
  }
}
