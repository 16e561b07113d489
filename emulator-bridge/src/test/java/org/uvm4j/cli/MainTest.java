package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;

/** The CLI's parsing, validation and exit codes, with a recording runner instead of the kernel. */
class MainTest {
  @TempDir Path dir;

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final List<RunRequest> requests = new ArrayList<>();
  int guestStatus;
  GuestRunner.RunFailure failure;

  int run(String... args) {
    GuestRunner runner =
        (request, errStream) -> {
          requests.add(request);
          if (failure != null) {
            throw failure;
          }
          return guestStatus;
        };
    return Main.execute(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        runner);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  Path program() throws IOException {
    Path p = dir.resolve("prog");
    Files.write(p, new byte[] {0x7f, 'E', 'L', 'F'});
    return p;
  }

  @Test
  void runPassesDefaultsProgramAndArguments() throws IOException {
    Path p = program();
    guestStatus = 3;
    assertThat(run("run", p.toString(), "a", "-b", "--stats")).isEqualTo(3);
    assertThat(requests).hasSize(1);
    RunRequest r = requests.get(0);
    assertThat(r.ramBytes()).isEqualTo(128L << 20);
    assertThat(r.swapFile()).isNull();
    assertThat(r.swapBytes()).isZero();
    assertThat(r.stats()).isFalse();
    assertThat(r.program()).isEqualTo(p);
    assertThat(r.argv()).containsExactly(p.toString(), "a", "-b", "--stats");
    assertThat(err()).isEmpty();
  }

  @Test
  void optionsBeforeTheProgramConfigureTheMachine() throws IOException {
    Path p = program();
    Path swap = dir.resolve("swap");
    assertThat(
            run(
                "run",
                "--ram",
                "16M",
                "--swap",
                swap.toString(),
                "--swap-size",
                "8m",
                "--stats",
                "--",
                p.toString(),
                "--ram"))
        .isZero();
    RunRequest r = requests.get(0);
    assertThat(r.ramBytes()).isEqualTo(16L << 20);
    assertThat(r.swapFile()).isEqualTo(swap);
    assertThat(r.swapBytes()).isEqualTo(8L << 20);
    assertThat(r.stats()).isTrue();
    assertThat(r.argv()).containsExactly(p.toString(), "--ram");
  }

  @Test
  void deterministicIsOffByDefaultAndAnOptionBeforeTheProgram() throws IOException {
    Path p = program();
    assertThat(run("run", p.toString(), "--deterministic")).isZero();
    assertThat(requests.get(0).deterministic()).isFalse();
    assertThat(requests.get(0).argv()).containsExactly(p.toString(), "--deterministic");
    assertThat(run("run", "--deterministic", p.toString())).isZero();
    assertThat(requests.get(1).deterministic()).isTrue();
  }

  @Test
  void backendDefaultsToAutoAndTakesJnaOrFfm() throws IOException {
    Path p = program();
    assertThat(run("run", p.toString())).isZero();
    assertThat(requests.get(0).backend()).isEqualTo(BackendKind.AUTO);
    assertThat(run("run", "--backend", "jna", p.toString())).isZero();
    assertThat(requests.get(1).backend()).isEqualTo(BackendKind.JNA);
    assertThat(err()).isEmpty();
  }

  @Test
  void ffmIsAcceptedExactlyWhenThisJvmHasIt() throws IOException {
    Path p = program();
    String why = CpuBackends.ffmUnavailableReason();
    int status = run("run", "--backend", "FFM", p.toString());
    if (why == null) {
      assertThat(status).isZero();
      assertThat(requests.get(0).backend()).isEqualTo(BackendKind.FFM);
      assertThat(err()).isEmpty();
    } else {
      assertThat(status).isEqualTo(125);
      assertThat(requests).isEmpty();
      assertThat(err().lines()).hasSize(1);
      assertThat(err()).startsWith("uvm4j: --backend ffm is unavailable: ").contains(why);
    }
  }

  @Test
  void anUnknownBackendExits125WithOneLine() throws IOException {
    assertThat(run("run", "--backend", "jni", program().toString())).isEqualTo(125);
    assertThat(err())
        .isEqualTo("uvm4j: unknown backend 'jni': use jna, ffm or auto (the default)\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void cpusDefaultsToOneAndIsCheckedForRange() throws IOException {
    String p = program().toString();
    assertThat(run("run", p)).isZero();
    assertThat(requests.get(0).cpus()).isEqualTo(1);
    assertThat(run("run", "--cpus", "2", p)).isZero();
    assertThat(requests.get(1).cpus()).isEqualTo(2);
    assertThat(run("run", "--cpus=1024", p)).isZero();
    assertThat(requests.get(2).cpus()).isEqualTo(1024);
    assertThat(err()).isEmpty();
    for (String bad : List.of("0", "-1", "1025")) {
      err.reset();
      assertThat(run("run", "--cpus", bad, p)).as(bad).isEqualTo(125);
      assertThat(err()).isEqualTo("uvm4j: --cpus " + bad + " is out of range: use 1 to 1024\n");
    }
    err.reset();
    assertThat(run("run", "--cpus", "two", p)).isEqualTo(125);
    assertThat(err()).contains("--cpus").hasLineCount(1);
    assertThat(requests).hasSize(3);
  }

  @Test
  void swapWithoutASizeGetsTheDefault() throws IOException {
    Path p = program();
    assertThat(run("run", "--swap", dir.resolve("s").toString(), p.toString())).isZero();
    assertThat(requests.get(0).swapBytes()).isEqualTo(RunCommand.DEFAULT_SWAP);
  }

  @Test
  void aMissingProgramExits127WithOneLine() {
    assertThat(run("run", dir.resolve("nothing").toString())).isEqualTo(127);
    assertThat(err()).isEqualTo("uvm4j: " + dir.resolve("nothing") + ": no such file\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void aDirectoryIsNotRunnable() {
    assertThat(run("run", dir.toString())).isEqualTo(126);
    assertThat(err()).contains("is a directory").hasLineCount(1);
  }

  @Test
  void runnerFailuresMapToTheirExitCodes() throws IOException {
    Path p = program();
    failure = new GuestRunner.RunFailure(126, p + ": not a static x86-64 ELF executable", null);
    assertThat(run("run", p.toString())).isEqualTo(126);
    assertThat(err()).isEqualTo("uvm4j: " + p + ": not a static x86-64 ELF executable\n");

    err.reset();
    failure = new GuestRunner.RunFailure(125, "machine error: boom", null);
    assertThat(run("run", p.toString())).isEqualTo(125);
    assertThat(err()).isEqualTo("uvm4j: machine error: boom\n");
  }

  @Test
  void signalStatusesPassThrough() throws IOException {
    guestStatus = 128 + 11;
    assertThat(run("run", program().toString())).isEqualTo(139);
  }

  @Test
  void badOptionValuesExit125WithOneLine() throws IOException {
    String p = program().toString();
    assertThat(run("run", "--ram", "lots", p)).isEqualTo(125);
    assertThat(err()).contains("'lots' is not a size").hasLineCount(1);
    err.reset();
    assertThat(run("run", "--ram", "100K", p)).isEqualTo(125);
    assertThat(err()).contains("out of range").hasLineCount(1);
    err.reset();
    assertThat(run("run", "--ram", "2T", p)).isEqualTo(125);
    assertThat(err()).contains("out of range: use 1M to 1T").hasLineCount(1);
    err.reset();
    assertThat(run("run", "--ram", "1048577", p)).isEqualTo(125);
    assertThat(err()).contains("4 KiB pages").hasLineCount(1);
    err.reset();
    assertThat(run("run", "--swap-size", "1M", p)).isEqualTo(125);
    assertThat(err()).contains("--swap-size needs --swap").hasLineCount(1);
    err.reset();
    assertThat(run("run", "--swap", dir.toString(), p)).isEqualTo(125);
    assertThat(err()).contains("is a directory").hasLineCount(1);
    err.reset();
    assertThat(run("run", "--swap", dir.resolve("s").toString(), "--swap-size", "100", p))
        .isEqualTo(125);
    err.reset();
    assertThat(run("run", "--bogus", p)).isEqualTo(125);
    assertThat(err()).contains("--bogus");
    err.reset();
    assertThat(run("run")).isEqualTo(125);
    assertThat(err()).contains("PROGRAM");
    err.reset();
    assertThat(run()).isEqualTo(125);
    assertThat(err()).contains("missing command");
    assertThat(requests).isEmpty();
  }

  @Test
  void versionNamesUvm4jAndLibunicorn() {
    assertThat(run("--version")).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("uvm4j ");
    assertThat(text).containsPattern("libunicorn 2\\.\\d+\\.\\d+ \\(.*libunicorn.*\\)");
  }

  @Test
  void helpExitsZero() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--ram").contains("PROGRAM");
  }

  /**
   * The programmatic model (no annotations) lists every option once, in declaration order with the
   * option groups after run's own, -h and -V last, PROGRAM required and ARGS optional.
   */
  @Test
  void helpListsEveryOptionOnceInDeclarationOrder() {
    assertThat(run("run", "--help")).isZero();
    List<String> optionLines =
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.matches("^ {2,6}(-\\w, )?--[a-z-]+.*"))
            .map(l -> l.strip().replaceFirst("^-\\w, ", "").split("[= ]")[0])
            .toList();
    assertThat(optionLines)
        .containsExactly(
            "--ram",
            "--swap",
            "--swap-force",
            "--swap-size",
            "--stats",
            "--deterministic",
            "--time-slice",
            "--clock-start",
            "--timeout",
            "--max-instructions",
            "--metadata-budget",
            "--cpus",
            "--backend",
            "--root",
            "--bind",
            "--trace",
            "--trace-format",
            "--trace-clock",
            "--trace-filter",
            "--log",
            "--log-file",
            "--maps",
            "--strace",
            "--strace-file",
            "--gdb",
            "--gdb-follow",
            "--summary",
            "--progress",
            "--audit",
            "--help",
            "--version");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--ram=SIZE")
        .contains("--bind=HOST:GUEST[:ro]")
        .contains(" PROGRAM [ARGS...]");
  }

  /**
   * Main leaves out picocli's built-in converters for java.sql and java.time types ({@link
   * Main#CONVERTER_EXCLUDES}): only right while no option needs one, i.e. every option or parameter
   * of such a type brings its own converter.
   */
  @Test
  void noOptionNeedsAConverterMainLeavesOut() {
    assertThat(run("run", "--help")).isZero();
    assertThat(System.getProperty(Main.CONVERTER_EXCLUDES_PROPERTY))
        .isEqualTo(Main.CONVERTER_EXCLUDES);
    List<picocli.CommandLine.Model.ArgSpec> args =
        new RunCommand((request, errStream) -> 0, System.err).spec().args();
    assertThat(args).hasSizeGreaterThan(20);
    for (picocli.CommandLine.Model.ArgSpec a : args) {
      List<Class<?>> types = new ArrayList<>(List.of(a.auxiliaryTypes()));
      types.add(a.type());
      for (Class<?> t : types) {
        boolean excluded =
            List.of(Main.CONVERTER_EXCLUDES.split(",")).stream()
                .anyMatch(regex -> t.getName().matches(regex));
        if (excluded) {
          assertThat(a.converters()).as("%s of type %s", a, t.getName()).isNotEmpty();
        }
      }
    }
  }

  @Test
  void durationAndClockOptionsStillConvert() throws IOException {
    Path p = program();
    assertThat(
            run(
                "run",
                "--time-slice",
                "2ms",
                "--timeout",
                "1m",
                "--clock-start",
                "2024-01-01T00:00:00Z",
                p.toString()))
        .isZero();
    RunRequest r = requests.get(0);
    assertThat(r.timeSlice()).isEqualTo(java.time.Duration.ofMillis(2));
    assertThat(r.timeout()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(r.clockStart().instant()).isEqualTo(java.time.Instant.parse("2024-01-01T00:00:00Z"));
  }
}
