package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The console when it is a terminal: the {@code tty_console} guest under {@code script(1)}, which
 * gives it a pseudo-terminal as stdin, stdout, stderr and controlling terminal, natively and as
 * {@code uvm4j run} (whose console then is a terminal): TCGETS/TCSETS keep the settings, TIOCGWINSZ
 * answers, {@code /dev/tty} opens and writes to the terminal, and a non-blocking read of it with
 * nothing typed is EAGAIN (the read goes through the console's host reader thread). The outputs are
 * compared byte for byte, the terminal's CR LF included.
 */
class TerminalConsoleTest {
  @Test
  void theConsoleAsATerminalAnswersAsANativeTerminal() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script")), "script(1) (util-linux) is not installed");
    String guest = Guests.binary("tty_console").toString();
    GuestRun expected = Guests.run(List.of("script", "-qec", guest, "/dev/null"), 60);
    assertThat(expected.status()).as(expected.toString()).isZero();
    assertThat(expected.stdout()).contains("written to /dev/tty\r\n");

    String uvm4j = String.join(" ", Uvm4jRuns.cliCommand(List.of("run", guest)));
    GuestRun got = Guests.run(List.of("script", "-qec", uvm4j, "/dev/null"), 120);
    assertThat(got).isEqualTo(expected);
  }
}
