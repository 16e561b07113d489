package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.TestGuests;
import org.uvm4j.api.Uvm4j;

/** --progress: the line's format, and the hook the kernel calls between slices. */
class ProgressTest {
  @Test
  void humanNumbersUseThousandsAndBytesPowersOf1024() {
    assertThat(Progress.human(999, "")).isEqualTo("999");
    assertThat(Progress.human(1234, "")).isEqualTo("1.2k");
    assertThat(Progress.human(5_000_000, "")).isEqualTo("5.0M");
    assertThat(Progress.human(512, "B")).isEqualTo("512B");
    assertThat(Progress.human(3L << 20, "B")).isEqualTo("3.0MiB");
    assertThat(Progress.human(5L << 30, "B")).isEqualTo("5.0GiB");
  }

  @Test
  void aLineNamesTimeInstructionsFaultsResidentSwapAndProcesses() {
    assertThat(
            Progress.line(false, 2_500_000_000L, "12.3M instructions", 4321, 1500, 8L << 20, 0, 3))
        .isEqualTo(
            "uvm4j: 2.5s  12.3M instructions  4321 faults (1.5k/s)  resident 8.0MiB  swap 0B"
                + "  3 processes");
    assertThat(Progress.line(true, 1_000_000_000L, "10 syscalls", 1, 1, 4096, 4096, 1))
        .startsWith("uvm4j: done in 1.0s")
        .endsWith("  1 process");
  }

  @Test
  void theKernelCallsTheHookBetweenSlicesAndTheLastLineHasTheTotals() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    GuestResult r =
        Uvm4j.guest(TestGuests.guest("fork_cow"))
            .attach(
                k -> {
                  AutoCloseable p = Progress.install(k, out, false);
                  k.setBetweenSlices(
                      () -> {
                        calls.incrementAndGet();
                        ((Progress) p).run();
                      });
                  return p;
                })
            .run();

    assertThat(r.status()).isZero();
    assertThat(calls.get()).as("slices of two processes").isGreaterThanOrEqualTo(2);
    String last = buf.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last)
        .startsWith("uvm4j: done in ")
        .contains(r.kernelCounters().get("syscalls") + " syscalls")
        .contains(r.uvmCounter("faults") + " faults")
        .endsWith("  0 processes");
  }
}
