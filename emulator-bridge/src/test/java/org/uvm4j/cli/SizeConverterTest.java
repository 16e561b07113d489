package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class SizeConverterTest {
  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "0, 0",
    "4K, 4096",
    "4k, 4096",
    "128M, 134217728",
    "128m, 134217728",
    "2G, 2147483648",
    "1g, 1073741824",
    "64G, 68719476736",
    "1T, 1099511627776",
    "2tib, 2199023255552",
    "64KB, 65536",
    "64KiB, 65536",
    "3MiB, 3145728",
    "' 16M ', 16777216"
  })
  void parsesNumbersWithBinarySuffixes(String text, long bytes) {
    assertThat(SizeConverter.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "M", "-1M", "1.5G", "12X", "0x100", "1MM", "K4", "99999999999999999999"})
  void rejectsWhatIsNotASize(String text) {
    assertThatThrownBy(() -> SizeConverter.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void rejectsOverflow() {
    assertThatThrownBy(() -> SizeConverter.parse("9000000000000G"))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> SizeConverter.parse("9000000T")).hasMessageContaining("too large");
  }
}
