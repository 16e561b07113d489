package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.uvm.UvmExp;

/**
 * Guests under memory pressure: a working set four times RAM goes through the swap file and back,
 * and a process that exhausts RAM and swap is killed with SIGKILL while its parent (it forked the
 * hog) lives on. In-process runs go through the JUnit extension (each run audited).
 */
@Uvm4jTest
class SwapGuestsTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;

  private record Run(GuestRun run, Kernel kernel, List<String> audit) {}

  /** Runs {@code guest} through the JUnit extension's runner (audited after the run). */
  private static Run inKernel(Uvm4jRunner uvm4j, String guest, long ram, Path swap, long swapBytes)
      throws Exception {
    GuestResult r = uvm4j.guest(Guests.binary(guest)).ram(ram).swap(swap, swapBytes).run();
    assertThat(r.audited()).isTrue();
    return new Run(new GuestRun(r.stdout(), r.stderr(), r.status()), r.kernel(), r.auditProblems());
  }

  @Test
  void workingSetOfFourTimesRamRunsThroughSwap(Uvm4jRunner uvm4j) throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary("swap_big"), List.of());
    Path swap = dir.resolve("swap");

    Run got = inKernel(uvm4j, "swap_big", 16 * MIB, swap, 256 * MIB);

    assertThat(got.run().stdout()).as(got.run().toString()).isEqualTo(expected.stdout());
    assertThat(got.run().status()).as(got.run().toString()).isZero();
    assertThat(got.run().stderr()).isEmpty();
    UvmExp exp = got.kernel().stats();
    assertThat(exp.pgswapout).as("pages written to swap").isGreaterThan(3 * 4096);
    assertThat(exp.pageins).as("pages read back").isGreaterThan(3 * 4096);
    assertThat(exp.pdpageouts).as("clustered writes").isLessThan(exp.pgswapout);
    assertThat(got.audit()).as("system audit after exit").isEmpty();
    assertThat(swap).as("the swap file uvm4j created is removed").doesNotExist();
  }

  @Test
  void processExhaustingRamAndSwapIsKilledAndItsParentSurvives(Uvm4jRunner uvm4j) throws Exception {
    Run got = inKernel(uvm4j, "oom_hog", 16 * MIB, dir.resolve("swap"), 16 * MIB);

    assertThat(got.run().stdout())
        .as(got.run().toString())
        .isEqualTo("hog killed by signal 9\noom_hog: parent intact\n");
    assertThat(got.run().status()).isZero();
    assertThat(got.run().stderr().lines())
        .as("one line on stderr")
        .singleElement()
        .asString()
        .startsWith("uvm4j: out of memory: killed");
    assertThat(got.audit()).isEmpty();
  }

  @Test
  void cliRunsWithSwapAndReportsPagingCounters() throws Exception {
    Path swap = dir.resolve("cli.swap");
    GuestRun got =
        Uvm4jRuns.cli(
            List.of(
                "run",
                "--ram",
                "16M",
                "--swap",
                swap.toString(),
                "--swap-size",
                "256M",
                "--stats",
                Guests.binary("swap_big").toString()));
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stdout()).endsWith("swap_big: ok\n");
    List<String> stats = got.stderr().lines().toList();
    for (String counter : List.of("pageins", "pdpageouts", "pdfreed", "pgswapout")) {
      assertThat(stats).anyMatch(l -> l.startsWith(counter + " ") && !l.equals(counter + " 0"));
    }
    assertThat(stats).anyMatch(l -> l.startsWith("swpginuse "));
    assertThat(stats).anyMatch(l -> l.startsWith("swpgonly "));
    assertThat(swap).doesNotExist();
  }
}
