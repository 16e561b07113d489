package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --maps} names entries as {@code /proc/PID/maps} does (the ELF's path, {@code [heap]},
 * {@code [stack]}), and {@code kill -USR1} of uvm4j prints every live process's map while the run
 * goes on.
 */
class MapsCliE2eTest {
  @TempDir Path tmp;

  @Test
  void entriesAreNamedLikeProcPidMaps() throws Exception {
    Path bin = Guests.binary("brk_malloc");
    GuestRun got = Uvm4jRuns.cli(List.of("run", "--maps", bin.toString()));
    assertThat(got.status()).as(got.toString()).isZero();
    List<String> lines = got.stderr().lines().toList();
    assertThat(lines)
        .as(got.toString())
        .anyMatch(
            l ->
                l.matches("0+400000-\\S+ +r--p .*" + java.util.regex.Pattern.quote(bin.toString())))
        .anyMatch(l -> l.matches(".* r-xp .*" + java.util.regex.Pattern.quote(bin.toString())))
        .anyMatch(l -> l.matches("\\S+ +rw-p .* \\[heap\\]"))
        .anyMatch(l -> l.matches("7fffff\\S+ +rw-p .* \\[stack\\]"));
  }

  @Test
  void aMemfdMappingIsNamedAsLinuxNamesIt() throws Exception {
    Path bin = Guests.binary("memfd_share");
    GuestRun got = Uvm4jRuns.cli(List.of("run", "--maps", bin.toString()));
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stderr().lines().toList())
        .as(got.toString())
        .anyMatch(l -> l.matches("\\S+ +rw-s .* /memfd:\\S+ \\(deleted\\)"));
  }

  @Test
  void sigusr1PrintsEveryProcessesMapAndTheRunGoesOn() throws Exception {
    Path bin = Guests.binary("bench_faults");
    Path strace = tmp.resolve("strace.txt");
    Path err = tmp.resolve("stderr.txt");
    List<String> cmd =
        Uvm4jRuns.cliCommand(
            List.of(
                "run",
                "--maps",
                "--strace-file",
                strace.toString(),
                bin.toString(),
                "compute",
                "100000"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile())
            .start();
    try {
      // the handler is installed before the guest starts: wait for the guest's first syscall
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((!Files.exists(strace) || Files.size(strace) == 0) && System.nanoTime() < deadline) {
        assertThat(p.isAlive()).as("uvm4j still running").isTrue();
        Thread.sleep(100);
      }
      String text = "";
      while (!text.contains("on request") && System.nanoTime() < deadline) {
        new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
        Thread.sleep(500);
        text = Files.readString(err);
      }
      assertThat(text).as(text).contains("maps of pid 1 (bench_faults) on request");
      assertThat(p.isAlive()).as("the run goes on after the maps").isTrue();
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
