package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every guest under uvm4j (through the kernel API) prints exactly what it prints natively and ends
 * with the same status; afterwards the system audit finds nothing left over.
 */
class GuestProgramsTest {
  static final List<String> GUESTS = Guests.ALL;

  @ParameterizedTest
  @FieldSource("GUESTS")
  void runsLikeNativelyAndLeavesNothingBehind(String name) throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary(name), Guests.args(name));

    Uvm4jRuns.Audited got = Uvm4jRuns.inProcess(Guests.binary(name), Guests.args(name));

    assertThat(got.run().stdout()).as(got.run().toString()).isEqualTo(expected.stdout());
    assertThat(got.run().status()).as(got.run().toString()).isEqualTo(expected.status());
    assertThat(got.run().stderr()).as(got.run().toString()).isEqualTo(expected.stderr());
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
    assertThat(got.kernel().stats().faults).isPositive();
  }
}
