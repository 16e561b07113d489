package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Files of anonymous memory (memfd, tmpfs: UVM anonymous objects) larger than the guest's RAM: the
 * file's pages go to the swap file and come back intact, through read() and through a shared
 * mapping, and nothing is left behind.
 */
class AobjGuestsTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;

  private record Run(GuestRun run, Kernel kernel, List<String> audit) {}

  private static Run inKernel(String guest, List<String> args, long ram, Path swap, long swapBytes)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel kernel =
        new Kernel(
            KernelConfig.builder().ram(ram).swap(swap, swapBytes).stdout(out).stderr(err).build(),
            Linux64::create);
    Path bin = Guests.binary(guest);
    List<String> argv = new ArrayList<>();
    argv.add(bin.toString());
    argv.addAll(args);
    int status = kernel.run(bin, argv, Map.of());
    List<String> audit = SystemAudit.problems(kernel.uvm(), List.of());
    return new Run(
        new GuestRun(
            out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), status),
        kernel,
        audit);
  }

  @Test
  void aMemfdThreeTimesRamRoundTripsThroughSwap() throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary("tmpfile_big"), List.of());
    Path swap = dir.resolve("swap");

    Run got = inKernel("tmpfile_big", List.of(), 16 * MIB, swap, 128 * MIB);

    assertThat(got.run().stdout()).as(got.run().toString()).isEqualTo(expected.stdout());
    assertThat(got.run().stdout()).contains("read back: 0 bad bytes");
    assertThat(got.run().status()).as(got.run().toString()).isZero();
    assertThat(got.run().stderr()).isEmpty();
    UvmExp exp = got.kernel().stats();
    assertThat(exp.pgswapout).as("file pages written to swap").isGreaterThan(4 * 4096);
    assertThat(exp.pgswapin).as("file pages read back").isGreaterThan(4 * 4096);
    assertThat(exp.aobjpages).as("the memfd is gone").isZero();
    assertThat(exp.aobjs).isZero();
    assertThat(exp.swpginuse).as("its slots are freed").isZero();
    assertThat(got.audit()).as("system audit after exit").isEmpty();
  }
}
