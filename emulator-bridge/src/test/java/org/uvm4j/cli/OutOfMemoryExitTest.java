package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An OutOfMemoryError that escapes the run ends it with exit 125 and one line, no stack trace. */
class OutOfMemoryExitTest {
  @TempDir Path dir;

  @Test
  void anEscapedOutOfMemoryErrorIsOneLineAndExit125() throws Exception {
    Path prog = dir.resolve("prog");
    Files.write(prog, new byte[] {0x7f, 'E', 'L', 'F'});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    GuestRunner runner =
        (request, errStream) -> {
          throw new OutOfMemoryError("Java heap space");
        };
    int status =
        Main.execute(
            new String[] {"run", prog.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            runner);
    assertThat(status).isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .asString()
        .startsWith("uvm4j: the JVM ran out of memory (Java heap space)");
  }
}
