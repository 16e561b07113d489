package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Run limits: --timeout (wall clock) and --max-instructions (virtual) end the whole run with a
 * {@link RunLimitException} and everything freed; setrlimit's CPU, AS, NOFILE and NPROC limits are
 * enforced on the guests.
 */
class RunLimitsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void build() throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        new ProcessBuilder("sh", "-c", "command -v musl-gcc").start().waitFor() == 0,
        "musl-gcc not installed");
    for (String f : List.of("kt.h", "rlimits.c")) {
      try (InputStream in = RunLimitsTest.class.getResourceAsStream("guests/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    Process p =
        new ProcessBuilder(
                "musl-gcc", "-static", "-O1", "-Wall", "-Werror", "-o", "rlimits", "rlimits.c")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("musl-gcc rlimits: " + log).isZero();
  }

  private record Run(Kernel kernel, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    String stdout() {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static Run kernel(KernelConfig.Builder b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel k =
        new Kernel(
            b.ram(32L << 20)
                .stdin(new ByteArrayInputStream(new byte[0]))
                .stdout(out)
                .stderr(err)
                .cwd(dir)
                .build(),
            Linux64::create);
    return new Run(k, out, err);
  }

  @Test
  void timeoutEndsASpinningGuestAndFreesEverything() {
    Path spin = GuestHarness.guest("spin_forever");
    Run r = kernel(KernelConfig.builder().timeout(Duration.ofMillis(300)));
    long free = r.kernel().uvm().physMem().freeCount();
    assertThatThrownBy(() -> r.kernel().run(spin, List.of("spin_forever"), Map.of()))
        .isInstanceOf(RunLimitException.class)
        .hasMessage("timed out after 0.3s (--timeout): every process killed");
    assertThat(r.stdout()).isEqualTo("spinning\n");
    SystemAudit.checkAllFreed(r.kernel().uvm(), free);
  }

  @Test
  void maxInstructionsEndsTheRunAfterExactlyThatManyVirtualInstructions() {
    Path spin = GuestHarness.guest("spin_forever");
    Run r = kernel(KernelConfig.builder().maxInstructions(3_000_000));
    long free = r.kernel().uvm().physMem().freeCount();
    assertThatThrownBy(() -> r.kernel().run(spin, List.of("spin_forever"), Map.of()))
        .isInstanceOf(RunLimitException.class)
        .hasMessage(
            "instruction limit of 3000000 reached (--max-instructions): every process killed");
    assertThat(r.kernel().counters().instructions).isEqualTo(3_000_000);
    assertThat(r.stdout()).isEqualTo("spinning\n");
    SystemAudit.checkAllFreed(r.kernel().uvm(), free);
  }

  @Test
  void aRunWithinItsLimitsIsNotAffected() throws Exception {
    Path hello = GuestHarness.guest("hello");
    Run r = kernel(KernelConfig.builder().timeout(Duration.ofMinutes(5)).maxInstructions(1L << 40));
    assertThat(r.kernel().run(hello, List.of("hello", "x"), Map.of())).isEqualTo(1);
    assertThat(r.stdout()).startsWith("hello, world\n");
  }

  @Test
  void setrlimitIsEnforced() throws Exception {
    Run r = kernel(KernelConfig.builder());
    long free = r.kernel().uvm().physMem().freeCount();
    int st = r.kernel().run(dir.resolve("rlimits"), List.of("rlimits"), Map.of());
    assertThat(r.err().toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(r.stdout())
        .isEqualTo(
            "rlimits: nofile 6 -> 3 more descriptors, then EMFILE\n"
                + "rlimits: nproc 2 -> grandchild fork EAGAIN\n"
                + "rlimits: as 256M -> mmap 512M ENOMEM, brk +1G refused\n"
                + "rlimits: cpu 1s -> SIGXCPU\n"
                + "rlimits: cpu hard 2s -> SIGKILL\n"
                + "rlimits: ok\n");
    assertThat(st).isZero();
    SystemAudit.checkAllFreed(r.kernel().uvm(), free);
  }
}
