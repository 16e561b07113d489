package org.uvm4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The conformance suite's reading of a selftest's output. */
class KselftestCountsTest {
  @Test
  void theTotalsLineWinsOverTheOtherLines() {
    KselftestCounts c =
        KselftestCounts.parse(
            "TAP version 13\n[OK] x\nok 1 a\n# Totals: pass:16 fail:1 xfail:3 xpass:0 skip:2"
                + " error:0\n",
            1);
    assertThat(c).isEqualTo(new KselftestCounts(16, 1, 3, 0, 2, 0, 1, true));
  }

  @Test
  void withoutTotalsTheX86LinesAreCounted() {
    KselftestCounts c =
        KselftestCounts.parse("[RUN]\ta\n[OK]\tb\n[OK]\tc\n[FAIL]\td\n[SKIP]\te\n  [OK] no\n", 0);
    assertThat(c).isEqualTo(new KselftestCounts(2, 1, 0, 0, 1, 0, 0, false));
  }

  @Test
  void theExitStatusAloneTellsTwoRunsApart() {
    assertThat(KselftestCounts.parse("", 0)).isNotEqualTo(KselftestCounts.parse("", 1));
  }
}
