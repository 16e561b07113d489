package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * --timeout and --max-instructions as a user meets them (one line on stderr, exit 124), and
 * --time-slice.
 */
class RunLimitsCliTest {
  @Test
  void timeoutEndsASpinningGuestWithExit124AndOneLine() throws IOException {
    GuestRun r =
        Uvm4jRuns.cli(List.of("run", "--timeout", "1s", Guests.binary("spin_forever").toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(124);
    assertThat(r.stdout()).isEqualTo("spinning\n");
    assertThat(r.stderr().lines())
        .as(r.toString())
        .containsExactly("uvm4j: timed out after 1s (--timeout): every process killed");
  }

  @Test
  void maxInstructionsEndsTheRunWithExit124AndOneLine() throws IOException {
    GuestRun r =
        Uvm4jRuns.cli(
            List.of(
                "run", "--max-instructions", "2000000", Guests.binary("spin_forever").toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(124);
    assertThat(r.stderr().lines())
        .as(r.toString())
        .containsExactly(
            "uvm4j: instruction limit of 2000000 reached (--max-instructions): every process"
                + " killed");
  }

  @Test
  void aBadDurationIsAUsageError() throws IOException {
    GuestRun r =
        Uvm4jRuns.cli(List.of("run", "--timeout", "soon", Guests.binary("hello").toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(125);
    assertThat(r.stderr()).contains("'soon' is not a duration");
  }

  @Test
  void timeSliceTakesMicrosecondsAndPreemptsThatOften() throws IOException {
    GuestRun r =
        Uvm4jRuns.cli(
            List.of(
                "run",
                "--time-slice",
                "50us",
                "--stats",
                Guests.binary("preempt_rmw").toString(),
                "400000"));
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.stdout()).endsWith("all exact\n");
    long preemptions =
        r.stderr()
            .lines()
            .filter(l -> l.startsWith("kern_preemptions "))
            .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1).trim()))
            .findFirst()
            .orElseThrow();
    assertThat(preemptions).as(r.toString()).isGreaterThan(100);

    GuestRun bad =
        Uvm4jRuns.cli(List.of("run", "--time-slice", "500ns", Guests.binary("hello").toString()));
    assertThat(bad.status()).as(bad.toString()).isEqualTo(125);
    assertThat(bad.stderr()).contains("'500ns' is not a duration");
  }
}
