package org.uvm4j.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a duration as {@code timeout(1)} does: a positive decimal number with an optional unit
 * {@code us}, {@code ms}, {@code s} (the default), {@code m}, {@code h} or {@code d}, e.g. {@code
 * 10}, {@code 2.5s}, {@code 500ms}, {@code 50us}, {@code 1m}; at least one microsecond.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * The duration.
   *
   * @throws TypeConversionException naming the value and the accepted forms
   */
  public static Duration parse(String value) {
    String s = value.trim().toLowerCase(Locale.ROOT);
    long unitNanos = 1_000_000_000L;
    String num = s;
    if (s.endsWith("ms")) {
      unitNanos = 1_000_000L;
      num = s.substring(0, s.length() - 2);
    } else if (s.endsWith("us")) {
      unitNanos = 1_000L;
      num = s.substring(0, s.length() - 2);
    } else if (!s.isEmpty() && "smhd".indexOf(s.charAt(s.length() - 1)) >= 0) {
      char u = s.charAt(s.length() - 1);
      unitNanos =
          switch (u) {
            case 'm' -> 60_000_000_000L;
            case 'h' -> 3_600_000_000_000L;
            case 'd' -> 86_400_000_000_000L;
            default -> 1_000_000_000L;
          };
      num = s.substring(0, s.length() - 1);
    }
    double n;
    try {
      if (num.isEmpty() || !num.matches("[0-9]*\\.?[0-9]*")) {
        throw new NumberFormatException(num);
      }
      n = Double.parseDouble(num);
    } catch (NumberFormatException e) {
      throw bad(value);
    }
    double nanos = n * unitNanos;
    if (!(nanos >= 1_000) || nanos > Long.MAX_VALUE / 2.0) {
      throw bad(value);
    }
    return Duration.ofNanos((long) nanos);
  }

  private static TypeConversionException bad(String value) {
    return new TypeConversionException(
        "'"
            + value
            + "' is not a duration: use a positive number with an optional unit us, ms, s, m, h"
            + " or d (at least 1us), e.g. 10, 2.5s, 500ms");
  }
}
