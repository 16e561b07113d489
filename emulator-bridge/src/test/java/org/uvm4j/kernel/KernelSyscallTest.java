package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * The kernel's own guests (C sources in the test resources, built here with musl-gcc): signals,
 * errno paths, files, descriptors, time, exec failures.
 */
class KernelSyscallTest {
  @TempDir static Path dir;

  /** The test guests: {@code guests/NAME.c} in the test resources. */
  static final List<String> GUESTS =
      List.of(
          "signals",
          "syscalls",
          "abort",
          "procs",
          "oom",
          "oom_victim",
          "deadlock",
          "swapper",
          "upcase");

  record Run(int status, String out, String err) {}

  private static org.uvm4j.uvm.UvmExp lastStats;
  private static KernelCounters lastCounters;
  private static long lastLowStops;

  @BeforeAll
  static void build() throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        new ProcessBuilder("sh", "-c", "command -v musl-gcc").start().waitFor() == 0,
        "musl-gcc not installed");
    try (InputStream in = KernelSyscallTest.class.getResourceAsStream("guests/kt.h")) {
      Files.copy(in, dir.resolve("kt.h"));
    }
    for (String g : GUESTS) {
      try (InputStream in = KernelSyscallTest.class.getResourceAsStream("guests/" + g + ".c")) {
        Files.copy(in, dir.resolve(g + ".c"));
      }
      Process p =
          new ProcessBuilder("musl-gcc", "-static", "-O1", "-Wall", "-Werror", "-o", g, g + ".c")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("musl-gcc " + g + ": " + log).isZero();
    }
  }

  private static Run run(String name, String... args) throws ExecException {
    return run(32L << 20, name, args);
  }

  private static Run run(long ram, String name, String... args) throws ExecException {
    return run(KernelConfig.builder().ram(ram), name, args);
  }

  private static Run run(KernelConfig.Builder b, String name, String... args) throws ExecException {
    return run(b, new byte[0], name, args);
  }

  private static Run run(KernelConfig.Builder b, byte[] stdin, String name, String... args)
      throws ExecException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel k =
        new Kernel(
            b.stdin(new ByteArrayInputStream(stdin)).stdout(out).stderr(err).cwd(dir).build(),
            Linux64::create);
    long free = k.uvm().physMem().freeCount();
    List<String> argv = new ArrayList<>(List.of(name));
    argv.addAll(List.of(args));
    int st = k.run(dir.resolve(name), argv, Map.of());
    SystemAudit.checkAllFreed(k.uvm(), free);
    lastStats = k.stats();
    lastCounters = k.counters();
    lastLowStops = k.machine().lowMemoryStops();
    return new Run(st, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void signals() throws Exception {
    Run r = run("signals");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).endsWith("signals: ok\n");
    assertThat(r.status()).isZero();
  }

  @Test
  void syscalls() throws Exception {
    Run r = run("syscalls", dir.resolve("syscalls.c").toString(), dir.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("abcd\n").endsWith("syscalls: ok\n");
    assertThat(r.status()).isZero();
    // deterministic: the same seed gives the same random bytes and the same output
    Run again = run("syscalls", dir.resolve("syscalls.c").toString(), dir.toString());
    assertThat(again.out()).isEqualTo(r.out());
  }

  @Test
  void abortDiesBySigabrt() throws Exception {
    Run r = run("abort");
    assertThat(r.out()).isEqualTo("aborting\n");
    assertThat(r.status()).isEqualTo(128 + Signals.SIGABRT);
  }

  @Test
  void procs() throws Exception {
    Run r = run("procs", dir.resolve("abort").toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).endsWith("procs: ok\n");
    assertThat(r.status()).isZero();
  }

  @Test
  void outOfMemoryKillsWithAMessage() throws Exception {
    Run r = run(8L << 20, "oom");
    assertThat(r.out()).isEqualTo("touching\n");
    assertThat(r.err()).startsWith("uvm4j: out of memory: killed pid 1 (oom)");
    assertThat(r.status()).isEqualTo(128 + Signals.SIGKILL);
  }

  @Test
  void outOfMemoryKillsTheLargestProcessNotTheFaultingOne() throws Exception {
    Run r = run(32L << 20, "oom_victim");
    // the child faulted; the parent holds 20 MiB the child does not share: the parent dies
    assertThat(r.out()).isEqualTo("child finished\n");
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .startsWith("uvm4j: out of memory: killed pid 1 (oom_victim) (")
        .contains("pid 2 (oom_victim) faulted at 0x");
    assertThat(r.status()).isEqualTo(128 + Signals.SIGKILL);
  }

  @Test
  void workingSetLargerThanRamSwaps() throws Exception {
    Run r =
        run(
            KernelConfig.builder().ram(8L << 20).swap(dir.resolve("swapfile"), 64L << 20),
            "swapper");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("swapper: ok\n");
    assertThat(r.status()).isZero();
    assertThat(lastStats.pdpageouts).isGreaterThan(0);
    assertThat(lastStats.pageins).isGreaterThan(0);
    // the page daemon runs between time slices (faults that leave memory low end their slice),
    // so most reclaiming happens outside the TLB-fill callback: measured 176 runs between
    // slices against 76 inline uvm_wait calls (121 inline calls without the between-slice runs)
    assertThat(lastCounters.pagedaemonRuns).as("page-daemon runs between slices").isPositive();
    assertThat(lastLowStops).as("slices ended early by low memory").isPositive();
    assertThat(lastStats.pdwoke)
        .as("inline reclaims (uvm_wait from the fault path)")
        .isLessThan(lastCounters.pagedaemonRuns);
  }

  @Test
  void stdinIsTheConfiguredStream() throws Exception {
    byte[] in = "hello\nstdin ".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    Run r = run(KernelConfig.builder(), in, "upcase");
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo("HELLO\nSTDIN ".repeat(5000));
    assertThat(r.err()).isEqualTo("upcase: " + in.length + " bytes\n");
  }

  @Test
  void deadlockIsReportedAndEndsTheRun() throws Exception {
    Run r = run("deadlock");
    assertThat(r.out()).isEqualTo("waiting forever\n");
    assertThat(r.err()).contains("deadlock").contains("pid 1 (deadlock)");
    assertThat(r.status()).isEqualTo(128 + Signals.SIGKILL);
  }

  @Test
  void missingProgramIsNotFound() {
    Kernel k = new Kernel(KernelConfig.builder().cwd(dir).build(), Linux64::create);
    try {
      k.run(dir.resolve("nope"), List.of("nope"), Map.of());
      throw new AssertionError("ran a missing program");
    } catch (ExecException e) {
      assertThat(e.kind()).isEqualTo(ExecException.Kind.NOT_FOUND);
      assertThat(e.kind().shellCode()).isEqualTo(127);
      assertThat(e.getMessage()).contains("nope");
    }
  }

  @Test
  void nonElfIsNotExecutable() throws IOException {
    Path script = dir.resolve("script.sh");
    Files.writeString(script, "#!/bin/sh\necho hi\n");
    script.toFile().setExecutable(true);
    Kernel k = new Kernel(KernelConfig.builder().cwd(dir).build(), Linux64::create);
    try {
      k.run(script, List.of("script.sh"), Map.of());
      throw new AssertionError("ran a shell script");
    } catch (ExecException e) {
      assertThat(e.kind()).isEqualTo(ExecException.Kind.NOT_EXECUTABLE);
      assertThat(e.getMessage()).contains("bad magic");
    }
    try {
      k = new Kernel(KernelConfig.builder().cwd(dir).build(), Linux64::create);
      k.run(dir, List.of("dir"), Map.of());
      throw new AssertionError("ran a directory");
    } catch (ExecException e) {
      assertThat(e.kind()).isEqualTo(ExecException.Kind.NOT_EXECUTABLE);
      assertThat(e.getMessage()).contains("directory");
    }
  }
}
