package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The values --clock-start accepts. */
class ClockStartParseTest {
  @Test
  void nowInstantsAndSeconds() {
    assertThat(ClockStart.parse("now")).isEqualTo(ClockStart.HOST);
    assertThat(ClockStart.parse("now").instant()).isNull();
    assertThat(ClockStart.parse("2024-01-01T00:00:00Z").instant())
        .isEqualTo(Instant.ofEpochSecond(1_704_067_200L));
    assertThat(ClockStart.parse("@1600000000").instant())
        .isEqualTo(Instant.ofEpochSecond(1_600_000_000L));
    assertThat(ClockStart.parse(" @0 ").instant()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void anythingElseIsRefusedNamingTheForms() {
    for (String bad : new String[] {"", "soon", "@", "@1.5", "2024-01-01", "@x"}) {
      assertThatThrownBy(() -> ClockStart.parse(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("is not a clock start")
          .hasMessageContaining("ISO-8601");
    }
  }
}
