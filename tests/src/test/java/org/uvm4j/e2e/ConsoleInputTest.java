package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Blocking host I/O blocks only the guest that waits for it: under {@code uvm4j run},
 * console_wait's child blocks reading stdin while the parent computes and prints. The test writes
 * stdin only after the parent's line came out, so if the child's read blocked the whole kernel,
 * that line would never come (the test would fail at its generous time limit, which is only a
 * guard).
 */
class ConsoleInputTest {
  @Test
  void aGuestReadingTheConsoleDoesNotStopTheOthers() throws Exception {
    List<String> cmd =
        Uvm4jRuns.cliCommand(List.of("run", Guests.binary("console_wait").toString()));
    Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                  lines.add(l);
                }
              } catch (java.io.IOException e) {
                lines.add("IOException " + e);
              }
              lines.add("<eof>");
            });
    reader.setDaemon(true);
    reader.start();
    try {
      String first = lines.poll(240, TimeUnit.SECONDS);
      assertThat(first)
          .as("the parent runs while its child waits for stdin")
          .startsWith("parent done");
      assertThat(lines).as("the child is still waiting").isEmpty();
      try (OutputStream in = proc.getOutputStream()) {
        in.write("hello\n".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(proc.waitFor(240, TimeUnit.SECONDS)).isTrue();
      List<String> rest = new ArrayList<>();
      String l;
      while (!"<eof>".equals(l = lines.poll(60, TimeUnit.SECONDS)) && l != null) {
        rest.add(l);
      }
      assertThat(rest).containsExactly("child read 6 bytes: hello", "", "child exited");
      assertThat(proc.exitValue()).isZero();
    } finally {
      proc.destroyForcibly();
    }
  }
}
