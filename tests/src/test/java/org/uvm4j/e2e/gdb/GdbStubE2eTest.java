package org.uvm4j.e2e.gdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.e2e.Guests;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.gdb.GdbStub;
import org.uvm4j.kernel.syscall.Linux64;

/**
 * {@code --gdb} with Debian's real gdb in batch mode: the guest stops before its first instruction,
 * gdb connects, breaks at {@code main}, steps into a function and prints its argument, finishes it
 * (a breakpoint at the return address), watches a page the program shares copy-on-write with its
 * child and, following the child ({@code --gdb-follow child}), sees the child's write change it,
 * then lets the program exit. The parent's own copy stays unchanged (the guest checks it).
 */
class GdbStubE2eTest {
  private static final Path GDB = Path.of("/usr/bin/gdb");

  @TempDir Path tmp;

  @Test
  void batchGdbBreaksStepsPrintsAndWatchesACowPageAcrossFork() throws Exception {
    assumeThat(Files.isExecutable(GDB))
        .as("gdb is not installed at " + GDB + ": apt-get install gdb")
        .isTrue();
    Path bin = Guests.binary("gdb_target");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel kernel =
        new Kernel(
            KernelConfig.builder()
                .ram(64L << 20)
                .stdout(out)
                .stderr(err)
                .stdin(java.io.InputStream.nullInputStream())
                .build(),
            Linux64::create);
    GdbStub stub = new GdbStub(0, true, new PrintStream(err, true, StandardCharsets.UTF_8));
    kernel.setDebugger(stub);
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return kernel.run(bin, List.of(bin.toString()), Map.of());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    List<String> cmd =
        new ArrayList<>(
            List.of(
                GDB.toString(),
                "-batch",
                "-nx",
                "-ex",
                "set pagination off",
                "-ex",
                "set confirm off",
                "-ex",
                "set can-use-hw-watchpoints 0",
                "-ex",
                "target remote localhost:" + stub.port(),
                "-ex",
                "break main",
                "-ex",
                "continue",
                "-ex",
                "step",
                "-ex",
                "step",
                "-ex",
                "print x",
                "-ex",
                "info registers rip fs_base",
                "-ex",
                "finish",
                "-ex",
                "watch page_value[0]",
                "-ex",
                "continue",
                "-ex",
                "continue",
                "-ex",
                "continue",
                bin.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve("gdb.out").toFile());
    Process gdb = pb.start();
    boolean done = gdb.waitFor(300, TimeUnit.SECONDS);
    if (!done) {
      gdb.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("gdb.out"));
    int status = run.get(120, TimeUnit.SECONDS);
    String guest = out.toString(StandardCharsets.UTF_8);
    String diag = "--- gdb\n" + log + "--- guest\n" + guest + "--- stderr\n" + err;

    assertThat(done).as(diag).isTrue();
    assertThat(log)
        .as(diag)
        .contains("Breakpoint 1, main ()")
        .contains("twice (x=")
        .contains("$1 = 21")
        .containsPattern("rip +0x[0-9a-f]+ +0x[0-9a-f]+ <twice")
        .containsPattern("fs_base +0x[1-9a-f][0-9a-f]*")
        .contains("Value returned is $2 = 42")
        .contains("Old value = 0")
        .contains("New value = 1")
        .contains("Old value = 1")
        .contains("New value = 2")
        .contains("exited normally");
    assertThat(status).as(diag).isZero();
    assertThat(guest).contains("child wrote 2").contains("parent still sees 1");
  }
}
