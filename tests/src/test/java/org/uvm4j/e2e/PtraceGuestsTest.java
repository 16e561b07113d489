package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;

/**
 * The ptrace guests (a mini strace that changes arguments, results and skips a call;
 * signal-delivery stops; execve, single-step and the tracer's exit) print under uvm4j exactly what
 * they print natively. They send signals and trace processes, so their native run is a pid
 * namespace of its own ({@code unshare -pf --mount-proc}, which needs root): there the guest is pid
 * 1 as under uvm4j, its children's pids are the same on both sides, and nothing on the host can be
 * hit.
 */
@Uvm4jTest(ram = Uvm4jRuns.RAM)
class PtraceGuestsTest {
  static final List<String> GUESTS =
      List.of(
          "ptrace_syscalls", "ptrace_signals", "ptrace_exec_step", "ptrace_fork", "ptrace_restart");

  /** Runs guest {@code name} natively as pid 1 of a new pid namespace. */
  static GuestRun runInPidNamespace(String name) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("unshare", "-pf", "--mount-proc"));
    cmd.add(Guests.binary(name).toString());
    return Guests.run(cmd, 120);
  }

  @ParameterizedTest
  @FieldSource("GUESTS")
  void tracesLikeNatively(String name, Uvm4jRunner uvm4j) throws Exception {
    GuestRun expected = runInPidNamespace(name);
    assumeTrue(
        !expected.stderr().startsWith("unshare:"),
        () -> "no pid namespace for the native run: " + expected.stderr());
    assertThat(expected.status()).as(expected.toString()).isZero();

    GuestResult got = uvm4j.guest(Guests.binary(name)).env(Uvm4jRuns.ENV).run();

    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
    assertThat(got.audited()).isTrue();
  }
}
