package org.uvm4j.cli;

import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of {@code --clock-start}: what the guest's CLOCK_REALTIME reads at boot. {@code now} is
 * the host's wall clock when the run starts ({@link #HOST}, whose {@link #instant()} is null);
 * otherwise an ISO-8601 instant ({@code 2024-01-01T00:00:00Z}) or {@code @SECONDS} since 1970, as
 * {@code date -d @SECONDS} reads it.
 *
 * @param instant the fixed start, or null for the host's wall clock
 */
public record ClockStart(Instant instant) {
  /** The host's wall clock at boot ({@code --clock-start now}). */
  public static final ClockStart HOST = new ClockStart(null);

  /** Parses {@code --clock-start}'s value. */
  public static final class Converter implements ITypeConverter<ClockStart> {
    @Override
    public ClockStart convert(String value) {
      return parse(value);
    }
  }

  /**
   * The start the value names.
   *
   * @throws TypeConversionException naming the value and the accepted forms
   */
  public static ClockStart parse(String value) {
    String s = value.trim();
    if (s.equals("now")) {
      return HOST;
    }
    try {
      if (s.startsWith("@")) {
        return new ClockStart(Instant.ofEpochSecond(Long.parseLong(s.substring(1))));
      }
      return new ClockStart(Instant.parse(s));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a clock start: use now, an ISO-8601 instant (2024-01-01T00:00:00Z)"
              + " or @SECONDS since 1970");
    }
  }
}
