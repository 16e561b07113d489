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
 * Files of anonymous memory (a memfd, a file in the tmpfs at /tmp: UVM anonymous objects) three
 * times larger than the guest's RAM: the file's pages go to the swap file and come back intact,
 * through read() and through a shared mapping, and nothing is left behind.
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
    roundTrip(List.of());
  }

  @Test
  void aTmpfsFileThreeTimesRamRoundTripsThroughSwap() throws Exception {
    Run got = roundTrip(List.of("/tmp/uvm4j-tmpfile-big"));
    assertThat(got.kernel().stats().aobjs).as("the unlinked file is gone").isZero();
  }

  /**
   * A guest larger than RAM (24 MiB of its own anonymous memory on 16 MiB) writes a 40 MiB tmpfs
   * file and reads both back intact (checksums) while amap anons and the file's aobj pages share
   * the swap file. The file is kept: after the guest has exited the system audit checks its pages,
   * some in RAM and some in swap, and finds nothing wrong.
   */
  @Test
  void aGuestLargerThanRamWritesATmpfsFileLargerThanRamAndReadsItBackIntact() throws Exception {
    // natively the file is removed (no "keep"): the output does not depend on it
    GuestRun expected =
        Guests.runNatively(Guests.binary("tmpfs_swap_mix"), List.of("/tmp/uvm4j-mix"));
    Path swap = dir.resolve("swap");

    Run got =
        inKernel("tmpfs_swap_mix", List.of("/tmp/uvm4j-mix", "keep"), 16 * MIB, swap, 256 * MIB);

    assertThat(got.run().stdout()).as(got.run().toString()).isEqualTo(expected.stdout());
    assertThat(got.run().stdout())
        .contains("anonymous memory read back: checksum matches")
        .contains("tmpfs file read back: 40 MiB, 0 bad bytes, checksum matches");
    assertThat(got.run().status()).as(got.run().toString()).isZero();
    assertThat(got.run().stderr()).isEmpty();
    UvmExp exp = got.kernel().stats();
    assertThat(exp.pgswapout).as("pages written to swap").isGreaterThan((40 + 24 - 16) * 256);
    assertThat(exp.pgswapin).as("pages read back").isGreaterThan(4 * 4096);
    assertThat(exp.aobjs).as("the kept file").isEqualTo(1);
    assertThat(exp.swpginuse).as("some of its pages are in swap").isPositive();
    assertThat(got.audit()).as("system audit after exit, the tmpfs file alive").isEmpty();
  }

  /** The same through the CLI: {@code --audit FILE} reports the audit of the ended run as clean. */
  @Test
  void theCliAuditOfThatRunIsClean() throws Exception {
    Path audit = dir.resolve("audit.txt");
    GuestRun got =
        Uvm4jRuns.cli(
            List.of(
                "run",
                "--ram",
                "16M",
                "--swap",
                dir.resolve("swap").toString(),
                "--audit",
                audit.toString(),
                Guests.binary("tmpfs_swap_mix").toString(),
                "/tmp/uvm4j-mix",
                "keep"));
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stdout()).contains("tmpfs file read back: 40 MiB, 0 bad bytes");
    assertThat(java.nio.file.Files.readString(audit))
        .as("the audit's report")
        .matches("system audit: clean \\(\\d+ of \\d+ frames free\\)\n");
  }

  private Run roundTrip(List<String> args) throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary("tmpfile_big"), args);
    Path swap = dir.resolve("swap");

    Run got = inKernel("tmpfile_big", args, 16 * MIB, swap, 128 * MIB);

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
    return got;
  }
}
