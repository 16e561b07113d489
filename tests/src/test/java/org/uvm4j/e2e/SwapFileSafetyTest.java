package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The swap file as a user meets it through the CLI: a file holding data is refused (one line, exit
 * 125) unless {@code --swap-force}, a created file is private (0600) and is removed when uvm4j is
 * stopped by SIGTERM or SIGINT in the middle of a run.
 */
class SwapFileSafetyTest {
  @TempDir Path dir;

  @Test
  void refusesAFileHoldingDataWithOneLineAndLeavesItIntact() throws IOException {
    Path swap = dir.resolve("notes.txt");
    byte[] data = new byte[8192];
    Arrays.fill(data, (byte) 'x');
    Files.write(swap, data);
    GuestRun r =
        Uvm4jRuns.cli(List.of("run", "--swap", swap.toString(), Guests.binary("hello").toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(125);
    assertThat(r.stderr().lines())
        .as(r.toString())
        .singleElement()
        .asString()
        .startsWith("uvm4j: swap file " + swap + " already exists and holds 8192 bytes")
        .contains("--swap-force");
    assertThat(r.stdout()).isEmpty();
    assertThat(Files.readAllBytes(swap)).isEqualTo(data);
  }

  @Test
  void swapPathErrorsAreOneLine() throws IOException {
    GuestRun r =
        Uvm4jRuns.cli(
            List.of(
                "run",
                "--swap",
                dir.resolve("no/such/dir/swap").toString(),
                Guests.binary("hello").toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(125);
    assertThat(r.stderr().lines())
        .as(r.toString())
        .singleElement()
        .asString()
        .startsWith("uvm4j: cannot create swap file")
        .doesNotContain("internal error")
        .doesNotContain("Exception");
  }

  @Test
  void forcedFileIsUsedAndEmptiedAtExit() throws IOException {
    Path swap = dir.resolve("old-swap");
    Files.write(swap, new byte[1 << 20]);
    GuestRun r =
        Uvm4jRuns.cli(
            List.of(
                "run",
                "--swap",
                swap.toString(),
                "--swap-size",
                "1M",
                "--swap-force",
                Guests.binary("hello").toString()));
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(swap).exists();
    assertThat(Files.size(swap)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void sigtermAndSigintRemoveTheSwapFileOfARunningGuest(String signal) throws Exception {
    // a process started in the background by a non-interactive shell (`cmd &`) ignores SIGINT,
    // and so does every process it starts, uvm4j included, as the JVM keeps an ignored SIGINT
    // ignored: then there is nothing to test for SIGINT
    assumeFalse(
        signal.equals("INT") && sigintIgnoredHere(),
        "SIGINT is ignored by this test's JVM (started in the background by a shell), so the"
            + " uvm4j it starts ignores it too");
    Path swap = dir.resolve("swap-" + signal);
    List<String> cmd =
        new ArrayList<>(
            Uvm4jRuns.cliCommand(
                List.of(
                    "run", "--swap", swap.toString(), Guests.binary("spin_forever").toString())));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("spinning");
      assertThat(Files.getPosixFilePermissions(swap))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("uvm4j ends on SIG" + signal).isTrue();
      assertThat(swap).as("removed after SIG" + signal).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  /** Whether this JVM's SIGINT is ignored ({@code SigIgn} in /proc/self/status, bit 1). */
  private static boolean sigintIgnoredHere() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (mask & (1L << (2 - 1))) != 0;
      }
    }
    return false;
  }

  @Test
  void anEmptyProgramNameIsNotFoundAsInAShell() throws IOException {
    GuestRun r = Uvm4jRuns.cli(List.of("run", ""));
    assertThat(r.status()).as(r.toString()).isEqualTo(127);
    assertThat(r.stderr().lines()).singleElement().asString().contains("command not found");
  }
}
