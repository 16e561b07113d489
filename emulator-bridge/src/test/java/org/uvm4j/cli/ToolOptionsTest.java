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

/** --strace, --strace-file, --gdb and --gdb-follow reach the run request, or fail clearly. */
class ToolOptionsTest {
  @TempDir Path dir;

  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final List<RunRequest> requests = new ArrayList<>();

  int run(String... args) {
    return Main.execute(
        args,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        (request, errStream) -> {
          requests.add(request);
          return 0;
        });
  }

  Path program() throws IOException {
    Path p = dir.resolve("prog");
    Files.write(p, new byte[] {0x7f, 'E', 'L', 'F'});
    return p;
  }

  @Test
  void noToolByDefault() throws IOException {
    assertThat(run("run", program().toString())).isZero();
    assertThat(requests.get(0).tools().strace()).isNull();
    assertThat(requests.get(0).tools().gdb()).isNull();
  }

  @Test
  void straceGoesToStderrOrToTheFile() throws IOException {
    assertThat(run("run", "--strace", program().toString())).isZero();
    assertThat(requests.get(0).tools().strace()).isNotNull();
    assertThat(requests.get(0).tools().closeStrace()).isFalse();
    Path file = dir.resolve("trace.txt");
    assertThat(run("run", "--strace-file", file.toString(), program().toString())).isZero();
    assertThat(requests.get(1).tools().closeStrace()).isTrue();
    requests.get(1).tools().strace().close();
    assertThat(file).exists();
  }

  @Test
  void aStraceFileThatCannotBeCreatedIsAUsageError() throws IOException {
    Path bad = dir.resolve("no/such/dir/trace.txt");
    assertThat(run("run", "--strace-file", bad.toString(), program().toString())).isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("uvm4j: --strace-file");
    assertThat(requests).isEmpty();
  }

  @Test
  void gdbListensOnThePortAndBadValuesAreUsageErrors() throws IOException {
    assertThat(run("run", "--gdb", "0", program().toString())).isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--gdb 0: a TCP port is 1 to 65535");
    assertThat(run("run", "--gdb", "1", "--gdb-follow", "sideways", program().toString()))
        .isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--gdb-follow sideways");
    assertThat(requests).isEmpty();
  }
}
