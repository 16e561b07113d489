package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;

/**
 * A guest run without a terminal has no controlling terminal: every open of {@code /dev/tty} is
 * ENXIO, as natively for a process without one ({@code setsid}), never a JVM thread blocked in a
 * host read. The {@code dev_tty} guest is compared with its native run under {@code setsid -w}, in
 * this JVM (audited) and through the launcher.
 */
@Uvm4jTest(ram = Uvm4jRuns.RAM)
class DevTtyTest {
  private static GuestRun nativeRun() throws Exception {
    GuestRun r = Guests.run(List.of("setsid", "-w", Guests.binary("dev_tty").toString()), 120);
    assertThat(r.stdout()).as(r.toString()).contains("open(/dev/tty, O_RDWR) = -1 ENXIO");
    return r;
  }

  @Test
  void withoutATerminalDevTtyIsEnxioAsNatively(Uvm4jRunner uvm4j) throws Exception {
    GuestRun expected = nativeRun();
    GuestResult got = uvm4j.guest(Guests.binary("dev_tty")).env(Uvm4jRuns.ENV).run();
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
    assertThat(got.status()).isEqualTo(expected.status()).isZero();
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
  }

  @Test
  void theLauncherWithPipesGivesNoControllingTerminalEither() throws Exception {
    GuestRun expected = nativeRun();
    GuestRun got = Uvm4jRuns.cli(List.of("run", Guests.binary("dev_tty").toString()));
    assertThat(got).isEqualTo(expected);
  }
}
